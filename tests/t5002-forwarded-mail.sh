#!/bin/bash
# t5002: carol's mail is forwarded (virtusertable to carol@owners.test, read on
# ns3).  After her move (starts with a reset), mail to carol@carol.test sent to
# charon and to neko-base is forwarded to ns3's owners spool from both, and
# the spool steps were skipped as the contract says.
. "$(dirname "$0")/lib.sh"
require_lab

TAG=t5002-$$-$(date +%s)

# the message with TAG in ns3's owners spool, headers only
owners_copy() {
	lab ns3 cat /var/spool/mail/owners |
		awk -v t="Message-Id: <$1@" 'index($0, t) == 1 { hit = 1 } /^From / { if (hit) exit; h = "" }
			{ h = h $0 "\n" } END { if (hit) printf "%s", h }'
}

# ns3_took TAG RELAY : ns3's sendmail logged the message of Message-Id TAG once,
# received from RELAY, and delivered it to the owners spool (mailer local)
# under the queue id its Received header in that spool names
ns3_took() {
	lab ns3 cat /var/log/mail.log >ns3.log &&
	grep -F "msgid=<$1@" ns3.log >took &&
	test "$(wc -l <took)" = 1 &&
	qid=$(sed -n "s/^.* sm-mta\[[0-9]*\]: \([0-9A-Za-z]*\): from=.*, relay=$2 \[.*/\1/p" took) &&
	test -n "$qid" &&
	grep -q "$qid: to=<carol@owners.test>, .*mailer=local, .*stat=Sent" ns3.log &&
	owners_copy "$1" >hdr &&
	test_grep "^	by ns3.nekodojo.test (.*) with ESMTP id $qid$" hdr
}

test_expect_success 'the seed world, fresh (lab reset): charon forwards carol mail' '
	"$LAB_SH" reset >reset.log 2>&1 &&
	send_mail 192.0.2.10 carol@carol.test $TAG-before >swaks.out 2>&1 &&
	wait_in_spool ns3 owners $TAG-before
'

test_expect_success 'run --yes carol: the spool steps are skipped, forwarding moved' '
	ferry_client run --yes carol >run.out 2>run.err &&
	for s in phase1.7 phase1.9 phase1.10 phase1.11; do
		test_grep "^carol: $s: skipped: mail is forwarded" run.out || return 1
	done &&
	test_grep "^carol: phase1.8: done" run.out &&
	test_grep "^carol: done.tidy: done" run.out
'

test_expect_success 'every nameserver names neko-base as the MX of carol.test' '
	for s in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $s carol.test MX)" = "10 neko-base.nekodojo.test." || return 1
	done &&
	test "$(lab client dig +short carol.test MX)" = "10 neko-base.nekodojo.test."
'

test_expect_success 'sent to charon: forwarded to the owners spool on ns3' '
	send_mail 192.0.2.10 carol@carol.test $TAG-old >swaks.out 2>&1 &&
	wait_in_spool ns3 owners $TAG-old &&
	ns3_took $TAG-old charon.nekodojo.test
'

test_expect_success 'sent to neko-base: forwarded by neko-base itself' '
	send_mail 192.0.2.20 carol@carol.test $TAG-new >swaks.out 2>&1 &&
	wait_in_spool ns3 owners $TAG-new &&
	ns3_took $TAG-new neko-base.nekodojo.test &&
	test_grep "^Received: from neko-base.nekodojo.test" hdr &&
	! grep -q "by charon" hdr
'

test_expect_success 'through the MX the client resolves: forwarded too' '
	mx=$(lab client dig +short carol.test MX | cut -d" " -f2) &&
	test "$mx" = neko-base.nekodojo.test. &&
	send_mail "${mx%.}" carol@carol.test $TAG-mx >swaks.out 2>&1 &&
	wait_in_spool ns3 owners $TAG-mx &&
	ns3_took $TAG-mx neko-base.nekodojo.test
'

test_expect_success 'no copy left in a carol spool, no DSN, queues empty' '
	for h in charon neko-base; do
		! lab $h grep -q "$TAG" /var/spool/mail/carol &&
		no_bounce $h &&
		queue_empty $h || return 1
	done &&
	test "$(lab ns3 grep -c "^Message-Id: <$TAG" /var/spool/mail/owners)" = 4
'

test_done
