#!/bin/bash
# t5005: the new host's MTA refuses the map (its map builder, makemap or
# postmap, fails): phase1.8 fails naming the host, neither host's map text
# or database changes, and charon keeps delivering alice's mail; once the
# builder works again the run resumes and mail reaches neko-base.  Last,
# check asks each MTA which map it reads, and a virtusertable in ferry.conf
# that the MTA does not read is a finding.  Starts with a reset; runs on
# either MTA (LAB_MTA).
. "$(dirname "$0")/lib.sh"
require_lab
VT=/usr/local/adm/mail/virtusertable
TAG=t5005-$$-$(date +%s)
COPY=/usr/local/adm/mail/t5005-copy
if [ "$LAB_MTA" = postfix ]; then BUILDER=/usr/sbin/postmap; else BUILDER=/usr/sbin/makemap; fi

# build_map HOST FILE : FILE's database built by the MTA's own builder
build_map() {
	if [ "$LAB_MTA" = postfix ]; then lab "$1" postmap "$2"
	else lab "$1" sh -c 'makemap hash "$1" <"$1"' sh "$2"; fi
}

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

test_expect_success 'check asks each MTA which map it reads; one it does not read is a finding' '
	test_when_finished "lab client rm -f /root/lab/t5005.conf; lab charon rm -f $COPY $COPY.db" &&
	ferry_client check alice >check.out 2>check.err &&
	test_grep "^ok charon: $LAB_MTA reads $VT (" check.out &&
	lab charon cp $VT $COPY && build_map charon $COPY &&
	lab client sed -e "0,/^virtusertable = .*/s||virtusertable = $COPY|" \
		/root/lab/ferry.conf >t5005.conf &&
	lab client sh -c "cat >/root/lab/t5005.conf" <t5005.conf &&
	test_expect_code 1 lab client /ferry/ferry -c /root/lab/t5005.conf check alice >copy.out 2>copy.err &&
	test_grep "^ferry: check: charon: $LAB_MTA does not read $COPY (virtusertable in ferry.conf): " copy.err
'

test_done
