#!/bin/bash
# t0001: `ferry discover` reads charon from the client and writes a config
# whose plan is the hand-written one's, that check accepts and a whole
# migration runs from; it never overwrites without --force; its risk report
# names what was planted: a stray record, a long TTL, a crontab, and a new
# host whose /home is really too full for dave's home.
. "$(dirname "$0")/lib.sh"
require_lab

DISC=/root/lab/disc.conf
discover() {
	lab client sh -c 'cd /root/lab && exec /ferry/ferry discover "$@"' sh \
		--from root@192.0.2.10 --to root@192.0.2.20 "$@"
}

test_expect_success 'a fresh seed world; discover writes disc.conf, exit 0' '
	lab_reset &&
	lab client rm -f $DISC &&
	discover -o $DISC >out 2>err &&
	test_grep "^wrote $DISC: 4 accounts from charon, new host neko-base$" out &&
	test ! -s err &&
	lab client cat $DISC >disc.conf &&
	test_grep "^# guessed: " disc.conf
'

test_expect_success 'its plan equals the hand-written config'\''s, line for line' '
	ferry_client plan >want &&
	lab client /ferry/ferry -c $DISC plan >got &&
	test_cmp want got &&
	test "$(wc -l <got)" -gt 100
'

test_expect_success 'check accepts it unchanged' '
	lab client /ferry/ferry -c $DISC check >check.out 2>&1 &&
	test_grep "^ok charon: ssh root@192.0.2.10$" check.out
'

test_expect_success 'an existing file is not overwritten without --force (exit 2)' '
	test_expect_code 2 discover -o $DISC >out 2>err &&
	test_grep "^ferry: discover: $DISC exists; --force replaces it$" err &&
	lab client cat $DISC >again && test_cmp disc.conf again &&
	discover --force -o $DISC >out 2>err &&
	test_grep "^wrote $DISC" out
'

test_expect_success '--json: accounts with their services, and the risks' '
	discover --force --json -o $DISC >report.json &&
	python3 - report.json <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1]))
	got = {a["name"]: a["services"] for a in r["accounts"]}
	assert got == {"alice": ["web", "mail"], "bob": ["mush"], "carol": ["mail"],
	               "dave": ["web", "mail", "mush"]}, got
	assert r["from"] == "charon" and r["to"] == "neko-base", r
	assert any(k["kind"] == "service" and k["text"].startswith("named:") for k in r["risks"])
	assert not any(k["kind"] in ("space", "crontab", "ttl") for k in r["risks"]), r["risks"]
	EOF
'

test_expect_success 'a whole migration runs from the discovered config (watch-seconds 5)' '
	lab client sed -i "s/^watch-seconds = 600$/watch-seconds = 5/" $DISC &&
	lab client /ferry/ferry -c $DISC -q run --all --yes >run.out 2>&1 &&
	lab client /ferry/ferry -c $DISC status --json >st.json &&
	python3 - st.json <<-\EOF &&
	import json, sys
	st = json.load(open(sys.argv[1]))
	assert len(st["accounts"]) == 4
	for a in st["accounts"]:
	    for s in a["steps"]:
	        assert s["state"] in ("done", "skipped"), (a["name"], s)
	EOF
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.alice.test A)" = 192.0.2.20 &&
		test "$(dig_at $ns mush.bob.test A)" = 192.0.2.20 || return 1
	done &&
	fetch_pinned 192.0.2.20 www.alice.test /about.html >about.html && test -s about.html
'

# dave's home and mail in KiB, as discover measured them
dave_kb() {
	python3 -c "import json,sys; a=[a for a in json.load(open(sys.argv[1]))[\"accounts\"] if a[\"name\"]==\"dave\"][0]; print(a[\"home_kb\"]+a[\"mail_kb\"])" report.json
}

test_expect_success 'planted: a stray record, a long TTL, a crontab, a full /home on neko-base' '
	lab_reset &&
	lab charon sh -c "printf \"stray\tIN\tA\t192.0.2.10\nblog\t86400\tIN\tA\t192.0.2.10\n\" >>/etc/bind/zones/db.alice.test &&
		sed -i \"s/^www\tIN\tA/www\t86400\tIN\tA/\" /etc/bind/zones/db.dave.test" &&
	echo "17 3 * * * /home/carol/nightly" | lab charon crontab -u carol - &&
	need=$(dave_kb) &&
	free=$(lab neko-base df -Pk /home | awk "NR == 2 { print \$4 }") &&
	test_when_finished "lab neko-base rm -f /home/.t0001-fill" &&
	lab neko-base fallocate -l $(( (free - need / 2) * 1024 )) /home/.t0001-fill &&
	discover --force -o $DISC >risk.out 2>err &&
	lab neko-base rm -f /home/.t0001-fill &&
	test_grep "^risk stray: alice: stray.alice.test A 192.0.2.10 " risk.out &&
	test_grep "^risk stray: alice: blog.alice.test A 192.0.2.10 " risk.out &&
	test_grep "^risk ttl: dave: www.dave.test A has TTL 86400 s" risk.out &&
	test_grep "^risk crontab: carol: 1 crontab job" risk.out &&
	test_grep "^risk space: dave: home and mail take [0-9]* KiB, more than the [0-9]* KiB free in neko-base" risk.out &&
	! grep -q "^risk space: carol" risk.out
'

test_done
