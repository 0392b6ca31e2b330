#!/bin/bash
# t4001: prep.4 and prep.5 seen through HTTP pinned to each host: the account's
# VirtualHosts on the new host with the test name, ~alice there, the site
# compared (and a new host without mod_cgid caught with a diff), and a vhost
# edit that apache-check refuses leaves virtual.conf and Apache as they were.
# Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

VCONF=/usr/local/adm/apache/virtual.conf

test_expect_success 'a fresh seed world (lab reset); alice'\''s account and home on neko-base' '
	lab_reset &&
	ferry_client run --step prep.1 alice >out 2>err &&
	ferry_client run --step prep.2 alice >>out 2>>err
'

test_expect_success 'prep.4: apache2ctl -S on neko-base lists test.alice.test' '
	ferry_client run --step prep.4 alice >out 2>err &&
	test_grep "^alice: prep.4: done: VirtualHosts on neko-base with alias test.alice.test" out &&
	lab neko-base apache2ctl -S >vhosts 2>&1 &&
	test_grep "alias test.alice.test\$" vhosts &&
	test_grep "port 80 namevhost alice.test (/usr/local/adm/apache/virtual.conf:" vhosts
'

test_expect_success 'prep.4: the site through test.alice.test on neko-base is the old site' '
	for p in / /about.html /cgi-bin/visits.cgi; do
		fetch_pinned 192.0.2.10 alice.test $p >old &&
		fetch_pinned 192.0.2.20 test.alice.test $p >new &&
		test_cmp old new && test -s new || return 1
	done &&
	fetch_pinned 192.0.2.20 test.alice.test / | grep -q alice-index-v1 &&
	fetch_pinned 192.0.2.20 www.alice.test /about.html | grep -q alice-about-v1
'

test_expect_success 'prep.4: ~alice served by neko-base (the userdir-redirect host)' '
	fetch_pinned 192.0.2.10 charon.nekodojo.test /~alice/ >old &&
	fetch_pinned 192.0.2.20 neko-base.nekodojo.test /~alice/ >new &&
	test_cmp old new &&
	test_grep alice-userdir-v1 new
'

test_expect_success 'prep.5 fails with a diff when neko-base lacks mod_cgid' '
	test_when_finished "lab neko-base a2enmod -q cgid; lab neko-base apache2ctl graceful" &&
	lab neko-base a2dismod -q cgid &&
	lab neko-base apache2ctl graceful &&
	retry_until 10 sh -c "! $LAB_SH exec client curl -sS --resolve test.alice.test:80:192.0.2.20 \
		http://test.alice.test/cgi-bin/visits.cgi | grep -q \"counter: 42\"" &&
	test_expect_code 1 ferry_client run --step prep.5 alice >out 2>err &&
	test_grep "^ferry: alice: prep.5: http://alice.test/cgi-bin/visits.cgi: old host answers 200 text/plain" err &&
	test_grep "^-alice.test visitor counter: 42 visits" err &&
	test_grep "^+printf .alice.test visitor counter" err &&
	! grep -q "about.html" err
'

test_expect_success 'prep.5 passes once mod_cgid is back' '
	retry_until 10 sh -c "$LAB_SH exec client curl -sS --resolve test.alice.test:80:192.0.2.20 \
		http://test.alice.test/cgi-bin/visits.cgi | grep -q \"counter: 42\"" &&
	ferry_client run --step prep.5 alice >out 2>err &&
	test_grep "^alice: prep.5: done: 2 names x 3 paths match" out
'

test_expect_success 'apache-check fails: exit 1 naming prep.4, virtual.conf byte-identical, Apache serving' '
	test_when_finished "lab client rm -f /root/lab/t4001.conf" &&
	lab client sh -c "sed \"/^\\[host neko-base\\]/,/^\\[/ s/^apache-check = .*/apache-check = false/\" \
		/root/lab/ferry.conf >/root/lab/t4001.conf" &&
	lab neko-base sha256sum $VCONF >sum.before &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t4001.conf run --step prep.4 dave >out 2>err &&
	test_grep "^ferry: dave: prep.4: neko-base: the check of $VCONF failed" err &&
	lab neko-base sha256sum $VCONF >sum.after &&
	test_cmp sum.before sum.after &&
	fetch_pinned 192.0.2.20 test.alice.test / | grep -q alice-index-v1 &&
	! fetch_pinned 192.0.2.20 test.dave.test / | grep -q dave-index-v1
'

test_expect_success 'a directive only the old host knows: apache2ctl -t refuses, file kept, Apache serving' '
	lab charon cp $VCONF /root/virtual.conf.t4001 &&
	test_when_finished "lab charon sh -c \"cp /root/virtual.conf.t4001 $VCONF && apache2ctl graceful\"" &&
	lab charon sed -i "s|^    DocumentRoot /home/dave/public_html\$|&\\n    ExpiresActive On|" $VCONF &&
	lab charon a2enmod -q expires && lab charon apache2ctl graceful &&
	fetch_pinned 192.0.2.10 dave.test / | grep -q dave-index-v1 &&
	lab neko-base sha256sum $VCONF >sum.before &&
	test_expect_code 1 ferry_client run --step prep.4 dave >out 2>err &&
	test_grep "^ferry: dave: prep.4: neko-base: the check of $VCONF failed" err &&
	test_grep "^Invalid command .ExpiresActive." err &&
	lab neko-base sha256sum $VCONF >sum.after &&
	test_cmp sum.before sum.after &&
	fetch_pinned 192.0.2.20 test.alice.test /about.html | grep -q alice-about-v1
'

test_expect_success 'a VirtualHost added by hand after alice'\''s section is not alice'\''s' '
	printf "\n<VirtualHost *:80>\n    ServerName admin.test\n    DocumentRoot /srv/www\n</VirtualHost>\n" >admin.block &&
	lab neko-base sh -c "cat >>$VCONF" <admin.block &&
	lab neko-base cat $VCONF >before &&
	lab client sh -c "sed \"s|^journal = .*|journal = /root/lab/t4001.db|\" /root/lab/ferry.conf >/root/lab/t4001.conf" &&
	lab client /ferry/ferry -c /root/lab/t4001.conf run --step prep.4 alice >out 2>err &&
	lab client rm -f /root/lab/t4001.conf /root/lab/t4001.db &&
	test_grep "^alice: prep.4: done already" out &&
	lab neko-base cat $VCONF >after && test_cmp before after &&
	ferry_client rollback alice >out 2>err &&
	lab neko-base grep -q "ServerName admin.test" $VCONF &&
	! lab neko-base grep -q "account alice" $VCONF
'

test_done
