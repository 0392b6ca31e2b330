#!/bin/sh
# Runs each unit test binary; each prints "# NAME: N passed, M failed" last.
# Prints the sum as "# unit: N passed, M failed" (N counts CHECK executions)
# and fails if any test failed.  A binary that crashed, printed no summary, or
# exited non-zero after "0 failed" counts as one more failure.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | sed -n 's/^# .*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $t crashed or printed no summary (exit $rc)"
		fail=$((fail + 1)); continue
	fi
	np=${line% *} nf=${line#* }
	pass=$((pass + np)); fail=$((fail + nf))
	if [ "$rc" -ne 0 ] && [ "$nf" = 0 ]; then
		echo "not ok - $t exited $rc after 0 failed"
		fail=$((fail + 1))
	fi
done
echo "# unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
