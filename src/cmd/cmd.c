/* cmd.c: the one table of commands (tmux's cmd_table). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry.h"

const struct cmd_entry *const cmd_table[] = {
#define COMMAND(x) &x,
#include "commands.def"
#undef COMMAND
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i]; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s: %s", e->name, sb.buf);
	fprintf(stderr, "usage: ferry [-c FILE] [-v|-q] %s %s\n", e->name, e->usage);
	strbuf_release(&sb);
	return EXIT_USAGE;
}

int
select_accounts(struct ferry *f, const struct cmd_entry *e, char **names, int n,
    int all_flag, struct account ***out, size_t *n_out)
{
	struct config *cf = f->cf;
	int i;

	*n_out = 0;
	*out = xcalloc(cf->n_accounts + (size_t)n + 1, sizeof **out);
	if (all_flag || n == 0) {
		for (i = 0; (size_t)i < cf->n_accounts; i++)
			(*out)[(*n_out)++] = &cf->accounts[i];
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct account *a = config_account(cf, names[i]);

		if (a == NULL) {
			cmd_usage_error(e, "no [account %s] in %s", names[i], cf->path);
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[(*n_out)++] = a;
	}
	return 0;
}
