#!/bin/bash
# t9102: secrets (issue 9).  During a real run (prep of alice and bob, then
# bob's phase 1, which talks to the game as its admin) every program started
# on every host is recorded with its whole argument list (strace on each
# sshd, and on ferry itself in the client).  Neither alice's password hash
# nor the game admin's connect line shows up there, in the journal, in the
# -v output, nor in status and report.  The journal, the backups and the
# ControlPath directory are private, and no ssh runs with host key checking
# off.  Starts with a reset (a fresh world).
. "$(dirname "$0")/lib.sh"
require_lab

HOSTS="charon neko-base ns3"
TRACE="strace -f -qq -v -s 65536 -e trace=execve"

# trace_start HOST: strace follows the host's sshd and all it starts
trace_start() {
	lab "$1" sh -c "$TRACE -o /tmp/t9102.trace -p \$(cat /run/sshd.pid) & echo \$! >/tmp/t9102.pid" &&
	retry_until 10 lab "$1" sh -c \
		'! grep -q "^TracerPid:[[:space:]]*0$" /proc/$(cat /run/sshd.pid)/status'
}

# trace_stop HOST: detach, and copy the trace here as trace.HOST
trace_stop() {
	lab "$1" sh -c 'kill $(cat /tmp/t9102.pid); while kill -0 $(cat /tmp/t9102.pid) 2>/dev/null;
		do sleep 0.1; done; cat /tmp/t9102.trace' >"trace.$1"
}

# no_secret FILE...: none of the secrets in any of the files
no_secret() {
	! grep -F -f hash -f connect -f password -- "$@" &&
	! grep -i -F -f hash.hex -f connect.hex -f password.hex -- "$@"
}

test_expect_success 'reset to the seed world' '
	"$LAB_SH" reset >reset.log 2>&1
'

test_expect_success 'the secrets, read where they live' '
	lab charon getent shadow alice | cut -d: -f2 >hash &&
	grep -q "^\\\$y\\\$" hash &&
	lab client cat /root/lab/bob.connect >connect &&
	test_grep "^connect " connect &&
	awk "{ print \$NF }" connect >password &&
	test -s password &&
	for f in hash connect password; do
		# as sqlite .dump writes blobs: X'''hex'''
		{ tr -d "\n" <$f | xxd -p | tr -d "\n"; echo; } >$f.hex || return 1
	done &&
	test "$(wc -c <password.hex)" -gt 10 &&
	echo "x$(cat hash)x" >probe.1 && ! no_secret probe.1 >/dev/null &&
	tr a-f A-F <password.hex >probe.2 && ! no_secret probe.2 >/dev/null
'

test_expect_success 'a run with every program start on every host recorded' '
	for h in $HOSTS; do trace_start "$h" || return 1; done &&
	lab client sh -c "rm -f /tmp/t9102.ctl; while [ ! -e /tmp/t9102.stop ]; do
		stat -c \"%a %U %n\" /tmp/ferry-* 2>/dev/null >>/tmp/t9102.ctl; sleep 0.1; done;
		rm -f /tmp/t9102.stop" &
	poller=$! &&
	lab client $TRACE -o /tmp/t9102.trace \
		/ferry/ferry -v -c /root/lab/ferry.conf run --until prep alice bob >run.out 2>run.err &&
	lab client $TRACE -o /tmp/t9102.trace2 \
		/ferry/ferry -v -c /root/lab/ferry.conf run --yes --until phase1 bob >>run.out 2>>run.err &&
	lab client touch /tmp/t9102.stop && wait $poller &&
	for h in $HOSTS; do trace_stop "$h" || return 1; done &&
	lab client sh -c "cat /tmp/t9102.trace /tmp/t9102.trace2" >trace.client &&
	lab client cat /tmp/t9102.ctl >ctl.modes &&
	test_grep "alice: prep.2: done" run.out &&
	test_grep "bob: phase1.1: done" run.out
'

test_expect_success 'the traces are complete: short-lived commands and both sides of rsync' '
	test_grep "execve(\"/usr/bin/getent\", \[\"getent\", \"shadow\"" trace.charon &&
	test_grep "execve(\"/usr/sbin/chpasswd\"" trace.neko-base &&
	test_grep "\"rsync\", \"--server\"" trace.neko-base &&
	test_grep "execve(\"/usr/bin/ssh\"" trace.client &&
	test_grep "execve(\"[^\"]*/ssh\"" trace.charon
'

test_expect_success 'status, report and the journal, kept for the greps' '
	ferry_client status >status.out 2>&1 &&
	ferry_client report >report.out 2>&1 &&
	ferry_client report --html /tmp/t9102.html >/dev/null 2>&1 &&
	lab client cat /tmp/t9102.html >>report.out &&
	test_grep "prep.2 .*done" report.out &&
	lab client sqlite3 /root/lab/ferry.db .dump >journal.sql &&
	test_grep "prep.2" journal.sql
'

test_expect_success 'no secret in any argv on any host' '
	no_secret trace.charon trace.neko-base trace.ns3 trace.client
'

test_expect_success 'no secret in the journal, the -v output, status or report' '
	no_secret journal.sql run.out run.err status.out report.out
'

test_expect_success 'the journal (and any -wal, -shm) is 0600' '
	lab client sh -c "stat -c \"%a %n\" /root/lab/ferry.db*" >modes &&
	test_grep " /root/lab/ferry.db$" modes &&
	! grep -v "^600 " modes
'

# FILE.ferry-bak of every edit; the game's saves kept by prep.8 and phase1.4
test_expect_success 'backups are 0600 files and 0700 folders, and still there' '
	for h in charon neko-base; do
		lab $h find / \( -path /proc -o -path /sys -o -path /dev -o -path /usr \) -prune -o \
			\( -name "*.ferry-bak*" -o -name "data.ferry-*" -o -name "data.synced-*" \) \
			-printf "%m %y $h:%p\n" 2>/dev/null || return 1
	done >backups &&
	test_grep "^600 f charon:/etc/bind/zones/db.alice.test.ferry-bak$" backups &&
	test_grep "^700 d neko-base:/home/bob/tinymux/game/data.ferry-" backups &&
	test_grep "^700 d neko-base:/home/bob/tinymux/game/data.synced-" backups &&
	! grep -v -e "^600 f " -e "^700 d " backups
'

test_expect_success 'the ControlPath directory was 0700 and root'"'"'s all the run' '
	test -s ctl.modes &&
	! grep -v "^700 root /tmp/ferry-" ctl.modes
'

test_expect_success 'ssh never ran with host key checking off' '
	! grep -i "stricthostkeychecking[= ]*\(no\|off\|accept-new\)" trace.*
'

test_done
