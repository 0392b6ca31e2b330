#!/bin/bash
# t7001: prep.3 and prep.ttl seen from each nameserver: the test name with the
# new serial everywhere, every other byte of the zone file kept, TTLs lowered
# to cutover-ttl, the TTL gate of a cut-over step, nothing changed twice, and
# a zone edit refused by its checker leaves the file and named as they were.
# Starts with a reset; alice's $TTL is raised to 60 s first, so that the gate
# the lowered TTL opens stays shut for the whole script.
. "$(dirname "$0")/lib.sh"
require_lab

NS="192.0.2.10 192.0.2.20 192.0.2.30"
ZDIR=/etc/bind/zones

# ADDR NAME TYPE : "TTL VALUE" lines of an authoritative answer (fails without aa)
answer_at() {
	lab client dig +norec +time=2 +tries=1 @"$1" "$2" "$3" >dig.out &&
	grep -q "flags: qr aa" dig.out &&
	awk -v n="$2." -v t="$3" '$1 == n && $4 == t { $1 = $3 = $4 = ""; print }' dig.out |
		sed 's/^ *//; s/   */ /'
}

answer_is() {
	test "$(answer_at "$1" "$2" "$3")" = "$4"
}

# ZONE : the serial each nameserver serves, one line per server
serials() {
	for a in $NS; do dig_at $a "$1" SOA | cut -d" " -f3 || return 1; done
}

test_expect_success 'a fresh seed world (lab reset); alice.test with $TTL 60' '
	lab_reset &&
	lab charon sed -i -e "s/^\\\$TTL 5\$/\$TTL 60/" -e "s/2099123101/2099123102/" \
		$ZDIR/db.alice.test &&
	lab charon rndc reload alice.test >/dev/null &&
	for a in $NS; do
		retry_until 20 answer_is $a alice.test A "60 192.0.2.10" || return 1
	done
'

test_expect_success 'prep.3: each nameserver answers test.alice.test with aa and one new serial' '
	lab charon cat $ZDIR/db.alice.test >before &&
	ferry_client run --step prep.3 alice >out 2>err &&
	for a in $NS; do
		test "$(answer_at $a test.alice.test A)" = "2 192.0.2.20" || return 1
	done &&
	serials alice.test >served &&
	test "$(sort -u served)" = 2099123103 && test "$(wc -l <served)" = 3
'

test_expect_success 'prep.3: only the serial line and the new line differ in the zone file' '
	lab charon cat $ZDIR/db.alice.test >after &&
	grep -v "; serial" before >b && grep -v "; serial" after | grep -v "^test	" >a &&
	test_cmp b a &&
	test "$(grep -c "^test	2	IN	A	192.0.2.20\$" after)" = 1 &&
	grep "; serial" after | grep -q "^		2099123103	; serial (date + two digits)\$" &&
	test "$(wc -l <after)" = $(($(wc -l <before) + 1))
'

test_expect_success 'prep.ttl: web A and MX records served with cutover-ttl 2 everywhere' '
	ferry_client run --step prep.ttl alice >out 2>err &&
	for a in $NS; do
		test "$(answer_at $a alice.test A)" = "2 192.0.2.10" &&
		test "$(answer_at $a www.alice.test A)" = "2 192.0.2.10" &&
		test "$(answer_at $a alice.test MX)" = "2 10 charon.nekodojo.test." || return 1
	done &&
	serials alice.test >served &&
	test "$(sort -u served)" = 2099123104
'

test_expect_success 'a gated step right after prep.ttl: --no-wait exits 3, status shows the time left' '
	test_expect_code 3 ferry_client run --no-wait --yes --step phase2.1 alice >out 2>err &&
	test_grep "^alice: phase2.1: waiting [0-9]* s more for the old TTL to pass" out &&
	ferry_client status alice >status &&
	test_grep "^  phase2.1 *waiting .* opens in [0-9]*s" status &&
	for a in $NS; do
		test "$(answer_at $a www.alice.test A)" = "2 192.0.2.10" || return 1
	done
'

test_expect_success 'a second run changes nothing; verify asks every server again' '
	lab charon sha256sum $ZDIR/db.alice.test >sum.before &&
	ferry_client run --step prep.3 alice >out 2>err &&
	ferry_client run --step prep.ttl alice >>out 2>>err &&
	ferry_client verify alice >verify.out 2>&1 &&
	test_grep "alice: prep.3: verified" verify.out &&
	test_grep "alice: prep.ttl: verified" verify.out &&
	lab charon sha256sum $ZDIR/db.alice.test >sum.after &&
	test_cmp sum.before sum.after &&
	serials alice.test >served &&
	test "$(sort -u served)" = 2099123104
'

test_expect_success 'zone-check fails: exit 1 naming prep.3, dave.test byte-identical, named serving it' '
	test_when_finished "lab client rm -f /root/lab/t7001.conf" &&
	lab client sh -c "sed \"/^\\[dns\\]\$/a zone-check = false %f\" /root/lab/ferry.conf >/root/lab/t7001.conf" &&
	lab charon sha256sum $ZDIR/db.dave.test >sum.before &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t7001.conf run --step prep.3 dave >out 2>err &&
	test_grep "^ferry: dave: prep.3: charon: the check of $ZDIR/db.dave.test.ferry-new failed" err &&
	lab charon sha256sum $ZDIR/db.dave.test >sum.after &&
	test_cmp sum.before sum.after &&
	test_expect_code 2 lab charon ls $ZDIR/db.dave.test.ferry-new 2>/dev/null &&
	serials dave.test >served &&
	test "$(sort -u served)" = 2099123101 && test "$(wc -l <served)" = 3 &&
	for a in $NS; do
		test "$(answer_at $a www.dave.test A)" = "5 192.0.2.10" &&
		test -z "$(answer_at $a test.dave.test A)" || return 1
	done
'

test_expect_success 'named-checkzone refuses a zone with a bad line: exit 1, file kept, named serving' '
	lab charon cat $ZDIR/db.dave.test >dave.orig &&
	printf "bad\tIN\tCNAME\twww\nbad\tIN\tA\t192.0.2.10\n" >bad.lines &&
	lab charon sh -c "cat >>$ZDIR/db.dave.test" <bad.lines &&
	lab charon sha256sum $ZDIR/db.dave.test >sum.before &&
	test_expect_code 1 ferry_client run --step prep.3 dave >out 2>err &&
	test_grep "^ferry: dave: prep.3: charon: the check of .*: .*CNAME and other data" err &&
	lab charon sha256sum $ZDIR/db.dave.test >sum.after &&
	test_cmp sum.before sum.after &&
	test "$(serials dave.test | sort -u)" = 2099123101 &&
	answer_is 192.0.2.10 www.dave.test A "5 192.0.2.10"
'

test_expect_success 'the zone mended; ns3 misses the NOTIFY: ferry retransfers there, prep.3 goes through' '
	lab charon sh -c "cat >$ZDIR/db.dave.test" <dave.orig &&
	lab charon cp /etc/bind/named.conf.local /root/named.conf.local.t7001 &&
	test_when_finished "lab charon sh -c \"cp /root/named.conf.local.t7001 /etc/bind/named.conf.local && rndc reload\"" &&
	lab charon sed -i "s/also-notify { 192.0.2.20; 192.0.2.30; };/also-notify { 192.0.2.20; };/" \
		/etc/bind/named.conf.local &&
	lab charon rndc reload >/dev/null &&
	ferry_client -v run --step prep.3 dave >out 2>err &&
	test_grep "^ferry: ns3: .rndc. .retransfer. .dave.test.\$" err &&
	for a in $NS; do
		test "$(answer_at $a test.dave.test A)" = "2 192.0.2.20" || return 1
	done &&
	test "$(serials dave.test | sort -u)" = 2099123102
'

test_done
