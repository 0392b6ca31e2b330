#!/bin/bash
# t3002: prep.6 decides by measurement, never by a firewall script's text:
# a script that filters nothing (stock: `exit 0`, open ports in a comment)
# passes because carol logs in by ssh and sftp and writes files; the port
# is the one carol uses on charon (2222 added there: neko-base must listen
# on it too); without a key of ferry's for carol, sshd -T is asked and the
# writes are done as carol.  No reset: carol's account is made sure of with
# a journal of the script's own.
. "$(dirname "$0")/lib.sh"
require_lab

FW=/usr/local/adm/firewall/firewall
CONF=/root/lab/t3002.conf
PORTS=/etc/ssh/sshd_config.d/t3002.conf

# prep.6 measured afresh (a done step is not run again in the same journal)
prep6() {
	lab client rm -f /root/lab/t3002.db &&
	lab client /ferry/ferry -c $CONF run --step prep.6 carol
}

test_expect_success 'a config with firewall on neko-base, carol on neko-base' '
	lab client sh -c "sed -e \"s|^journal = .*|journal = /root/lab/t3002.db|\" \
		-e \"/^\\[host neko-base\\]\$/a firewall = $FW\" /root/lab/ferry.conf >$CONF" &&
	lab client grep -q "^firewall = $FW\$" $CONF &&
	lab client /ferry/ferry -c $CONF run --step prep.1 carol >out 2>err &&
	lab client /ferry/ferry -c $CONF run --step prep.2 carol >>out 2>>err
'

test_expect_success 'prep.6: a firewall script that filters nothing: carol logs in and writes' '
	printf "%s\n" "#!/bin/sh" "# open: ssh 80 25 53 (nothing is filtered here)" "exit 0" >fw.open &&
	lab neko-base sh -c "mkdir -p ${FW%/*} && cat >$FW" <fw.open &&
	prep6 >out 2>err &&
	test_grep "^carol: prep.6: done: carol logged in by ssh and sftp at 192.0.2.20 port 22 and wrote files" out &&
	lab neko-base grep -q "Accepted publickey for carol from 192.0.2.100" /var/log/auth.log &&
	! lab neko-base sh -c "ls -a /home/carol | grep -q ferry-access-test" &&
	lab neko-base cmp -s $FW - <fw.open
'

test_expect_success 'prep.6: carol uses port 2222 on charon, neko-base does not listen there: exit 1' '
	lab charon sh -c "printf \"Port 22\nPort 2222\n\" >$PORTS && /etc/init.d/ssh reload" >/dev/null &&
	test_expect_code 1 prep6 >out 2>err &&
	test_grep "^ferry: carol: prep.6: neko-base: sshd does not listen on port 2222, where charon" err
'

test_expect_success 'prep.6: neko-base listens on 2222 too: measured at both ports' '
	lab neko-base sh -c "printf \"Port 22\nPort 2222\n\" >$PORTS && /etc/init.d/ssh reload" >/dev/null &&
	prep6 >out 2>err &&
	test_grep "wrote files; carol logged in by ssh and sftp at 192.0.2.20 port 2222 and wrote files" out
'

test_expect_success 'prep.6: no key of ferry'"'"'s for carol: sshd -T asked, written as carol' '
	lab neko-base mv /home/carol/.ssh/authorized_keys /home/carol/.ssh/ak.t3002 &&
	prep6 >out 2>err;
	rc=$?;
	lab neko-base mv /home/carol/.ssh/ak.t3002 /home/carol/.ssh/authorized_keys &&
	test $rc = 0 &&
	test_grep "no key of ferry.s logs carol in, so sshd -T was asked" out
'

test_expect_success 'prep.6: sshd DenyUsers carol (no key): exit 1 naming it' '
	lab neko-base sh -c "echo \"DenyUsers carol\" >>$PORTS && /etc/init.d/ssh reload" >/dev/null &&
	lab neko-base mv /home/carol/.ssh/authorized_keys /home/carol/.ssh/ak.t3002 &&
	prep6 >out 2>err;
	rc=$?;
	lab neko-base mv /home/carol/.ssh/ak.t3002 /home/carol/.ssh/authorized_keys &&
	test $rc = 1 &&
	test_grep "^ferry: carol: prep.6: neko-base: sshd DenyUsers names carol" err
'

test_expect_success 'cleanup: sshd ports back, the firewall script and the config copy go' '
	lab charon sh -c "rm -f $PORTS && /etc/init.d/ssh reload" >/dev/null &&
	lab neko-base sh -c "rm -f $PORTS && /etc/init.d/ssh reload" >/dev/null &&
	lab neko-base rm -rf ${FW%/*} &&
	lab client rm -f $CONF /root/lab/t3002.db
'

test_done
