#!/bin/bash
# t0000: the lab itself -- hosts, daemons, ssh, web, mail, DNS, games, accounts
. "$(dirname "$0")/lib.sh"
require_lab

SERVERS="charon:192.0.2.10 neko-base:192.0.2.20 ns3:192.0.2.30"
ZONES="nekodojo.test alice.test bob.test carol.test dave.test owners.test"
SSH="ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=5"

test_expect_success 'each host has its own /etc, hostname and processes' '
	for h in charon neko-base ns3 client; do
		test "$(lab $h hostname)" = $h &&
		lab $h cat /etc/lab-host >>lab-hosts &&
		test "$(lab $h pgrep -c -x named)" = 1 &&
		lab $h cat /proc/1/cmdline | tr "\0" " " | grep -q "^lab-init $h" || return 1
	done &&
	test "$(sort -u lab-hosts | wc -l)" = 4
'

test_expect_success 'root ssh from the client to every server, host keys checked' '
	for s in $SERVERS; do
		test "$(lab client $SSH root@${s#*:} hostname)" = ${s%%:*} || return 1
	done &&
	test "$(lab client $SSH alice@charon.nekodojo.test whoami)" = alice
'

test_expect_success 'charon reaches neko-base as root (rsync path), sftp works' '
	test "$(lab charon $SSH root@192.0.2.20 hostname)" = neko-base &&
	test "$(lab charon $SSH root@neko-base.nekodojo.test hostname)" = neko-base &&
	echo "ls /home/alice" | lab client sftp -b - -o BatchMode=yes alice@192.0.2.10 >sftp.out &&
	test_grep public_html sftp.out
'

test_expect_success 'apache modules and rndc on every server' '
	for h in charon neko-base; do
		lab $h apache2ctl -M >mods.$h 2>&1 &&
		for m in userdir cgid proxy proxy_http; do
			test_grep " ${m}_module" mods.$h || return 1
		done
	done &&
	for h in charon neko-base ns3 client; do
		lab $h rndc status | grep -q "server is up and running" || return 1
	done
'

test_expect_success 'charon serves every seed VirtualHost' '
	fetch_pinned 192.0.2.10 alice.test / | grep -q alice-index-v1 &&
	fetch_pinned 192.0.2.10 www.alice.test /about.html | grep -q alice-about-v1 &&
	fetch_pinned 192.0.2.10 dave.test / | grep -q dave-index-v1 &&
	fetch_pinned 192.0.2.10 static.dave.test / | grep -q dave-static-v1 &&
	fetch_pinned 192.0.2.10 nekodojo.test / | grep -q nekodojo-www-v1 &&
	fetch_pinned 192.0.2.10 www.nekodojo.test / | grep -q nekodojo-www-v1 &&
	fetch_pinned 192.0.2.10 charon.nekodojo.test / | grep -q nekodojo-www-v1
'

test_expect_success 'the CGI page is generated, ~alice is served by userdir' '
	fetch_pinned 192.0.2.10 www.alice.test /cgi-bin/visits.cgi >cgi &&
	test_grep "counter: 42 visits" cgi &&
	fetch_pinned 192.0.2.10 charon.nekodojo.test /~alice/ | grep -q alice-userdir-v1
'

test_expect_success 'neko-base answers HTTP with no seed site yet' '
	fetch_pinned 192.0.2.20 neko-base.nekodojo.test / | grep -q "served by neko-base" &&
	test "$(fetch_code 192.0.2.20 neko-base.nekodojo.test /~alice/ | cut -d" " -f1)" = 404 &&
	test "$(fetch_code 192.0.2.20 alice.test / | cut -d" " -f1)" = 200
'

test_expect_success 'mail to alice@alice.test lands in charon spool' '
	tag=t0000-alice-$$-$(date +%s) &&
	send_mail 192.0.2.10 alice@alice.test $tag &&
	wait_in_spool charon alice $tag 20
'

test_expect_success 'ns3 relays mail from the lab (the notices path)' '
	tag=t0000-relay-$$-$(date +%s) &&
	send_mail 192.0.2.30:25 alice@alice.test $tag &&
	wait_in_spool charon alice $tag 30
'

test_expect_success 'mail to carol@carol.test is forwarded to the owners spool on ns3' '
	tag=t0000-carol-$$-$(date +%s) &&
	send_mail 192.0.2.10 carol@carol.test $tag &&
	wait_in_spool ns3 owners $tag 30
'

test_expect_success 'every nameserver is authoritative, with one serial per zone' '
	for z in $ZONES; do
		for s in $SERVERS; do
			lab client dig +norec +time=2 +tries=1 @${s#*:} $z SOA >dig.out &&
			grep -q "flags: qr aa" dig.out &&
			dig_at ${s#*:} $z SOA | cut -d" " -f3 >>serials.$z || return 1
		done
		test "$(sort -u serials.$z | wc -l)" = 1 &&
		test "$(wc -l <serials.$z)" = 3 || return 1
	done
'

test_expect_success 'the client resolver recurses to the lab servers' '
	test "$(lab client dig +short www.alice.test A)" = 192.0.2.10 &&
	test "$(lab client dig +short mush.bob.test A)" = 192.0.2.10 &&
	lab client getent hosts www.dave.test | grep -q "^192.0.2.10 "
'

test_expect_success 'both games answer with their banners' '
	MUSH_WAIT=2 mush_talk 192.0.2.10 2860 >banner.bob &&
	test_grep "Welcome to TinyMUX" banner.bob &&
	MUSH_WAIT=2 mush_talk 192.0.2.10 2861 >banner.dave &&
	test_grep "Welcome to TinyMUX" banner.dave
'

test_expect_success 'the seed attribute survives @dump' '
	mush_talk 192.0.2.10 2860 "connect wizard potrzebie" "think MARK=[get(me/LABMARK)]" \
		"@dump" QUIT >bob.out &&
	test_grep "MARK=bob-labmark-2099123101" bob.out &&
	test_grep "Dumping" bob.out &&
	lab charon grep -q -a bob-labmark-2099123101 /home/bob/tinymux/game/data/netmux.pag &&
	mush_talk 192.0.2.10 2861 "connect wizard potrzebie" "think MARK=[get(me/LABMARK)]" QUIT >dave.out &&
	test_grep "MARK=dave-labmark-2099123101" dave.out
'

test_expect_success 'the seed users have yescrypt hashes, uids as planned' '
	for u in alice:2001 bob:2002 carol:2003 dave:2004; do
		test "$(lab charon getent shadow ${u%%:*} | cut -d: -f2 | cut -c1-3)" = "\$y\$" &&
		test "$(lab charon id -u ${u%%:*})" = ${u#*:} &&
		test_expect_code 2 lab neko-base getent passwd ${u%%:*} || return 1
	done
'

test_expect_success 'seed homes: alice mail, dave files, links and odd names' '
	test "$(lab charon grep -c "^From " /var/spool/mail/alice)" -ge 3 &&
	test "$(lab charon find /home/dave -type f | wc -l)" -ge 3000 &&
	lab charon test -L /home/dave/files/symlink-relative &&
	lab charon test -e "/home/dave/files/name with spaces.txt" &&
	lab charon test -e /home/dave/files/-rf &&
	test "$(lab charon stat -c %h /home/dave/files/hardlink-to-0001)" = 3 &&
	test "$(lab charon stat -c %U /srv/www/dave-static.test/index.html)" = dave
'

test_expect_success 'the client has ferry.conf, connect files and /ferry' '
	lab client test -f /root/lab/ferry.conf &&
	test "$(lab client stat -c %a /root/lab/bob.connect)" = 600 &&
	test "$(lab client cat /root/lab/dave.connect)" = "connect wizard potrzebie" &&
	lab client test -f /ferry/tests/lab/lab.sh &&
	lab client touch "$CLIENT_TRASH/from-client" &&
	test -f from-client
'

test_done
