#!/bin/bash
# t8106: `ferry discover` on the stock Debian world (hermes -> athena; starts
# with a reset): the config it writes plans what the hand-written one plans,
# `check` accepts it as it is, the game's record (play.bob.test, none of the
# usual names) and the new host's site file (athena's own, not hermes' path)
# are found and marked as guesses, and a whole migration runs from it.
. "$(dirname "$0")/lib.sh"
require_world stock

DISC=/root/lab/disc.conf
discover() {
	lab "$W_CLIENT" sh -c 'cd /root/lab && exec /ferry/ferry discover "$@"' sh \
		--from "root@$W_OLD_ADDR" --to "root@$W_NEW_ADDR" "$@"
}
ferry_disc() { lab "$W_CLIENT" /ferry/ferry -c $DISC "$@"; }

test_expect_success 'a fresh stock world; discover writes disc.conf, exit 0' '
	lab_reset &&
	lab "$W_CLIENT" rm -f $DISC &&
	discover -o $DISC >out 2>err &&
	test_grep "^wrote $DISC: 3 accounts from $W_OLD, new host $W_NEW$" out &&
	lab "$W_CLIENT" cat $DISC >disc.conf
'

test_expect_success 'its plan equals the hand-written config'\''s, line for line' '
	ferry_client plan >want &&
	ferry_disc plan >got &&
	test_cmp want got &&
	test "$(wc -l <got)" -gt 50
'

test_expect_success 'the game'\''s name and athena'\''s site file, each a guess said so' '
	test_grep "^mush-name = play.bob.test$" disc.conf &&
	test_grep "^# guessed: mush-name: play.bob.test, " disc.conf &&
	sed -n "/^\[host $W_NEW\]/,/^\[/p" disc.conf >new-host &&
	test_grep "^apache-vhosts = /etc/apache2/sites-[a-z]*/hosted.conf$" new-host &&
	test_grep "^# apache-vhosts: a site file the new host" new-host
'

test_expect_success 'check accepts it unchanged' '
	ferry_disc check >check.out 2>&1
'

test_expect_success 'a whole migration runs from it (watch-seconds 5); the site answers on athena' '
	lab "$W_CLIENT" sed -i "s/^watch-seconds = 600$/watch-seconds = 5/" $DISC &&
	ferry_disc -q run --all --yes >run.out 2>&1 &&
	ferry_disc status --json >st.json &&
	python3 - st.json <<-\EOF &&
	import json, sys
	st = json.load(open(sys.argv[1]))
	assert [a["name"] for a in st["accounts"]] == ["alice", "bob", "carol"], st
	for a in st["accounts"]:
	    for s in a["steps"]:
	        assert s["state"] in ("done", "skipped"), (a["name"], s)
	EOF
	for ns in $W_OLD_ADDR $W_NEW_ADDR $W_NS3_ADDR; do
		test "$(dig_at $ns www.alice.test A)" = "$W_NEW_ADDR" &&
		test "$(dig_at $ns play.bob.test A)" = "$W_NEW_ADDR" || return 1
	done &&
	fetch_pinned "$W_NEW_ADDR" www.alice.test / >index.html && test -s index.html
'

test_done
