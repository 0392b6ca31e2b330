#!/bin/bash
# t2001: `ferry check` from the client against the seed world: ssh to every
# host with one master each, rsync's path from the old host, programs,
# modules, paths, disk, and every nameserver asked; findings name the host.
. "$(dirname "$0")/lib.sh"
require_lab

# a copy of the seed ferry.conf in the client with one sed edit applied
edited_conf() {
	lab client sh -c "sed -e '$1' /root/lab/ferry.conf >/root/lab/t2001.conf"
}

test_expect_success 'check passes on the seed world' '
	ferry_client check >out 2>err &&
	test_grep "^ok charon: ssh root@192.0.2.10$" out &&
	test_grep "^ok neko-base: ssh root@192.0.2.20$" out &&
	test_grep "^ok ns3: ssh root@192.0.2.30$" out &&
	test_grep "^ok charon: ssh to root@192.0.2.20 (for rsync)$" out &&
	test_grep "^ok charon: apache module proxy_http_module" out &&
	test_grep "^ok neko-base: apache module userdir_module" out &&
	test_grep "^ok neko-base: /home has [0-9]* KiB free" out &&
	for ns in charon neko-base ns3; do
		test_grep "^ok $ns: alice.test authoritative, serial [0-9]*$" out || return 1
	done &&
	test ! -s err
'

test_expect_success '-q: nothing printed when everything passes' '
	ferry_client -q check alice >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success '-v: each remote command shown quoted, as sent' '
	ferry_client -v check carol >out 2>err &&
	test_grep "^ferry: charon: '\''true'\''$" err &&
	test_grep "^ferry: charon: '\''sh'\'' '\''-c'\'' " err
'

test_expect_success 'rsync path refused from the old host: finding, exit 1' '
	test_when_finished "lab client rm -f /root/lab/t2001.conf" &&
	edited_conf "s|^rsync-to = .*|rsync-to = nobody@192.0.2.20|" &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t2001.conf check carol >out 2>err &&
	test_grep "^ferry: check: charon: ssh to nobody@192.0.2.20 (for rsync) failed: " err
'

test_expect_success 'a host nobody answers for: finding, the others still checked' '
	test_when_finished "lab client rm -f /root/lab/t2001.conf" &&
	edited_conf "s|^ssh = root@192.0.2.30$|ssh = root@192.0.2.31|" &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t2001.conf check carol >out 2>err &&
	test_grep "^ferry: check: ns3: ssh root@192.0.2.31: " err &&
	test_grep "^ok neko-base: ssh root@192.0.2.20$" out
'

test_expect_success 'a missing zone file on the primary is named' '
	test_when_finished "lab client rm -f /root/lab/t2001.conf" &&
	edited_conf "s|^zone-file = .*|zone-file = /etc/bind/zones/nope.%z|" &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t2001.conf check carol >out 2>err &&
	test_grep "^ferry: check: charon: zone file of carol.test /etc/bind/zones/nope.carol.test does not exist$" err
'

test_expect_success 'ns3 sshd stopped: the finding names ns3, exit 1' '
	test_when_finished "lab ns3 /etc/init.d/ssh start >/dev/null" &&
	lab ns3 /etc/init.d/ssh stop >/dev/null &&
	test_expect_code 1 ferry_client check carol >out 2>err &&
	test_grep "^ferry: check: ns3: ssh root@192.0.2.30: .*refused" err &&
	test_grep "^ok neko-base: ssh root@192.0.2.20$" out
'

test_expect_success 'a program missing on ns3 (rndc hidden by /dev/null) is named with its host' '
	test_when_finished "lab ns3 umount /usr/sbin/rndc" &&
	lab ns3 mount --bind /dev/null /usr/sbin/rndc &&
	test_expect_code 1 ferry_client check carol >out 2>err &&
	test_grep "^ferry: check: ns3: reload: program rndc not found$" err
'

test_expect_success 'no ssh master and no ControlPath directory left behind' '
	test -z "$(lab client sh -c "pgrep -f Control[P]ath= || true")" &&
	test -z "$(lab client sh -c "ls -d /tmp/ferry-* /run/user/*/ferry-* 2>/dev/null || true")"
'

test_done
