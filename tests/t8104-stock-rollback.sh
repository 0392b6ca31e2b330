#!/bin/bash
# t8104: `ferry rollback` of alice (web, mail, ~alice) after her whole
# migration in the stock Debian world: sites-available files, the default
# vhost and /etc/mail files byte for byte as before on both hosts, the
# modules ferry enabled disabled again, zone records back (the $ORIGIN file's
# other records untouched) with a serial above any served, site, ~alice and
# mail back on the old host with what reached the new.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_world stock
NS="$W_OLD_ADDR $W_NEW_ADDR $W_NS3_ADDR"
NEW_FILES="$MAIL_FILES /etc/apache2/sites-available/hosted.conf"
TAG=t8104-$$

records() {	# HOST : alice.test as HOST's named serves it, SOA left out (the old
	# host lets only its secondaries and itself transfer)
	lab "$1" dig +norec +noall +answer @127.0.0.1 alice.test AXFR | awk '$4 != "SOA"' | sort
}

test_expect_success 'stock world; originals kept; a message before the move' '
	lab_reset &&
	save_files "$W_OLD" orig $MAIL_FILES $WEB_FILES &&
	save_files "$W_NEW" orig $NEW_FILES &&
	records "$W_OLD" >records.orig &&
	test "$(grep -c . records.orig)" -ge 10 &&
	lab "$W_OLD" apache2ctl -M >mods.orig 2>&1 &&
	send_mail "$W_OLD_ADDR" alice@alice.test "$TAG-before" >/dev/null &&
	wait_in_spool "$W_OLD" alice "$TAG-before"
'

test_expect_success 'alice migrated; she changes her site and gets mail on the new host' '
	ferry_client run --yes alice >run.out 2>&1 &&
	test "$(dig_at "$W_NS3_ADDR" www.alice.test A)" = "$W_NEW_ADDR" &&
	lab "$W_NEW" runuser -u alice -- sh -c "echo changed on $W_NEW >$W_HOME/alice/web/new.html" &&
	send_mail "$W_NEW_ADDR" alice@alice.test "$TAG-during" >/dev/null &&
	wait_in_spool "$W_NEW" alice "$TAG-during" &&
	for a in $NS; do zone_serial $a alice.test; done >served
'

test_expect_success 'rollback alice exits 0' '
	ferry_client rollback alice >rb.out 2>&1 &&
	test_grep "^alice: prep.1: undone: account kept on $W_NEW$" rb.out
'

test_expect_success 'web and mail files byte for byte as before, on both hosts; modules too' '
	save_files "$W_OLD" back $MAIL_FILES $WEB_FILES &&
	save_files "$W_NEW" back $NEW_FILES &&
	same_files "$W_OLD" orig back $MAIL_FILES $WEB_FILES &&
	same_files "$W_NEW" orig back $NEW_FILES &&
	lab "$W_OLD" apache2ctl -M >mods.back 2>&1 &&
	test_cmp mods.orig mods.back
'

test_expect_success 'every nameserver serves the old records, serial above any served' '
	max=$(sort -n served | tail -n 1) &&
	for h in "$W_OLD" "$W_NEW" "$W_NS3"; do
		records $h >records.back &&
		test_cmp records.orig records.back || return 1
	done &&
	for a in $NS; do
		test "$(zone_serial $a alice.test)" -gt "$max" || return 1
	done &&
	lab "$W_OLD" grep -c "^\$ORIGIN " /var/lib/bind/alice.test.hosts >origins &&
	test "$(cat origins)" = 2
'

test_expect_success 'the old host serves the site with her new file, and ~alice itself' '
	fetch_pinned "$W_OLD_ADDR" www.alice.test /new.html >new.html &&
	echo "changed on $W_NEW" >expect && test_cmp expect new.html &&
	test "$(fetch_code "$W_OLD_ADDR" "$W_OLD_NAME" /~alice/)" = "200 "
'

test_expect_success 'mail: both messages in the old spool, none left in the new' '
	wait_in_spool "$W_OLD" alice "$TAG-before" 1 &&
	wait_in_spool "$W_OLD" alice "$TAG-during" 1 &&
	! lab "$W_NEW" grep -q "$TAG" "$W_SPOOL/alice"
'

test_expect_success 'status: every step pending again' '
	ferry_client status --json alice >st.json &&
	! grep -q "\"state\": \"done\"" st.json
'

test_done
