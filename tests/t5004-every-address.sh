#!/bin/bash
# t5004: every address that delivers to alice on charon moves, not only her
# map lines (starts with a reset).  charon delivers alice@charon.nekodojo.test
# (its own name is a local domain) and, once /etc/aliases says
# "alice-sales: alice", alice-sales@ each local domain, with no map line.
# plan --diff names them, phase1.8 forwards them (checked in the MTA's
# built map), phase1.9 sends a test to each, and afterwards mail sent to
# each through charon lands in alice's spool on neko-base.
. "$(dirname "$0")/lib.sh"
require_lab
TAG=t5004-$$-$(date +%s)
ADDRS="alice@charon.nekodojo.test alice-sales@charon.nekodojo.test alice-sales@nekodojo.test"

test_expect_success 'fresh seed world; charon gets the alias alice-sales: alice' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	lab charon sh -c "echo \"alice-sales: alice\" >>/etc/aliases" &&
	if [ "$LAB_MTA" = postfix ]; then lab charon postalias /etc/aliases; else lab charon newaliases >/dev/null; fi &&
	for a in $ADDRS; do
		send_mail 192.0.2.10 $a $TAG-before-$a >send.out 2>&1 &&
		wait_in_spool charon alice $TAG-before-$a 60 || return 1
	done
'

test_expect_success 'plan --diff names the addresses with no line of their own' '
	ferry_client plan --diff alice >plan.out 2>plan.err &&
	test_grep "charon delivers to alice with no line of its own: $ADDRS" plan.out &&
	for a in $ADDRS; do
		test_grep "^ *+$a[[:space:]]*alice@neko-base.nekodojo.test" plan.out || return 1
	done
'

test_expect_success 'run --yes alice: phase1.8 forwards them, phase1.9 tested each' '
	ferry_client run --yes alice >run.out 2>run.err &&
	test_grep "^alice: phase1.9: done: .*; and to 3 more addresses through charon" run.out &&
	ferry_client verify alice >verify.out 2>verify.err;
	test_grep "^alice: phase1.8: verified: 3 more addresses forwarded by charon" verify.out
'

test_expect_success 'sent to each through charon: in alice spool on neko-base, not on charon' '
	for a in $ADDRS; do
		send_mail 192.0.2.10 $a $TAG-after-$a >send.out 2>&1 &&
		wait_in_spool neko-base alice $TAG-after-$a 60 || return 1
	done &&
	! lab charon grep -q "$TAG-after" /var/spool/mail/alice
'

test_expect_success 'the mail sent before the move moved too, once each' '
	for a in $ADDRS; do
		test "$(lab neko-base grep -c "^Message-I[Dd]: <$TAG-before-$a@" /var/spool/mail/alice)" = 1 ||
			return 1
	done
'

test_done
