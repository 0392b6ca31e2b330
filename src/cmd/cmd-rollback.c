/* cmd-rollback.c: undo the reversible steps after a phase, newest first. */
#include <getopt.h>
#include <stdlib.h>

#include "steps.h"

static int
cmd_rollback_exec(struct ferry *f, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "discard", no_argument, NULL, 'd' },
		{ "remove-account", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct account **accts;
	enum phase to = PHASE_PREP;
	size_t n;
	int ch, has_to = 0, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			f->rollback_discard = 1;
			break;
		case 'r':
			f->rollback_remove_account = 1;
			break;
		case 't':
			if (phase_parse(optarg, &to) < 0)
				return cmd_usage_error(&cmd_rollback_entry,
				    "--to takes prep, phase1, phase2 or done");
			has_to = 1;
			break;
		default:
			return cmd_usage_error(&cmd_rollback_entry, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_rollback_entry, "name one account");
	if (select_accounts(f, &cmd_rollback_entry, argv + optind, 1, 0, &accts, &n) < 0)
		return EXIT_USAGE;
	status = steps_rollback_account(f, accts[0], has_to, to);
	free(accts);
	return status;
}

const struct cmd_entry cmd_rollback_entry = {
	"rollback", "[--to PHASE] [--discard] [--remove-account] ACCOUNT", CMD_WRITES_JOURNAL,
	cmd_rollback_exec
};
