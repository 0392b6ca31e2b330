#!/bin/bash
# t4011: what ferry needs, ferry sets up.  With proxy/proxy_http off on
# charon and userdir off on neko-base (Debian's defaults), check passes and
# says which step will enable them; the dry run shows the a2enmod lines and
# changes nothing; prep.4 enables userdir, phase2.proxy enables proxy and
# proxy_http (Apache itself lists them); rollback disables exactly those.
# Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

VCONF=/usr/local/adm/apache/virtual.conf

# the modules Apache has loaded on a host, one a line
mods() {
	lab "$1" apache2ctl -M 2>/dev/null | sed -n 's/^ *\([a-z_0-9]*\)_module .*/\1/p'
}

test_expect_success 'a fresh seed world; proxy, proxy_http off on charon, userdir on neko-base' '
	lab_reset &&
	lab charon sh -c "a2dismod -q proxy_http proxy && apache2ctl graceful" &&
	lab neko-base sh -c "a2dismod -q userdir && apache2ctl graceful" &&
	lab charon cat $VCONF >vconf.orig &&
	mods charon >m.charon && ! grep -qx proxy m.charon && ! grep -qx proxy_http m.charon &&
	mods neko-base >m.neko && ! grep -qx userdir m.neko
'

test_expect_success 'check exits 0 and names the steps that will enable them' '
	ferry_client check alice >out 2>err &&
	test_grep "^ok charon: apache module proxy_module is off: phase2.proxy will enable it (a2enmod proxy)" out &&
	test_grep "^ok charon: apache module proxy_http_module is off: phase2.proxy will enable it (a2enmod proxy_http)" out &&
	test_grep "^ok neko-base: apache module userdir_module is off: prep.4 will enable it (a2enmod userdir)" out
'

test_expect_success 'run --dry-run shows the a2enmod lines and enables nothing' '
	ferry_client run --dry-run --yes alice >dry.out 2>&1 &&
	test_grep "^neko-base: a2enmod userdir (then apache-check, apache-reload)" dry.out &&
	test_grep "^charon: a2enmod proxy proxy_http (then apache-check, apache-reload)" dry.out &&
	mods charon >m.charon && ! grep -qx proxy m.charon &&
	mods neko-base >m.neko && ! grep -qx userdir m.neko
'

test_expect_success 'prep.4 enables userdir on neko-base; ~alice served there' '
	ferry_client run --step prep.1 alice >out 2>err &&
	ferry_client run --step prep.2 alice >>out 2>>err &&
	ferry_client run --step prep.4 alice >out 2>err &&
	test_grep "^alice: prep.4: done: a2enmod userdir on neko-base; VirtualHosts on neko-base" out &&
	mods neko-base >m.neko && grep -qx userdir m.neko &&
	fetch_pinned 192.0.2.20 neko-base.nekodojo.test /~alice/ | grep -q alice-userdir-v1
'

test_expect_success 'phase2.proxy enables proxy and proxy_http on charon; charon proxies' '
	ferry_client run --step phase2.proxy alice >out 2>err &&
	test_grep "^alice: phase2.proxy: done: a2enmod proxy proxy_http on charon; " out &&
	mods charon >m.charon && grep -qx proxy m.charon && grep -qx proxy_http m.charon &&
	lab charon grep -q "ProxyPass / http://192.0.2.20/" $VCONF
'

test_expect_success 'rollback disables what ferry enabled; virtual.conf as before' '
	ferry_client rollback alice >out 2>err &&
	mods charon >m.charon && ! grep -qx proxy m.charon && ! grep -qx proxy_http m.charon &&
	mods neko-base >m.neko && ! grep -qx userdir m.neko &&
	lab charon cat $VCONF >vconf.after &&
	test_cmp vconf.orig vconf.after &&
	fetch_pinned 192.0.2.10 alice.test / | grep -q alice-index-v1
'

test_expect_success 'a module ferry did not enable stays: userdir on charon after rollback' '
	mods charon >m.charon && grep -qx userdir m.charon
'

test_expect_success 'cleanup: the seed world back' '
	lab_reset
'

test_done
