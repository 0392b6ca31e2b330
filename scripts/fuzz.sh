#!/bin/bash
# make fuzz / make fuzz-regress (fuzz/README).
#   fuzz.sh run RUNS SECONDS BIN...  each target for RUNS executions, at most
#       SECONDS; fails when one crashed or ran fewer than RUNS.  A crash is
#       copied into fuzz/regress/TARGET/ (commit it once it is fixed).
#   fuzz.sh regress BIN...  replays fuzz/regress/TARGET/* and the seeds once.
# Both end with "# fuzz: N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0
jobs=${FUZZ_JOBS:-2}

# run_one BIN RUNS SECONDS: the verdict line on stdout, the log in build/fuzz/log
run_one() {
	local bin=$1 runs=$2 secs=$3 name t0 execs rate rc crash
	name=$(basename "$bin"); name=${name#fuzz-}
	mkdir -p "build/fuzz/corpus/$name" "build/fuzz/crash/$name" "build/fuzz/log" "fuzz/regress/$name"
	t0=$(date +%s)
	# no allocation stacks while fuzzing (a sixth faster); the regress replay
	# of a crash prints them in full
	ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} \
	"$bin" -runs="$runs" -max_total_time="$secs" -print_final_stats=1 -close_fd_mask=3 \
		-timeout=10 -rss_limit_mb=2048 -max_len=8192 \
		-artifact_prefix="build/fuzz/crash/$name/" \
		"build/fuzz/corpus/$name" "fuzz/corpus/$name" "fuzz/regress/$name" \
		>"build/fuzz/log/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "build/fuzz/log/$name.log" | tail -n 1)
	execs=${execs:-0}
	rate=$(( execs / ( $(date +%s) - t0 + 1 ) ))
	crash=$(find "build/fuzz/crash/$name" -type f | head -n 1)
	if [ -n "$crash" ] || [ $rc -ne 0 ]; then
		[ -n "$crash" ] && cp "$crash" "fuzz/regress/$name/"
		echo "not ok - $name: crashed (exit $rc) after $execs executions, see build/fuzz/log/$name.log ${crash:+and $crash}"
	elif [ "$execs" -lt "$runs" ]; then
		echo "not ok - $name: $execs executions, fewer than $runs asked ($rate/s)"
	else
		echo "ok - $name: $execs executions, 0 crashes ($rate/s)"
	fi
}

run() {
	local runs=$1 secs=$2 bin out
	shift 2
	out=$(mktemp -d)
	for bin in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n
		done
		run_one "$bin" "$runs" "$secs" >"$out/$(basename "$bin")" &
	done
	wait
	for bin in "$@"; do
		cat "$out/$(basename "$bin")"
		if grep -q '^ok' "$out/$(basename "$bin")"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
	rm -rf "$out"
}

regress() {
	local bin name files
	for bin in "$@"; do
		name=$(basename "$bin"); name=${name#fuzz-}
		files=$(find "fuzz/regress/$name" "fuzz/corpus/$name" -type f ! -name '.*' 2>/dev/null | sort)
		if [ -z "$files" ]; then
			echo "not ok - $name: no regression inputs nor seeds"
			fail=$((fail + 1)); continue
		fi
		# shellcheck disable=SC2086
		if "$bin" -timeout=10 $files >"build/fuzz/$name.regress.log" 2>&1; then
			echo "ok - $name: $(echo "$files" | wc -l) inputs replayed"
			pass=$((pass + 1))
		else
			echo "not ok - $name: failed on replay, see build/fuzz/$name.regress.log"
			fail=$((fail + 1))
		fi
	done
}

mode=${1:-}
shift
case $mode in
run) run "$@" ;;
regress) regress "$@" ;;
*) echo "usage: fuzz.sh run RUNS SECONDS BIN... | regress BIN..." >&2; exit 2 ;;
esac
echo "# fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
