#!/bin/bash
# t8006: faults during a migration, each with a clear message, the old
# service still serving and nothing lost: a second ferry on the same
# journal, a zone named-checkzone refuses, an Apache configuration
# apache2ctl -t refuses, and the new host unreachable when phase 1 starts.
# Each is then repaired and the run resumes.  Starts from a fresh seed
# world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
ZONE=/etc/bind/zones/db.alice.test
VH=/usr/local/adm/apache/virtual.conf

test_expect_success 'fresh seed world' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	test_expect_code 1 lab client test -e /root/lab/ferry.db.lock
'

test_expect_success 'a second ferry on the same journal refuses, the first goes on' '
	{ ferry_client run --yes --until prep dave >first.out 2>&1 </dev/null; echo $? >first.rc; } &
	retry_until 20 lab client test -e /root/lab/ferry.db.lock &&
	sleep 1 &&
	test_expect_code 1 ferry_client run --until prep alice >second.out 2>&1 &&
	test_grep "^ferry: /root/lab/ferry.db: another ferry (pid [0-9]*) is running on this journal$" second.out &&
	wait &&
	test "$(cat first.rc)" = 0 &&
	ferry_client status --json alice >st.json &&
	! grep -q "\"state\": \"done\"" st.json
'

test_expect_success 'a zone named-checkzone refuses: prep.3 fails, the file stays' '
	lab charon sh -c "echo \"www	IN	CNAME	alice.test.\" >>$ZONE" &&
	save_files charon before $ZONE &&
	test_expect_code 1 ferry_client run --until prep alice >zone.out 2>&1 &&
	test_grep "^ferry: alice: prep.3: charon: the check of $ZONE.ferry-new failed: .*CNAME and other data" zone.out &&
	save_files charon after $ZONE &&
	same_files charon before after $ZONE &&
	! lab charon test -e $ZONE.ferry-new &&
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.alice.test A)" = 192.0.2.10 || return 1
	done
'

test_expect_success 'zone repaired, Apache broken on the new host: prep.3 done, prep.4 fails' '
	lab charon sed -i "/CNAME	alice.test.$/d" $ZONE &&
	lab neko-base sh -c "echo ThisIsNotADirective on >/etc/apache2/conf-enabled/zz-broken.conf" &&
	save_files neko-base before $VH &&
	test_expect_code 1 ferry_client run --until prep alice >resume.out 2>&1 &&
	test_grep "^alice: prep.3: done: alice.test serial" resume.out &&
	test "$(dig_at 192.0.2.30 test.alice.test A)" = 192.0.2.20 &&
	# ~alice needs userdir there: Apache, asked for its modules, refuses the
	# broken configuration before the vhost file is touched
	test_grep "^ferry: alice: prep.4: neko-base: apache2ctl -M failed: " resume.out &&
	test_grep "^Invalid command .ThisIsNotADirective." resume.out
'

test_expect_success 'the refused vhost file is put back; both hosts still serve' '
	save_files neko-base after $VH &&
	same_files neko-base before after $VH &&
	test "$(fetch_code 192.0.2.20 neko-base.nekodojo.test /)" = "200 " &&
	test "$(fetch_code 192.0.2.10 www.alice.test /about.html)" = "200 "
'

test_expect_success 'Apache repaired: prep resumes and finishes' '
	lab neko-base rm -f /etc/apache2/conf-enabled/zz-broken.conf &&
	ferry_client run --until prep alice >prep.out 2>&1 &&
	fetch_pinned 192.0.2.20 test.alice.test /about.html >new.html &&
	fetch_pinned 192.0.2.10 www.alice.test /about.html >old.html &&
	test_cmp old.html new.html
'

test_expect_success 'the new host unreachable as phase 1 starts: stop, old host untouched' '
	host_sums charon >charon.before &&
	lab neko-base ip link set eth0 down &&
	test_when_finished "lab neko-base ip link set eth0 up" &&
	test_expect_code 1 ferry_client run --yes alice >down.out 2>&1 &&
	test_grep "^ferry: alice: phase1.presync: rsync /home/alice/ -> neko-base:/home/alice/ exited [0-9]*: .*192.0.2.20 port 22: Connection timed out" down.out &&
	! grep -q "^alice: phase1.2: done" down.out &&
	host_sums charon >charon.after &&
	test_cmp charon.before charon.after &&
	test "$(dig_at 192.0.2.10 www.alice.test A)" = 192.0.2.10 &&
	fetch_pinned 192.0.2.10 www.alice.test /about.html >old2.html && test_cmp old.html old2.html
'

test_expect_success 'the new host back: phase 1 resumes and mail moves' '
	send_mail 192.0.2.10 alice@alice.test t8006-$$ >/dev/null &&
	wait_in_spool charon alice t8006-$$ &&
	ferry_client run --yes --until phase1 alice >p1.out 2>&1 &&
	wait_in_spool neko-base alice t8006-$$ 1 &&
	! lab charon grep -q t8006-$$ /var/spool/mail/alice
'

test_done
