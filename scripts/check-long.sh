#!/bin/bash
# make check-long: the slow safety matrices that `make check` samples.
# t8004 with FERRY_PAIRS=full kills ferry at every (step, point) pair of
# dave's migration (about 90 kills) instead of the 14 of `make check`.
# Ends with one line "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
tests/lab/lab.sh install || { echo "lab install failed"; echo "0 passed, 1 failed"; exit 1; }
if ! LAB_WORLD=seed tests/lab/lab.sh up; then
	echo "not ok - lab up failed"
	echo "0 passed, 1 failed"
	exit 1
fi
FERRY_PAIRS=full tests/run.sh t8004-kill-resume.sh
rc=$?
tests/lab/lab.sh down
exit $rc
