#!/bin/bash
# t1001: `run --dry-run` and `plan --diff` show each pending step's change
# (zone, vhost, virtusertable diffs, passwd lines without the hash, rsync
# counts) and write nothing: every file of every host, and the journal, stay
# byte for byte as they were.  Starts from a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab

test_expect_success 'fresh seed world, no journal yet, sums taken' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	test_expect_code 1 lab client test -e /root/lab/ferry.db &&
	sums_all before
'

test_expect_success 'run --dry-run --all exits 0 and shows the zone change' '
	ferry_client run --dry-run --all --yes >dry.out 2>&1 &&
	test_grep "^alice: prep.3: would " dry.out &&
	test_grep "^+test	2	IN	A	192.0.2.20$" dry.out &&
	test_grep "^--- charon:/etc/bind/zones/db.alice.test$" dry.out &&
	test_grep "^+		2099123102	; serial" dry.out
'

test_expect_success 'the dry run shows the vhost and virtusertable changes, once each' '
	test_grep "^+    ServerAlias test.alice.test$" dry.out &&
	test_grep "^+    ProxyPass / http://192.0.2.20/$" dry.out &&
	test_grep "^+@alice.test	alice@neko-base.nekodojo.test$" dry.out &&
	test_grep "^+alice.test$" dry.out &&
	test "$(grep -c "^+@alice.test	alice@neko-base.nekodojo.test$" dry.out)" = 1
'

test_expect_success 'passwd line without the hash, rsync as counts and bytes' '
	test_grep "^+alice:x:2001:2001:.*password:(hash, not shown)$" dry.out &&
	! grep -E "\\\$[0-9a-z]+\\\$" dry.out &&
	test_grep "^rsync charon:/home/alice/ -> neko-base: [0-9]* files, [0-9]* bytes to transfer$" dry.out
'

test_expect_success 'plan --diff shows the same changes' '
	ferry_client plan --diff alice dave >plan.out 2>&1 &&
	test_grep "^alice  prep.3  *pending " plan.out &&
	test_grep "^    +test	2	IN	A	192.0.2.20$" plan.out &&
	test_grep "^    +    ServerAlias test.dave.test$" plan.out &&
	test_grep "^    +@dave.test	dave@neko-base.nekodojo.test$" plan.out
'

test_expect_success 'no journal was created, no file changed on any host' '
	test_expect_code 1 lab client test -e /root/lab/ferry.db &&
	sums_all after &&
	sums_same before after
'

test_expect_success 'after carol'\''s prep: her dry run lists only phase 1 on' '
	ferry_client run --until prep --yes carol >prep.out 2>&1 &&
	sums_all prepped &&
	journal_sum >journal.before &&
	ferry_client run --dry-run --yes carol >dry2.out 2>&1 &&
	! grep "^carol: prep" dry2.out &&
	test_grep "^carol: phase1.8: would " dry2.out &&
	test_grep "^+@carol.test	carol@owners.test$" dry2.out
'

test_expect_success 'the second dry run changed neither the journal nor any host' '
	journal_sum >journal.after &&
	test_cmp journal.before journal.after &&
	! grep "^none ferry.db$" journal.after &&
	sums_all after2 &&
	sums_same prepped after2
'

test_done
