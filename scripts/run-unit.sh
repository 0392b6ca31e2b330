#!/bin/sh
# Runs each unit test binary; each prints "# NAME: N passed, M failed" last.
# Prints the sum as "unit: N passed, M failed" and fails if any test failed.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | sed -n 's/^# .*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $t crashed or printed no summary (exit $rc)"
		fail=$((fail + 1)); continue
	fi
	set -- $line "$@"; pass=$((pass + $1)); fail=$((fail + $2)); shift 2
	[ $rc -eq 0 ] || [ "$2" != 0 ] || { echo "not ok - $t exited $rc"; fail=$((fail + 1)); }
done
echo "# unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
