#!/bin/bash
# t8015: `ferry mark` checks a step off by hand.  bob's home is on neko-base;
# prep.7 is marked done and prep.8 skipped (--why), and the run that follows
# leaves both alone: nothing in the game folder on neko-base changes, no
# backup is made.  Bad marks exit 2 and change nothing in the journal.
# Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab
GAME=/home/bob/tinymux/game

steps_rows() { lab client sqlite3 /root/lab/ferry.db "SELECT * FROM steps ORDER BY account, step"; }

# step_is ID STATE DETAIL : bob's step as status --json shows it
step_is() {
	ferry_client status --json bob | python3 -c "
import json, sys
s = [x for x in json.load(sys.stdin)[\"accounts\"][0][\"steps\"] if x[\"id\"] == sys.argv[1]][0]
assert (s[\"state\"], s[\"detail\"]) == (sys.argv[2], sys.argv[3]), s" "$@"
}

test_expect_success 'seed world; bob'\''s account and home on neko-base (prep.1, prep.2)' '
	lab_reset &&
	ferry_client run --step prep.1 bob >out 2>&1 &&
	ferry_client run --step prep.2 bob >>out 2>&1 &&
	lab neko-base test -x $GAME/Startmux &&
	lab neko-base touch /tmp/t8015.mark
'

test_expect_success 'mark bob prep.7 done: said, and in the journal' '
	ferry_client mark bob prep.7 done >m1.out 2>&1 &&
	test_grep "^bob: prep.7: done (marked by hand)$" m1.out &&
	step_is prep.7 done "marked by hand"
'

test_expect_success 'mark bob prep.8 skip --why TEXT: the reason is kept' '
	ferry_client mark bob prep.8 skip --why "save copied to tape by hand" >m2.out 2>&1 &&
	test_grep "^bob: prep.8: skipped (marked by hand: save copied to tape by hand)$" m2.out &&
	step_is prep.8 skipped "marked by hand: save copied to tape by hand" &&
	ferry_client plan bob >plan.out &&
	test_grep "^bob  *prep.8  *skipped .* -- marked by hand: save copied to tape by hand$" plan.out
'

test_expect_success 'bad marks: exit 2, a word on what is wrong, the journal unchanged' '
	steps_rows >rows.before &&
	test_expect_code 2 ferry_client mark bob prep.3 done 2>e1 &&
	test_grep "bob: prep.3: does not apply to this account" e1 &&
	test_expect_code 2 ferry_client mark bob prep.99 done 2>e2 &&
	test_grep "bob: prep.99: no such step" e2 &&
	test_expect_code 2 ferry_client mark bob prep.7 maybe 2>e3 &&
	test_grep "say done or skip" e3 &&
	test_expect_code 2 ferry_client mark zed prep.1 done 2>e4 &&
	test_grep "no \\[account zed\\]" e4 &&
	test_expect_code 2 ferry_client mark bob prep.7 done --why 2>e5 &&
	steps_rows >rows.after &&
	test_cmp rows.before rows.after
'

test_expect_success 'run --until prep bob: the marked steps are left alone' '
	ferry_client run --until prep bob >run.out 2>&1 &&
	! grep -E "^bob: prep.(7|8): (done|verified)" run.out &&
	step_is prep.7 done "marked by hand" &&
	step_is prep.8 skipped "marked by hand: save copied to tape by hand" &&
	lab neko-base find $GAME -newer /tmp/t8015.mark >changed &&
	{ test ! -s changed || { cat changed; false; }; } &&
	! lab neko-base sh -c "ls -d /home/bob/tinymux/game/data.ferry-*" 2>/dev/null &&
	test -z "$(lab client sqlite3 /root/lab/ferry.db "SELECT value FROM kv WHERE account = '\''bob'\'' AND key = '\''mush.backup'\''")"
'

test_done
