/* cmd-status.c: ferry status [--json] [ACCOUNT...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry.h"
#include "status.h"

/* the named accounts, or every account in config order; -1 names an unknown one */
static int
pick_accounts(const struct config *cf, char **names, int n, struct account ***out,
    size_t *len)
{
	struct account **v;
	size_t i;
	int k;

	*len = n ? (size_t)n : cf->n_accounts;
	v = xcalloc(*len ? *len : 1, sizeof *v);
	for (i = 0; !n && i < cf->n_accounts; i++)
		v[i] = &cf->accounts[i];
	for (k = 0; k < n; k++)
		if ((v[k] = config_account(cf, names[k])) == NULL) {
			error("%s: no [account %s] section in %s", names[k], names[k], cf->path);
			free(v);
			return -1;
		}
	*out = v;
	return 0;
}

static int
status_exec(struct ferry *f, int argc, char **argv)
{
	struct account **accts;
	size_t n;
	int i, json = 0, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--json") != 0)
			return cmd_usage_error(&cmd_status_entry, "unknown option '%s'", argv[i]);
		json = 1;
	}
	if (pick_accounts(f->cf, argv + i, argc - i, &accts, &n) < 0)
		return EXIT_USAGE;
	if (n > 1 && journal_preload(f->j) < 0) {	/* one read, not one per step */
		free(accts);
		return EXIT_FAIL;
	}
	rc = status_write(stdout, json, f->cf, f->j, accts, n, now_seconds());
	free(accts);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct cmd_entry cmd_status_entry = {
	"status", "[--json] [ACCOUNT...]", CMD_NEEDS_JOURNAL, status_exec,
};
