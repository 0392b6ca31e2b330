#!/bin/bash
# t8004: kill anywhere, resume.  dave (web, mail, mush) is migrated with
# ferry killed (FERRY_FAULT, SIGKILL) at every (step, point) pair in order,
# the pairs enumerated from `plan --json` (points: before-apply, mid-edit for
# the steps whose dry run shows a file diff, after-apply, after-verify), each
# run resuming the last.  Then the outside checks of an uninterrupted run.
# FERRY_PAIRS=quick keeps one representative pair per step kind (make check);
# the full matrix is `make check-long`.  Starts from a fresh seed world.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
TAG=t8004-$$

test_expect_success 'seed world; a message waits in the old spool' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	send_mail 192.0.2.10 dave@dave.test "$TAG" >/dev/null &&
	wait_in_spool charon dave "$TAG"
'

# the pairs: every applicable step of plan --json with the points it passes
test_expect_success 'the (step, point) pairs, from plan --json and the dry run' '
	ferry_client plan --json dave >plan.json &&
	ferry_client run --dry-run --yes dave >dry.out 2>&1 &&
	grep -o "\"id\": \"[^\"]*\"" plan.json | cut -d\" -f4 >steps &&
	grep -v "^#" "$TEST_DIR/unit/data/contract-steps.txt" | cut -d" " -f1 >expect &&
	test_cmp expect steps &&
	awk "/^dave: [a-z0-9.]*: (skipped|done already)/ { print \$2 }" dry.out | tr -d : >inert &&
	awk "/^dave: [a-z0-9.]*: would / { s = \$2 } /^--- / && s { print s; s = \"\" }" dry.out |
		tr -d : >edits &&
	while read -r s; do
		grep -qx -F "$s" inert && continue
		echo "$s:before-apply"
		grep -qx -F "$s" edits && echo "$s:mid-edit"
		echo "$s:after-apply"
		echo "$s:after-verify"
	done <steps >pairs.all &&
	printf "%s\n" prep.3:mid-edit prep.4:after-apply prep.7:after-apply phase1.1:after-verify \
		phase1.3:before-apply phase1.4:after-apply phase1.5:mid-edit phase1.7:after-apply \
		phase1.8:mid-edit phase1.10:after-apply phase2.proxy:mid-edit phase2.1:after-apply \
		phase2.4:after-apply done.tidy:before-apply >quick &&
	grep -x -F -f quick pairs.all >pairs && test_cmp quick pairs &&
	if [ "${FERRY_PAIRS:-quick}" = full ]; then cp pairs.all pairs; fi &&
	echo "# $(wc -l <pairs) of $(wc -l <pairs.all) pairs: $(tr "\n" " " <pairs)" >&3
' 3>&1

test_expect_success 'ferry dies at every pair in turn and resumes from the journal' '
	: >reached && : >missed &&
	while read -r pair; do
		t0=$(date +%s)
		ferry_fault "$pair" run --yes dave >run.out 2>&1 </dev/null
		rc=$?
		echo "$pair exit $rc in $(($(date +%s) - t0)) s" >>times
		if grep -q "^ferry: fault injected at $pair$" run.out; then
			echo "$pair" >>reached
		else
			echo "$pair (exit $rc)" >>missed
		fi
		if [ $rc != 137 ] && [ $rc != 0 ]; then cat run.out; break; fi
	done <pairs &&
	echo "# $(wc -l <reached) kill points reached; $(awk "{ s += \$(NF - 1) } END { print s }" times) s of runs" >&3 &&
	test ! -s missed || { echo "never reached:"; cat missed; false; } &&
	test_cmp pairs reached
' 3>&1

test_expect_success 'a last run finishes the migration with exit 0' '
	ferry_client run --yes dave >final.out 2>&1 &&
	ferry_client status --json dave >st.json &&
	! grep -E "\"state\": \"(pending|running|failed|waiting)\"" st.json
'

test_expect_success 'outside: every nameserver names the new host, the site is served there' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.dave.test A)" = 192.0.2.20 &&
		test "$(dig_at $ns mush.dave.test A)" = 192.0.2.20 &&
		test "$(dig_at $ns dave.test MX)" = "10 neko-base.nekodojo.test." || return 1
	done &&
	lab charon cat /home/dave/public_html/index.html >expect &&
	fetch_pinned 192.0.2.20 www.dave.test / >actual && test_cmp expect actual
'

test_expect_success 'each zone edit bumped the serial once, on every nameserver' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(zone_serial $ns dave.test)" = 2099123107 || return 1
	done
'

test_expect_success 'the game answers on the new host only; the message is there once' '
	mush_talk 192.0.2.20 2861 >banner && test_grep "Welcome" banner &&
	! lab client nc -z -w 2 192.0.2.10 2861 &&
	test "$(lab neko-base grep -c "^Message-Id: <$TAG@" /var/spool/mail/dave)" = 1 &&
	! lab charon grep -q "$TAG" /var/spool/mail/dave
'

test_expect_success 'no line twice in any edited file' '
	for h in charon neko-base; do
		no_dup_lines $h /usr/local/adm/apache/virtual.conf "Server(Name|Alias)|^# ferry" &&
		no_dup_lines $h /usr/local/adm/mail/virtusertable &&
		no_dup_lines $h /etc/mail/local-host-names || return 1
	done &&
	no_dup_lines charon /etc/bind/zones/db.dave.test &&
	test "$(lab neko-base grep -c "ServerName dave.test$" /usr/local/adm/apache/virtual.conf)" = 1
'

test_expect_success 'journal integrity ok; no ferry, ssh master or mail lock left' '
	journal_ok && no_leftovers
'

test_done
