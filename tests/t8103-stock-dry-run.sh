#!/bin/bash
# t8103: `run --dry-run --all` on the stock Debian world shows each pending
# step's change in this world's own files (zones in /var/lib/bind with
# $ORIGIN, sites-available files, /etc/mail/virtusertable, the modules ferry
# would enable) and writes nothing: every file of every host and the journal
# stay as they were.  Starts from a fresh stock world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_world stock

test_expect_success 'fresh stock world, no journal yet, sums taken' '
	lab_reset &&
	test_expect_code 1 lab "$W_CLIENT" test -e /root/lab/ferry.db &&
	sums_all before &&
	lab "$W_OLD" apache2ctl -M >mods.before 2>&1
'

test_expect_success 'run --dry-run --all exits 0; the zone diff is of the $ORIGIN file' '
	ferry_client run --dry-run --all --yes >dry.out 2>&1 &&
	test_grep "^alice: prep.3: would " dry.out &&
	test_grep "^--- $W_OLD:/var/lib/bind/alice.test.hosts$" dry.out &&
	test_grep "^+new.alice.test.	2	A	$W_NEW_ADDR$" dry.out &&
	test_grep "^ \$ORIGIN alice.test.$" dry.out &&
	test_grep "^--- $W_OLD:/var/lib/bind/bob.test.hosts$" dry.out
'

test_expect_success 'the vhost goes to the new host'\''s sites file; ~alice on the default vhost' '
	test_grep "^--- $W_NEW:/etc/apache2/sites-available/hosted.conf$" dry.out &&
	test_grep "^+	ServerAlias new.alice.test$" dry.out &&
	test_grep "^--- $W_OLD:/etc/apache2/sites-available/alice.conf$" dry.out &&
	test_grep "^+	ProxyPass / http://$W_NEW_ADDR/$" dry.out &&
	test_grep "^--- $W_OLD:/etc/apache2/sites-available/000-default.conf$" dry.out &&
	test_grep "~alice" dry.out
'

test_expect_success 'the modules ferry needs and this host lacks are shown as changes' '
	test_grep "^$W_OLD: a2enmod proxy proxy_http " dry.out &&
	! grep -q "^ferry: " dry.out
'

test_expect_success 'mail: /etc/mail/virtusertable on both hosts, carol'\''s lines unchanged' '
	test_grep "^--- $W_NEW:/etc/mail/virtusertable$" dry.out &&
	test_grep "^+@alice.test	alice@$W_NEW_NAME$" dry.out &&
	test_grep "^+@carol.test	carol@owners.test$" dry.out &&
	test_grep "^+alice:x:3101:3101:.*:/srv/home/alice:/bin/bash .*password:(hash, not shown)$" dry.out &&
	test_grep "^rsync $W_OLD:/srv/home/alice/ -> $W_NEW: [0-9]* files, [0-9]* bytes to transfer$" dry.out
'

test_expect_success 'no journal was created, no file changed on any host, no module enabled' '
	test_expect_code 1 lab "$W_CLIENT" test -e /root/lab/ferry.db &&
	sums_all after &&
	sums_same before after &&
	lab "$W_OLD" apache2ctl -M >mods.after 2>&1 &&
	test_cmp mods.before mods.after &&
	! grep -q proxy_module mods.after
'

test_done
