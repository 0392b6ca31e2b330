/* cmd-verify.c: re-run every verification of the steps done so far. */
#include <stdlib.h>

#include "steps.h"

static int
cmd_verify_exec(struct ferry *f, int argc, char **argv)
{
	struct account **accts;
	size_t n, i;
	int status = EXIT_OK;

	if (argc < 2)
		return cmd_usage_error(&cmd_verify_entry, "name the accounts to verify");
	if (argv[1][0] == '-')
		return cmd_usage_error(&cmd_verify_entry, "unknown option %s", argv[1]);
	if (select_accounts(f, &cmd_verify_entry, argv + 1, argc - 1, 0, &accts, &n) < 0)
		return EXIT_USAGE;
	for (i = 0; i < n; i++)
		if (steps_verify_account(f, accts[i]) != EXIT_OK)
			status = EXIT_FAIL;
	free(accts);
	return status;
}

const struct cmd_entry cmd_verify_entry = {
	"verify", "ACCOUNT...", CMD_NEEDS_JOURNAL, cmd_verify_exec
};
