#!/bin/bash
# t8009: the new host's MTA is down when phase1.8 would switch the mail:
# ferry stops with a clear message before the old host forwards anything,
# mail keeps being delivered by the old host, and once the MTA is back the
# run resumes and every message ends up on the new host once.  Starts from
# a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
require_lab
VT=/usr/local/adm/mail/virtusertable

test_expect_success 'fresh seed world, alice prepared' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	ferry_client run --until prep alice >prep.out 2>&1 &&
	lab charon sha256sum $VT >vt.before
'

# mta-reload would start a merely stopped sendmail again: it must not start
test_expect_success 'neko-base MTA down for good: phase1.8 fails, naming the host' '
	mta_kill neko-base &&
	test_expect_code 1 ferry_client run --yes alice >run.out 2>run.err &&
	test_grep "^ferry: alice: phase1.8: neko-base: " run.err &&
	test_grep "^alice: phase1.7: done" run.out &&
	! grep -q "^alice: phase1.8: done" run.out
'

test_expect_success 'the old host still delivers: its table unchanged, mail lands in its spool' '
	lab charon sha256sum $VT >vt.after &&
	test_cmp vt.before vt.after &&
	send_mail 192.0.2.10 alice@alice.test t8009-during >send1.out 2>&1 &&
	wait_in_spool charon alice t8009-during 60
'

test_expect_success 'the MTA back, the run resumes to the end' '
	mta_revive neko-base &&
	ferry_client run --yes alice >resume.out 2>resume.err &&
	test_grep "^alice: phase1.8: done" resume.out &&
	test_grep "^alice: phase1.10: done" resume.out
'

test_expect_success 'the message sent during the fault is on neko-base exactly once, not on charon' '
	test "$(lab neko-base grep -c "^Message-I[Dd]: <t8009-during@" /var/spool/mail/alice)" = 1 &&
	! lab charon grep -q t8009-during /var/spool/mail/alice
'

test_done
