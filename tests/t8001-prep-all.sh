#!/bin/bash
# t8001: `ferry run --until prep --all --yes` on the seed world: every
# applicable prep step of every account done, then a second run (and a run
# with a fresh journal, where only the probes can tell) changes nothing:
# zone files, vhost files, serials and accounts stay as they were.
# Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

NS="192.0.2.10 192.0.2.20 192.0.2.30"
ZONES="alice.test bob.test carol.test dave.test nekodojo.test"

# what a run must not change, in one file (one call per host: this runs three times)
snapshot() {
	lab charon sh -c "cd /etc/bind/zones && sha256sum db.*.test &&
		sha256sum /usr/local/adm/apache/virtual.conf" &&
	lab neko-base sh -c "sha256sum /usr/local/adm/apache/virtual.conf &&
		getent passwd alice bob carol dave" &&
	lab client sh -c "for z in $ZONES; do for a in $NS; do
		echo \$z \$a \$(dig +norec +short +time=2 +tries=1 @\$a \$z SOA | cut -d\" \" -f3)
		done; done"
}

# JSON FILE : every prep step of every account is done, later ones pending
all_prep_done() {
	python3 - "$1" <<-\EOF
	import json, sys
	st = json.load(open(sys.argv[1]))
	names = [a["name"] for a in st["accounts"]]
	assert names == ["alice", "bob", "carol", "dave"], names
	for a in st["accounts"]:
	    prep = [s for s in a["steps"] if s["id"].startswith("prep.")]
	    assert len(prep) >= 4, (a["name"], prep)
	    for s in prep:
	        # prep.cron: skipped, the seed accounts have no crontab
	        want = ("done", "skipped") if s["id"] == "prep.cron" else ("done",)
	        assert s["state"] in want, (a["name"], s)
	    later = [s for s in a["steps"] if not s["id"].startswith("prep.")]
	    assert all(s["state"] == "pending" for s in later), (a["name"], later)
	    assert a["phase"] == "phase1", a["phase"]
	want = {"alice": 8, "bob": 7, "carol": 5, "dave": 10}
	for a in st["accounts"]:
	    n = len([s for s in a["steps"] if s["id"].startswith("prep.")])
	    assert n == want[a["name"]], (a["name"], n)
	EOF
}

test_expect_success 'a fresh seed world (lab reset)' '
	lab_reset
'

test_expect_success 'run --until prep --all --yes: exit 0, every applicable prep step done' '
	ferry_client run --until prep --all --yes >run1.out 2>run1.err &&
	ferry_client status --json >status.json &&
	all_prep_done status.json &&
	test "$(grep -c ": prep\.[0-9a-z]*: done: " run1.out)" = 26
'

test_expect_success 'seen from outside: test names, new vhosts, accounts, backups' '
	for a in $NS; do
		test "$(dig_at $a test.alice.test A)" = 192.0.2.20 &&
		test "$(dig_at $a test.dave.test A)" = 192.0.2.20 || return 1
	done &&
	fetch_pinned 192.0.2.20 test.alice.test / | grep -q alice-index-v1 &&
	fetch_pinned 192.0.2.20 test.dave.test / | grep -q dave-index-v1 &&
	fetch_pinned 192.0.2.20 static.dave.test / | grep -q dave-static-v1 &&
	lab neko-base sh -c "ls -d /home/bob/tinymux/game/data.ferry-* /home/dave/tinymux/game/data.ferry-*" >backups &&
	test "$(wc -l <backups)" = 2 &&
	snapshot >snap1 &&
	test "$(grep -c "^[a-z.]* 192.0.2.[0-9]* 20[0-9]*\$" snap1)" = 15
'

test_expect_success 'a second run changes nothing' '
	ferry_client run --until prep --all --yes >run2.out 2>run2.err &&
	! grep ": done: " run2.out &&
	snapshot >snap2 &&
	test_cmp snap1 snap2 &&
	ferry_client status --json >status.json &&
	all_prep_done status.json
'

test_expect_success 'with a fresh journal the probes find every edit in place; nothing changes' '
	test_when_finished "lab client rm -f /root/lab/t8001.conf /root/lab/t8001.db" &&
	lab client sh -c "sed \"s|^journal = .*|journal = /root/lab/t8001.db|\" /root/lab/ferry.conf >/root/lab/t8001.conf" &&
	for s in prep.1 prep.3 prep.4 prep.ttl; do
		lab client /ferry/ferry -c /root/lab/t8001.conf run --step $s --all >>run3.out 2>>run3.err || return 1
	done &&
	test "$(grep -c ": done already" run3.out)" = 12 &&
	! grep -v ": done already" run3.out &&
	snapshot >snap3 &&
	test_cmp snap1 snap3
'

test_done
