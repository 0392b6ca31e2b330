#!/bin/bash
# t8010: alice and dave share the old host's vhost file and virtusertable.
# alice is migrated, then dave; rolling alice back takes only her changes
# out of those files: dave's later edits stay, the files pass their checkers,
# and dave's web and mail still reach the new host.  Starts from a fresh seed
# world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab
VT=/usr/local/adm/mail/virtusertable
VH=/usr/local/adm/apache/virtual.conf
TAG=t8010-$$

test_expect_success 'seed world; alice migrated, then dave' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	save_files charon orig $VT $VH &&
	save_files neko-base orig $VT &&
	ferry_client run --yes --until phase2 alice >alice.out 2>&1 &&
	save_files charon alice $VT $VH &&
	ferry_client run --yes --until phase2 dave >dave.out 2>&1 &&
	save_files charon dave $VT $VH &&
	save_files neko-base dave $VT &&
	! test_cmp charon.virtusertable.alice charon.virtusertable.dave >/dev/null &&
	! test_cmp charon.virtual.conf.alice charon.virtual.conf.dave >/dev/null
'

test_expect_success 'rollback alice says it kept the later edits' '
	ferry_client rollback alice >rb.out 2>&1 &&
	test_grep "^alice: phase1.8: charon:$VT: this step.s change taken out, dave.s later edit kept$" rb.out &&
	test_grep "^alice: phase1.8: neko-base:$VT: this step.s change taken out, dave.s later edit kept$" rb.out &&
	test_grep "^alice: phase2.proxy: charon:$VH: this step.s change taken out, dave.s later edit kept$" rb.out
'

test_expect_success 'the files hold dave'\''s edits and none of alice'\''s' '
	save_files charon back $VT $VH &&
	grep alice charon.virtusertable.orig >expect &&
	grep alice charon.virtusertable.back >actual &&
	test_cmp expect actual &&
	grep dave charon.virtusertable.dave >expect &&
	grep dave charon.virtusertable.back >actual &&
	test_cmp expect actual &&
	grep -v -e alice -e dave charon.virtusertable.orig >expect &&
	grep -v -e alice -e dave charon.virtusertable.back >actual &&
	test_cmp expect actual &&
	save_files neko-base back $VT &&
	grep -v alice neko-base.virtusertable.dave >expect &&
	test_cmp expect neko-base.virtusertable.back &&
	grep -q "^@dave.test" neko-base.virtusertable.back
'

test_expect_success 'virtual.conf: dave'\''s later edit kept, alice'\''s taken out, nothing else' '
	diff -u charon.virtual.conf.alice charon.virtual.conf.dave >dave.diff;
	test -s dave.diff &&
	patch -s -o expect charon.virtual.conf.orig dave.diff &&
	test_cmp expect charon.virtual.conf.back
'

# pages that only one host has: the old host can answer them only by proxying
# (dave) or by serving the site itself (alice)
test_expect_success 'the old host'\''s Apache still proxies dave, and serves alice itself' '
	lab charon apache2ctl -t >ctl.out 2>&1 &&
	test_grep "Syntax OK" ctl.out &&
	lab neko-base runuser -u dave -- sh -c "echo \"$TAG new host only\" >~/public_html/$TAG.html" &&
	! lab charon test -e /home/dave/public_html/$TAG.html &&
	echo "$TAG new host only" >expect &&
	fetch_pinned 192.0.2.10 www.dave.test /$TAG.html >dave.html &&
	test_cmp expect dave.html &&
	lab charon runuser -u alice -- sh -c "echo \"$TAG old host only\" >~/public_html/$TAG.html" &&
	! lab neko-base test -e /home/alice/public_html/$TAG.html &&
	echo "$TAG old host only" >expect &&
	fetch_pinned 192.0.2.10 www.alice.test /$TAG.html >alice.html &&
	test_cmp expect alice.html
'

test_expect_success 'mail for dave sent to the old host lands on the new one; alice'\''s stays' '
	send_mail 192.0.2.10 dave@dave.test "$TAG-dave" >/dev/null &&
	wait_in_spool neko-base dave "$TAG-dave" &&
	send_mail 192.0.2.10 alice@alice.test "$TAG-alice" >/dev/null &&
	wait_in_spool charon alice "$TAG-alice"
'

test_done
