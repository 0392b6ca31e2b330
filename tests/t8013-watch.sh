#!/bin/bash
# t8013: after alice's move, `ferry watch --for` and done.1 count what still
# reaches the old host (web requests, mail, logins) and what fails on the new
# one (web errors, bounces), exactly as much as this story sends while they watch.
# The story starts sending only once ferry -v says the ends of the logs are
# noted, so the counts do not depend on timing.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab
TAG=t8013-$$
CONF30=/root/lab/t8013.conf

# watching FILE : ferry -v wrote to FILE that it noted where each log ends
watching() {
	retry_until 120 grep -q "watch: the ends of the logs noted on charon and neko-base" "$1"
}

# traffic N : N pages of alice fetched from the old host, one ssh login of alice
# there, one message to alice sent to it; on the new host one web error and
# one bounce (alice's message to a user who does not exist)
traffic() {
	local i
	for i in $(seq "$1"); do
		fetch_pinned 192.0.2.10 www.alice.test / >/dev/null || return 1
	done &&
	lab client ssh -o BatchMode=yes alice@192.0.2.10 true &&
	send_mail 192.0.2.10 alice@alice.test "$TAG-$1" >/dev/null &&
	wait_in_spool neko-base alice "$TAG-$1" &&
	test "$(fetch_code 192.0.2.20 www.alice.test /$TAG.html)" = "403 " &&
	lab neko-base sh -c "printf \"Subject: $TAG-$1\n\nx\n\" | sendmail -odb -f alice@alice.test nosuch-$TAG-$1" &&
	retry_until 20 lab neko-base grep -q "to=nosuch-$TAG-$1, .*dsn=5" /var/log/mail.log
}

# (Apache names the file in its error line; a failing CGI's "End of script
# output before headers: NAME" names neither home nor site, so it is not used)
test_expect_success 'seed world; alice moved through phase 2; a page the new host may not read' '
	lab_reset &&
	ferry_client run --yes --until phase2 alice >run.out 2>&1 &&
	lab neko-base runuser -u alice -- sh -c "echo locked >~/public_html/$TAG.html && chmod 000 ~/public_html/$TAG.html" &&
	lab client sed "s/^watch-seconds = .*/watch-seconds = 30/" /root/lab/ferry.conf >conf &&
	lab client sh -c "cat >$CONF30" <conf
'

test_expect_success 'watch --for: 0 to 86400 seconds, no other argument (exit 2)' '
	test_expect_code 2 ferry_client watch --for -1 2>err &&
	test_grep "for takes 0 to 86400 seconds" err &&
	test_expect_code 2 ferry_client watch --for 10x 2>err &&
	test_expect_code 2 ferry_client watch --for 86401 2>err &&
	test_expect_code 2 ferry_client watch alice 2>err
'

test_expect_success 'watch --for 0 in a quiet lab: nothing counted' '
	ferry_client watch --for 0 >w0.out 2>&1 &&
	test_grep "^watching the logs of charon and neko-base for 0 s$" w0.out &&
	test_grep "^alice: old host: 0 web requests, 0 mail deliveries, 0 logins; new host: 0 web errors, 0 bounces$" w0.out
'

test_expect_success 'watch --for 30: exactly what reached each host while it watched' '
	lab client /ferry/ferry -v -c $CONF30 watch --for 30 >watch.out 2>watch.err &
	pid=$! &&
	watching watch.err &&
	traffic 3 &&
	wait $pid &&
	test_grep "^alice: old host: 3 web requests, 1 mail deliveries, 1 logins; new host: 1 web errors, 1 bounces$" watch.out &&
	test_grep "^bob: old host: 0 web requests, 0 mail deliveries, 0 logins; new host: 0 web errors, 0 bounces$" watch.out
'

test_expect_success 'done.1 watches for watch-seconds and keeps its findings in the journal' '
	lab client /ferry/ferry -v -c $CONF30 run --yes --step done.1 alice >done1.out 2>done1.err &
	pid=$! &&
	watching done1.err &&
	traffic 2 &&
	wait $pid &&
	lab client /ferry/ferry -c $CONF30 status --json alice >status.json &&
	python3 -c "
import json
s = [x for x in json.load(open(\"status.json\"))[\"accounts\"][0][\"steps\"] if x[\"id\"] == \"done.1\"][0]
want = \"watched 30 s: old host: 2 web requests, 1 mail deliveries, 1 logins; new host: 1 web errors, 1 bounces\"
assert s[\"state\"] == \"done\" and s[\"detail\"] == want, s
"
'

lab client rm -f $CONF30
test_done
