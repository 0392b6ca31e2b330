/* cmd-watch.c: follow both hosts' logs for what the migration left behind. */
#include <getopt.h>
#include <stdlib.h>

#include "steps.h"
#include "watch.h"

static int
cmd_watch_exec(struct ferry *f, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct watch_counts *counts;
	struct account **accts;
	struct strbuf line = STRBUF_INIT;
	long seconds;
	size_t n, i;
	char *end;
	int ch, status = EXIT_OK;

	seconds = f->cf->watch_seconds;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch != 'f')
			return cmd_usage_error(&cmd_watch_entry, "unknown option");
		seconds = strtol(optarg, &end, 10);
		if (*end || seconds < 0 || seconds > 86400)
			return cmd_usage_error(&cmd_watch_entry, "--for takes 0 to 86400 seconds");
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_watch_entry, "no arguments besides --for");
	if (select_accounts(f, &cmd_watch_entry, NULL, 0, 1, &accts, &n) < 0)
		return EXIT_USAGE;
	counts = xcalloc(n ? n : 1, sizeof *counts);
	info("watching the logs of %s and %s for %ld s", f->cf->from->name, f->cf->to->name,
	    seconds);
	if (watch_logs(f, accts, n, (int)seconds, counts) < 0)
		status = EXIT_FAIL;
	for (i = 0; status == EXIT_OK && i < n; i++) {
		strbuf_reset(&line);
		watch_describe(&line, &counts[i]);
		info("%s: %s", accts[i]->name, line.buf);
	}
	strbuf_release(&line);
	free(counts);
	free(accts);
	return status;
}

const struct cmd_entry cmd_watch_entry = {
	"watch", "[--for SECONDS]", CMD_NEEDS_CONFIG, cmd_watch_exec
};
