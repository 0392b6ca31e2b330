#!/bin/bash
# t3005: carol's crontab moves: prep.cron puts a switched-off copy on
# neko-base, phase1.cron switches it on there and off (kept, commented) on
# charon; the job is seen running by cron on one host, then on the other;
# rollback brings it back to charon, then takes the copy away.
. "$(dirname "$0")/lib.sh"
require_lab

JOB='* * * * * hostname >>/tmp/carol-cron.log'
OFF="#ferry-off: $JOB"

cron_of() {	# HOST: carol's crontab there (exit 1 when none)
	lab "$1" crontab -u carol -l
}

ran_on() {	# HOST: lines the job wrote there (0 when none)
	lab "$1" sh -c 'cat /tmp/carol-cron.log 2>/dev/null | wc -l'
}

grows_on() {	# HOST COUNT: the job wrote more than COUNT lines there
	test "$(ran_on "$1")" -gt "$2"
}

test_expect_success 'a fresh seed world; carol gets a crontab on charon, and cron runs it' '
	lab_reset &&
	printf "MAILTO=\"\"\n# carol keeps a log\n%s\n" "$JOB" | lab charon crontab -u carol - &&
	retry_until 130 grows_on charon 0
'

test_expect_success 'run --until prep: prep.cron installs it switched off on neko-base' '
	ferry_client -q run --until prep carol &&
	cron_of neko-base >new &&
	test_grep "^$(printf %s "$OFF" | sed "s/[*]/[*]/g")$" new &&
	test_grep "^# carol keeps a log$" new &&
	cron_of charon >old && test_grep "^\* \* \* \* \* hostname" old &&
	ferry_client status --json carol | grep -q "\"id\": \"prep.cron\", \"state\": \"done\""
'

test_expect_success 'dry-run of phase1.cron shows both crontabs changing, changes nothing' '
	ferry_client run --dry-run --step phase1.cron carol >dry.out 2>&1 &&
	test_grep "^--- neko-base:crontab(carol)" dry.out &&
	test_grep "^+\* \* \* \* \* hostname" dry.out &&
	test_grep "^--- charon:crontab(carol)" dry.out &&
	test_grep "^+#ferry-off: \* \* \* \* \* hostname" dry.out &&
	cron_of neko-base >new2 && test_cmp new new2
'

test_expect_success 'phase1: the job runs on neko-base, and no longer on charon' '
	ferry_client -q run --yes --until phase1 carol &&
	cron_of charon >old && test_grep "^#ferry-off: \* \* \* \* \* hostname" old &&
	cron_of neko-base >new && test_grep "^\* \* \* \* \* hostname" new &&
	! grep -q "^#ferry-off" new &&
	before=$(ran_on charon) &&
	retry_until 130 grows_on neko-base 0 &&
	retry_until 130 grows_on neko-base 1 &&
	test "$(ran_on charon)" -le "$((before + 1))"
'

test_expect_success 'verify passes: jobs on exactly one host' '
	ferry_client -q verify carol
'

test_expect_success 'rollback --to prep: the job is back on charon, off on neko-base' '
	ferry_client rollback --to prep carol >rb.out 2>&1 &&
	test_grep "phase1.cron: undone" rb.out &&
	cron_of charon >old && test_grep "^\* \* \* \* \* hostname" old &&
	! grep -q "^#ferry-off" old &&
	cron_of neko-base >new && test_grep "^#ferry-off: \* \* \* \* \* hostname" new
'

test_expect_success 'rollback (all): the copy on neko-base goes, charon keeps its crontab' '
	ferry_client rollback carol >rb2.out 2>&1 &&
	test_grep "prep.cron: undone" rb2.out &&
	test_expect_code 1 cron_of neko-base &&
	cron_of charon >old && test_grep "^\* \* \* \* \* hostname" old
'

test_done
