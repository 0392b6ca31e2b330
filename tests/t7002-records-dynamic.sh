#!/bin/bash
# t7002: every record at the old host moves (issue 16 items 2 and 4).  alice's
# MX goes through an in-zone name (MX 10 mail, mail A = charon) and an ftp A
# points at charon; alice.test is made dynamic (allow-update with a key).
# check names the zone dynamic and the records that move; prep.ttl, phase2.1
# and phase2.2 move ftp and mail with the planned names, the MX keeps its
# preference and is never doubled; the change survives rndc sync and a
# reload; rollback puts every record back.  Ends with a lab reset.
. "$(dirname "$0")/lib.sh"
require_lab

NS="192.0.2.10 192.0.2.20 192.0.2.30"
ZF=/etc/bind/zones/db.alice.test
KEY=/etc/bind/t7002.key

# NAME TYPE WANT : every nameserver answers exactly WANT (short form)
all_answer() {
	for a in $NS; do
		test "$(dig_at $a "$1" "$2")" = "$3" || return 1
	done
}

test_expect_success 'seed: alice MX through mail.alice.test, ftp at charon, alice.test dynamic' '
	lab_reset &&
	lab charon sed -i -e "s/^	IN	MX	10 charon.nekodojo.test./	IN	MX	10 mail/" \
		-e "s/2099123101/2099123102/" $ZF &&
	printf "mail\tIN\tA\t192.0.2.10\nftp\tIN\tA\t192.0.2.10\n" | lab charon sh -c "cat >>$ZF" &&
	lab charon rndc reload alice.test >/dev/null &&
	lab charon sh -c "tsig-keygen t7002 >$KEY && chgrp bind $KEY && chmod 640 $KEY &&
		echo \"include \\\"$KEY\\\";\" >>/etc/bind/named.conf.local &&
		sed -i \"/file .\/etc\/bind\/zones\/db.alice.test.;/a allow-update { key t7002; };\" \
			/etc/bind/named.conf.local && rndc reconfig" &&
	retry_until 20 all_answer ftp.alice.test A 192.0.2.10 &&
	retry_until 20 all_answer alice.test MX "10 mail.alice.test." &&
	lab charon rndc zonestatus alice.test | grep -qx "dynamic: yes"
'

test_expect_success 'check: alice.test is dynamic; mail and ftp move with alice' '
	ferry_client check alice >check.out 2>&1 &&
	test_grep "zone alice.test .* named: dynamic (freeze, edit, thaw)" check.out &&
	test_grep "alice.test: alice: also at the old host, moved with the account: .*mail.alice.test A in phase2.2" check.out &&
	test_grep "ftp.alice.test A in phase2.1" check.out
'

test_expect_success 'plan --diff: ftp and mail TTLs lowered and moved, no MX at neko-base' '
	ferry_client plan --diff alice >plan.out 2>&1 &&
	test_grep "^    +ftp	IN	A	192.0.2.20" plan.out &&
	test_grep "^    +mail	IN	A	192.0.2.20" plan.out &&
	test_grep "^    +mail	2	IN	A	192.0.2.10" plan.out &&
	! grep "^    +.*MX.*neko-base" plan.out
'

test_expect_success 'a dynamic update lands in the journal before the cut-over' '
	printf "server 127.0.0.1\nzone alice.test\nupdate add dyn.alice.test 5 A 192.0.2.77\nsend\n" |
		lab charon nsupdate -k $KEY &&
	retry_until 20 all_answer dyn.alice.test A 192.0.2.77
'

test_expect_success 'prep.ttl, phase2.1, phase2.2: ftp and mail at neko-base on every server' '
	ferry_client run --step prep.ttl alice >run.out 2>&1 &&
	ferry_client run --yes --step phase2.1 alice >>run.out 2>&1 &&
	ferry_client run --yes --step phase2.2 alice >>run.out 2>&1 &&
	all_answer ftp.alice.test A 192.0.2.20 &&
	all_answer mail.alice.test A 192.0.2.20 &&
	all_answer www.alice.test A 192.0.2.20 &&
	all_answer alice.test MX "10 mail.alice.test." &&
	all_answer dyn.alice.test A 192.0.2.77
'

test_expect_success 'the MX keeps preference 10 and is not doubled at neko-base' '
	for a in $NS; do
		dig_at $a alice.test MX >mx.$a &&
		test "$(wc -l <mx.$a)" = 1 &&
		! grep -q neko-base mx.$a || return 1
	done
'

test_expect_success 'the edit survives rndc sync and a reload of named' '
	lab charon rndc sync -clean alice.test &&
	lab charon rndc reload >/dev/null &&
	sleep 1 &&
	lab charon grep -q "^ftp.*192.0.2.20" $ZF &&
	all_answer ftp.alice.test A 192.0.2.20 &&
	all_answer mail.alice.test A 192.0.2.20 &&
	all_answer dyn.alice.test A 192.0.2.77 &&
	lab charon rndc zonestatus alice.test | grep -qx "frozen: no"
'

test_expect_success 'rollback: every moved record back at charon, one MX' '
	ferry_client rollback alice >rb.out 2>&1 &&
	all_answer ftp.alice.test A 192.0.2.10 &&
	all_answer mail.alice.test A 192.0.2.10 &&
	all_answer www.alice.test A 192.0.2.10 &&
	all_answer alice.test MX "10 mail.alice.test." &&
	all_answer dyn.alice.test A 192.0.2.77 &&
	lab charon rndc zonestatus alice.test | grep -qx "dynamic: yes"
'

test_expect_success 'dns-leave keeps ftp at charon: check, phase2.1 and the report name it' '
	lab client sh -c "sed \"/^\\[account alice\\]\$/a dns-leave = ftp.alice.test\" /root/lab/ferry.conf >/root/lab/t7002.conf" &&
	lab client /ferry/ferry -c /root/lab/t7002.conf check alice >leave.out 2>&1 &&
	test_grep "alice: left at the old host (dns-leave): ftp.alice.test A" leave.out &&
	! grep "moved with the account: .*ftp" leave.out &&
	lab client /ferry/ferry -c /root/lab/t7002.conf run --yes --step phase2.1 alice >leave.run 2>&1 &&
	all_answer www.alice.test A 192.0.2.20 &&
	all_answer ftp.alice.test A 192.0.2.10 &&
	lab client /ferry/ferry -c /root/lab/t7002.conf report alice >leave.report 2>&1 &&
	test_grep "^  dns: left at the old host (dns-leave): ftp.alice.test A\$" leave.report &&
	lab client /ferry/ferry -c /root/lab/t7002.conf rollback alice >leave.rb 2>&1 &&
	all_answer www.alice.test A 192.0.2.10
'

test_expect_success 'a dns-leave name outside the domains is a config error' '
	lab client sh -c "sed \"/^\\[account alice\\]\$/a dns-leave = ftp.bob.test\" /root/lab/ferry.conf >/root/lab/t7002.conf" &&
	test_expect_code 2 lab client /ferry/ferry -c /root/lab/t7002.conf check alice >bad.out 2>&1 &&
	test_grep "dns-leave: .ftp.bob.test. is in none of the account.s domains" bad.out
'

test_expect_success 'the seed world back (lab reset)' '
	lab client rm -f /root/lab/t7002.conf &&
	lab_reset
'

test_done
