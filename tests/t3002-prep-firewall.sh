#!/bin/bash
# t3002: prep.6 with `firewall` set on the new host: a script that only drops
# ssh (or mentions port 22 in a comment) fails naming the file; a rule that
# admits ssh, even in a port list, is named.  No reset: carol's account and
# home are made sure of with a journal of the script's own.
. "$(dirname "$0")/lib.sh"
require_lab

FW=/usr/local/adm/firewall/firewall
CONF=/root/lab/t3002.conf

test_expect_success 'a config with firewall on neko-base, carol on neko-base' '
	lab client sh -c "sed -e \"s|^journal = .*|journal = /root/lab/t3002.db|\" \
		-e \"/^\\[host neko-base\\]\$/a firewall = $FW\" /root/lab/ferry.conf >$CONF" &&
	lab client grep -q "^firewall = $FW\$" $CONF &&
	lab client /ferry/ferry -c $CONF run --step prep.1 carol >out 2>err &&
	lab client /ferry/ferry -c $CONF run --step prep.2 carol >>out 2>>err
'

test_expect_success 'prep.6: ssh dropped, port 22 only in a comment: exit 1 naming the file' '
	printf "%s\n" "#!/bin/sh" "# --dport 22 was open once" \
		"iptables -A INPUT -p tcp --dport 2222 -j ACCEPT" \
		"iptables -A INPUT -p tcp --dport 22 -j DROP" >fw.drop &&
	lab neko-base sh -c "mkdir -p ${FW%/*} && cat >$FW" <fw.drop &&
	test_expect_code 1 lab client /ferry/ferry -c $CONF run --step prep.6 carol >out 2>err &&
	test_grep "^ferry: carol: prep.6: neko-base: no rule admitting ssh in $FW" err
'

test_expect_success 'prep.6: a rule admitting ssh in a port list is named' '
	echo "iptables -A INPUT -p tcp -m multiport --dports 80,22 -j ACCEPT" >>fw.drop &&
	lab neko-base sh -c "cat >$FW" <fw.drop &&
	lab client /ferry/ferry -c $CONF run --step prep.6 carol >out 2>err &&
	test_grep "^carol: prep.6: done: .*firewall rule 5:iptables .*--dports 80,22 -j ACCEPT" out
'

test_expect_success 'cleanup: the firewall script and the config copy go' '
	lab neko-base rm -rf ${FW%/*} &&
	lab client rm -f $CONF /root/lab/t3002.db
'

test_done
