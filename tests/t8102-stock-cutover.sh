#!/bin/bash
# t8102: `ferry run --all --yes` moves the whole stock Debian world (hermes ->
# athena; starts with a reset), every service judged from outside: A and MX
# records on every nameserver (the zones' other records kept, $ORIGIN and
# all), the site through its real names and pinned to the new host, ~alice on
# the old host's default vhost redirecting, mail delivered on the new host
# (local and forwarded), the game answering there with its data; then a
# second run that changes nothing.
. "$(dirname "$0")/lib.sh"
require_world stock
NS="$W_OLD_ADDR $W_NEW_ADDR $W_NS3_ADDR"
WEB="alice.test www.alice.test"
MARK=t8102-$$-$(date +%s)

mush_mark() {	# ADDR : the marker the wizard set, as the game says it
	mush_talk "$1" 4201 "connect wizard potrzebie" "think mark=[get(me/FERRYMARK)]" |
		grep -o "mark=[^ ]*"
}
# the records no step moves, as every nameserver serves them
kept_records() {
	for a in $NS; do
		for q in "alice.test TXT" "www.alice.test TXT" "ftp.alice.test CNAME" \
			"lists.alice.test TXT" "archive.lists.alice.test TXT" "play.bob.test TXT" \
			"carol.test TXT" "alice.test NS"; do
			echo "$a $q: $(dig_at $a $q | sort | tr "\n" " ")"
		done
	done
}

test_expect_success 'the stock world, fresh (lab reset), marked before the move' '
	lab_reset &&
	mush_talk "$W_OLD_ADDR" 4201 "connect wizard potrzebie" "&FERRYMARK me=$MARK" &&
	test "$(mush_mark "$W_OLD_ADDR")" = "mark=$MARK" &&
	lab "$W_OLD" grep -i "^message-id:" "$W_SPOOL/alice" | sort >ids.before &&
	test "$(wc -l <ids.before)" = 3 &&
	for n in $WEB; do fetch_pinned "$W_OLD_ADDR" $n / >"page.$n" || return 1; done &&
	fetch_pinned "$W_OLD_ADDR" "$W_OLD_NAME" /~alice/ >userdir.before &&
	kept_records >kept.before &&
	test "$(grep -c "pages" kept.before)" = 3
'

test_expect_success 'run --all --yes migrates every account, exit 0' '
	ferry_client run --all --yes >run.out 2>run.err &&
	test "$(grep -c ": done.tidy: done: " run.out)" = 3
'

test_expect_success 'every nameserver: web and game names on the new host, MX too' '
	for a in $NS; do
		for n in $WEB play.bob.test; do
			test "$(dig_at $a $n A)" = "$W_NEW_ADDR" || return 1
		done &&
		test "$(dig_at $a alice.test MX)" = "10 $W_NEW_NAME." &&
		test "$(dig_at $a carol.test MX)" = "10 $W_NEW_NAME." || return 1
	done
'

test_expect_success 'the records no step named are served as before; no test name left' '
	kept_records >kept.after &&
	test_cmp kept.before kept.after &&
	for a in $NS; do test -z "$(dig_at $a new.alice.test A)" || return 1; done
'

test_expect_success 'the site by its real names (resolver) and pinned: served by the new host' '
	for n in $WEB; do
		lab "$W_CLIENT" curl -sS --fail --max-time 10 -A "$MARK-$n" "http://$n/" >got &&
		test_cmp "page.$n" got &&
		fetch_pinned "$W_NEW_ADDR" $n / >got &&
		test_cmp "page.$n" got || return 1
	done &&
	lab "$W_NEW" cat /var/log/apache2/access.log >new.log &&
	for n in $WEB; do test_grep "\"$MARK-$n\"" new.log || return 1; done
'

test_expect_success '~alice on the old host (default vhost) answers 301 to the new, path kept' '
	test "$(fetch_code "$W_OLD_ADDR" "$W_OLD_NAME" /~alice/a/b.html)" = \
		"301 http://$W_USERDIR_NEW/~alice/a/b.html" &&
	fetch_pinned "$W_NEW_ADDR" "$W_USERDIR_NEW" /~alice/ >userdir.after &&
	test_cmp userdir.before userdir.after &&
	fetch_pinned "$W_OLD_ADDR" "$W_OLD_NAME" / | grep -q "It works on $W_OLD"
'

test_expect_success 'mail: the old spool moved; new mail for alice lands on the new host' '
	lab "$W_NEW" grep -i "^message-id:" "$W_SPOOL/alice" | sort >ids.after &&
	comm -23 ids.before ids.after >missing &&
	test_cmp /dev/null missing &&
	mx=$(dig_at "$W_NS3_ADDR" alice.test MX | cut -d" " -f2) &&
	send_mail "$mx" postmaster@alice.test "$MARK-local" >/dev/null &&
	wait_in_spool "$W_NEW" alice "$MARK-local"
'

test_expect_success 'mail: carol'\''s forwarding goes on from the new host' '
	send_mail "$W_NEW_ADDR" carol@carol.test "$MARK-fwd" >/dev/null &&
	wait_in_spool "$W_NS3" owners "$MARK-fwd"
'

test_expect_success 'the game answers on the new host with its data, not on the old' '
	test "$(mush_mark "$W_NEW_ADDR")" = "mark=$MARK" &&
	test_expect_code 1 lab "$W_CLIENT" timeout 3 bash -c "exec 3<>/dev/tcp/$W_OLD_ADDR/4201"
'

test_expect_success 'status --json: every step done or skipped' '
	ferry_client status --json >status.json &&
	python3 -c "
import json, sys
st = json.load(open(sys.argv[1]))
bad = [(a[\"name\"], s[\"id\"], s[\"state\"]) for a in st[\"accounts\"] for s in a[\"steps\"]
       if s[\"state\"] not in (\"done\", \"skipped\")]
assert not bad, bad
assert st[\"migration\"] == {\"from\": \"$W_OLD\", \"to\": \"$W_NEW\"}, st[\"migration\"]
" status.json
'

test_expect_success 'a second run --all --yes changes nothing' '
	lab "$W_OLD" sh -c "sha256sum /var/lib/bind/*.hosts $W_VHOST_FILES" >sums.before &&
	ferry_client run --all --yes >run2.out 2>run2.err &&
	test_cmp /dev/null run2.out &&
	lab "$W_OLD" sh -c "sha256sum /var/lib/bind/*.hosts $W_VHOST_FILES" >sums.after &&
	test_cmp sums.before sums.after
'

test_done
