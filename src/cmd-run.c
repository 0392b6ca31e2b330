/* cmd-run.c: carry out the plan, account by account. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "steps.h"

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
	struct run_opts o = { 0 };
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
	for (i = 0; i < n; i++) {
		st = steps_run_account(f, accts[i], &o);
		if (st == EXIT_STOPPED && status == EXIT_OK)
			status = EXIT_STOPPED;
		if (st == EXIT_FAIL)
			status = EXIT_FAIL;
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
