#!/bin/bash
# t8003: `ferry rollback` after a whole migration of dave (web, mail, mush):
# files byte for byte as before, zone records back with a serial above any
# served, the game back on the old host with what players did on the new,
# mail that reached the new host carried back, owner's changes carried back,
# the account kept on the new host; then migrated again.  Starts from a fresh
# seed world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
ZONE=/etc/bind/zones/db.dave.test
TAG=t8003-$$

test_expect_success 'seed world; originals kept; a message before the move' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	save_files charon orig $MAIL_FILES $WEB_FILES $ZONE &&
	save_files neko-base orig $MAIL_FILES $WEB_FILES &&
	send_mail 192.0.2.10 dave@dave.test "$TAG-before" >/dev/null &&
	wait_in_spool charon dave "$TAG-before"
'

test_expect_success 'dave migrated; the owner and the players use the new host' '
	ferry_client run --yes dave >run.out 2>&1 &&
	test "$(dig_at 192.0.2.30 www.dave.test A)" = 192.0.2.20 &&
	lab neko-base runuser -u dave -- sh -c "echo changed on neko >/home/dave/public_html/new.html" &&
	send_mail 192.0.2.20 dave@dave.test "$TAG-during" >/dev/null &&
	wait_in_spool neko-base dave "$TAG-during" &&
	mush_talk 192.0.2.20 2861 "connect wizard potrzebie" "&FERRYMARK me=$TAG" \
		"think MARK=[get(me/FERRYMARK)]" >mush.out &&
	test_grep "MARK=$TAG" mush.out &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do zone_serial $ns dave.test; done >served
'

test_expect_success 'rollback dave exits 0, each undo said' '
	ferry_client rollback dave >rb.out 2>&1 &&
	test_grep "^dave: phase1.7: undone: [1-9][0-9]* messages carried back to charon$" rb.out &&
	test_grep "^dave: phase1.3: undone: back from neko-base: " rb.out &&
	test_grep "^dave: prep.1: undone: account kept on neko-base$" rb.out
'

test_expect_success 'mail, web and DNS files byte for byte as before, on both hosts' '
	save_files charon back $MAIL_FILES $WEB_FILES &&
	save_files neko-base back $MAIL_FILES $WEB_FILES &&
	same_files charon orig back $MAIL_FILES $WEB_FILES &&
	same_files neko-base orig back $MAIL_FILES $WEB_FILES
'

test_expect_success 'zone records back, serial above any served before' '
	save_files charon back $ZONE &&
	grep -v "; serial" charon.db.dave.test.orig >expect &&
	grep -v "; serial" charon.db.dave.test.back >actual &&
	test_cmp expect actual &&
	max=$(sort -n served | tail -n 1) &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(zone_serial $ns dave.test)" -gt "$max" || return 1
	done
'

test_expect_success 'every nameserver answers with the old host again' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.dave.test A)" = 192.0.2.10 &&
		test "$(dig_at $ns mush.dave.test A)" = 192.0.2.10 &&
		test "$(dig_at $ns dave.test MX)" = "10 charon.nekodojo.test." &&
		test -z "$(dig_at $ns test.dave.test A)" || return 1
	done
'

test_expect_success 'the old host serves the site itself, with the owner'\''s new file' '
	fetch_pinned 192.0.2.10 www.dave.test /new.html >new.html &&
	echo "changed on neko" >expect && test_cmp expect new.html &&
	! lab charon grep -q "ProxyPass" /usr/local/adm/apache/virtual.conf
'

test_expect_success 'mail: both messages in the old spool, none left in the new' '
	wait_in_spool charon dave "$TAG-before" 1 &&
	wait_in_spool charon dave "$TAG-during" 1 &&
	test "$(lab charon grep -c "^Message-Id: <$TAG-during@" /var/spool/mail/dave)" = 1 &&
	! lab neko-base grep -q "$TAG" /var/spool/mail/dave
'

test_expect_success 'the game answers on the old host with what players did on the new' '
	mush_talk 192.0.2.10 2861 "connect wizard potrzebie" "think MARK=[get(me/FERRYMARK)]" >mush2.out &&
	test_grep "MARK=$TAG" mush2.out &&
	! lab client nc -z -w 2 192.0.2.20 2861 &&
	lab neko-base id -u dave
'

test_expect_success 'status: every step pending again; dave migrates again' '
	ferry_client status --json dave >st.json &&
	! grep -q "\"state\": \"done\"" st.json &&
	ferry_client run --yes dave >run2.out 2>&1 &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.dave.test A)" = 192.0.2.20 || return 1
	done &&
	fetch_pinned 192.0.2.20 www.dave.test /new.html >new2.html && test_cmp expect new2.html &&
	wait_in_spool neko-base dave "$TAG-during" 1
'

test_done
