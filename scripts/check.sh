#!/bin/bash
# make check: unit tests (plain, then with ASan and UBSan), the fuzz targets'
# regression inputs, then the lab's stories against real daemons, in the seed
# world and then in the stock Debian one (tests/lab/world-*.env).
# Prints one labelled count per part, then ends with one line
# "N passed, M failed" that counts each assertion once: every unit CHECK of
# the plain run, every fuzz target's replay, every lab assertion.  The
# sanitizer run repeats the unit CHECKs, so it adds only its failures.
# A part that ran nothing, or cannot run (lab.sh missing), is a failure:
# `make deps` installs every prerequisite, so nothing is skipped.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0 summary="" part_checks=0
# the mail stories run a second time on a LAB_MTA=postfix seed world
POSTFIX_STORIES="t5001-mail-under-load.sh t5002-forwarded-mail.sh t5003-same-message-id.sh
	t5004-every-address.sh t5005-map-refused.sh t8002-cutover-all.sh t8003-rollback.sh
	t8009-mta-down.sh t8010-rollback-keeps-later-edits.sh"

# part_count FILE : "N M" of the last "N passed, M failed" line of FILE, or
# "0 1" when there is none (the part died) or it ran nothing (0 passed, 0 failed)
part_count() {
	local line
	line=$(sed -n 's/^\(# [a-z]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed.*$/\2 \3/p' "$1" | tail -n 1)
	case $line in
	'' | '0 0') echo "0 1" ;;
	*) echo "$line" ;;
	esac
}

# part LABEL FILE [failures-only] : records and adds one part's count
part() {
	local n
	n=$(part_count "$2")
	set -- "$1" "$2" "${3:-}" ${n}
	summary="$summary# $1: $4 passed, $5 failed
"
	[ "$3" = failures-only ] || pass=$((pass + $4))
	fail=$((fail + $5))
	part_checks=$(($4 + $5))
}

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

make -s unit 2>&1 | tee "$log/unit"
part "unit checks (CHECK executions)" "$log/unit"
unit_checks=$part_checks

# the same unit tests under ASan and UBSan, then every fuzz crash found so far
make -s unit-asan 2>&1 | tee "$log/unit-asan"
part "sanitizer run (the unit checks again, ASan+UBSan; only failures added)" "$log/unit-asan" failures-only
# the same checks must have run there: fewer means some never did
if [ "$part_checks" != "$unit_checks" ]; then
	echo "not ok - the sanitizer run executed $part_checks checks, the plain run $unit_checks"
	summary="$summary# sanitizer run: not the plain run's $unit_checks checks: 0 passed, 1 failed
"
	fail=$((fail + 1))
fi
make -s fuzz-regress 2>&1 | tee "$log/fuzz-regress"
part "fuzz replays (one per target)" "$log/fuzz-regress"

# lab_part NAME [VAR=VALUE...] [-- STORY...] : the lab up with those variables
# set (a world, an MTA), its stories run (by default all of them), one labelled
# count, the lab down again.  Another pass is one more call.
lab_part() {
	local name=$1 out=$log/lab-$1 env=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	if [ -n "$lab_broken" ]; then
		echo "not ok - $lab_broken" | tee "$out"
	elif env "${env[@]}" tests/lab/lab.sh up; then
		env "${env[@]}" tests/run.sh "$@" 2>&1 | tee "$out"
	else
		echo "not ok - lab up failed ($name)" | tee "$out"
	fi
	[ -x tests/lab/lab.sh ] && tests/lab/lab.sh down
	part "lab assertions, $name (test_expect_success blocks)" "$out"
}

lab_broken=
if [ ! -x tests/lab/lab.sh ]; then
	lab_broken="tests/lab/lab.sh is missing or not executable"
elif ! tests/lab/lab.sh install; then
	lab_broken="lab install failed"
fi
lab_part seed LAB_WORLD=seed
# the main stories again on a world provisioned the plain Debian way (require_world stock)
lab_part stock LAB_WORLD=stock
# the mail stories again with postfix as both hosts' MTA (tests/lab/mta-postfix.sh)
# shellcheck disable=SC2086
lab_part postfix LAB_WORLD=seed LAB_MTA=postfix -- $POSTFIX_STORIES

printf '%s' "$summary"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
