#!/bin/bash
# tests/run.sh [tNNNN-name.sh...] -- run the test scripts (by default every
# tests/t[0-9]*.sh of the lab's world, in order) and end with one line
# "N passed, N failed", N counting test_expect_success blocks; a script that
# dies, runs none or exits non-zero without a failed one counts as one more failure.
# The lab is brought up when `lab.sh status` says it is not; it is left up.
# Each story's run time follows it ("# tNNNN-name.sh: 12.3 s"), and the ten
# slowest are listed before the last line, which stays "N passed, N failed"
# (scripts/check.sh reads it).
cd "$(dirname "$0")" || exit 2
TESTS=$(pwd)

if ! ./lab/lab.sh status >/dev/null 2>&1; then
	./lab/lab.sh up || { echo "# lab.sh up failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# by default the stories of the lab's world: a story for another world than
# the seed says `require_world NAME` (LAB_WORLD=stock lab/lab.sh up, then run.sh)
if [ $# -gt 0 ]; then
	scripts=("$@")
else
	world=$(./lab/lab.sh world 2>/dev/null)
	[ -n "$world" ] || world=seed
	if [ "$world" = seed ]; then
		mapfile -t scripts < <(grep -L "^require_world " t[0-9]*.sh)
	else
		mapfile -t scripts < <(grep -l "^require_world $world\$" t[0-9]*.sh)
	fi
fi
scripts=("${scripts[@]##*/}")

# seconds since an EPOCHREALTIME reading, one decimal
since() {
	local now=$EPOCHREALTIME
	awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

passed=0 failed=0 broken="" times=""
for t in "${scripts[@]}"; do
	[ -f "$TESTS/$t" ] || { echo "# no such test script: $t"; failed=$((failed + 1)); continue; }
	echo "# $t"
	out=$(mktemp)
	start=$EPOCHREALTIME
	bash "$TESTS/$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	secs=$(since "$start")
	echo "# $t: $secs s"
	times="$times$secs $t
"
	line=$(grep -E '^# passed [0-9]+ failed [0-9]+$' "$out" | tail -n 1)
	rm -f "$out"
	if [ -n "$line" ]; then
		set -- $line
		passed=$((passed + $3))
		failed=$((failed + $5))
		# a script that exited non-zero without a failed test, or ran no
		# test at all (an early exit is a skip, and make check has none)
		if { [ "$rc" != 0 ] || [ "$3" = 0 ]; } && [ "$5" = 0 ]; then
			failed=$((failed + 1)); broken="$broken $t"
		fi
	else
		failed=$((failed + 1))
		broken="$broken $t"
	fi
done
[ -n "$broken" ] && echo "# scripts that died, ran no test, or exited non-zero without a failed test:$broken"
if [ -n "$times" ]; then
	echo "# slowest stories (seconds):"
	printf '%s' "$times" | sort -rn | head -n 10 | awk '{ printf "#   %7.1f  %s\n", $1, $2 }'
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
