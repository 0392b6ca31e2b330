#!/bin/bash
# t8005: SIGKILL at five random moments of a real run (alice: web + mail),
# each run resuming the last; the seed is printed (FERRY_SEED=N repeats a
# sequence).  Then the outside checks of an uninterrupted run hold.  Starts
# from a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
TAG=t8005-$$
SEED=${FERRY_SEED:-$(date +%s)}
RANDOM=$SEED
echo "# seed $SEED"

# run_and_kill SECONDS : ferry run for alice, SIGKILLed after SECONDS (if still running)
run_and_kill() {
	lab client sh -c 'echo $$ >/tmp/t8005.pid; exec /ferry/ferry -c "$1" run --yes alice' \
		sh "$FERRY_CONF" >run.out 2>&1 </dev/null &
	sleep "$1"
	lab client sh -c 'kill -9 "$(cat /tmp/t8005.pid)" 2>/dev/null && echo killed' >kill.out
	wait
}

test_expect_success 'seed world; a message waits in the old spool' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	send_mail 192.0.2.10 alice@alice.test "$TAG" >/dev/null &&
	wait_in_spool charon alice "$TAG"
'

test_expect_success 'five SIGKILLs spread over the run' '
	: >kills &&
	for i in 1 2 3 4 5; do
		t=$((2 + RANDOM % 8))
		run_and_kill $t
		echo "kill $i after $t s: $(cat kill.out) during: $(grep "^alice: " run.out | tail -n 1)" >>kills
	done &&
	sed "s/^/# /" kills >&3 &&
	test "$(grep -c ": killed during" kills)" -ge 3
' 3>&1

test_expect_success 'a last run finishes the migration with exit 0' '
	ferry_client run --yes alice >final.out 2>&1 &&
	ferry_client status --json alice >st.json &&
	! grep -E "\"state\": \"(pending|running|failed|waiting)\"" st.json
'

test_expect_success 'outside: every nameserver names the new host; the site is served there' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.alice.test A)" = 192.0.2.20 &&
		test "$(dig_at $ns alice.test MX)" = "10 neko-base.nekodojo.test." || return 1
	done &&
	fetch_pinned 192.0.2.10 alice.test /about.html >old.html &&
	fetch_pinned 192.0.2.20 alice.test /about.html >new.html &&
	test_cmp old.html new.html &&
	test "$(fetch_code 192.0.2.10 nekodojo.test /~alice/)" = "301 http://neko-base.nekodojo.test/~alice/"
'

test_expect_success 'the message is in the new spool once, not in the old' '
	test "$(lab neko-base grep -c "^Message-Id: <$TAG@" /var/spool/mail/alice)" = 1 &&
	! lab charon grep -q "$TAG" /var/spool/mail/alice
'

test_expect_success 'no line twice in any edited file; the zone serial bumped once per edit' '
	for h in charon neko-base; do
		no_dup_lines $h /usr/local/adm/apache/virtual.conf "Server(Name|Alias)|^# ferry" &&
		no_dup_lines $h /usr/local/adm/mail/virtusertable &&
		no_dup_lines $h /etc/mail/local-host-names || return 1
	done &&
	no_dup_lines charon /etc/bind/zones/db.alice.test &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(zone_serial $ns alice.test)" = 2099123106 || return 1
	done
'

test_expect_success 'journal integrity ok; no ferry, ssh master or mail lock left' '
	journal_ok && no_leftovers
'

test_done
