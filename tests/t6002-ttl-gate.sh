#!/bin/bash
# t6002: a cut-over step behind its TTL gate waits, then runs, and the run
# goes on: bob's zone carries a 20 s TTL, prep.ttl lowers it, and the run
# that follows at once must wait out the old 20 s before phase1.5 moves the
# game's A record, then carry on through phase 2 and exit 0 (a step that had
# waited once ended the whole run with exit 1 and no word).  Starts with a reset.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
ZONE=/etc/bind/zones/db.bob.test

served_20() {
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(zone_serial $ns bob.test)" = 2099123109 || return 1
	done
}

test_expect_success 'a fresh seed world (lab reset); bob.test with a 20 s TTL everywhere' '
	lab_reset &&
	lab charon sed -i -e "s/^\\\$TTL 5\$/\$TTL 20/" -e "s/2099123101/2099123109/" $ZONE &&
	lab charon grep -q "^\\\$TTL 20\$" $ZONE &&
	lab charon rndc reload bob.test >/dev/null &&
	retry_until 30 served_20
'

test_expect_success 'prep, then phase 1 at once: phase1.5 waits for the old TTL' '
	ferry_client run --until prep bob >prep.out 2>&1 &&
	ferry_client run --yes --until phase2 bob >run.out 2>&1 &&
	test_grep "^bob: phase1.5: [0-9]* s left before the old TTL has passed" run.out
'

test_expect_success 'after the wait the step is done and the run went on through phase 2' '
	test_grep "^bob: phase1.5: done: " run.out &&
	ferry_client status --json bob >status.json &&
	python3 -c "
import json
a = json.load(open(\"status.json\"))[\"accounts\"][0]
left = [s[\"id\"] for s in a[\"steps\"] if s[\"id\"].startswith((\"prep\", \"phase1\", \"phase2\"))
        and s[\"state\"] not in (\"done\", \"skipped\")]
assert not left, left
"
'

test_expect_success 'the game'\''s name points at the new host on every nameserver' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns mush.bob.test A)" = 192.0.2.20 || return 1
	done
'

test_done
