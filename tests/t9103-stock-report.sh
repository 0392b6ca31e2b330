#!/bin/bash
# t9103: `ferry report` after the whole stock Debian world moved with
# --jobs 3 (starts with a reset): the shared files of this world
# (/etc/mail/virtusertable, local-host-names, the new host's sites file)
# hold every account; the text table per account and service with measured
# downtime; the HTML page self-contained, one lane per account and service.
. "$(dirname "$0")/lib.sh"
require_world stock

test_expect_success 'the stock world moves, 3 accounts at once, exit 0' '
	lab_reset &&
	ferry_client run --jobs 3 --all --yes >run.out 2>run.err &&
	test "$(grep -c ": done.tidy: done" run.out)" = 3 &&
	! grep -v -E "^(alice|bob|carol): [a-z0-9.]+: " run.out
'

test_expect_success '--jobs: the new host'\''s shared files hold every account' '
	lab "$W_NEW" cat "$W_VIRTUSERTABLE" >vt &&
	lab "$W_NEW" cat /etc/mail/local-host-names >lhn &&
	test_grep "^@alice.test	alice$" vt &&
	test_grep "^@carol.test	carol@owners.test$" vt &&
	test_grep "^alice.test$" lhn && test_grep "^carol.test$" lhn &&
	lab "$W_OLD" cat "$W_VIRTUSERTABLE" >vt.old &&
	test_grep "^@alice.test	alice@$W_NEW_NAME$" vt.old
'

test_expect_success 'report: a table per account, every step done or skipped' '
	ferry_client report >report.out &&
	for a in alice bob carol; do
		test_grep "^== $a (phase done)$" report.out || return 1
	done &&
	test_grep "^  prep.1  *done  *20[0-9-]*T[0-9:]*Z  *[0-9.]*s  uid 3101" report.out &&
	! grep -E "^  [a-z0-9.]+ +(pending|failed|running|waiting) " report.out
'

test_expect_success 'report: downtime measured per service of each account' '
	test "$(grep -c "^  downtime: .*files [0-9][0-9.]*s" report.out)" = 3 &&
	test_grep "^  downtime: web [0-9.]*s mail [0-9.]*s files [0-9.]*s$" report.out &&
	test_grep "^  downtime: mush [0-9.]*s files [0-9.]*s$" report.out
'

test_expect_success 'report --html: one self-contained page, a lane per account and service' '
	ferry_client report --html "$CLIENT_TRASH/report.html" &&
	test_grep "<svg id=\"timeline\"" report.html &&
	! grep -E "<(script|link|img)|src=|@import|url\(" report.html &&
	grep -o "<g class=\"lane\" data-account=\"[a-z]*\" data-service=\"[a-z]*\"" report.html |
		cut -d\" -f4,6 >lanes &&
	printf "%s\n" alice\"files alice\"web alice\"mail bob\"files bob\"mush carol\"files carol\"mail >expect &&
	test_cmp expect lanes
'

test_done
