#!/bin/bash
# t4002: the sites stay up through alice's and dave's whole move (starts with
# a reset).  A fetcher in the client asks for each site name every 0.2 s
# through the client's caching resolver, from before prep until after
# done.tidy: every answer must be 200 with the page charon served before the
# move (the content is the same on both hosts), never an error.  ferry's own
# web downtime figure must be 0 too.
. "$(dirname "$0")/lib.sh"
require_lab

WEB="alice.test www.alice.test dave.test www.dave.test static.dave.test"

test_expect_success 'the seed world, fresh (lab reset); the pages as charon serves them' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	for n in $WEB; do
		fetch_pinned 192.0.2.10 $n / >page.$n &&
		test -s page.$n || return 1
	done
'

# the fetcher: one round of every name per 0.2 s until the stop file exists
# or the bounds (1000 rounds, 200 s) hit; one line per request:
# "ok NAME PEER", "bad NAME PEER STATUS" or "fail NAME WHY"
cat >fetcher.py <<-\EOF
import http.client, os, sys, time
stop, ref, names = sys.argv[1], sys.argv[2], sys.argv[3:]
want = {n: open(os.path.join(ref, "page." + n), "rb").read() for n in names}
t0 = tick = time.time()
rounds = 0
while rounds < 1000 and time.time() - t0 < 200 and not os.path.exists(stop):
    rounds += 1
    for n in names:
        try:
            c = http.client.HTTPConnection(n, 80, timeout=10)
            c.request("GET", "/", headers={"User-Agent": "t4002"})
            peer = c.sock.getpeername()[0]
            r = c.getresponse()
            body = r.read()
            c.close()
            ok = r.status == 200 and body == want[n]
            print("ok" if ok else "bad", n, peer, "" if ok else r.status, flush=True)
        except Exception as e:
            print("fail", n, type(e).__name__, str(e).replace("\n", " "), flush=True)
    tick += 0.2
    time.sleep(max(0, tick - time.time()))
print("rounds", rounds, flush=True)
EOF

test_expect_success 'alice and dave move while the fetcher asks every 0.2 s' '
	{ lab client python3 "$CLIENT_TRASH/fetcher.py" "$CLIENT_TRASH/stop" "$CLIENT_TRASH" \
		$WEB >fetched 2>fetcher.err & } &&
	sleep 1 &&
	ferry_client -v run --yes alice dave >run.out 2>run.err
	rc=$? && touch stop && wait && test $rc = 0 &&
	test_grep "^alice: done.tidy: done" run.out &&
	test_grep "^dave: done.tidy: done" run.out
'

test_expect_success 'every request answered with the expected page' '
	grep -v "^ok \|^rounds " fetched >wrong;
	test_cmp /dev/null wrong &&
	test ! -s fetcher.err &&
	rounds=$(sed -n "s/^rounds //p" fetched) &&
	test "$rounds" -ge 200 &&
	test "$(grep -c "^ok " fetched)" = $((rounds * 5)) &&
	echo "$rounds rounds"
'

test_expect_success 'the fetcher saw the move: charon first, neko-base at the end' '
	for n in $WEB; do
		grep "^ok $n " fetched | head -n 1 | grep -q " 192.0.2.10 *$" &&
		grep "^ok $n " fetched | tail -n 1 | grep -q " 192.0.2.20 *$" || return 1
	done
'

test_expect_success 'ferry measured no web downtime either' '
	for s in alice:phase2.proxy alice:phase2.1 alice:phase2.6 dave:phase2.proxy dave:done.tidy; do
		test_grep "^ferry: ${s%:*}: ${s#*:}: web watched in [1-9][0-9]* rounds, 0.0 s down" \
			run.err || return 1
	done &&
	ferry_client status --json alice dave >status.json &&
	test "$(grep -o "\"web\": [0-9.]*" status.json)" = "$(printf "\"web\": 0.0\n\"web\": 0.0")" &&
	lab client sqlite3 /root/lab/ferry.db \
		"SELECT count(*) FROM events WHERE kind LIKE '\''web.%'\''" >events &&
	echo 0 >expect &&
	test_cmp expect events
'

test_done
