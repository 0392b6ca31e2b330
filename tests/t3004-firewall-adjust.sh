#!/bin/bash
# t3004: the firewall script is adjusted only when ssh is measurably blocked.
# carol logs in at 2222 on charon; neko-base's sshd listens there too but
# its firewall script rejects 2222.  The dry run shows the line prep.6
# would add; prep.6 adds it, runs the script and measures carol's login at
# 2222; rollback puts the script back byte for byte and runs it, and 2222
# is rejected again.  Starts and ends with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

FW=/usr/local/adm/firewall/firewall
CONF=/root/lab/t3004.conf
PORTS=/etc/ssh/sshd_config.d/t3004.conf

# carol at port 2222 on neko-base, from the client, as herself
login_2222() {
	lab client ssh -o BatchMode=yes -o ConnectTimeout=5 -o HostKeyAlias=192.0.2.20 \
		-p 2222 carol@192.0.2.20 pwd
}

test_expect_success 'a fresh seed world; port 2222 on both sshds, rejected by neko-base'"'"'s script' '
	lab_reset &&
	for h in charon neko-base; do
		lab $h sh -c "printf \"Port 22\nPort 2222\n\" >$PORTS && /etc/init.d/ssh reload" \
			>/dev/null || return 1
	done &&
	printf "%s\n" "#!/bin/sh" "iptables -F INPUT" \
		"iptables -A INPUT -p tcp --dport 2222 -j REJECT" "exit 0" >fw.orig &&
	lab neko-base sh -c "mkdir -p ${FW%/*} && cat >$FW && chmod 755 $FW && $FW" <fw.orig &&
	lab client sh -c "sed -e \"s|^journal = .*|journal = /root/lab/t3004.db|\" \
		-e \"/^\\[host neko-base\\]\$/a firewall = $FW\" /root/lab/ferry.conf >$CONF" &&
	lab client /ferry/ferry -c $CONF run --step prep.1 carol >out 2>err &&
	lab client /ferry/ferry -c $CONF run --step prep.2 carol >>out 2>>err &&
	! login_2222
'

test_expect_success 'check names the blocked port, measured from the client' '
	test_expect_code 1 lab client /ferry/ferry -c $CONF check carol >out 2>err &&
	test_grep "^ferry: check: neko-base: ssh at 192.0.2.20 port 2222, measured from here: " err
'

test_expect_success 'run --dry-run shows the ACCEPT line and changes nothing' '
	lab client /ferry/ferry -c $CONF run --dry-run --yes carol >dry.out 2>&1 &&
	test_grep "^+++ neko-base:$FW" dry.out &&
	test_grep "^+iptables -I INPUT -p tcp --dport 2222 -j ACCEPT" dry.out &&
	lab neko-base cat $FW >fw.now && test_cmp fw.orig fw.now
'

test_expect_success 'prep.6 adjusts the script, runs it; carol gets in at 2222' '
	lab client /ferry/ferry -c $CONF run --step prep.6 carol >out 2>err &&
	test_grep "^carol: prep.6: done: $FW admits ssh port 2222 now; .*carol logged in by ssh and sftp at 192.0.2.20 port 2222" out &&
	test "$(login_2222)" = /home/carol &&
	lab neko-base sh -n $FW
'

test_expect_success 'rollback: the script byte for byte, run again: 2222 rejected' '
	lab client /ferry/ferry -c $CONF rollback carol >out 2>err &&
	lab neko-base cat $FW >fw.after &&
	test_cmp fw.orig fw.after &&
	! login_2222
'

test_expect_success 'cleanup: the seed world back' '
	lab neko-base iptables -F INPUT &&
	lab client rm -f $CONF /root/lab/t3004.db &&
	lab_reset
'

test_done
