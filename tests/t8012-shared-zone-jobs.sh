#!/bin/bash
# t8012: web accounts whose names live in one shared zone (nekodojo.test,
# each account its own records) run prep.3 side by side with run --jobs 4.
# Their zone edits are queued in the journal and folded into the lock
# holder's edit: fewer serial steps and reloads than accounts, every record
# on every nameserver, the journal saying whose edit carried whose.  Rolling
# one account back takes out its record alone.  A lock holder killed between
# its edit and the reload loses nobody's request.  Starts from a fresh seed
# world (lab reset).
. "$(dirname "$0")/lib.sh"
require_lab
ZONE=nekodojo.test
ZF=/etc/bind/zones/db.$ZONE
FERRY_CONF=/root/lab/t8012.conf
DB=/root/lab/t8012.db
FIRST="w1 w2 w3 w4 w5 w6"
LATER="w7 w8 w9 w10"
NS="192.0.2.10 192.0.2.20 192.0.2.30"

serial() { dig_at "$1" $ZONE SOA | awk '{ print $3 }'; }
reloads() { lab charon sh -c 'grep -c "received control channel command .reload $1." /var/log/syslog || true' sh $ZONE; }
journal() { lab client sqlite3 "$DB" "$1"; }
# every account's test name served by every nameserver (they may lag a little);
# an empty list is a failure, never "all of none"
all_served() {
	local u ns
	[ $# -gt 0 ] || { echo "all_served: no account named" >&2; return 1; }
	for u in "$@"; do
		for ns in $NS; do
			retry_until 20 test "$(dig_at $ns test-$u.$ZONE A)" = 192.0.2.20 || return 1
		done
	done
}

test_expect_success 'seed world; ten web accounts named in one zone, none with mail' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	lab client sh -c "awk \"/^\\[account /{exit} /^journal *=/{next} {print}\" /root/lab/ferry.conf |
		sed \"s|^\\[migration\\]|[migration]\\njournal = $DB|\" >$FERRY_CONF &&
		for u in $FIRST $LATER; do printf \"\\n[account %s]\\nowner = %s@owners.test\\nservices = web\\ndomains = $ZONE\\nweb = %s.$ZONE\\ntest-name = test-%s.$ZONE\\n\" \$u \$u \$u \$u; done >>$FERRY_CONF" &&
	ferry_client plan w1 w10 >plan.out 2>&1 &&
	test "$(grep -c "^w[0-9]*  *prep.3  *pending" plan.out)" = 2 &&
	serial 192.0.2.10 >serial.before && reloads >reloads.before
'

test_expect_success 'run --jobs 4 through the zone-editing step of six accounts' '
	ferry_client run --jobs 4 --step prep.3 $FIRST >run.out 2>&1 &&
	ferry_client status --json $FIRST >status.json &&
	python3 -c "
import json
s = json.load(open(\"status.json\"))
st = [x for a in s[\"accounts\"] for x in a[\"steps\"] if x[\"id\"] == \"prep.3\"]
assert len(st) == 6 and all(x[\"state\"] == \"done\" for x in st), st
"
'

test_expect_success 'every account'\''s record is on every nameserver' '
	all_served $FIRST
'

test_expect_success 'the serial rose fewer times than there were accounts, and as often as named reloaded' '
	before=$(cat serial.before) && after=$(serial 192.0.2.10) &&
	rose=$((after - before)) && r=$(( $(reloads) - $(cat reloads.before) )) &&
	echo "serial rose $rose times, $r reloads, for 6 accounts" &&
	test $rose -ge 1 && test $rose -lt 6 && test $r -lt 6 && test $r = $rose &&
	for ns in $NS; do test "$(serial $ns)" = "$after" || return 1; done
'

test_expect_success 'named-checkzone is happy with the zone file' '
	lab charon named-checkzone $ZONE $ZF >check.out 2>&1 &&
	test_grep "^OK$" check.out
'

test_expect_success 'the journal says whose edit carried whose' '
	carried=$(journal "SELECT account FROM steps WHERE step = '\''prep.3'\'' AND detail LIKE '\''%carried by %'\''") &&
	batches=$(journal "SELECT detail FROM events WHERE kind = '\''dns.batch'\''") &&
	echo "carried: $carried; batches: $batches" &&
	test -n "$carried" && test -n "$batches" &&
	test "$(journal "SELECT count(*) FROM edit_queue WHERE state = '\''queued'\''")" = 0 &&
	for u in $carried; do
		printf "%s\n" "$batches" | grep -q "[ ,]$u prep.3" &&
		test "$(journal "SELECT count(*) FROM events WHERE kind = '\''dns.carried'\'' AND account = '\''$u'\''")" -ge 1 ||
		return 1
	done
'

test_expect_success 'rolling one account back takes out its record alone' '
	carried_one=$(journal "SELECT account FROM steps WHERE step = '\''prep.3'\'' AND detail LIKE '\''%carried by %'\'' LIMIT 1") &&
	ferry_client rollback "$carried_one" >rb.out 2>&1 &&
	for ns in $NS; do
		retry_until 20 test -z "$(dig_at $ns test-$carried_one.$ZONE A)" || return 1
	done &&
	all_served $(echo $FIRST | tr " " "\n" | grep -vx "$carried_one") &&
	lab charon named-checkzone $ZONE $ZF >check2.out 2>&1
'

test_expect_success 'a lock holder killed between edit and reload: the waiters apply, then it resumes' '
	test_expect_code 1 lab client env FERRY_FAULT=prep.3:mid-edit /ferry/ferry -c $FERRY_CONF \
		run --jobs 4 --step prep.3 $LATER >fault.out 2>&1 &&
	done_before=$(journal "SELECT account FROM steps WHERE step = '\''prep.3'\'' AND state = '\''done'\'' AND account IN ('\''w7'\'', '\''w8'\'', '\''w9'\'', '\''w10'\'')") &&
	echo "done despite the kill: $done_before" &&
	all_served $done_before &&
	ferry_client run --jobs 4 --step prep.3 $LATER >resume.out 2>&1 &&
	all_served $LATER &&
	test "$(journal "SELECT count(*) FROM edit_queue WHERE state = '\''queued'\''")" = 0 &&
	lab charon named-checkzone $ZONE $ZF >check3.out 2>&1
'

test_done
