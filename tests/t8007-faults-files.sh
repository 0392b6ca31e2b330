#!/bin/bash
# t8007: the files' faults, and rollback's two choices, with carol (mail
# forwarded; her home is the data): the transfer's ssh cut in the middle of
# prep.2, the new host's /home full during phase 1 (a 2 MiB tmpfs), then
# `rollback --discard --remove-account` after phase 1, and a new migration.
# Starts from a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-safety.sh"
require_lab

test_expect_success 'seed world; carol has 150 MB of data; the account made on the new host' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	lab charon runuser -u carol -- sh -c "head -c 150000000 /dev/urandom >/home/carol/big.bin" &&
	lab charon sha256sum /home/carol/big.bin >big.sum &&
	ferry_client run --step prep.1 carol >prep1.out 2>&1
'

test_expect_success 'the ssh under rsync cut mid-transfer: prep.2 fails and says so' '
	{ ferry_client run --until prep carol >cut.out 2>&1 </dev/null; echo $? >cut.rc; } &
	retry_until 20 lab charon pgrep -x -f "ssh .*192.0.2.20 rsync --server.*" >ssh.pid &&
	lab charon kill $(cat ssh.pid) &&
	wait &&
	test "$(cat cut.rc)" = 1 &&
	test_grep "^ferry: carol: prep.2: rsync /home/carol/ -> neko-base:/home/carol/ exited [0-9]*: " cut.out &&
	lab charon sha256sum /home/carol/big.bin >big.sum2 && test_cmp big.sum big.sum2
'

test_expect_success 'resumed: prep.2 finishes, the data arrives whole' '
	ferry_client run --until prep carol >prep.out 2>&1 &&
	lab neko-base sha256sum /home/carol/big.bin >big.sum3 && test_cmp big.sum big.sum3
'

test_expect_success 'the new host'\''s /home full during phase 1: presync fails, old host untouched' '
	lab neko-base mount -t tmpfs -o size=2m,mode=0755 t8007 /home/carol &&
	test_when_finished "lab neko-base umount /home/carol" &&
	save_files charon before /usr/local/adm/mail/virtusertable &&
	test_expect_code 1 ferry_client run --yes carol >full.out 2>&1 &&
	test_grep "^ferry: carol: phase1.presync: rsync .* exited [0-9]*: .*No space left on device" full.out &&
	save_files charon after /usr/local/adm/mail/virtusertable &&
	same_files charon before after /usr/local/adm/mail/virtusertable &&
	! grep -q "^carol: phase1.2: done" full.out
'

test_expect_success 'space back: phase 1 resumes and finishes; carol changes a file on the new host' '
	ferry_client run --yes --until phase1 carol >p1.out 2>&1 &&
	test_grep "^carol: phase1.8: done" p1.out &&
	lab charon grep -q "^@carol.test	carol@owners.test" /usr/local/adm/mail/virtusertable &&
	lab neko-base runuser -u carol -- sh -c "echo on neko >/home/carol/notes.txt"
'

test_expect_success 'rollback --discard --remove-account: old files kept, account gone from the new host' '
	lab charon cat /home/carol/notes.txt >notes.before &&
	ferry_client rollback --discard --remove-account carol >rb.out 2>&1 &&
	test_grep "^carol: phase1.3: undone: changes made on neko-base since the final pass discarded$" rb.out &&
	test_grep "^carol: prep.1: undone: account and home removed from neko-base$" rb.out &&
	lab charon cat /home/carol/notes.txt >notes.after && test_cmp notes.before notes.after &&
	test_expect_code 1 lab neko-base id -u carol &&
	test_expect_code 1 lab neko-base test -e /home/carol &&
	save_files charon back /usr/local/adm/mail/virtusertable &&
	test_cmp charon.virtusertable.before charon.virtusertable.back
'

test_expect_success 'rollback with a bad option is a usage error' '
	test_expect_code 2 ferry_client rollback --keep carol 2>err &&
	test_grep "usage" err
'

test_expect_success 'carol migrates again from scratch' '
	ferry_client run --until prep carol >again.out 2>&1 &&
	lab neko-base id -u carol >uid && test "$(cat uid)" = 2003 &&
	lab neko-base sha256sum /home/carol/big.bin >big.sum4 && test_cmp big.sum big.sum4
'

test_done
