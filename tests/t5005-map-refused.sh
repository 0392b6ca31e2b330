#!/bin/bash
# t5005: the new host's MTA refuses the map (its map builder, makemap or
# postmap, fails): phase1.8 fails naming the host, neither host's map text
# or database changes, and charon keeps delivering alice's mail; once the
# builder works again the run resumes and mail reaches neko-base.  Starts
# with a reset; runs on either MTA (LAB_MTA).
. "$(dirname "$0")/lib.sh"
require_lab
VT=/usr/local/adm/mail/virtusertable
TAG=t5005-$$-$(date +%s)
if [ "$LAB_MTA" = postfix ]; then BUILDER=/usr/sbin/postmap; else BUILDER=/usr/sbin/makemap; fi

test_expect_success 'fresh seed world, alice prepared; neko-base map builder broken' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	ferry_client run --until prep alice >prep.out 2>&1 &&
	for h in charon neko-base; do
		lab $h sha256sum $VT $VT.db >$h.before || return 1
	done &&
	lab neko-base mount --bind /bin/false $BUILDER
'

test_expect_success 'run --yes alice: phase1.8 fails on neko-base, both maps as they were' '
	test_expect_code 1 ferry_client run --yes alice >run.out 2>run.err &&
	test_grep "^ferry: alice: phase1.8: " run.err &&
	test_grep "neko-base" run.err &&
	! grep -q "^alice: phase1.8: done" run.out &&
	for h in charon neko-base; do
		lab $h sha256sum $VT $VT.db >$h.after &&
		test_cmp $h.before $h.after || return 1
	done
'

test_expect_success 'charon still delivers alice mail into its own spool' '
	send_mail 192.0.2.10 alice@alice.test $TAG-during >send1.out 2>&1 &&
	wait_in_spool charon alice $TAG-during 60
'

test_expect_success 'the builder back: the run resumes, the message reaches neko-base once' '
	lab neko-base umount $BUILDER &&
	ferry_client run --yes alice >resume.out 2>resume.err &&
	test_grep "^alice: phase1.8: done" resume.out &&
	test "$(lab neko-base grep -c "^Message-I[Dd]: <$TAG-during@" /var/spool/mail/alice)" = 1 &&
	! lab charon grep -q "$TAG-during" /var/spool/mail/alice
'

test_done
