#!/bin/bash
# make demo: bring up the lab, show the seed world's plan, move every account,
# show where each stands and what it cost, then take the lab down again.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
LAB=tests/lab/lab.sh
ferry() { "$LAB" exec client /ferry/ferry -c /root/lab/ferry.conf "$@"; }
step() { printf '\n==> %s\n' "$*"; }

"$LAB" install || exit 1
trap '"$LAB" down >/dev/null 2>&1' EXIT
step "lab up: charon (old), neko-base (new), ns3, client"
LAB_WORLD=seed "$LAB" up || exit 1
step "ferry check"
ferry check || exit 1
step "ferry plan"
ferry plan || exit 1
step "ferry run --all --yes"
ferry run --all --yes
rc=$?
step "ferry status"
ferry status
if ferry report --help >/dev/null 2>&1; then
	step "ferry report"
	ferry report
	# the page, and a screenshot of it from headless Chromium (in the root
	# namespace, on a local file: no network)
	if ferry report --html /ferry/build/demo-report.html && command -v chromium >/dev/null; then
		prof=$(mktemp -d)
		chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$prof" --window-size=1200,900 \
			--screenshot="$top/build/demo-report.png" "file://$top/build/demo-report.html" \
			>/dev/null 2>&1
		rm -rf "$prof"
		step "report page: build/demo-report.html, screenshot build/demo-report.png"
	fi
fi
exit $rc
