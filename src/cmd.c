/* cmd.c: the one table of commands (tmux's cmd_table). */
#include <stdarg.h>
#include <stdio.h>
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
