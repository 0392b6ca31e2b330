#!/bin/bash
# make check: unit tests (plain, then with ASan and UBSan), the fuzz targets'
# regression inputs, then the lab's stories against real daemons, in the seed
# world and then in the stock Debian one.
# Ends with one line "N passed, M failed" over everything.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0

count() {	# adds the "N passed, M failed" numbers of the last such line of file $1
	local line
	line=$(sed -n 's/^\(# [a-z]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed.*$/\2 \3/p' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		fail=$((fail + 1))
		return
	fi
	set -- $line
	pass=$((pass + $1)); fail=$((fail + $2))
}

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

make -s unit 2>&1 | tee "$log/unit"
count "$log/unit"

# the same unit tests under ASan and UBSan, then every fuzz crash found so far
make -s unit-asan 2>&1 | tee "$log/unit-asan"
count "$log/unit-asan"
make -s fuzz-regress 2>&1 | tee "$log/fuzz-regress"
count "$log/fuzz-regress"

if [ -x tests/lab/lab.sh ]; then
	tests/lab/lab.sh install || { echo "lab install failed"; fail=$((fail + 1)); }
	# every world in turn (tests/lab/world-*.env): the seed world's stories,
	# then the main stories again on the stock Debian world (require_world stock)
	for world in seed stock; do
		echo "# lab world: $world"
		if LAB_WORLD=$world tests/lab/lab.sh up; then
			tests/run.sh 2>&1 | tee "$log/lab-$world"
			count "$log/lab-$world"
		else
			echo "not ok - lab up failed ($world world)"
			fail=$((fail + 1))
		fi
		tests/lab/lab.sh down
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
