#!/bin/bash
# t8014: rollback --to PHASE undoes only the steps after PHASE.  alice is moved
# through phase 2; rollback --to phase1 takes DNS and the proxy back (every
# nameserver names the old host again, the old host serves the site itself)
# but keeps phase 1 (her mail still lands on the new host).  A second run
# moves her again; after the done steps, rollback --to phase2 leaves every
# phase 2 change in place.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab
TAG=t8014-$$
NS="192.0.2.10 192.0.2.20 192.0.2.30"

# answers NAME TYPE : what each nameserver says, one line each
answers() {
	local ns
	for ns in $NS; do echo "$ns $(dig_at $ns "$1" "$2")"; done
}

# states PHASE_PREFIX : "id state" of alice's steps whose id starts so
states() {
	ferry_client status --json alice | python3 -c "
import json, sys
for s in json.load(sys.stdin)[\"accounts\"][0][\"steps\"]:
    if s[\"id\"].startswith(\"$1\"): print(s[\"id\"], s[\"state\"])"
}

test_expect_success 'seed world; what DNS says before; alice moved through phase 2' '
	lab_reset &&
	answers www.alice.test A >a.seed && answers alice.test MX >mx.seed &&
	test "$(sort -u -k2 a.seed | wc -l)" = 1 && grep -q " 192.0.2.10$" a.seed &&
	lab charon runuser -u alice -- sh -c "echo $TAG old >~/public_html/$TAG.html" &&
	ferry_client run --yes --until phase2 alice >run.out 2>&1 &&
	answers www.alice.test A >a.moved &&
	! test_cmp a.seed a.moved >/dev/null &&
	fetch_pinned 192.0.2.20 www.alice.test / >/dev/null
'

test_expect_success 'rollback --to phase1: the phase 2 changes undone, newest first, checks reset, none before' '
	ferry_client rollback --to phase1 alice >rb.out 2>&1 &&
	grep "^alice: [a-z0-9.]*: undoing$" rb.out | cut -d" " -f2 | tr -d : >undone &&
	printf "%s\n" phase2.6 phase2.2 phase2.1 phase2.proxy >expect &&
	test_cmp expect undone &&
	sed -n "s/^ferry: alice: \([a-z0-9.]*\): cannot be undone; left as it is.*/\1/p" rb.out >checks &&
	printf "%s\n" phase2.5 phase2.3 >expect &&
	test_cmp expect checks &&
	states phase2 >st2 && ! grep -v " pending$" st2 &&
	states phase1 >st1 && ! grep -v -e " done$" -e " skipped$" st1 &&
	states prep >st0 && ! grep -v -e " done$" -e "^prep.cron skipped$" st0
'

test_expect_success 'outside: DNS names the old host again, which serves the site itself' '
	answers www.alice.test A >a.back && test_cmp a.seed a.back &&
	answers alice.test MX >mx.back && test_cmp mx.seed mx.back &&
	lab neko-base rm -f /home/alice/public_html/$TAG.html &&
	echo "$TAG old" >expect &&
	fetch_pinned 192.0.2.10 www.alice.test /$TAG.html >page &&
	test_cmp expect page
'

test_expect_success 'phase 1 kept: mail sent to the old host still lands on the new one' '
	send_mail 192.0.2.10 alice@alice.test "$TAG-kept" >/dev/null &&
	wait_in_spool neko-base alice "$TAG-kept" &&
	! lab charon grep -q "$TAG-kept" /var/spool/mail/alice
'

test_expect_success 'a new run moves her again, through the done steps' '
	ferry_client run --yes alice >run2.out 2>&1 &&
	answers www.alice.test A >a.again && test_cmp a.moved a.again &&
	states done >std && ! grep -v " done$" std
'

test_expect_success 'rollback --to phase2: only the done steps go back to pending; DNS stays' '
	ferry_client rollback --to phase2 alice >rb2.out 2>&1 &&
	test_grep "^ferry: alice: done.1: cannot be undone; left as it is" rb2.out &&
	! grep "phase2\\.[0-9a-z]*: undoing" rb2.out &&
	states done >std && ! grep -v " pending$" std &&
	states phase2 >st2 && ! grep -v " done$" st2 &&
	answers www.alice.test A >a.still && test_cmp a.moved a.still
'

test_expect_success 'rollback --to takes a phase name only (exit 2, nothing undone)' '
	test_expect_code 2 ferry_client rollback --to phase3 alice 2>err &&
	test_grep "to takes prep, phase1, phase2 or done" err &&
	states phase2 >st2 && ! grep -v " done$" st2
'

test_done
