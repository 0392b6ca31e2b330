#!/bin/bash
# t8016: phase 1 waits for a person.  Without --yes, off a terminal, run stops
# before phase 1 with exit 3 and changes nothing; on a terminal it asks, "n"
# stops with exit 3, "y" goes on.  Then verify: it passes on the moved
# account, and fails (exit 1, saying which step and what it found) once the
# new test-name record has drifted on the primary.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab
TAG=t8016-$$
ZF=/etc/bind/zones/db.alice.test
VT=/usr/local/adm/mail/virtusertable
NS="192.0.2.10 192.0.2.20 192.0.2.30"

# phase1_states : alice's phase 1 steps with their states
phase1_states() {
	ferry_client status --json alice | python3 -c "
import json, sys
for s in json.load(sys.stdin)[\"accounts\"][0][\"steps\"]:
    if s[\"id\"].startswith(\"phase1\"): print(s[\"id\"], s[\"state\"])"
}

# on_tty ANSWER ARGS... : ferry ARGS in the client on a pseudo-terminal (script),
# ANSWER typed at it; the screen in tty.out, ferry's exit status returned
on_tty() {
	local answer=$1
	shift
	printf "%s\n" "$answer" | lab client script -qefc "/ferry/ferry -c $FERRY_CONF $*" /dev/null >tty.out
}

# test_a ADDR : test.alice.test A on every nameserver is ADDR
test_a() {
	local ns
	for ns in $NS; do test "$(dig_at $ns test.alice.test A)" = "$1" || return 1; done
}

# drift_test_a FROM TO : the record changed on the primary, serial up, reloaded
drift_test_a() {
	lab charon perl -0pi -e "s/^(test\\s+\\d+\\s+IN\\s+A\\s+)\\Q$1\\E\$/\${1}$2/m or die; s/(\\d+)(\\s+; serial)/(\$1 + 1) . \$2/e" $ZF &&
	lab charon rndc reload alice.test >/dev/null &&
	retry_until 30 test_a "$2"
}

test_expect_success 'seed world; alice prepared (run --until prep)' '
	lab_reset &&
	ferry_client run --until prep alice >prep.out 2>&1 &&
	lab charon sha256sum $VT >vt.before
'

test_expect_success 'run without --yes off a terminal: exit 3 before phase 1, nothing moved' '
	test_expect_code 3 ferry_client run alice >run.out 2>run.err </dev/null &&
	test_grep "^ferry: alice: phase1 starts the cut-over the owner will notice; run again with --yes$" run.err &&
	phase1_states >st && ! grep -v " pending$" st &&
	lab charon sha256sum $VT >vt.after && test_cmp vt.before vt.after
'

test_expect_success 'on a terminal: it asks; "n" stops with exit 3, nothing moved' '
	test_expect_code 3 on_tty n run alice &&
	test_grep "Start phase 1 (mail and mush cut-over) for alice? \\[y/N\\]" tty.out &&
	phase1_states >st && ! grep -v " pending$" st &&
	send_mail 192.0.2.10 alice@alice.test "$TAG-n" >/dev/null &&
	wait_in_spool charon alice "$TAG-n"
'

test_expect_success 'on a terminal: "y" goes on through phase 1; the mail moves' '
	on_tty y run --until phase1 alice &&
	test_grep "Start phase 1 (mail and mush cut-over) for alice? \\[y/N\\]" tty.out &&
	phase1_states >st && ! grep -v -e " done$" -e " skipped$" st &&
	send_mail 192.0.2.10 alice@alice.test "$TAG-y" >/dev/null &&
	wait_in_spool neko-base alice "$TAG-y"
'

test_expect_success 'verify: every step done so far checks out (exit 0)' '
	ferry_client verify alice >v0.out 2>&1 &&
	test_grep "^alice: prep.3: verified" v0.out &&
	test_grep "^alice: phase1.8: verified" v0.out
'

test_expect_success 'the test name drifts on the primary: verify fails, naming prep.3 and what it found' '
	drift_test_a 192.0.2.20 192.0.2.99 &&
	test_expect_code 1 ferry_client verify alice >v1.out 2>v1.err &&
	test_grep "^ferry: alice: prep.3: .*192.0.2.99" v1.err &&
	! grep "^alice: prep.3: verified" v1.out &&
	test_grep "^alice: phase1.8: verified" v1.out
'

test_expect_success 'put back, verify passes again' '
	drift_test_a 192.0.2.99 192.0.2.20 &&
	ferry_client verify alice >v2.out 2>&1 &&
	test_grep "^alice: prep.3: verified" v2.out
'

test_done
