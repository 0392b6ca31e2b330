#!/bin/bash
# t2002: `ferry check` knows the world before any change: rsync versions,
# the port the users log in at, homes, missing supplementary groups
# (reported, not failed), and every zone ferry will edit read as ferry and
# named see it: $INCLUDE is refused here, not halfway through a run; a
# dynamic zone is named as one (ferry edits it between rndc freeze and thaw,
# t7002).  Starts and ends with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

ZONE=/etc/bind/zones/db.carol.test

test_expect_success 'the seed world: rsync, ssh port, homes and zones reported' '
	lab_reset &&
	ferry_client check carol >out 2>err &&
	test_grep "^ok charon: rsync [0-9][0-9.]* (ferry needs 3.2.3 or later)" out &&
	test_grep "^ok neko-base: rsync [0-9][0-9.]* (ferry needs 3.2.3 or later)" out &&
	test_grep "^ok neko-base: sshd answers at 192.0.2.20 port 22 (users. port on charon)" out &&
	test_grep "^ok neko-base: carol.s home lands in /home/carol" out &&
	test_grep "^ok charon: zone carol.test ($ZONE) read by ferry.s parser; named: static, unsigned" out &&
	test ! -s err
'

test_expect_success 'a group of carol'"'"'s that neko-base lacks is reported; exit 0' '
	lab charon sh -c "groupadd t2002grp && usermod -a -G t2002grp carol" &&
	ferry_client check carol >out 2>err &&
	test_grep "^ferry: check: neko-base: carol.s groups missing there (prep.1 leaves them out): t2002grp" err
'

test_expect_success 'carol.test with $INCLUDE: refused by check, exit 1' '
	lab charon cp $ZONE /root/zone.orig &&
	lab charon sh -c "echo \"txt IN TXT included\" >/etc/bind/zones/inc.carol.test &&
		echo \"\\\$INCLUDE /etc/bind/zones/inc.carol.test\" >>$ZONE &&
		rndc reload carol.test" >/dev/null &&
	dig_at 192.0.2.10 txt.carol.test TXT | grep -q included &&
	test_expect_code 1 ferry_client check carol >out 2>err &&
	test_grep "^ferry: check: charon: zone carol.test: ferry cannot edit it: .*\$INCLUDE is not supported" err &&
	lab charon sh -c "cp /root/zone.orig $ZONE && rndc reload carol.test" >/dev/null
'

test_expect_success 'carol.test made dynamic (allow-update): check names it so, exit 0' '
	lab charon sed -i "s|^file \"$ZONE\";|&\nallow-update { 127.0.0.1; };|" /etc/bind/named.conf.local &&
	lab charon rndc reconfig &&
	lab charon rndc zonestatus carol.test | grep -q "^dynamic: yes" &&
	ferry_client check carol >out 2>err &&
	test_grep "^ok charon: zone carol.test ($ZONE) read by ferry.s parser; named: dynamic (freeze, edit, thaw)" out
'

test_expect_success 'cleanup: the seed world back' '
	lab_reset
'

test_done
