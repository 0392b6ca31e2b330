/* cmd-mark.c: ferry mark ACCOUNT STEP (done|skip) [--why TEXT]: check off a step by hand. */
#include <stdio.h>
#include <string.h>

#include "ferry.h"

struct mark_args {
	const char *account, *step, *verb, *why;
};

static int
parse_args(int argc, char **argv, struct mark_args *m)
{
	const char **pos[] = { &m->account, &m->step, &m->verb };
	size_t npos = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--why") == 0) {
			if (++i == argc)
				return cmd_usage_error(&cmd_mark_entry, "--why needs a TEXT");
			m->why = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cmd_usage_error(&cmd_mark_entry, "unknown option '%s'", argv[i]);
		} else if (npos < 3) {
			*pos[npos++] = argv[i];
		} else {
			return cmd_usage_error(&cmd_mark_entry, "unexpected '%s'", argv[i]);
		}
	}
	if (npos < 3)
		return cmd_usage_error(&cmd_mark_entry, "needs ACCOUNT, STEP and done or skip");
	if (strcmp(m->verb, "done") != 0 && strcmp(m->verb, "skip") != 0)
		return cmd_usage_error(&cmd_mark_entry, "'%s': say done or skip", m->verb);
	return 0;
}

/* the account and the step, which must apply to it */
static int
check_target(const struct config *cf, const struct mark_args *m)
{
	const struct account *a = config_account(cf, m->account);
	const struct step_def *d = step_find(m->step);

	if (!a)
		return error("%s: no [account %s] section in %s", m->account, m->account, cf->path);
	if (!d)
		return error("%s: %s: no such step (see ferry plan %s)", m->account, m->step,
		    m->account);
	if (!step_applies(d, a))
		return error("%s: %s: does not apply to this account (a %s step)",
		    m->account, m->step, d->tag);
	return 0;
}

static int
mark_exec(struct ferry *f, int argc, char **argv)
{
	struct mark_args m = { 0 };
	struct strbuf detail = STRBUF_INIT;
	enum step_state st;
	int rc;

	if ((rc = parse_args(argc, argv, &m)) != 0)
		return rc;
	if (check_target(f->cf, &m) < 0)
		return EXIT_USAGE;
	if (!f->j) {
		error("%s: the journal is not open", f->cf->journal);
		return EXIT_FAIL;
	}
	st = strcmp(m.verb, "done") == 0 ? STEP_DONE : STEP_SKIPPED;
	strbuf_addstr(&detail, "marked by hand");
	if (m.why && *m.why)
		strbuf_addf(&detail, ": %s", m.why);
	rc = journal_step_set(f->j, m.account, m.step, st, detail.buf, NULL);
	if (rc == 0)
		info("%s: %s: %s (%s)", m.account, m.step, step_state_name(st), detail.buf);
	strbuf_release(&detail);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct cmd_entry cmd_mark_entry = {
	"mark", "ACCOUNT STEP (done|skip) [--why TEXT]", CMD_WRITES_JOURNAL, mark_exec,
};
