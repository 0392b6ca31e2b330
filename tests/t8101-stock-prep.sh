#!/bin/bash
# t8101: the stock Debian world (LAB_WORLD=stock: hermes -> athena, homes in
# /srv/home, alice's vhost in sites-available, zones with $ORIGIN in
# /var/lib/bind, a firewall script that filters nothing): `run --until prep
# --all --yes` does every applicable prep step, judged from outside; a second
# run changes nothing.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_world stock
NS="$W_OLD_ADDR $W_NEW_ADDR $W_NS3_ADDR"

# what a run must not change: zone files, the new host's sites and accounts,
# the firewall script, every served serial
snapshot() {
	lab "$W_OLD" sh -c "sha256sum /var/lib/bind/*.hosts" &&
	lab "$W_NEW" sh -c "sha256sum /etc/apache2/sites-available/hosted.conf \
		/srv/admin/firewall && getent passwd alice bob carol" &&
	for z in $ZONES; do
		for a in $NS; do echo "$z $a $(dig_at "$a" "$z" SOA | cut -d" " -f3)"; done
	done
}

test_expect_success 'a fresh stock world (lab reset); the firewall script as its admin left it' '
	lab_reset &&
	test "$("$LAB_SH" world)" = stock &&
	lab "$W_NEW" sha256sum /srv/admin/firewall >fw.before
'

test_expect_success 'check passes on this healthy pair; modules off are changes, not failures' '
	ferry_client check >check.out 2>&1 &&
	test_grep "^ok $W_OLD: apache module proxy_module is off: phase2.proxy will enable it" check.out &&
	test_grep "^ok $W_NEW: alice.s home lands in $W_HOME/alice$" check.out &&
	! grep -q "^ferry: check: " check.out
'

test_expect_success 'run --until prep --all --yes: exit 0, every applicable prep step done' '
	ferry_client run --until prep --all --yes >run1.out 2>run1.err &&
	ferry_client status --json >status.json &&
	python3 - status.json <<-\PY &&
	import json, sys
	st = json.load(open(sys.argv[1]))
	want = {"alice": 7, "bob": 6, "carol": 4}
	assert [a["name"] for a in st["accounts"]] == list(want), st["accounts"]
	for a in st["accounts"]:
	    # prep.cron: no account of the stock world has a crontab, so it is skipped
	    cron = [s for s in a["steps"] if s["id"] == "prep.cron"]
	    assert [s["state"] for s in cron] == ["skipped"], (a["name"], cron)
	    prep = [s for s in a["steps"] if s["id"].startswith("prep.") and s not in cron]
	    assert len(prep) == want[a["name"]], (a["name"], prep)
	    assert all(s["state"] == "done" for s in prep), (a["name"], prep)
	    assert all(s["state"] == "pending" for s in a["steps"] if s not in prep + cron), a["name"]
	PY
	test "$(grep -c ": prep\.[0-9a-z]*: done: " run1.out)" = 17
'

test_expect_success 'every nameserver: the test name points at the new host' '
	for a in $NS; do
		test "$(dig_at $a new.alice.test A)" = "$W_NEW_ADDR" || return 1
	done
'

test_expect_success 'the new host serves the site under the test name, and ~alice, as the old' '
	for p in / /about.html; do
		fetch_pinned "$W_OLD_ADDR" alice.test $p >old &&
		fetch_pinned "$W_NEW_ADDR" new.alice.test $p >new &&
		test_cmp old new || return 1
	done &&
	fetch_pinned "$W_OLD_ADDR" "$W_OLD_NAME" /~alice/ >old &&
	fetch_pinned "$W_NEW_ADDR" "$W_NEW_NAME" /~alice/ >new &&
	test_cmp old new &&
	test_grep "~alice" new
'

test_expect_success 'the accounts on the new host live where its home says, same uid' '
	for u in alice bob carol; do
		test "$(lab "$W_NEW" getent passwd $u | cut -d: -f3,6)" = \
			"$(lab "$W_OLD" getent passwd $u | cut -d: -f3,6)" &&
		lab "$W_NEW" test -d "$W_HOME/$u" || return 1
	done &&
	lab "$W_NEW" sh -c "ls -d $W_HOME/bob/tinymux/game/data.ferry-*" >backups &&
	test "$(wc -l <backups)" = 1
'

test_expect_success 'alice gets in over ssh and writes a file there; the firewall script untouched' '
	lab "$W_CLIENT" ssh -o BatchMode=yes alice@"$W_NEW_ADDR" "echo t8101 >t8101.txt" &&
	test "$(lab "$W_NEW" cat "$W_HOME/alice/t8101.txt")" = t8101 &&
	lab "$W_NEW" rm "$W_HOME/alice/t8101.txt" &&
	lab "$W_NEW" sha256sum /srv/admin/firewall >fw.after &&
	test_cmp fw.before fw.after
'

test_expect_success 'a second run changes nothing' '
	snapshot >snap1 &&
	ferry_client run --until prep --all --yes >run2.out 2>run2.err &&
	! grep ": done: " run2.out &&
	snapshot >snap2 &&
	test_cmp snap1 snap2
'

test_done
