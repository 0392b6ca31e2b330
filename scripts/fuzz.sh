#!/bin/bash
# make fuzz / make fuzz-regress (fuzz/README).
#   fuzz.sh run GOAL SECONDS BIN...  runs each target until its total over all
#       runs (fuzz/NOTES, the table between the "totals" markers) reaches GOAL
#       executions: this run asks for what is missing, for at most the time the
#       target's last rate says it needs (capped at SECONDS).  libFuzzer's own
#       count (stat::number_of_executed_units) is added to the table; new inputs
#       that add coverage are merged into fuzz/corpus/TARGET (commit them).  Fails
#       when one crashed (the input is copied into fuzz/regress/TARGET/: fix the
#       bug, commit the input) or a total is still short of GOAL.
#   fuzz.sh regress BIN...  replays fuzz/regress/TARGET/* and the corpus once.
#   fuzz.sh totals  prints the table.
# run and regress end with "# fuzz: N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0
jobs=${FUZZ_JOBS:-2}
notes=fuzz/NOTES
begin='--- totals (scripts/fuzz.sh keeps this table) ---'
end='--- end of totals ---'

# the table row of a target: "NAME EXECS RUNS SECONDS CRASHES RATE" (zeros when new)
row_of() {
	awk -v b="$begin" -v e="$end" -v n="$1" '
		$0 == b { on = 1; next } $0 == e { on = 0 }
		on && $1 == n { gsub(",", ""); print $1, $2, $3, $4, $5, $6; f = 1 }
		END { if (!f) print n, 0, 0, 0, 0, 0 }' "$notes"
}

# adds one run (NAME EXECS SECONDS CRASHES) to the table, rewriting it sorted
add_run() {
	local name=$1 execs=$2 secs=$3 crashes=$4 tmp
	tmp=$(mktemp)
	awk -v b="$begin" -v e="$end" -v n="$name" -v x="$execs" -v s="$secs" -v c="$crashes" '
		function commas(v,   s) { s = sprintf("%d", v); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
		$0 == b { on = 1; print; next }
		on && $0 == e {
			if (!(n in ex)) { ex[n] = 0; ru[n] = 0; se[n] = 0; cr[n] = 0 }
			ex[n] += x; ru[n]++; se[n] += s; cr[n] += c; ra[n] = s > 0 ? int(x / s) : 0
			printf "%-10s %14s %5s %9s %8s %8s\n", "target", "executions", "runs", "seconds", "crashes", "last/s"
			k = 0; for (t in ex) names[++k] = t
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
			for (i = 1; i <= k; i++) { t = names[i]
				printf "%-10s %14s %5d %9d %8d %8d\n", t, commas(ex[t]), ru[t], se[t], cr[t], ra[t] }
			on = 0; print; next }
		on && $1 == "target" { next }
		on && NF >= 6 { t = $1; v = $2; gsub(",", "", v); ex[t] = v; ru[t] = $3; se[t] = $4; cr[t] = $5; ra[t] = $6; next }
		on { next }
		{ print }' "$notes" >"$tmp" && cat "$tmp" >"$notes"
	rm -f "$tmp"
}

# run_one BIN GOAL SECONDS: the verdict line on stdout, the log in build/fuzz/log,
# "EXECS SECONDS CRASHES" in build/fuzz/log/NAME.run for the table
run_one() {
	local bin=$1 goal=$2 cap=$3 name t0 execs rate rc crash total secs left want nc
	name=$(basename "$bin"); name=${name#fuzz-}
	mkdir -p "build/fuzz/corpus/$name" "build/fuzz/crash/$name" "build/fuzz/log" \
		"fuzz/regress/$name" "fuzz/corpus/$name"
	rm -f "build/fuzz/crash/$name"/* "build/fuzz/log/$name.run"
	read -r _ total _ _ _ rate < <(row_of "$name")
	left=$((goal - total))
	if [ "$left" -le 0 ]; then
		echo "ok - $name: total $total executions, goal $goal reached before this run"
		return
	fi
	# the time the last rate needs for what is left, with a quarter to spare for load
	secs=$cap
	if [ "$rate" -gt 0 ]; then
		want=$(( left / rate * 5 / 4 + 60 ))
		[ "$want" -lt "$secs" ] && secs=$want
	fi
	t0=$(date +%s)
	# no allocation stacks while fuzzing (a sixth faster); the regress replay
	# of a crash prints them in full.  New inputs go to build/fuzz/corpus first.
	ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} \
	"$bin" -runs="$left" -max_total_time="$secs" -print_final_stats=1 -close_fd_mask=3 \
		-timeout=10 -rss_limit_mb=2048 -max_len=8192 \
		-artifact_prefix="build/fuzz/crash/$name/" \
		"build/fuzz/corpus/$name" "fuzz/corpus/$name" "fuzz/regress/$name" \
		>"build/fuzz/log/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "build/fuzz/log/$name.log" | tail -n 1)
	execs=${execs:-0}
	secs=$(( $(date +%s) - t0 ))
	rate=$(( execs / (secs + 1) ))
	crash=$(find "build/fuzz/crash/$name" -type f | head -n 1)
	echo "$execs $secs $([ -n "$crash" ] || [ $rc -ne 0 ] && echo 1 || echo 0)" >"build/fuzz/log/$name.run"
	# what this run found that adds coverage joins the committed corpus
	nc=$(find "fuzz/corpus/$name" -type f | wc -l)
	"$bin" -merge=1 -close_fd_mask=3 -timeout=10 -max_len=8192 "fuzz/corpus/$name" "build/fuzz/corpus/$name" \
		>"build/fuzz/log/$name.merge.log" 2>&1
	nc=$(( $(find "fuzz/corpus/$name" -type f | wc -l) - nc ))
	total=$((total + execs))
	if [ -n "$crash" ] || [ $rc -ne 0 ]; then
		[ -n "$crash" ] && cp "$crash" "fuzz/regress/$name/"
		echo "not ok - $name: crashed (exit $rc) after $execs executions, see build/fuzz/log/$name.log ${crash:+and $crash}"
	elif [ "$total" -lt "$goal" ]; then
		echo "not ok - $name: $execs executions in $secs s ($rate/s), total $total, short of $goal; $nc new corpus inputs"
	else
		echo "ok - $name: $execs executions in $secs s ($rate/s), total $total; $nc new corpus inputs"
	fi
}

run() {
	local goal=$1 secs=$2 bin out name
	shift 2
	out=$(mktemp -d)
	for bin in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n
		done
		run_one "$bin" "$goal" "$secs" >"$out/$(basename "$bin")" &
	done
	wait
	for bin in "$@"; do
		name=$(basename "$bin"); name=${name#fuzz-}
		cat "$out/$(basename "$bin")"
		if [ -s "build/fuzz/log/$name.run" ]; then
			# shellcheck disable=SC2046
			add_run "$name" $(cat "build/fuzz/log/$name.run")
		fi
		if grep -q '^ok' "$out/$(basename "$bin")"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
	rm -rf "$out"
}

regress() {
	local bin name files
	mkdir -p build/fuzz
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
totals) awk -v b="$begin" -v e="$end" '$0 == b { on = 1; next } $0 == e { on = 0 } on' "$notes"; exit 0 ;;
*) echo "usage: fuzz.sh run GOAL SECONDS BIN... | regress BIN... | totals" >&2; exit 2 ;;
esac
echo "# fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
