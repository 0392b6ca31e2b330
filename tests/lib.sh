# tests/lib.sh -- sourced by every tests/tNNNN-*.sh (after git's t/test-lib.sh)
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it shows' '
#       cmd1 && cmd2 &&
#       test_cmp expect actual
#   '
#   test_done
#
# Output is TAP-like: "ok N - desc" / "not ok N - desc", and on failure the
# body and its traced output, prefixed with "# ".  test_done prints
# "# passed N failed M" and exits non-zero when anything failed.
# Bodies run in the test's own shell (variables carry over), in a trash
# directory tests/trash.NAME that is removed when every test passed.
#
# Environment: LAB_ID selects the lab (see tests/lab/lab.sh); TEST_VERBOSE=1
# shows every body's output; TEST_KEEP_TRASH=1 keeps the trash directory.
#
# The lab's world (`lab.sh world`: seed, or stock with LAB_WORLD=stock) gives
# its facts as W_* variables from tests/lab/world-NAME.env: W_OLD, W_NEW,
# W_NS3, W_CLIENT (host names) and W_*_ADDR, W_HOME, W_SPOOL, W_ZONE_FILE,
# W_VIRTUSERTABLE, W_VHOST_FILES, DOMAIN, ZONES.  A story runs on the seed
# world unless it says `require_world NAME` (instead of require_lab).

TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
PROJECT_DIR=$(cd "$TEST_DIR/.." && pwd)
LAB_SH=$TEST_DIR/lab/lab.sh
TRASH_DIR=$TEST_DIR/trash.$TEST_NAME${LAB_ID:+.lab$LAB_ID}
FERRY_CONF=/root/lab/ferry.conf
# the trash directory as the client sees it (the project is /ferry there)
CLIENT_TRASH=/ferry/${TRASH_DIR#"$PROJECT_DIR"/}
export LAB_ID=${LAB_ID:-}
LAB_WORLD=$("$LAB_SH" world 2>/dev/null) || LAB_WORLD=seed
# shellcheck source=tests/lab/world-seed.env
. "$TEST_DIR/lab/world-$LAB_WORLD.env"
# the MTA of charon and neko-base (tests/lab/mta-postfix.sh)
export LAB_MTA=${LAB_MTA:-sendmail}

test_count=0
test_success=0
test_failure=0
test_cleanup_=

rm -rf "$TRASH_DIR" && mkdir -p "$TRASH_DIR" && cd "$TRASH_DIR" || {
	echo "# cannot make the trash directory $TRASH_DIR" >&2
	exit 1
}
TEST_OUT=$TRASH_DIR/.test-output

say_() { printf '%s\n' "$*"; }

# The body runs in a function of its own, so "return 1" in a loop ends it.
test_body_() {
	eval "$1"
}

# Run a body with xtrace on, all output into $TEST_OUT.
test_run_() {
	local rc
	# the trace goes to its own fd, so a body's "2>err" captures only the command's stderr
	{
		BASH_XTRACEFD=7
		PS4='+ '
		set -x
		test_body_ "$1"
		rc=$?
		{ set +x; } 2>/dev/null
		unset BASH_XTRACEFD
	} >"$TEST_OUT" 2>&1 7>>"$TEST_OUT" </dev/null
	if [ -n "$test_cleanup_" ]; then
		{ eval "$test_cleanup_"; } >>"$TEST_OUT" 2>&1 </dev/null
		test_cleanup_=
	fi
	return $rc
}

# test_expect_success 'description' 'body'
test_expect_success() {
	if [ $# != 2 ]; then
		echo "# bug in $TEST_NAME: test_expect_success needs 2 arguments" >&2
		exit 1
	fi
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		test_success=$((test_success + 1))
		say_ "ok $test_count - $1"
		[ "${TEST_VERBOSE:-}" = 1 ] && sed 's/^/#   /' "$TEST_OUT"
	else
		test_failure=$((test_failure + 1))
		say_ "not ok $test_count - $1"
		printf '%s\n' "$2" | sed -e '/^[[:space:]]*$/d' -e 's/^/#	/'
		echo "# output:"
		sed 's/^/#   /' "$TEST_OUT"
	fi
	return 0
}

# test_when_finished 'cmds' : run after the current test, pass or fail
test_when_finished() {
	test_cleanup_="$1
$test_cleanup_"
}

test_done() {
	# a story that ran no test asserted nothing: a failure, never a skip
	[ "$test_count" = 0 ] && { echo "not ok 1 - $TEST_NAME ran no test"; test_failure=1; }
	echo "# passed $test_success failed $test_failure"
	if [ "$test_failure" = 0 ]; then
		cd "$TEST_DIR" || exit 1
		[ "${TEST_KEEP_TRASH:-}" = 1 ] || rm -rf "$TRASH_DIR"
		exit 0
	fi
	echo "# trash kept in $TRASH_DIR"
	exit 1
}

# --- asserting helpers -----------------------------------------------------------

# test_cmp EXPECTED ACTUAL : files must be equal (shows a diff)
test_cmp() {
	diff -u "$1" "$2"
}

# test_expect_code N CMD... : CMD must exit with status N
test_expect_code() {
	local want=$1 got
	shift
	"$@"
	got=$?
	if [ "$got" = "$want" ]; then
		return 0
	fi
	echo "test_expect_code: '$*' exited $got, wanted $want" >&2
	return 1
}

# test_grep PATTERN FILE : grep -q that says what it missed
test_grep() {
	if grep -q -e "$1" "$2"; then
		return 0
	fi
	echo "test_grep: no '$1' in $2:" >&2
	head -n 40 "$2" >&2
	return 1
}

# retry_until SECONDS CMD... : run CMD every half second until it succeeds
retry_until() {
	local end=$(($(date +%s) + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.5
	done
	echo "retry_until: '$*' still failing" >&2
	return 1
}

# --- the lab -------------------------------------------------------------------

# require_lab : stop the script (as one failure) unless the lab is up with
# the seed world (or the one require_world names)
require_lab() {
	local want=${1:-seed}
	if "$LAB_SH" status >/dev/null 2>&1 && [ "$LAB_WORLD" = "$want" ]; then
		return 0
	fi
	echo "not ok 1 - the lab$LAB_ID is up with the $want world (LAB_WORLD=$want tests/lab/lab.sh reset)"
	echo "# passed 0 failed 1"
	exit 1
}

# require_world NAME : this story runs on world NAME (tests/run.sh picks the
# stories of the lab's world by this line)
require_world() {
	require_lab "$1"
}

# lab_reset : back to the lab's world as built (for scripts that change it; takes ~7 s)
lab_reset() {
	"$LAB_SH" reset >"$TRASH_DIR/.lab-reset.log" 2>&1 || {
		cat "$TRASH_DIR/.lab-reset.log"
		return 1
	}
}

# lab HOST CMD... : run CMD inside a lab host (stdin passed through)
lab() {
	"$LAB_SH" exec "$@"
}

# ferry_client ARGS... : the freshly built /ferry/ferry in the client, with
# -c $FERRY_CONF (default /root/lab/ferry.conf, the world's)
ferry_client() {
	lab "$W_CLIENT" /ferry/ferry -c "$FERRY_CONF" "$@"
}

# dig_at SERVER_ADDR NAME TYPE : short, non-recursive answer of one server
dig_at() {
	lab "$W_CLIENT" dig +norec +short +time=2 +tries=1 @"$1" "$2" "$3"
}

# fetch_pinned ADDR NAME PATH : body of http://NAME/PATH fetched from ADDR
# (fails on HTTP errors and redirects are not followed)
fetch_pinned() {
	lab "$W_CLIENT" curl -sS --fail --max-time 10 --resolve "$2:80:$1" "http://$2${3:-/}"
}

# fetch_code ADDR NAME PATH : prints "CODE LOCATION" (LOCATION empty if none)
fetch_code() {
	lab "$W_CLIENT" curl -sS -o /dev/null --max-time 10 --resolve "$2:80:$1" \
		-w '%{http_code} %{redirect_url}\n' "http://$2${3:-/}"
}

# send_mail SERVER TO TAG : one message from the client through SERVER[:PORT];
# TAG is in the Subject, the Message-ID and the body
send_mail() {
	lab "$W_CLIENT" swaks -S 1 --server "$1" --to "$2" --from "tester@$W_CLIENT.$DOMAIN" \
		--header "Subject: ferry test $3" --header "Message-Id: <$3@$W_CLIENT.$DOMAIN>" \
		--body "ferry test message $3"
}

# wait_in_spool HOST USER TAG [SECONDS] : TAG shows up in HOST's spool of USER
# (sendmail delivers about one second after accepting)
wait_in_spool() {
	local end=$(($(date +%s) + ${4:-20}))
	while :; do
		lab "$1" grep -q -F -e "$3" "$W_SPOOL/$2" 2>/dev/null && return 0
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.5
	done
	echo "wait_in_spool: '$3' not in $1:$W_SPOOL/$2 after ${4:-20} s" >&2
	return 1
}

# mta_kill HOST : HOST's MTA stopped so that nothing (mta-reload included)
# can start it again; mta_revive HOST undoes it and starts the MTA
mta_kill() {
	if [ "$LAB_MTA" = postfix ]; then
		lab "$1" postfix stop >/dev/null 2>&1 &&
		lab "$1" mount --bind /bin/false /usr/lib/postfix/sbin/master
	else
		lab "$1" /etc/init.d/sendmail stop >/dev/null 2>&1 &&
		lab "$1" mount --bind /bin/false /usr/sbin/sendmail-mta
	fi
}
mta_revive() {
	if [ "$LAB_MTA" = postfix ]; then
		lab "$1" umount /usr/lib/postfix/sbin/master &&
		lab "$1" postfix start >/dev/null 2>&1
	else
		lab "$1" umount /usr/sbin/sendmail-mta &&
		lab "$1" /etc/init.d/sendmail start >/dev/null 2>&1
	fi
}

# queue_empty HOST : HOST's MTA queue holds nothing (sendmail's mailq says
# "Total requests: 0" or "... is empty", postfix's "Mail queue is empty");
# the listing is left in mailq.HOST
queue_empty() {
	lab "$1" mailq >"mailq.$1" 2>&1
	grep -q "Total requests: 0\|is empty" "mailq.$1" && ! grep -q "Total requests: [1-9]" "mailq.$1"
}

# no_bounce HOST : HOST's mail log shows no bounce or DSN and no unknown user
# (sendmail: "DSN:", "User unknown"; postfix: "status=bounced", "sender
# non-delivery notification"); the log is left in mail.log.HOST
no_bounce() {
	lab "$1" cat /var/log/mail.log >"mail.log.$1" &&
	! grep -i "DSN:\|User unknown\|status=bounced\|non-delivery notification" "mail.log.$1"
}

# mush_talk ADDR PORT 'line'... : connect from the client, send each line,
# print what the game answered during MUSH_WAIT seconds (default 3; a QUIT
# among the lines ends it as soon as the game hangs up), telnet negotiation
# and carriage returns stripped
mush_talk() {
	local a=$1 p=$2
	shift 2
	lab "$W_CLIENT" bash -c '
		a=$1 p=$2 t=$3
		shift 3
		exec 3<>"/dev/tcp/$a/$p" || exit 1
		timeout "$t" cat <&3 &
		r=$!
		sleep 0.3
		for l in "$@"; do printf "%s\r\n" "$l" >&3; sleep 0.2; done
		wait "$r"
		exit 0
	' mush_talk "$a" "$p" "${MUSH_WAIT:-3}" "$@" | LC_ALL=C tr -d '\000-\010\013-\037\177-\377'
}
