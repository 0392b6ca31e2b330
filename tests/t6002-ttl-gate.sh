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

# measured twice: by ferry's journal, and by named on the primary (its log
# says when it loaded prep.ttl's zone and then phase1.5's; same clock)
test_expect_success 'phase1.5 changed the zone at least the old 20 s TTL after prep.ttl' '
	lab client sqlite3 /root/lab/ferry.db "SELECT step, finished FROM steps WHERE account = '\''bob'\''
		AND step IN ('\''prep.ttl'\'', '\''phase1.5'\''); SELECT key, value FROM kv WHERE account = '\''bob'\''
		AND key IN ('\''ttl.max_old'\'', '\''gate.phase1.5'\'')" >journal.out &&
	lab charon grep "named.*: zone bob.test/IN: loaded serial" /var/log/syslog >loads &&
	python3 -c "
import datetime
j = dict(l.strip().split(\"|\") for l in open(\"journal.out\"))
assert j[\"ttl.max_old\"] == \"20\", j
ttl, moved = float(j[\"prep.ttl\"]), float(j[\"phase1.5\"])
assert moved - ttl >= 20, (\"journal: phase1.5 done %.1f s after prep.ttl\" % (moved - ttl))
assert float(j[\"gate.phase1.5\"]) >= ttl + 20 - 1, j
t = [(int(l.split()[-1]), datetime.datetime.fromisoformat(l.split()[0]).timestamp()) for l in open(\"loads\")]
t = t[max(i for i, x in enumerate(t) if x[0] == 2099123109) + 1:]
assert len(t) == 2 and t[0][0] < t[1][0], t
assert t[0][1] <= ttl + 1, (\"prep.ttl zone loaded at %.1f, step done at %.1f\" % (t[0][1], ttl))
print(\"named loaded serial %d %.1f s after %d\" % (t[1][0], t[1][1] - t[0][1], t[0][0]))
assert t[1][1] - t[0][1] >= 20, t
"
'

test_expect_success 'the game'\''s name points at the new host on every nameserver' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns mush.bob.test A)" = 192.0.2.20 || return 1
	done
'

test_done
