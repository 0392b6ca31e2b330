#!/bin/bash
# t4003: ferry's web downtime figure measures a real outage (starts with a
# reset).  neko-base's apache-reload is made to stop Apache for 3 s, so when
# done.tidy reloads it (charon only proxies to neko-base by then) no host
# serves alice's site for about 3 s; the figure must say so, from the
# journal's web.down/web.up events.
. "$(dirname "$0")/lib.sh"
require_lab

CONF=$CLIENT_TRASH/ferry.conf

test_expect_success 'the seed world, fresh (lab reset); a reload that stops Apache 3 s' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	printf "#!/bin/sh\napache2ctl stop; sleep 3; apache2ctl start\n" |
		lab neko-base sh -c "cat >/root/slow-reload && chmod 755 /root/slow-reload" &&
	lab client cat /root/lab/ferry.conf |
		awk "/^\[host neko-base\]/ { h = 1 } /^\[host ns3\]/ { h = 0 }
			h && /^apache-reload/ { \$0 = \"apache-reload = /root/slow-reload\" } { print }" \
		>ferry.conf &&
	test "$(grep -c "^apache-reload = /root/slow-reload$" ferry.conf)" = 1
'

test_expect_success 'alice moves; the phase 2 steps see no outage' '
	lab client /ferry/ferry -c "$CONF" run --yes --until phase2 alice >run.out 2>&1 &&
	lab client /ferry/ferry -c "$CONF" status --json alice >status.json &&
	test_grep "\"web\": 0.0" status.json
'

test_expect_success 'done.tidy: the reload takes the site away from every host' '
	rm -f fetch.stop &&
	{ for i in $(seq 600); do test -e fetch.stop && break
		fetch_code 192.0.2.10 alice.test / ; sleep 0.2; done >codes & } &&
	lab client /ferry/ferry -c "$CONF" run --yes alice >run2.out 2>&1 &&
	touch fetch.stop &&
	wait &&
	test_grep "^alice: done.tidy: done" run2.out &&
	grep -v "^200 $" codes >bad &&
	test -s bad
'

test_expect_success 'the web figure is the outage, equal to the journal events' '
	lab client /ferry/ferry -c "$CONF" status --json alice >status.json &&
	fig=$(sed -n "s/.*\"web\": \([0-9.]*\).*/\1/p" status.json) &&
	lab client sqlite3 /root/lab/ferry.db "SELECT step, kind, detail FROM events
		WHERE account = '\''alice'\'' AND kind LIKE '\''web.%'\'' ORDER BY id" >events &&
	printf "%s\n" "done.tidy|web.down|alice.test served by neither host" "done.tidy|web.up|" \
		>expect &&
	test_cmp expect events &&
	diff=$(lab client sqlite3 /root/lab/ferry.db "SELECT printf('\''%.1f'\'',
		max(CASE kind WHEN '\''web.up'\'' THEN at END) -
		max(CASE kind WHEN '\''web.down'\'' THEN at END)) FROM events WHERE account = '\''alice'\''") &&
	test "$fig" = "$diff" &&
	awk -v f="$fig" "BEGIN { exit !(f >= 2 && f < 6) }" &&
	echo "web downtime $fig s"
'

test_done
