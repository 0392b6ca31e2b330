#!/bin/bash
# t8008: one nameserver down during phase2.3: ferry waits for it, then stops
# naming it (and what it answered); the old host still serves the site
# through the nameservers that answer; with ns3 back, the run resumes and
# completes.  Starts from a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab

test_expect_success 'seed world; alice through phase 1, then phase2.proxy to phase2.2' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	ferry_client run --yes --until phase1 alice >p1.out 2>&1 &&
	for s in phase2.proxy phase2.1 phase2.2; do
		ferry_client run --yes --step $s alice >>p2.out 2>&1 || return 1
	done &&
	test "$(dig_at 192.0.2.30 www.alice.test A)" = 192.0.2.20
'

test_expect_success 'ns3 down: phase2.3 fails and names ns3' '
	lab ns3 sh -c "/etc/init.d/named stop </dev/null >/dev/null 2>&1" &&
	test_when_finished "lab ns3 sh -c \"/etc/init.d/named start </dev/null >/dev/null 2>&1\"" &&
	test_expect_code 1 ferry_client run --yes --until phase2 alice >ns.out 2>&1 &&
	test_grep "^ferry: alice: phase2.3: ns3 (192.0.2.30) " ns.out &&
	! grep -q "^alice: phase2.3: done" ns.out &&
	ferry_client status --json alice >st.json &&
	grep -q "\"id\": \"phase2.3\", \"state\": \"failed\"" st.json
'

test_expect_success 'the site is served meanwhile through every nameserver that answers' '
	for ns in 192.0.2.10 192.0.2.20; do
		a=$(dig_at $ns www.alice.test A) &&
		fetch_pinned "$a" www.alice.test /about.html >got.$ns || return 1
	done &&
	test_cmp got.192.0.2.10 got.192.0.2.20
'

test_expect_success 'ns3 back: the run resumes and completes' '
	retry_until 20 test -n "$(dig_at 192.0.2.30 alice.test SOA)" &&
	ferry_client run --yes alice >resume.out 2>&1 &&
	test_grep "^alice: phase2.3: done: served by 3 nameservers" resume.out &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.alice.test A)" = 192.0.2.20 || return 1
	done
'

test_done
