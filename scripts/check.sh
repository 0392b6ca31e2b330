#!/bin/bash
# make check: unit tests (plain, then with ASan and UBSan), the fuzz targets'
# regression inputs, then the lab's stories against real daemons.
# Ends with one line "N passed, M failed" over everything.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0 fail=0
# the stories run a second time with LAB_MTA=postfix
POSTFIX_STORIES="t5001-mail-under-load.sh t5002-forwarded-mail.sh t5003-same-message-id.sh
	t5004-every-address.sh t5005-map-refused.sh t8002-cutover-all.sh t8003-rollback.sh
	t8009-mta-down.sh t8010-rollback-keeps-later-edits.sh"

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
	if LAB_MTA=sendmail tests/lab/lab.sh up; then
		LAB_MTA=sendmail tests/run.sh 2>&1 | tee "$log/lab"
		count "$log/lab"
	else
		echo "not ok - lab up failed"
		fail=$((fail + 1))
	fi
	# the mail stories once more on a postfix world (tests/lab/mta-postfix.sh);
	# up rebuilds the lab when it runs the other MTA
	if LAB_MTA=postfix tests/lab/lab.sh up; then
		LAB_MTA=postfix tests/run.sh $POSTFIX_STORIES 2>&1 | tee "$log/lab-postfix"
		count "$log/lab-postfix"
	else
		echo "not ok - lab up (LAB_MTA=postfix) failed"
		fail=$((fail + 1))
	fi
	tests/lab/lab.sh down
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
