#!/bin/bash
# t4013: alice's site also on https (tests/lab/https.sh: the lab's own CA, a
# certbot lineage and a :443 VirtualHost on charon).  prep carries the
# certificate, key, chain and renewal configuration to neko-base; the
# cut-over is watched over https (SNI pinned to each host, certificate
# verified) and shows no failed request; charon's proxy speaks https to
# neko-base with the block's Include kept; an ACME challenge file put on
# neko-base is served through charon; rollback puts everything back; a lab
# reset gives the seed world again.  Starts and ends with a lab reset.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lab/https.sh"
require_lab
VHOSTS=/usr/local/adm/apache/virtual.conf
LE=/etc/letsencrypt
CONF=$CLIENT_TRASH/ferry.conf

test_expect_success 'seed world with alice on https, served by charon, verified' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	https_site alice /home/alice/public_html "alice.test www.alice.test" test.alice.test \
		>site.log 2>&1 &&
	fetch_tls 192.0.2.10 www.alice.test /about.html >about &&
	test_grep "About Alice" about &&
	lab charon cat $VHOSTS >vhosts.orig &&
	lab neko-base cat $VHOSTS >new-vhosts.orig &&
	! lab neko-base test -e $LE/live/alice.test
'

test_expect_success 'a wrong name is refused: the certificate is checked' '
	! lab client curl -sS --max-time 10 --resolve nekodojo.test:443:192.0.2.10 \
		https://nekodojo.test/ >/dev/null 2>&1
'

test_expect_success 'prep: certificate, key, chain and renewal on neko-base, modes kept' '
	ferry_client run --until prep alice >prep.out 2>&1 &&
	test_grep "^alice: prep.4: done: [0-9]* TLS paths carried; " prep.out &&
	test_grep "^alice: prep.5: done: 2 names x 3 paths match" prep.out &&
	! grep -e "PRIVATE KEY" prep.out &&
	lab neko-base stat -c "%a %U %n" $LE/archive/alice.test/privkey1.pem \
		$LE/archive/alice.test/cert1.pem $LE/archive $LE/live >modes &&
	printf "%s\n" "600 root $LE/archive/alice.test/privkey1.pem" \
		"644 root $LE/archive/alice.test/cert1.pem" "700 root $LE/archive" \
		"700 root $LE/live" >expect &&
	test_cmp expect modes &&
	test "$(lab neko-base readlink $LE/live/alice.test/privkey.pem)" = \
		../../archive/alice.test/privkey1.pem &&
	fetch_tls 192.0.2.20 test.alice.test / >new-home &&
	test -s new-home
'

test_expect_success 'the renewal configuration names paths that exist on neko-base' '
	lab neko-base cat $LE/renewal/alice.test.conf >renewal.conf &&
	sed -n "s/^\(archive_dir\|cert\|privkey\|chain\|fullchain\) = //p" renewal.conf >paths &&
	test "$(wc -l <paths)" = 5 &&
	while read -r p; do lab neko-base test -e "$p" || return 1; done <paths &&
	lab neko-base openssl x509 -in $LE/live/alice.test/cert.pem -noout -checkend 86400
'

test_expect_success 'phase 1, then phase2.proxy alone: charon speaks https to neko-base' '
	ferry_client run --yes --until phase1 alice >p1.out 2>&1 &&
	ferry_client run --yes --step phase2.proxy alice >proxy.out 2>&1 &&
	test_grep "^alice: phase2.proxy: done" proxy.out &&
	lab charon cat $VHOSTS | sed -n "/<VirtualHost \*:443>/,/<\/VirtualHost>/p" >proxy443 &&
	test_grep "^ *SSLProxyEngine on$" proxy443 &&
	test_grep "^ *ProxyPass / https://192.0.2.20/$" proxy443 &&
	test_grep "^ *Include $LE/options-ssl-apache.conf$" proxy443 &&
	lab neko-base sh -c "echo served by neko-base >/home/alice/public_html/which.html" &&
	test "$(fetch_tls 192.0.2.10 alice.test /which.html)" = "served by neko-base"
'

test_expect_success 'before the DNS switch, an ACME challenge on neko-base is served through charon' '
	test "$(dig_at 192.0.2.30 alice.test A)" = 192.0.2.10 &&
	tok=t4013-$$-token &&
	lab neko-base sh -c "mkdir -p /home/alice/public_html/.well-known/acme-challenge &&
		echo $tok.key >/home/alice/public_html/.well-known/acme-challenge/$tok" &&
	test "$(fetch_pinned 192.0.2.10 www.alice.test /.well-known/acme-challenge/$tok)" = \
		"$tok.key" &&
	lab neko-base rm -rf /home/alice/public_html/.well-known /home/alice/public_html/which.html
'

test_expect_success 'cut-over over https: the watcher saw 0 failed requests' '
	ferry_client run --yes --until phase2 alice >cut.out 2>&1 &&
	test_grep "^alice: phase2.5: done" cut.out &&
	test "$(dig_at 192.0.2.30 alice.test A)" = 192.0.2.20 &&
	ferry_client status --json alice >status.json &&
	test_grep "\"web\": 0.0" status.json &&
	lab client sqlite3 /root/lab/ferry.db "SELECT count(*) FROM events
		WHERE account = '\''alice'\'' AND kind = '\''web.down'\''" >downs &&
	test "$(cat downs)" = 0 &&
	! grep -e "PRIVATE KEY" cut.out &&
	lab neko-base cat /var/log/apache2/access.log >access &&
	test "$(grep -c "^alice.test:443 .*\"ferry\"$" access)" -gt 0
'

test_expect_success 'rollback: charon serves https itself, neko-base has no TLS files' '
	ferry_client rollback alice >rb.out 2>&1 &&
	lab charon cat $VHOSTS >vhosts.back &&
	test_cmp vhosts.orig vhosts.back &&
	lab neko-base cat $VHOSTS >new-vhosts.back &&
	test_cmp new-vhosts.orig new-vhosts.back &&
	! lab neko-base test -e $LE/live/alice.test &&
	! lab neko-base test -e $LE/archive &&
	! lab neko-base test -e $LE/renewal/alice.test.conf &&
	! lab neko-base test -e $LE/options-ssl-apache.conf &&
	lab charon test -e $LE/live/alice.test/privkey.pem &&
	test "$(fetch_tls 192.0.2.10 alice.test /about.html | grep -c "About Alice")" = 1
'

test_expect_success 'cleanup: the seed world again' '
	"$LAB_SH" reset >reset2.log 2>&1 &&
	! lab charon test -e $LE/live &&
	! lab charon grep -q ":443" $VHOSTS
'

test_done
