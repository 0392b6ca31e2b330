/* cmd-run.c: carry out the plan, account by account. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "steps.h"

/* sshd's MaxSessions (10 by default) bounds the sessions on one master */
#define MAX_JOBS	10

static void
add_status(int *status, int st)
{
	if (st == EXIT_STOPPED && *status == EXIT_OK)
		*status = EXIT_STOPPED;
	if (st == EXIT_FAIL || (st != EXIT_OK && st != EXIT_STOPPED))
		*status = EXIT_FAIL;
}

/*
 * One account in a forked job.  The parent's SQLite connection must not
 * be used across fork, so the job opens its own and leaves the inherited
 * one alone; the masters stay the parent's (remote_close_all knows).
 */
static void __attribute__((noreturn))
job_run(struct ferry *f, struct account *a, const struct run_opts *o)
{
	int st = EXIT_FAIL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_live_off();
	f->j = NULL;
	f->edit_lock_depth = 0;
	if (journal_open(&f->j, f->cf->journal, !o->dry_run) == 0)
		st = steps_run_account(f, a, o);
	if (f->j)
		journal_close(f->j);
	remote_close_all(&f->tr);
	fflush(stdout);
	fflush(stderr);
	_exit(st);
}

/* waits for one job; its account's status goes into *status, its slot is free again */
static void
job_reap(pid_t *slots, size_t jobs, size_t *running, int *status)
{
	int ws;
	pid_t pid = wait(&ws);
	size_t i;

	if (pid < 0)
		return;
	for (i = 0; i < jobs; i++)
		if (slots[i] == pid)
			slots[i] = 0;
	(*running)--;
	add_status(status, WIFEXITED(ws) ? WEXITSTATUS(ws) : EXIT_FAIL);
}

static size_t
free_slot(const pid_t *slots, size_t jobs)
{
	size_t i;

	for (i = 0; i < jobs && slots[i] != 0; i++)
		;
	return i;
}

/*
 * N accounts at once, a process each.  Every host's master is started
 * first so the jobs share it through its socket; stdin is not handed on,
 * so phase 1 needs --yes (a job cannot ask).
 */
static int
run_jobs(struct ferry *f, struct account **accts, size_t n, const struct run_opts *o,
    size_t jobs)
{
	pid_t *slots = xcalloc(jobs, sizeof *slots);
	size_t next = 0, running = 0, k;
	int status = EXIT_OK;

	remote_connect_all(&f->tr, f->cf->hosts, f->cf->n_hosts);
	fflush(stdout);
	fflush(stderr);
	while (next < n || running > 0) {
		while (running < jobs && next < n) {
			k = free_slot(slots, jobs);
			if ((slots[k] = fork()) < 0) {
				error_errno("fork");
				slots[k] = 0;
				add_status(&status, EXIT_FAIL);
				next = n;
				break;
			}
			if (slots[k] == 0) {
				if (!freopen("/dev/null", "r", stdin))
					_exit(EXIT_FAIL);
				f->job_slot = (int)k;
				job_run(f, accts[next], o);
			}
			running++;
			next++;
		}
		if (running > 0)
			job_reap(slots, jobs, &running, &status);
	}
	free(slots);
	return status;
}

/* Phase 1 is where owners feel the move: a person says yes first. */
static int
confirm_phase1(struct account *a, const struct run_opts *o)
{
	char answer[16];

	if (o->yes || o->dry_run)
		return EXIT_OK;
	if (!isatty(0)) {
		error("%s: phase1 starts the cut-over the owner will notice; run again with --yes",
		    a->name);
		return EXIT_STOPPED;
	}
	printf("Start phase 1 (mail and mush cut-over) for %s? [y/N] ", a->name);
	fflush(stdout);
	if (fgets(answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
		return EXIT_STOPPED;
	return EXIT_OK;
}

static int
cmd_run_exec(struct ferry *f, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "until", required_argument, NULL, 'u' },
		{ "step", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts o = { .confirm_phase1 = confirm_phase1 };
	struct account **accts;
	size_t n, i;
	int ch, all = 0, status = EXIT_OK, st;
	char *end;
	long jobs = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': o.dry_run = 1; break;
		case 'y': o.yes = 1; break;
		case 'W': o.no_wait = 1; break;
		case 'a': all = 1; break;
		case 'u':
			if (phase_parse(optarg, &o.until) < 0)
				return cmd_usage_error(&cmd_run_entry,
				    "--until takes prep, phase1, phase2 or done, not '%s'", optarg);
			o.has_until = 1;
			break;
		case 's':
			if (step_find(optarg) == NULL)
				return cmd_usage_error(&cmd_run_entry, "no step '%s'", optarg);
			o.only_step = optarg;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end != '\0' || jobs < 1 || jobs > 64)
				return cmd_usage_error(&cmd_run_entry, "--jobs takes 1 to 64");
			break;
		default:
			return cmd_usage_error(&cmd_run_entry, "unknown option");
		}
	}
	if (!all && optind >= argc)
		return cmd_usage_error(&cmd_run_entry, "name the accounts, or --all");
	if (all && optind < argc)
		return cmd_usage_error(&cmd_run_entry, "--all and account names together");
	if (select_accounts(f, &cmd_run_entry, argv + optind, argc - optind, all, &accts, &n) < 0)
		return EXIT_USAGE;
	if (jobs > MAX_JOBS) {
		warn("--jobs %ld: %d at most, sshd's MaxSessions on each host's one connection",
		    jobs, MAX_JOBS);
		jobs = MAX_JOBS;
	}
	if (jobs > 1 && n > 1) {
		status = run_jobs(f, accts, n, &o, (size_t)jobs);
		free(accts);
		return status;
	}
	for (i = 0; i < n; i++) {
		st = steps_run_account(f, accts[i], &o);
		add_status(&status, st);
		if (st == EXIT_STOPPED && !all)
			break;
	}
	free(accts);
	return status;
}

const struct cmd_entry cmd_run_entry = {
	"run",
	"[--dry-run] [--until PHASE] [--step ID] [--jobs N] [--yes] [--no-wait] (ACCOUNT...|--all)",
	CMD_WRITES_JOURNAL, cmd_run_exec
};
