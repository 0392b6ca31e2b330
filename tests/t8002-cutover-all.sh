#!/bin/bash
# t8002: `ferry run --all --yes` moves the whole seed world (starts with a
# reset): DNS on every nameserver, sites, games with their data, mail spools,
# ~alice's redirect, status --json with downtime figures that match the
# journal's events, and a second run that changes nothing.
. "$(dirname "$0")/lib.sh"
require_lab

NS="192.0.2.10 192.0.2.20 192.0.2.30"
NEW=192.0.2.20
WEB="alice.test www.alice.test dave.test www.dave.test static.dave.test"
MARK=t8002-$$-$(date +%s)

# the game's answer to the wizard's "think" of the marker attribute
mush_mark() {
	mush_talk "$1" "$2" "connect wizard potrzebie" "think mark=[get(me/FERRYMARK)]" |
		grep -o "mark=[^ ]*"
}
# stdin "SERVER NAME TYPE" lines; each with the server's short answer
# appended (one client call for them all)
answers() {
	lab client bash -c 'while read -r s n t; do
		echo "$s $n $t $(dig +norec +short +time=2 +tries=1 @$s $n $t | tr "\n" " ")"
	done'
}
moved_queries() {
	for s in $NS; do
		for n in $WEB mush.bob.test mush.dave.test; do echo "$s $n A"; done
		for z in alice.test carol.test dave.test; do echo "$s $z MX"; done
	done
}
# "SERVER ZONE SERIAL" of every zone of the moved accounts
serials() {
	for s in $NS; do
		for z in alice.test bob.test carol.test dave.test; do echo "$s $z SOA"; done
	done | answers | awk '{ print $1, $2, $6 }'
}
# the Message-IDs in a host's spool of alice and dave, sorted
spool_ids() {
	lab "$1" sh -c 'cat /var/spool/mail/alice /var/spool/mail/dave 2>/dev/null' |
		grep -i "^message-id:" | sort
}

test_expect_success 'the seed world, fresh (lab reset), marked before the move' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	for g in 2860 2861; do
		mush_talk 192.0.2.10 $g "connect wizard potrzebie" "&FERRYMARK me=$MARK-$g" &&
		test "$(mush_mark 192.0.2.10 $g)" = "mark=$MARK-$g" || return 1
	done &&
	spool_ids charon >ids.before &&
	test "$(wc -l <ids.before)" -ge 3 &&
	for n in $WEB; do fetch_pinned 192.0.2.10 $n / >"page.$n" || return 1; done
'

test_expect_success 'run --all --yes migrates every account, exit 0' '
	ferry_client run --all --yes >run.out 2>run.err &&
	test "$(grep -c ": done.tidy: done: " run.out)" = 4
'

test_expect_success 'every nameserver: the new A and MX records, one serial per zone' '
	moved_queries | answers >got &&
	moved_queries | sed -e "s/ A$/ A $NEW /" -e "s/ MX$/ MX 10 neko-base.nekodojo.test. /" \
		>expect &&
	test_cmp expect got &&
	serials >serials &&
	test "$(grep -c " 20[0-9]*$" serials)" = 12 &&
	awk "{ print \$2, \$3 }" serials | sort -u | cut -d" " -f1 | uniq -d >split &&
	test_cmp /dev/null split
'

test_expect_success 'the sites are served by neko-base, by name and pinned' '
	for n in $WEB; do
		lab client curl -sS --fail --max-time 10 -A "$MARK-$n" "http://$n/" >got &&
		test_cmp "page.$n" got &&
		fetch_pinned $NEW $n / >got &&
		test_cmp "page.$n" got || return 1
	done &&
	lab neko-base cat /var/log/apache2/access.log >new.log &&
	lab charon cat /var/log/apache2/access.log >old.log &&
	for n in $WEB; do
		test_grep "^[^ ]* 192\.0\.2\.100 .*\"$MARK-$n\"" new.log &&
		! grep -q "$MARK-$n" old.log || return 1
	done
'

test_expect_success 'the games answer on neko-base with their data, not on charon' '
	for g in 2860 2861; do
		test "$(mush_mark $NEW $g)" = "mark=$MARK-$g" &&
		test_expect_code 1 lab client timeout 3 bash -c "exec 3<>/dev/tcp/192.0.2.10/$g" ||
			return 1
	done
'

test_expect_success 'every message of the old spools is in the new ones' '
	spool_ids neko-base >ids.after &&
	comm -23 ids.before ids.after >missing &&
	test_cmp /dev/null missing
'

test_expect_success '~alice on charon answers 301 to neko-base, path kept' '
	test "$(fetch_code 192.0.2.10 nekodojo.test /~alice/a/b.html)" = \
		"301 http://neko-base.nekodojo.test/~alice/a/b.html"
'

test_expect_success 'status --json: every step done or skipped, figures = journal events' '
	ferry_client status --json >status.json &&
	cat >figures.py <<-\EOF &&
	import json, sqlite3, sys
	st = json.load(open(sys.argv[1]))
	db = sqlite3.connect("/root/lab/ferry.db")
	kinds = {"files": ("files.start", "files.end"), "mail": ("mail.start", "mail.end"),
	         "mush": ("mush.start", "mush.end"), "web": ("web.down", "web.up")}
	bound = {"files": 10, "mush": 10, "mail": 30, "web": 0.05}
	bad = 0
	for a in st["accounts"]:
	    for s in a["steps"]:
	        if s["state"] not in ("done", "skipped"):
	            print("step", a["name"], s["id"], s["state"]); bad += 1
	    ev = db.execute("SELECT kind, at FROM events WHERE account = ? ORDER BY at, id",
	                    (a["name"],)).fetchall()
	    for svc in (["files"] + a["services"]):
	        start, end = kinds[svc]
	        if svc == "web":
	            t, down = 0.0, None
	            for k, at in ev:
	                if k == start and down is None: down = at
	                if k == end and down is not None: t += at - down; down = None
	        elif not any(k == start for k, at in ev):
	            t = None	# forwarded mail: no window, no figure
	        else:
	            s = max(at for k, at in ev if k == start)
	            t = max(at for k, at in ev if k == end and at >= s) - s
	        fig = a["downtime"].get(svc)
	        print(a["name"], svc, fig, t if t is None else round(t, 3))
	        if t is None and fig is None and svc == "mail":
	            continue
	        if fig is None or t is None or abs(fig - t) > 0.051 or t >= bound[svc] or (svc != "web" and t <= 0):
	            print("BAD", a["name"], svc); bad += 1
	sys.exit(1 if bad else 0)
	EOF
	lab client python3 "$CLIENT_TRASH/figures.py" "$CLIENT_TRASH/status.json" >figures &&
	cat figures
'

test_expect_success 'a second run --all --yes changes nothing' '
	lab ns3 cat /var/spool/mail/owners >owners.before &&
	ferry_client run --all --yes >run2.out 2>run2.err &&
	test_cmp /dev/null run2.out &&
	serials >serials2 &&
	test_cmp serials serials2 &&
	sleep 2 && lab ns3 cat /var/spool/mail/owners >owners.after &&
	test_cmp owners.before owners.after
'

test_done
