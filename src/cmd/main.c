/* main.c: options, the context, dispatch, and the exit status. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry.h"

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: ferry [-c FILE] [-v|-q] COMMAND [ARGS]\ncommands:\n");
	for (i = 0; cmd_table[i]; i++)
		fprintf(fp, "  %-9s %s\n", cmd_table[i]->name, cmd_table[i]->usage);
}

static int
open_journal(struct ferry *f, int flags)
{
	int create = (flags & CMD_WRITES_JOURNAL) && !f->dry_run;

	if (journal_open(&f->j, f->cf->journal, create) < 0)
		return -1;
	if (create && journal_lock_run(f->j) < 0)
		return -1;
	if (f->j && create)
		return journal_set_migration(f->j, f->cf->from->name, f->cf->to->name);
	return 0;
}

static int
wants_dry_run(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--dry-run") == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct config cf;
	struct ferry f = { 0 };
	const struct cmd_entry *e;
	const char *conf_path = "ferry.conf";
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, status;

	signal(SIGPIPE, SIG_IGN);
	/* getopt_long: plain getopt takes "--help" for an unknown option "-" */
	while ((ch = getopt_long(argc, argv, "+c:vqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'v':
			log_level = log_level >= LOG_VERBOSE ? LOG_DEBUG : LOG_VERBOSE;
			break;
		case 'q':
			log_level = LOG_QUIET;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if ((e = cmd_find(argv[0])) == NULL) {
		error("unknown command '%s'", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: ferry [-c FILE] [-v|-q] %s %s\n", e->name, e->usage);
		return EXIT_OK;
	}
	f.dry_run = wants_dry_run(argc, argv);
	if (e->flags & (CMD_NEEDS_CONFIG | CMD_NEEDS_JOURNAL | CMD_WRITES_JOURNAL)) {
		if (config_load(&cf, conf_path) < 0)
			return EXIT_USAGE;
		f.cf = &cf;
		f.tr.ssh_config = cf.ssh_config;
	}
	if ((e->flags & (CMD_NEEDS_JOURNAL | CMD_WRITES_JOURNAL)) && open_journal(&f, e->flags) < 0)
		return EXIT_FAIL;
	status = e->exec(&f, argc, argv);
	remote_close_all(&f.tr);
	if (f.j)
		journal_close(f.j);
	if (f.cf)
		config_free(f.cf);
	return status;
}
