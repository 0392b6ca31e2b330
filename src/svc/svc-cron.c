/*
 * svc-cron.c: the account's crontab moves with it (ferry's own steps).
 *
 *  prep.cron    the old host's crontab is installed on the new host with
 *               every job switched off (crontab.h), so it is there, readable,
 *               and runs nothing.
 *  phase1.cron  at the account's cut-over (after the final rsync) the jobs
 *               are switched on on the new host and off on the old one, where
 *               the crontab is kept, commented.
 *
 * cron starts jobs at second 0 of a minute and reads a changed crontab at
 * that tick.  Both hosts' crontabs are therefore changed one after the
 * other inside one minute, away from its tick (seconds 3..50 by the old
 * host's clock): every tick sees the jobs enabled on exactly one host, so
 * a job never runs on both, nor on neither.  Rollback does the same in
 * reverse.  Crontabs are read and written with crontab(1) -u, as root.
 */
#include <stdlib.h>
#include <string.h>

#include "crontab.h"
#include "diff.h"
#include "edit.h"
#include "ferry.h"
#include "xmalloc.h"

/* "none" when the account has no crontab on the host */
#define CRON_NONE 3

/* an account the host does not know yet (a dry run before prep.1) has none */
static const char read_script[] =
	"id -u \"$1\" >/dev/null 2>&1 || exit 3\n"
	"out=$(crontab -u \"$1\" -l 2>&1); rc=$?\n"
	"if [ $rc -ne 0 ]; then\n"
	"  case $out in 'no crontab for '*) exit 3 ;; esac\n"
	"  printf '%s\\n' \"$out\" >&2; exit 1\n"
	"fi\n"
	"printf '%s\\n' \"$out\"\n";

/* installs stdin as $1's crontab, or removes it when stdin is empty */
static const char write_script[] =
	"t=$(cat); if [ -z \"$t\" ]; then crontab -u \"$1\" -r 2>/dev/null; exit 0; fi\n"
	"printf '%s\\n' \"$t\" | crontab -u \"$1\" -\n";

/* waits until the old host's clock is between seconds 3 and 50 of a minute */
static const char minute_script[] =
	"s=$(date +%S); s=${s#0}\n"
	"if [ \"$s\" -gt 50 ]; then sleep $((63 - s)); elif [ \"$s\" -lt 3 ]; then sleep $((3 - s)); fi\n";

/* 0 read (text in out), 1 no crontab (out empty), -1 error (printed) */
static int
cron_read(struct step_ctx *ctx, const struct host *h, struct strbuf *out)
{
	const char *args[] = { ctx->a->name, NULL };
	int r;

	strbuf_reset(out);
	r = host_sh(ctx, h, read_script, args, out);
	if (r == CRON_NONE) {
		strbuf_reset(out);
		return 1;
	}
	if (r != 0)
		return step_error(ctx, "%s: cannot read the crontab: %s", h->name, out->buf);
	return 0;
}

static int
cron_write(struct step_ctx *ctx, const struct host *h, const char *text)
{
	const char *args[] = { ctx->a->name, NULL };
	struct strbuf out = STRBUF_INIT;
	int r;

	r = host_sh_in(ctx, h, write_script, args, text, strlen(text), &out);
	if (r != 0)
		step_error(ctx, "%s: crontab -u %s: %s", h->name, ctx->a->name, out.buf);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

static int
safe_minute(struct step_ctx *ctx)
{
	struct strbuf out = STRBUF_INIT;
	int r = host_sh(ctx, ctx->f->cf->from, minute_script, NULL, &out);

	if (r != 0)
		step_error(ctx, "%s: cannot read the clock: %s", ctx->f->cf->from->name, out.buf);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

/* kv "cron.STEP.HOST": what the host had before the step ("" none, else "=TEXT") */
static int
remember(struct step_ctx *ctx, const struct host *h, const char *text, int none)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
	int r = 0;

	strbuf_addf(&k, "cron.%s.%s", ctx->def->id, h->name);
	if (journal_kv_get(ctx->f->j, ctx->a->name, k.buf, &v) == 0) {
		if (!none)
			strbuf_addf(&v, "=%s", text);
		r = journal_kv_set(ctx->f->j, ctx->a->name, k.buf, v.buf);
	}
	strbuf_release(&k);
	strbuf_release(&v);
	return r;
}

/* puts back what remember() kept (1 when nothing was kept) */
static int
restore(struct step_ctx *ctx, const struct host *h)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
	int r;

	strbuf_addf(&k, "cron.%s.%s", ctx->def->id, h->name);
	r = journal_kv_get(ctx->f->j, ctx->a->name, k.buf, &v);
	if (r == 1)
		r = cron_write(ctx, h, v.len ? v.buf + 1 : "") < 0 ? -1 : 0;
	else if (r == 0)
		r = 1;
	strbuf_release(&k);
	strbuf_release(&v);
	return r;
}

static int
forget(struct step_ctx *ctx, const struct host *h)
{
	struct strbuf k = STRBUF_INIT;
	int r;

	strbuf_addf(&k, "cron.%s.%s", ctx->def->id, h->name);
	r = journal_kv_del(ctx->f->j, ctx->a->name, k.buf);
	strbuf_release(&k);
	return r;
}

static void
cron_diff(struct step_ctx *ctx, const struct host *h, const char *old, const char *new)
{
	struct strbuf label = STRBUF_INIT;

	strbuf_addf(&label, "%s:crontab(%s)", h->name, ctx->a->name);
	diff_unified(label.buf, old, new, &ctx->diff);
	strbuf_release(&label);
}

/* --- prep.cron: a switched-off copy on the new host --- */

struct cron_state {
	struct strbuf old, new, want_old, want_new;
	int old_none, new_none;
};

static void
state_free(void *p)
{
	struct cron_state *s = p;

	strbuf_release(&s->old);
	strbuf_release(&s->new);
	strbuf_release(&s->want_old);
	strbuf_release(&s->want_new);
	free(s);
}

/* reads both hosts' crontabs into a fresh ctx->priv; NULL on error */
static struct cron_state *
read_both(struct step_ctx *ctx)
{
	struct cron_state *s = xcalloc(1, sizeof *s);
	int ro, rn;

	strbuf_init(&s->old);
	strbuf_init(&s->new);
	strbuf_init(&s->want_old);
	strbuf_init(&s->want_new);
	ctx->priv = s;
	ctx->priv_free = state_free;
	ro = cron_read(ctx, ctx->f->cf->from, &s->old);
	rn = ro < 0 ? -1 : cron_read(ctx, ctx->f->cf->to, &s->new);
	if (ro < 0 || rn < 0)
		return NULL;
	s->old_none = ro == 1;
	s->new_none = rn == 1;
	return s;
}

static int
prep_probe(struct step_ctx *ctx)
{
	struct cron_state *s = read_both(ctx);

	if (!s)
		return PROBE_ERROR;
	if (s->old_none) {
		ctx->skip_reason = "no crontab on the old host";
		return PROBE_SKIP;
	}
	crontab_disable(s->old.buf, &s->want_new);
	strbuf_addf(&ctx->detail, "%d job%s, switched off, on %s", crontab_jobs(s->old.buf),
	    crontab_jobs(s->old.buf) == 1 ? "" : "s", ctx->f->cf->to->name);
	if (!s->new_none && strcmp(s->new.buf, s->want_new.buf) == 0)
		return PROBE_DONE;
	/* already switched on there: phase1.cron ran (a rollback to prep left it so) */
	if (!s->new_none && crontab_jobs(s->new.buf) > 0 && crontab_jobs(s->old.buf) == 0)
		return PROBE_DONE;
	cron_diff(ctx, ctx->f->cf->to, s->new.buf, s->want_new.buf);
	return PROBE_TODO;
}

static int
prep_apply(struct step_ctx *ctx)
{
	struct cron_state *s = ctx->priv;

	if (remember(ctx, ctx->f->cf->to, s->new.buf, s->new_none) < 0)
		return -1;
	return cron_write(ctx, ctx->f->cf->to, s->want_new.buf);
}

static int
prep_verify(struct step_ctx *ctx)
{
	struct strbuf now = STRBUF_INIT, old = STRBUF_INIT;
	int r = cron_read(ctx, ctx->f->cf->to, &now);

	if (r == 1)
		r = step_error(ctx, "%s: no crontab for %s after installing it",
		    ctx->f->cf->to->name, ctx->a->name);
	else if (r == 0 && crontab_jobs(now.buf) > 0 &&
	    (cron_read(ctx, ctx->f->cf->from, &old) < 0 || crontab_jobs(old.buf) > 0))
		r = step_error(ctx, "%s: jobs switched on there while %s runs them too",
		    ctx->f->cf->to->name, ctx->f->cf->from->name);
	strbuf_release(&now);
	strbuf_release(&old);
	return r < 0 ? -1 : 0;
}

static int
prep_undo(struct step_ctx *ctx)
{
	int r = restore(ctx, ctx->f->cf->to);

	if (r < 0)
		return -1;
	strbuf_addf(&ctx->detail, r == 1 ? "nothing kept to put back on %s" :
	    "%s's crontab as it was before prep.cron", ctx->f->cf->to->name);
	return forget(ctx, ctx->f->cf->to);
}

/* --- phase1.cron: switched on there, off here, in one minute --- */

static int
p1_probe(struct step_ctx *ctx)
{
	struct cron_state *s = read_both(ctx);

	if (!s)
		return PROBE_ERROR;
	if (s->old_none && s->new_none) {
		ctx->skip_reason = "no crontab on either host";
		return PROBE_SKIP;
	}
	crontab_enable(s->old.buf, &s->want_new);
	crontab_disable(s->old.buf, &s->want_old);
	if (crontab_jobs(s->old.buf) == 0 && crontab_disabled(s->new.buf) == 0) {
		strbuf_addf(&ctx->detail, "%d job%s run on %s, none on %s",
		    crontab_jobs(s->new.buf), crontab_jobs(s->new.buf) == 1 ? "" : "s",
		    ctx->f->cf->to->name, ctx->f->cf->from->name);
		return PROBE_DONE;
	}
	strbuf_addf(&ctx->detail, "%d job%s moved to %s", crontab_jobs(s->want_new.buf),
	    crontab_jobs(s->want_new.buf) == 1 ? "" : "s", ctx->f->cf->to->name);
	cron_diff(ctx, ctx->f->cf->to, s->new.buf, s->want_new.buf);
	cron_diff(ctx, ctx->f->cf->from, s->old.buf, s->want_old.buf);
	return PROBE_TODO;
}

static int
p1_apply(struct step_ctx *ctx)
{
	struct cron_state *s = ctx->priv;

	if (remember(ctx, ctx->f->cf->from, s->old.buf, s->old_none) < 0 ||
	    remember(ctx, ctx->f->cf->to, s->new.buf, s->new_none) < 0 || safe_minute(ctx) < 0)
		return -1;
	if (cron_write(ctx, ctx->f->cf->to, s->want_new.buf) < 0)
		return -1;
	if (cron_write(ctx, ctx->f->cf->from, s->want_old.buf) < 0) {
		/* the new host's copy goes back off: never on both */
		restore(ctx, ctx->f->cf->to);
		return -1;
	}
	return 0;
}

static int
p1_verify(struct step_ctx *ctx)
{
	struct strbuf o = STRBUF_INIT, n = STRBUF_INIT;
	int r = 0;

	if (cron_read(ctx, ctx->f->cf->from, &o) < 0 || cron_read(ctx, ctx->f->cf->to, &n) < 0)
		r = -1;
	else if (crontab_jobs(o.buf) > 0)
		r = step_error(ctx, "%s still runs %d job%s", ctx->f->cf->from->name,
		    crontab_jobs(o.buf), crontab_jobs(o.buf) == 1 ? "" : "s");
	else if (crontab_disabled(n.buf) > 0)
		r = step_error(ctx, "%s has %d job%s switched off", ctx->f->cf->to->name,
		    crontab_disabled(n.buf), crontab_disabled(n.buf) == 1 ? "" : "s");
	strbuf_release(&o);
	strbuf_release(&n);
	return r;
}

static int
p1_undo(struct step_ctx *ctx)
{
	int r;

	if (safe_minute(ctx) < 0)
		return -1;
	/* back on the old host first, then off on the new, inside the minute */
	if ((r = restore(ctx, ctx->f->cf->from)) < 0 || restore(ctx, ctx->f->cf->to) < 0)
		return -1;
	if (forget(ctx, ctx->f->cf->from) < 0 || forget(ctx, ctx->f->cf->to) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "jobs on %s again, switched off on %s", ctx->f->cf->from->name,
	    ctx->f->cf->to->name);
	return 0;
}

static const struct step_ops cron_steps[] = {
	{ "prep.cron", prep_probe, prep_apply, prep_verify, prep_undo },
	{ "phase1.cron", p1_probe, p1_apply, p1_verify, p1_undo },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_cron = { .name = "cron", .steps = cron_steps };
