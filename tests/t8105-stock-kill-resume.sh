#!/bin/bash
# t8105: kill anywhere, resume, on the stock Debian world: alice (web, mail,
# ~alice on the default vhost) is migrated with ferry killed (FERRY_FAULT,
# SIGKILL) at one representative (step, point) pair per step kind, each run
# resuming the last; then the outside checks of an uninterrupted run.  The
# pairs are taken from `plan --json` as t8004 does.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_world stock
NS="$W_OLD_ADDR $W_NEW_ADDR $W_NS3_ADDR"
TAG=t8105-$$
PAIRS="prep.1:after-apply prep.3:mid-edit prep.4:after-apply prep.6:before-apply
phase1.3:before-apply phase1.7:after-apply phase1.8:mid-edit phase1.10:after-apply
phase2.proxy:mid-edit phase2.proxy:after-apply phase2.1:after-apply phase2.6:mid-edit
done.tidy:before-apply"

test_expect_success 'stock world; a message waits in the old spool; the pairs exist in the plan' '
	lab_reset &&
	send_mail "$W_OLD_ADDR" alice@alice.test "$TAG" >/dev/null &&
	wait_in_spool "$W_OLD" alice "$TAG" &&
	ferry_client plan --json alice >plan.json &&
	for p in $PAIRS; do
		grep -q "\"id\": \"${p%%:*}\"" plan.json || { echo "no step ${p%%:*}"; return 1; }
	done
'

test_expect_success 'ferry dies at every pair in turn and resumes from the journal' '
	: >missed &&
	for pair in $PAIRS; do
		ferry_fault "$pair" run --yes alice >run.out 2>&1 </dev/null
		rc=$?
		grep -q "^ferry: fault injected at $pair$" run.out || echo "$pair (exit $rc)" >>missed
		if [ $rc != 137 ] && [ $rc != 0 ]; then cat run.out; return 1; fi
	done &&
	test ! -s missed || { echo "never reached:"; cat missed; false; }
'

test_expect_success 'a last run finishes the migration with exit 0' '
	ferry_client run --yes alice >final.out 2>&1 &&
	ferry_client status --json alice >st.json &&
	! grep -E "\"state\": \"(pending|running|failed|waiting)\"" st.json
'

test_expect_success 'outside: every nameserver names the new host; site and ~alice redirect' '
	for a in $NS; do
		test "$(dig_at $a www.alice.test A)" = "$W_NEW_ADDR" &&
		test "$(dig_at $a alice.test MX)" = "10 $W_NEW_NAME." &&
		test -z "$(dig_at $a new.alice.test A)" || return 1
	done &&
	lab "$W_OLD" cat "$W_HOME/alice/web/index.html" >expect &&
	fetch_pinned "$W_NEW_ADDR" www.alice.test / >actual && test_cmp expect actual &&
	test "$(fetch_code "$W_OLD_ADDR" "$W_OLD_NAME" /~alice/x)" = \
		"301 http://$W_USERDIR_NEW/~alice/x"
'

test_expect_success 'the message is on the new host once, not on the old' '
	test "$(lab "$W_NEW" grep -c "^Message-Id: <$TAG@" "$W_SPOOL/alice")" = 1 &&
	! lab "$W_OLD" grep -q "$TAG" "$W_SPOOL/alice"
'

test_expect_success 'no line twice in any edited file; apache config still valid' '
	no_dup_lines "$W_OLD" /var/lib/bind/alice.test.hosts &&
	for h in "$W_OLD" "$W_NEW"; do
		no_dup_lines $h "$W_VIRTUSERTABLE" &&
		no_dup_lines $h /etc/mail/local-host-names &&
		lab $h apache2ctl -t || return 1
	done &&
	no_dup_lines "$W_OLD" /etc/apache2/sites-available/000-default.conf "Redirect|Rewrite" &&
	no_dup_lines "$W_OLD" /etc/apache2/sites-available/alice.conf "Proxy" &&
	test "$(lab "$W_NEW" grep -c "ServerName alice.test$" /etc/apache2/sites-available/hosted.conf)" = 1
'

test_expect_success 'journal integrity ok; no ferry, ssh master or mail lock left' '
	journal_ok && no_leftovers
'

test_done
