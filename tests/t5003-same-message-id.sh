#!/bin/bash
# t5003: no message left behind, none doubled, judged by content (starts
# with a reset).  alice's spool on charon holds two different messages with
# one Message-ID (the copy sent to her and the copy a list sent her):
# both move, each once, and `ferry verify` compares the spools by content.
# Then dave's spool is broken (text that is not an mbox): phase1.7 fails,
# drains nothing, and charon keeps the spool byte for byte.
. "$(dirname "$0")/lib.sh"
require_lab
ID=t5003-$$-$(date +%s)@client.nekodojo.test

# one message with Message-ID $ID and body $2, sent to $1 through charon
send_dup() {
	lab client swaks -S 1 --server 192.0.2.10 --to "$1" --from tester@client.nekodojo.test \
		--header "Subject: t5003 cross-posted" --header "Message-Id: <$ID>" --body "$2"
}
# per message of a spool (stdin): the SHA-256 of its bytes up to the newline
# before the separating blank line, sorted
digests() {
	perl -MDigest::SHA=sha256_hex -e 'local $/; my $t = <STDIN>;
		$t =~ s/\n\n\z// or $t =~ s/\n\z//;
		print "$_\n" for sort map { sha256_hex($_) } grep { length } split /\n\n(?=From )/, $t'
}

test_expect_success 'fresh seed world; two messages with one Message-ID in charon spool' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	send_dup alice@alice.test "the copy sent to alice" >s1.out 2>&1 &&
	send_dup webmaster@alice.test "the copy the list sent" >s2.out 2>&1 &&
	retry_until 60 eval "test \"\$(lab charon grep -c \"^Message-I[Dd]: <$ID>\" /var/spool/mail/alice)\" = 2" &&
	lab charon cat /var/spool/mail/alice >before.mbox &&
	digests <before.mbox >before &&
	test "$(wc -l <before)" = 5 &&
	test "$(sort -u before | wc -l)" = 5
'

test_expect_success 'run --yes alice: the spool moves, counts and digests journaled' '
	ferry_client run --yes alice >run.out 2>run.err &&
	test_grep "^alice: phase1.7: done: 5 messages moved" run.out &&
	ferry_client status alice >status.out &&
	test_grep "phase1.10 .*charon: 0 messages (sha256 [0-9a-f]*), neko-base: [0-9]* (sha256" status.out
'

test_expect_success 'both copies on neko-base, each once; every message of charon arrived' '
	test "$(lab neko-base grep -c "^Message-I[Dd]: <$ID>" /var/spool/mail/alice)" = 2 &&
	lab neko-base grep -q "the copy sent to alice" /var/spool/mail/alice &&
	lab neko-base grep -q "the copy the list sent" /var/spool/mail/alice &&
	lab neko-base cat /var/spool/mail/alice >after.mbox &&
	digests <after.mbox >after &&
	comm -23 before after >lost &&
	test_cmp /dev/null lost &&
	test "$(sort after | uniq -d | wc -l)" = 0 &&
	! lab charon grep -q "$ID" /var/spool/mail/alice
'

test_expect_success 'ferry verify alice: the spools agree, by content' '
	ferry_client verify alice >verify.out 2>verify.err
	test_grep "^alice: phase1.7: verified: charon: 0 messages (sha256 [0-9a-f]*), neko-base: [0-9]* " verify.out &&
	test_grep "^alice: phase1.10: verified: charon: 0 messages (sha256 [0-9a-f]*), neko-base: [0-9]* " verify.out &&
	! grep -q "^ferry: alice: phase1\.\(7\|8\|10\):" verify.err
'

# dave's mail is local too; his spool on charon is broken before anything moves
test_expect_success 'a broken spool (not an mbox): phase1.7 fails, nothing moved, charon keeps it' '
	lab charon sh -c "printf \"not a message\\n\" >/var/spool/mail/dave" &&
	lab charon sha256sum /var/spool/mail/dave >bad.before &&
	test_expect_code 1 ferry_client run --yes --step phase1.7 dave >bad.out 2>bad.err &&
	test_grep "^ferry: dave: phase1.7: charon: /var/spool/mail/dave is not an mbox spool" bad.err &&
	lab charon sha256sum /var/spool/mail/dave >bad.after &&
	test_cmp bad.before bad.after &&
	! lab charon test -e /var/spool/mail/dave.ferry-moved &&
	! lab neko-base test -s /var/spool/mail/dave
'

test_done
