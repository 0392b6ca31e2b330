#!/bin/bash
# t0001: the runners count honestly -- scripts/run-unit.sh, tests/run.sh and
# scripts/check.sh each run here on small, deliberately broken stand-ins (a
# unit binary that exits 1 after "0 failed", a story that exits early, a part
# that ran nothing), in the trash directory; no lab needed.
. "$(dirname "$0")/lib.sh"

# unit_bin NAME PASSED FAILED RC : a C binary that prints a unit summary, exits RC
unit_bin() {
	printf '#include <stdio.h>\nint main(void) { printf("# %s: %d passed, %d failed\\n"); return %d; }\n' \
		"$1" "$2" "$3" "$4" >"$1.c" &&
	cc -o "$1" "$1.c"
}

test_expect_success 'run-unit.sh: exit 1 after "3 passed, 0 failed" is a failure' '
	unit_bin broken 3 0 1 &&
	unit_bin fine 2 0 0 &&
	test_expect_code 1 "$PROJECT_DIR/scripts/run-unit.sh" ./fine ./broken >out &&
	test_grep "^not ok - ./broken exited 1 after 0 failed$" out &&
	test "$(tail -n 1 out)" = "# unit: 5 passed, 1 failed"
'

test_expect_success 'run-unit.sh: the exit check looks at each binary, in any order' '
	test_expect_code 1 "$PROJECT_DIR/scripts/run-unit.sh" ./broken ./fine >out &&
	test "$(tail -n 1 out)" = "# unit: 5 passed, 1 failed" &&
	"$PROJECT_DIR/scripts/run-unit.sh" ./fine ./fine >out &&
	test "$(tail -n 1 out)" = "# unit: 4 passed, 0 failed"
'

test_expect_success 'run-unit.sh: failed checks are summed once, a crash counts as one' '
	unit_bin failing 1 2 1 &&
	printf "#!/bin/sh\nkill -SEGV \$\$\n" >crash && chmod +x crash &&
	test_expect_code 1 "$PROJECT_DIR/scripts/run-unit.sh" ./failing ./crash >out &&
	test_grep "^not ok - ./crash crashed or printed no summary" out &&
	test "$(tail -n 1 out)" = "# unit: 1 passed, 3 failed"
'

# a copy of tests/ whose lab always reports "up", with stories that skip
test_expect_success 'run.sh: an early exit and a story of no test are failures' '
	mkdir -p fake/lab &&
	cp "$PROJECT_DIR/tests/run.sh" "$PROJECT_DIR/tests/lib.sh" fake/ &&
	printf "#!/bin/sh\nexit 0\n" >fake/lab/lab.sh && chmod +x fake/lab/lab.sh &&
	lib=". \"\$(dirname \"\$0\")/lib.sh\"" &&
	printf "%s\ntest_expect_success a true\ntest_expect_success b true\ntest_done\n" "$lib" >fake/t1-good.sh &&
	printf "%s\necho no sshd, skipping; exit 0\n" "$lib" >fake/t2-skip.sh &&
	printf "%s\ntest_done\n" "$lib" >fake/t3-none.sh &&
	printf "%s\ntest_expect_success c true\ntest_done; exit 1\n" "$lib" >fake/t4-exit.sh &&
	test_expect_code 1 fake/run.sh >out &&
	test_grep "^not ok 1 - t3-none ran no test$" out &&
	test_grep "^# scripts that died, ran no test, or exited non-zero without a failed test: t2-skip.sh$" out &&
	test "$(tail -n 1 out)" = "3 passed, 2 failed" &&
	fake/run.sh t1-good.sh >out &&
	test "$(tail -n 1 out)" = "2 passed, 0 failed"
'

# a project tree whose make targets print fixed counts: check.sh's sums (its
# three lab passes -- seed world, stock world, postfix -- each get run.sh's line)
fake_tree() {
	rm -rf tree && mkdir -p tree/scripts tree/tests/lab &&
	cp "$PROJECT_DIR/scripts/check.sh" tree/scripts/ &&
	printf "unit:\n\t@echo \"# unit: 40 passed, 0 failed\"\nunit-asan:\n\t@echo \"# unit: %s passed, %s failed\"\nfuzz-regress:\n\t@echo \"# fuzz: %s passed, 0 failed\"\n" \
		"$((40 - $1))" "$1" "$2" >tree/Makefile &&
	printf "#!/bin/sh\nexit 0\n" >tree/tests/lab/lab.sh && chmod +x tree/tests/lab/lab.sh &&
	printf "#!/bin/sh\necho \"%s\"\n" "$3" >tree/tests/run.sh && chmod +x tree/tests/run.sh
}

test_expect_success 'check.sh: labelled counts, the last line counts each assertion once' '
	fake_tree 0 7 "9 passed, 0 failed" &&
	tree/scripts/check.sh >out &&
	test_grep "^# unit checks (CHECK executions): 40 passed, 0 failed$" out &&
	test_grep "^# sanitizer run (.*): 40 passed, 0 failed$" out &&
	test_grep "^# fuzz replays (one per target): 7 passed, 0 failed$" out &&
	for part in seed stock postfix; do
		test_grep "^# lab assertions, $part (test_expect_success blocks): 9 passed, 0 failed$" out ||
		return 1
	done &&
	test "$(tail -n 1 out)" = "74 passed, 0 failed"
'

test_expect_success 'check.sh: a sanitizer failure counts, its passes do not' '
	fake_tree 2 7 "9 passed, 0 failed" &&
	test_expect_code 1 tree/scripts/check.sh >out &&
	test_grep "^# sanitizer run (.*): 38 passed, 2 failed$" out &&
	test "$(tail -n 1 out)" = "74 passed, 2 failed"
'

test_expect_success 'check.sh: a sanitizer run of fewer checks than the plain one fails' '
	fake_tree 0 7 "9 passed, 0 failed" &&
	sed -i "/^unit-asan:/{n;s/40 passed/30 passed/}" tree/Makefile &&
	grep -q "30 passed" tree/Makefile &&
	test_expect_code 1 tree/scripts/check.sh >out &&
	test_grep "^not ok - the sanitizer run executed 30 checks, the plain run 40$" out &&
	test "$(tail -n 1 out)" = "74 passed, 1 failed"
'

test_expect_success 'check.sh: a part that ran nothing, or no lab.sh, fails' '
	fake_tree 0 0 "0 passed, 0 failed" &&
	test_expect_code 1 tree/scripts/check.sh >out &&
	test_grep "^# fuzz replays (one per target): 0 passed, 1 failed$" out &&
	test "$(grep -c "^# lab assertions, [a-z]* (.*): 0 passed, 1 failed$" out)" = 3 &&
	test "$(tail -n 1 out)" = "40 passed, 4 failed" &&
	fake_tree 0 7 "9 passed, 0 failed" && chmod -x tree/tests/lab/lab.sh &&
	test_expect_code 1 tree/scripts/check.sh >out &&
	test_grep "^not ok - tests/lab/lab.sh is missing or not executable$" out &&
	test "$(tail -n 1 out)" = "47 passed, 3 failed"
'

test_done
