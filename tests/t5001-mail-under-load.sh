#!/bin/bash
# t5001: mail keeps flowing through alice's cut-over (starts with a reset).
# A sender in the client sends to alice@alice.test every 0.2 s through the MX
# the client's caching resolver names and, once phase1.8 is done, also straight
# to neko-base, from before phase1.7 until after phase2.3, retrying 4xx and
# refused connections as an MTA would.  Every message accepted with 250 must
# be in neko-base's spool exactly once; no 5xx, no DSN, no queue left.
# (On a loaded machine procmail's 8 s lock retries delay deliveries by minutes.)
. "$(dirname "$0")/lib.sh"
require_lab

RUN=$CLIENT_TRASH/run.out

test_expect_success 'the seed world, fresh (lab reset); alice prepared' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	ferry_client run --until prep --yes alice >prep.out 2>&1 &&
	test_grep "^alice: prep.ttl: done" prep.out &&
	test "$(lab client dig +short alice.test MX)" = "10 charon.nekodojo.test."
'

# the sender: one message per tick via the MX (+ one to neko-base after
# phase1.8) until the stop file exists or the bounds (1500 messages, 360 s) hit;
# prints "250 ID SERVER", "5xx ID SERVER CODE" and "retry ID SERVER WHY" lines
cat >sender.py <<-\EOF
import os, smtplib, socket, subprocess, sys, time
run, stop = sys.argv[1], sys.argv[2]
def seen(what):
    try: return what in open(run).read()
    except OSError: return False
def mx():
    out = subprocess.run(["dig", "+short", "alice.test", "MX"], capture_output=True,
                         text=True).stdout.split()
    return socket.gethostbyname(out[1].rstrip(".")) if len(out) == 2 else None
def send(n, via):
    mid = "t5001-%d-%s@client.nekodojo.test" % (n, via)
    msg = ("From: tester@client.nekodojo.test\r\nTo: alice@alice.test\r\n"
           "Subject: t5001 %d\r\nMessage-ID: <%s>\r\n\r\nload %d\r\n" % (n, mid, n))
    for attempt in range(40):
        server = mx() if via == "mx" else "192.0.2.20"
        try:
            if server is None: raise OSError("no MX answer")
            with smtplib.SMTP(server, 25, "client.nekodojo.test", timeout=15) as s:
                s.sendmail("tester@client.nekodojo.test", ["alice@alice.test"], msg)
            print("250", mid, server, flush=True); return
        except smtplib.SMTPRecipientsRefused as e:
            code = list(e.recipients.values())[0][0]
        except smtplib.SMTPResponseException as e:
            code = e.smtp_code
        except (OSError, smtplib.SMTPException) as e:
            code = 0; why = type(e).__name__
        if code >= 500:
            print("5xx", mid, server, code, flush=True); return
        print("retry", mid, server, code or why, flush=True)
        time.sleep(0.5)
    print("gaveup", mid, flush=True)
t0, n, tick = time.time(), 0, time.time()
while n < 1500 and time.time() - t0 < 360 and not os.path.exists(stop):
    n += 1
    send(n, "mx")
    if seen("alice: phase1.8: done"): send(n, "new")
    tick += 0.2
    time.sleep(max(0, tick - time.time()))
EOF

test_expect_success 'the cut-over runs while the sender sends every 0.2 s' '
	: >run.out &&
	{ lab client python3 "$CLIENT_TRASH/sender.py" "$RUN" "$CLIENT_TRASH/stop" \
		>sent 2>sender.err & } &&
	sleep 1 &&
	ferry_client run --yes alice >run.out 2>run.err
	rc=$? && touch stop && wait && test $rc = 0 &&
	test_grep "^alice: phase1.7: done" run.out &&
	test_grep "^alice: phase1.10: done: [1-9][0-9]* late messages moved" run.out &&
	test_grep "^alice: phase2.3: done" run.out
'

test_expect_success 'the sender ran before phase1.7 until after phase2.3, 5xx never seen' '
	grep "^250 " sent | cut -d" " -f2 | sort >accepted &&
	test "$(wc -l <accepted)" -ge 100 &&
	test "$(sort -u accepted | wc -l)" = "$(wc -l <accepted)" &&
	grep -q "^250 t5001-1-mx@[^ ]* 192.0.2.10$" sent &&
	grep "^250 [^ ]*-mx@" sent | tail -n 1 | grep -q " 192.0.2.20$" &&
	test "$(grep -c "^250 [^ ]*-new@" sent)" -ge 20 &&
	! grep -q "^5xx\|^gaveup" sent &&
	test ! -s sender.err &&
	echo "accepted $(wc -l <accepted), retries $(grep -c "^retry" sent)"
'

# a host's Message-IDs of the load in alice's spool, with their counts
spool_counts() {
	lab "$1" sh -c "cat /var/spool/mail/alice 2>/dev/null" |
		sed -n "s/^Message-ID: <\(t5001-[^>]*\)>.*/\1/p" | sort | uniq -c
}

test_expect_success 'every accepted message is in neko-base spool exactly once' '
	n=$(wc -l <accepted) &&
	retry_until 240 eval "test \"\$(spool_counts neko-base | wc -l)\" -ge $n" &&
	spool_counts neko-base >counts &&
	awk "\$1 != 1" counts >doubled &&
	test_cmp /dev/null doubled &&
	awk "{ print \$2 }" counts | sort >delivered &&
	comm -23 accepted delivered >lost &&
	test_cmp /dev/null lost
'

test_expect_success 'nothing stays on charon: spool, queue' '
	spool_counts charon >old.counts &&
	test_cmp /dev/null old.counts &&
	for h in charon neko-base; do
		queue_empty $h || return 1
	done
'

test_expect_success 'no DSN in any mail log or mailbox' '
	for h in charon neko-base ns3; do
		no_bounce $h &&
		! lab $h sh -c "grep -l \"^From MAILER-DAEMON\" /var/spool/mail/*" || return 1
	done
'

test_done
