/*
 * cmd-plan.c: ferry plan [--diff] [--json] [ACCOUNT...]: each account's
 * checklist in the seed's order, one line per applicable step with its
 * state from the journal (status_steps: the journal's row, else the
 * config's skip, else pending).  --diff asks each pending step's driver
 * what it would change, read-only (the probe of a dry run).
 *
 * Step lines start with the account, so `grep '^alice '` finds them;
 * headers start with "== " (account) and "-- " (phase), the diff and
 * errors are indented under their step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry.h"
#include "status.h"
#include "steps.h"

struct plan_opts {
	int diff;
	int json;
	int width;		/* of the account column */
	int status;		/* EXIT_FAIL once a probe could not tell */
};

static const char *const phase_titles[] = {
	"preparation, not time-critical",
	"mail and mush move",
	"DNS and web move",
	"watch and tidy up",
};

static const char *const svc_names[] = { "web", "mail", "mush" };
static const unsigned svc_bits[] = { SVC_WEB, SVC_MAIL, SVC_MUSH };

/* a step run would still carry out */
static int
is_open(enum step_state s)
{
	return s != STEP_DONE && s != STEP_SKIPPED;
}

static void
add_indented(struct strbuf *out, const char *text, const char *indent)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		strbuf_addstr(out, indent);
		strbuf_add(out, text, nl ? (size_t)(nl - text) : strlen(text));
		strbuf_addch(out, '\n');
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

/*
 * The driver's probe, read-only.  what gets the diff (or a note in
 * parentheses); returns the probe's result, or NO_PROBE when the step has
 * no driver or no probe.
 */
#define NO_PROBE	(-10)
static int
probe_step(struct ferry *f, struct account *a, const struct step_def *d, struct strbuf *what)
{
	const struct step_ops *ops = service_step(d->id);
	struct step_ctx ctx;
	int r;

	if (ops == NULL || ops->probe == NULL) {
		strbuf_addstr(what, ops ? "(no probe for this step)" : "(no driver yet)");
		return NO_PROBE;
	}
	step_ctx_init(&ctx, f, a, d);
	ctx.dry_run = 1;
	r = ops->probe(&ctx);
	switch (r) {
	case PROBE_TODO:
		strbuf_add(what, ctx.diff.buf, ctx.diff.len);
		strbuf_rtrim(what);
		if (what->len == 0)
			strbuf_addf(what, "(changes: %s)", ctx.detail.len ? ctx.detail.buf : "no diff to show");
		break;
	case PROBE_DONE:
		strbuf_addstr(what, "(nothing to change: already done)");
		break;
	case PROBE_SKIP:
		strbuf_addf(what, "(would be skipped: %s)", ctx.skip_reason ? ctx.skip_reason : "-");
		break;
	case PROBE_WAIT:
		strbuf_addf(what, "(waiting %.0f s more for the old TTL)", ctx.wait_seconds);
		break;
	default:
		strbuf_addstr(what, "(could not tell: see the error above)");
		r = PROBE_ERROR;
	}
	step_ctx_release(&ctx);
	return r;
}

/* ---- text ---- */

static void
add_count(struct strbuf *out, size_t n)
{
	char digits[24];
	size_t i = sizeof digits;

	do
		digits[--i] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	strbuf_add(out, digits + i, sizeof digits - i);
}

static void
text_header(struct strbuf *out, const struct account *a, const struct step_view *v, size_t n)
{
	size_t i, done = 0, skipped = 0;

	for (i = 0; i < n; i++) {
		done += v[i].rec.state == STEP_DONE;
		skipped += v[i].rec.state == STEP_SKIPPED;
	}
	/* by hand: printf was a tenth of plan's time at 10,000 accounts */
	strbuf_addstr(out, "== ");
	strbuf_addstr(out, a->name);
	strbuf_addstr(out, " [files");
	for (i = 0; i < 3; i++)
		if (a->services & svc_bits[i]) {
			strbuf_addch(out, ' ');
			strbuf_addstr(out, svc_names[i]);
		}
	strbuf_addstr(out, "]: ");
	add_count(out, n);
	strbuf_addstr(out, " steps, ");
	add_count(out, done);
	strbuf_addstr(out, " done, ");
	add_count(out, skipped);
	strbuf_addstr(out, " skipped\n");
}

/* s, then blanks up to width */
static void
add_padded(struct strbuf *out, const char *s, size_t width)
{
	static const char blanks[] = "                                ";
	size_t n = strlen(s), pad;

	strbuf_add(out, s, n);
	for (; n < width; n += pad) {
		pad = width - n < sizeof blanks - 1 ? width - n : sizeof blanks - 1;
		strbuf_add(out, blanks, pad);
	}
}

static void
text_step(struct strbuf *out, const struct plan_opts *o, const struct account *a,
    const struct step_view *v)
{
	/* by hand rather than "%-*s": printf's padding doubled plan's time at 10,000 accounts */
	add_padded(out, a->name, (size_t)o->width + 2);
	add_padded(out, v->def->id, 14 + 2);
	add_padded(out, step_state_name(v->rec.state), 7 + 2);
	strbuf_addstr(out, v->def->tag);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, v->def->title);
	if (v->rec.detail && v->rec.detail[0] && v->rec.state != STEP_PENDING) {
		strbuf_addstr(out, " -- ");
		strbuf_addstr(out, v->rec.detail);
	}
	strbuf_addch(out, '\n');
	if (v->rec.error && v->rec.error[0])
		strbuf_addf(out, "    error: %s\n", v->rec.error);
}

static void
text_account(struct strbuf *out, struct plan_opts *o, struct ferry *f, struct account *a,
    const struct step_view *v, size_t n)
{
	struct strbuf what = STRBUF_INIT;
	size_t i;
	int phase = -1;

	text_header(out, a, v, n);
	for (i = 0; i < n; i++) {
		if ((int)v[i].def->phase != phase) {
			phase = (int)v[i].def->phase;
			strbuf_addstr(out, "-- ");
			strbuf_addstr(out, phase_name(v[i].def->phase));
			strbuf_addstr(out, ": ");
			strbuf_addstr(out, phase_titles[phase]);
			strbuf_addch(out, '\n');
		}
		text_step(out, o, a, &v[i]);
		if (!o->diff || !is_open(v[i].rec.state))
			continue;
		/* shown as it comes: a probe may take a while, or print an error */
		fwrite(out->buf, 1, out->len, stdout);
		fflush(stdout);
		strbuf_reset(out);
		strbuf_reset(&what);
		if (probe_step(f, a, v[i].def, &what) == PROBE_ERROR)
			o->status = EXIT_FAIL;
		add_indented(out, what.buf, "    ");
	}
	strbuf_release(&what);
}

/* ---- JSON ---- */

static void
json_step(struct strbuf *out, struct plan_opts *o, struct ferry *f, struct account *a,
    const struct step_view *v)
{
	static const char *const results[] = { "todo", "done", "skip", "wait" };
	struct strbuf what = STRBUF_INIT;
	int r;

	strbuf_addstr(out, "{\"id\": ");
	strbuf_add_json(out, v->def->id);
	strbuf_addf(out, ", \"state\": \"%s\", \"phase\": \"%s\", \"tag\": ",
	    step_state_name(v->rec.state), phase_name(v->def->phase));
	strbuf_add_json(out, v->def->tag);
	strbuf_addstr(out, ", \"title\": ");
	strbuf_add_json(out, v->def->title);
	if (v->rec.detail && v->rec.detail[0]) {
		strbuf_addstr(out, ", \"detail\": ");
		strbuf_add_json(out, v->rec.detail);
	}
	if (o->diff && is_open(v->rec.state)) {
		r = probe_step(f, a, v->def, &what);
		if (r == PROBE_ERROR)
			o->status = EXIT_FAIL;
		strbuf_addf(out, ", \"probe\": \"%s\", \"diff\": ",
		    r >= PROBE_TODO && r <= PROBE_WAIT ? results[r] : r == NO_PROBE ? "none" : "error");
		strbuf_add_json(out, what.buf);
	}
	strbuf_addch(out, '}');
	strbuf_release(&what);
}

static void
json_account(struct strbuf *out, struct plan_opts *o, struct ferry *f, struct account *a,
    const struct step_view *v, size_t n)
{
	const char *sep = "";
	size_t i;

	strbuf_addstr(out, "{\"name\": ");
	strbuf_add_json(out, a->name);
	strbuf_addstr(out, ", \"services\": [");
	for (i = 0; i < 3; i++)
		if (a->services & svc_bits[i]) {
			strbuf_addf(out, "%s\"%s\"", sep, svc_names[i]);
			sep = ", ";
		}
	strbuf_addstr(out, "],\n   \"steps\": [");
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",\n     " : "\n     ");
		json_step(out, o, f, a, &v[i]);
	}
	strbuf_addstr(out, "]}");
}

/* ---- the command ---- */

static int
plan_args(int argc, char **argv, struct plan_opts *o, int *first)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--diff") == 0)
			o->diff = 1;
		else if (strcmp(argv[i], "--json") == 0)
			o->json = 1;
		else
			return cmd_usage_error(&cmd_plan_entry, "unknown option '%s'", argv[i]);
	}
	*first = i;
	return 0;
}

static int
plan_accounts(struct ferry *f, struct plan_opts *o, struct account **accts, size_t n)
{
	struct strbuf out = STRBUF_INIT;
	struct step_view *v;
	size_t i, nv;
	int rc = EXIT_OK;

	if (n > 1 && journal_preload(f->j) < 0)	/* one read, not one per step */
		return EXIT_FAIL;
	if (o->json)
		strbuf_addstr(&out, "{\"accounts\": [");
	for (i = 0; i < n && rc == EXIT_OK; i++) {
		if (status_steps(f->j, accts[i], &v, &nv) < 0) {
			rc = EXIT_FAIL;
			break;
		}
		if (o->json) {
			strbuf_addstr(&out, i ? ",\n  " : "\n  ");
			json_account(&out, o, f, accts[i], v, nv);
		} else {
			if (i)
				strbuf_addch(&out, '\n');
			text_account(&out, o, f, accts[i], v, nv);
		}
		status_steps_free(v, nv);
		if (out.len >= 65536) {	/* a bounded buffer: 18 MB at 10,000 accounts faulted in page by page */
			fwrite(out.buf, 1, out.len, stdout);
			strbuf_reset(&out);
		}
	}
	if (o->json)
		strbuf_addstr(&out, "]}\n");
	if (rc == EXIT_OK)
		fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return rc == EXIT_OK ? o->status : rc;
}

static int
plan_exec(struct ferry *f, int argc, char **argv)
{
	struct plan_opts o = { 0, 0, 0, EXIT_OK };
	struct account **accts;
	size_t n, i;
	int first = 1, rc;

	if (plan_args(argc, argv, &o, &first) != 0)
		return EXIT_USAGE;
	if (select_accounts(f, &cmd_plan_entry, argv + first, argc - first, 0, &accts, &n) < 0)
		return EXIT_USAGE;
	/* plan never changes anything, whatever a probe might look at */
	f->dry_run = 1;
	for (i = 0; i < n; i++)
		if ((int)strlen(accts[i]->name) > o.width)
			o.width = (int)strlen(accts[i]->name);
	rc = plan_accounts(f, &o, accts, n);
	free(accts);
	return rc;
}

const struct cmd_entry cmd_plan_entry = {
	"plan", "[--diff] [--json] [ACCOUNT...]", CMD_NEEDS_JOURNAL, plan_exec,
};
