#!/bin/bash
# t4012: ~user served by the default vhost, the stock Debian way.  No block
# on charon names the userdir-domain any more, so Apache gives it to the
# first *:80 block, 000-default.conf (no ServerName).  check says so and
# agrees with apache2ctl -S; phase2.6 puts the ~alice redirect into
# 000-default.conf (sites-enabled stays a symlink); rollback puts the file
# back byte for byte.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

VCONF=/usr/local/adm/apache/virtual.conf
DEF=/etc/apache2/sites-available/000-default.conf

test_expect_success 'a fresh seed world; nekodojo.test claimed by no block on charon' '
	lab_reset &&
	lab charon sed -i "/^ *ServerAlias nekodojo.test charon.nekodojo.test\$/d" $VCONF &&
	lab charon apache2ctl graceful &&
	lab charon cat $DEF >def.orig &&
	lab charon apache2ctl -S >vhosts 2>&1 &&
	! grep -q "alias nekodojo.test" vhosts &&
	fetch_pinned 192.0.2.10 nekodojo.test /~alice/ | grep -q alice-userdir-v1
'

test_expect_success 'check: the default vhost serves it, as apache2ctl -S says' '
	ferry_client check alice >out 2>err &&
	test_grep "^ok charon: .* VirtualHosts in .* files; default of 192.0.2.10:80 $DEF:1, as apache2ctl -S says" out &&
	test_grep "^ok charon: nekodojo.test (userdir-domain) is served by $DEF:1 (the default vhost)" out
'

test_expect_success 'run --dry-run: the redirect goes into 000-default.conf' '
	ferry_client run --dry-run --yes alice >dry.out 2>&1 &&
	test_grep "^+++ charon:$DEF" dry.out &&
	test_grep "^+.*RedirectMatch 301 \^/~alice(/\.\*)?\$ http://neko-base.nekodojo.test/~alice\$1" dry.out &&
	lab charon cat $DEF >def.now && test_cmp def.orig def.now
'

test_expect_success 'phase2.6: ~alice on charon answers 301 through the default vhost' '
	ferry_client run --step phase2.6 alice >out 2>err &&
	test_grep "^alice: phase2.6: done" out &&
	echo "301 http://neko-base.nekodojo.test/~alice/x.html" >want &&
	fetch_code 192.0.2.10 nekodojo.test /~alice/x.html >got &&
	test_cmp want got &&
	lab charon test -L /etc/apache2/sites-enabled/000-default.conf &&
	lab charon grep -q "RedirectMatch 301" $DEF
'

test_expect_success 'rollback: 000-default.conf byte for byte, ~alice served again' '
	ferry_client rollback alice >out 2>err &&
	lab charon cat $DEF >def.after &&
	test_cmp def.orig def.after &&
	fetch_pinned 192.0.2.10 nekodojo.test /~alice/ | grep -q alice-userdir-v1
'

test_expect_success 'cleanup: the seed world back' '
	lab_reset
'

test_done
