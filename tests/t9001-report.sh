#!/bin/bash
# t9001: `ferry report` after a whole migration of the seed world, run with
# --jobs 4 (starts with a reset): no account's edit of a shared file lost,
# output lines kept per account; the text table per account, and the HTML
# page rendered in headless Chromium -- a screenshot, and the DOM holds one
# lane per account and service, each with bars of non-zero width.
. "$(dirname "$0")/lib.sh"
require_lab

# chromium as root, on a local file, no network of its own (machines/c.md)
chrome() {
	local prof
	prof=$(mktemp -d) || return 1
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --window-size=1200,900 "$@" 2>>chrome.err
	local rc=$?
	rm -rf "$prof"
	return $rc
}

# lanes_with_bars DOM : "ACCOUNT SERVICE NBARS MINWIDTH" per lane
lanes_with_bars() {
	perl -0777 -ne '
		while (/<g class="lane" data-account="([^"]*)" data-service="([^"]*)"[^>]*>(.*?)<\/g>/gs) {
			my ($a, $s, $body, $n, $min) = ($1, $2, $3, 0, 1e9);
			while ($body =~ /<rect class="bar [^"]*"[^>]*?width="([0-9.]+)"/g) {
				$n++; $min = $1 if $1 < $min;
			}
			printf "%s %s %d %s\n", $a, $s, $n, $n ? $min : 0;
		}' "$1"
}

test_expect_success 'chromium is installed (make deps)' '
	command -v chromium
'

test_expect_success 'on a terminal: a live line, rewritten in place, with rsync progress' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	lab client script -qefc "/ferry/ferry -c $FERRY_CONF run --until prep alice" /dev/null >tty.out &&
	wipe=$(printf "\r\033[K") &&
	grep -qF "${wipe}alice  prep.2  rsync " tty.out &&
	grep -qE "alice  prep.2  rsync [0-9,]+ +100% .*\[[0-9]+ s\]" tty.out &&
	grep -qF "${wipe}alice: prep.2: done: first pass" tty.out
'

test_expect_success 'then the whole seed world, 4 accounts at once; plain lines off a terminal' '
	ferry_client run --jobs 4 --all --yes >run.out 2>run.err &&
	! grep -q "$(printf "\033")" run.out &&
	! grep -q "rsync [0-9,]* *[0-9]*%" run.out
'

test_expect_success '--jobs: every output line names its account' '
	test $(grep -c "^alice: done.tidy: done" run.out) = 1 &&
	! grep -v -E "^(alice|bob|carol|dave): [a-z0-9.]+: " run.out
'

test_expect_success '--jobs: shared files hold every account (no lost update)' '
	lab neko-base cat /usr/local/adm/mail/virtusertable >vt &&
	lab neko-base cat /etc/mail/local-host-names >lhn &&
	lab neko-base cat /usr/local/adm/apache/virtual.conf >vh &&
	for d in alice.test carol.test dave.test; do
		test_grep "^@$d	" vt && test_grep "^$d$" lhn || return 1
	done &&
	test_grep "ServerName alice.test" vh &&
	test_grep "ServerName dave.test" vh
'

test_expect_success 'report: a table per account, every step done or skipped' '
	ferry_client report >report.out &&
	for a in alice bob carol dave; do
		test_grep "^== $a (phase done)$" report.out || return 1
	done &&
	test_grep "^  prep.1  *done  *20[0-9-]*T[0-9:]*Z  *[0-9.]*s  uid 2001" report.out &&
	! grep -E "^  [a-z0-9.]+ +(pending|failed|running|waiting) " report.out
'

test_expect_success 'report: downtime per service, measured for each account' '
	test $(grep -c "^  downtime: .*files [0-9][0-9.]*s" report.out) = 4 &&
	test_grep "^  downtime: web 0.0s mail [0-9.]*s files [0-9.]*s$" report.out &&
	test_grep "^  downtime: mush [0-9.]*s files [0-9.]*s$" report.out
'

test_expect_success 'report of one account; an unknown one is a usage error' '
	ferry_client report bob >bob.out &&
	test $(grep -c "^== " bob.out) = 1 &&
	test_expect_code 2 ferry_client report nobody
'

test_expect_success 'report --html writes one self-contained page' '
	ferry_client report --html "$CLIENT_TRASH/report.html" &&
	test_grep "<svg id=\"timeline\"" report.html &&
	! grep -E "<(script|link|img)|src=|@import|url\(" report.html
'

test_expect_success 'chromium renders the page: screenshot of the timeline' '
	chrome --screenshot="$TRASH_DIR/shot.png" "file://$TRASH_DIR/report.html" &&
	python3 -c "
import struct, sys
b = open(sys.argv[1], \"rb\").read()
assert b[:8] == b\"\\x89PNG\\r\\n\\x1a\\n\", \"not a PNG\"
w, h = struct.unpack(\">II\", b[16:24])
assert (w, h) == (1200, 900), (w, h)
assert len(b) > 20000, \"a nearly blank page: %d bytes\" % len(b)
" shot.png
'

test_expect_success 'the DOM: summary row and lanes of every account, bars of non-zero width' '
	chrome --dump-dom "file://$TRASH_DIR/report.html" >dom.html &&
	lanes_with_bars dom.html >lanes &&
	cat >expect <<-\EOT &&
	alice files
	alice web
	alice mail
	bob files
	bob mush
	carol files
	carol mail
	dave files
	dave web
	dave mail
	dave mush
	EOT
	cut -d" " -f1,2 lanes >actual &&
	test_cmp expect actual &&
	! awk "\$3 == 0 || \$4 <= 0" lanes | grep . &&
	for a in alice bob carol dave; do
		test_grep "<tr class=\"ok\" data-account=\"$a\">" dom.html || return 1
	done
'

test_expect_success 'downtime windows are marked in their lanes' '
	perl -0777 -ne "print \"\$1\\n\" while /data-account=\"dave\" data-service=\"(\\w+)\"[^>]*>(?:(?!<\\/g>).)*class=\"downtime/gs" dom.html >dave.win &&
	test_grep "^files$" dave.win &&
	test_grep "^mail$" dave.win &&
	test_grep "^mush$" dave.win
'

test_done
