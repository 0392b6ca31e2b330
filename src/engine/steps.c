/*
 * steps.c: the engine that walks an account's checklist.  Each step is
 * probed (read-only), applied, verified from outside and journaled, one
 * transaction per state change, so a run can stop anywhere and resume.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "steps.h"

void
step_ctx_init(struct step_ctx *ctx, struct ferry *f, struct account *a,
    const struct step_def *d)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->f = f;
	ctx->a = a;
	ctx->def = d;
	ctx->dry_run = f->dry_run;
	strbuf_init(&ctx->detail);
	strbuf_init(&ctx->diff);
}

void
step_ctx_release(struct step_ctx *ctx)
{
	strbuf_release(&ctx->detail);
	strbuf_release(&ctx->diff);
	if (ctx->priv && ctx->priv_free)
		ctx->priv_free(ctx->priv);
	ctx->priv = NULL;
}

static int
journal_state(struct ferry *f, struct account *a, const struct step_def *d,
    enum step_state *st)
{
	struct step_record r;

	*st = STEP_PENDING;
	if (f->j == NULL)
		return 0;
	if (journal_step_get(f->j, a->name, d->id, &r) < 0)
		return -1;
	*st = r.state;
	step_record_release(&r);
	return 0;
}

static int
record(struct ferry *f, struct account *a, const struct step_def *d,
    enum step_state st, const char *detail, const char *err)
{
	if (f->dry_run || f->j == NULL)
		return 0;
	return journal_step_set(f->j, a->name, d->id, st, detail, err);
}

/* a TTL gate: wait it out showing the time left, or stop with exit 3 */
static int
wait_gate(struct step_ctx *ctx, const struct run_opts *o)
{
	if (o->no_wait || o->dry_run) {
		info("%s: %s: waiting %.0f s more for the old TTL to pass", ctx->a->name,
		    ctx->def->id, ctx->wait_seconds);
		record(ctx->f, ctx->a, ctx->def, STEP_WAITING, "waiting for the old TTL", NULL);
		return o->dry_run ? EXIT_OK : EXIT_STOPPED;
	}
	record(ctx->f, ctx->a, ctx->def, STEP_WAITING, "waiting for the old TTL", NULL);
	while (ctx->wait_seconds > 0) {
		unsigned s = ctx->wait_seconds > 5 ? 5 : (unsigned)(ctx->wait_seconds + 0.999);

		/* under a millisecond left: sleep(0) would never bring it down */
		if (s == 0)
			s = 1;

		info("%s: %s: %.0f s left before the old TTL has passed", ctx->a->name,
		    ctx->def->id, ctx->wait_seconds);
		sleep(s);
		ctx->wait_seconds -= s;
	}
	return -1;	/* probe again */
}

static void
show_diff(struct step_ctx *ctx)
{
	info("%s: %s: would %s", ctx->a->name, ctx->def->id, ctx->def->title);
	if (ctx->diff.len)
		info("%s", ctx->diff.buf);
}

static int
apply_and_verify(struct step_ctx *ctx, const struct step_ops *ops)
{
	struct ferry *f = ctx->f;
	const char *id = ctx->def->id;

	if (record(f, ctx->a, ctx->def, STEP_RUNNING, NULL, NULL) < 0)
		return -1;
	fault_point(id, "before-apply");
	if (ops->apply(ctx) < 0)
		return -1;
	fault_point(id, "after-apply");
	if (ops->verify && ops->verify(ctx) < 0)
		return -1;
	fault_point(id, "after-verify");
	return 0;
}

static int
apply_and_verify_op(struct step_ctx *ctx)
{
	return apply_and_verify(ctx, service_step(ctx->def->id));
}

static int
undo_op(struct step_ctx *ctx)
{
	return service_step(ctx->def->id)->undo(ctx);
}

static int
fail_step(struct step_ctx *ctx, const char *why)
{
	record(ctx->f, ctx->a, ctx->def, STEP_FAILED, ctx->detail.buf, why);
	return EXIT_FAIL;
}

/* one step: probe, then apply and verify when needed; returns an EXIT_* */
static int
run_step(struct ferry *f, struct account *a, const struct step_def *d,
    const struct run_opts *o)
{
	const struct step_ops *ops = service_step(d->id);
	struct step_ctx ctx;
	int status = EXIT_OK, pr, r;

	if (ops == NULL || ops->probe == NULL || ops->apply == NULL) {
		error("%s: %s: no driver carries out this step yet", a->name, d->id);
		return EXIT_FAIL;
	}
	step_ctx_init(&ctx, f, a, d);
	for (;;) {
		pr = ops->probe(&ctx);
		if (pr != PROBE_WAIT)
			break;
		/* -1: waited, probe again (status must stay EXIT_OK for the step) */
		if ((r = wait_gate(&ctx, o)) >= 0) {
			status = r;
			goto out;
		}
		strbuf_reset(&ctx.diff);
	}
	switch (pr) {
	case PROBE_ERROR:
		status = fail_step(&ctx, "probe failed");
		break;
	case PROBE_SKIP:
		info("%s: %s: skipped: %s", a->name, d->id, ctx.skip_reason);
		record(f, a, d, STEP_SKIPPED, ctx.skip_reason, NULL);
		break;
	case PROBE_DONE:
		if (ops->verify && ops->verify(&ctx) < 0) {
			status = fail_step(&ctx, "verification failed");
			break;
		}
		/* a resumed step found done passes here, before its journal write */
		fault_point(d->id, "after-verify");
		info("%s: %s: done already%s%s", a->name, d->id, ctx.detail.len ? ": " : "",
		    ctx.detail.buf);
		record(f, a, d, STEP_DONE, ctx.detail.buf, NULL);
		break;
	default:
		if (o->dry_run) {
			show_diff(&ctx);
			break;
		}
		info("%s: %s: %s", a->name, d->id, d->title);
		log_live("%s  %s  %s ...", a->name, d->id, d->title);
		r = service_around(&ctx, apply_and_verify_op);
		log_live_clear();
		if (r < 0) {
			status = fail_step(&ctx, "step failed");
			break;
		}
		info("%s: %s: done%s%s", a->name, d->id, ctx.detail.len ? ": " : "", ctx.detail.buf);
		record(f, a, d, STEP_DONE, ctx.detail.buf, NULL);
	}
out:
	step_ctx_release(&ctx);
	return status;
}

static int
wanted(const struct step_def *d, const struct run_opts *o)
{
	if (o->only_step)
		return strcmp(o->only_step, d->id) == 0;
	return !o->has_until || d->phase <= o->until;
}

int
steps_run_account(struct ferry *f, struct account *a, const struct run_opts *o)
{
	size_t i;
	int asked = 0, status;

	for (i = 0; i < step_catalogue_len; i++) {
		const struct step_def *d = &step_catalogue[i];
		const char *skip;
		enum step_state st;

		if (!step_applies(d, a) || !wanted(d, o))
			continue;
		if (journal_state(f, a, d, &st) < 0)
			return EXIT_FAIL;
		if (st == STEP_DONE || st == STEP_SKIPPED)
			continue;
		if ((skip = step_config_skip(d, a)) != NULL) {
			info("%s: %s: skipped: %s", a->name, d->id, skip);
			record(f, a, d, STEP_SKIPPED, skip, NULL);
			continue;
		}
		if (d->phase == PHASE_1 && !asked) {
			asked = 1;
			if (o->confirm_phase1 && (status = o->confirm_phase1(a, o)) != EXIT_OK)
				return status;
		}
		if ((status = run_step(f, a, d, o)) != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

int
steps_verify_account(struct ferry *f, struct account *a)
{
	size_t i;
	int status = EXIT_OK;

	for (i = 0; i < step_catalogue_len; i++) {
		const struct step_def *d = &step_catalogue[i];
		const struct step_ops *ops = service_step(d->id);
		struct step_ctx ctx;
		enum step_state st;

		if (!step_applies(d, a) || journal_state(f, a, d, &st) < 0 || st != STEP_DONE)
			continue;
		if (ops == NULL || ops->verify == NULL)
			continue;
		step_ctx_init(&ctx, f, a, d);
		if (ops->verify(&ctx) < 0)
			status = EXIT_FAIL;
		else
			info("%s: %s: verified%s%s", a->name, d->id, ctx.detail.len ? ": " : "",
			    ctx.detail.buf);
		step_ctx_release(&ctx);
	}
	return status;
}

/* one step back: its undo, then pending again (a later run does it anew) */
static int
undo_step(struct ferry *f, struct account *a, const struct step_def *d)
{
	const struct step_ops *ops = service_step(d->id);
	struct step_ctx ctx;
	int r = 0;

	if (ops == NULL || ops->undo == NULL) {
		warn("%s: %s: cannot be undone; left as it is (a new run does it again)", a->name,
		    d->id);
		return record(f, a, d, STEP_PENDING, "rolled back without undo", NULL);
	}
	step_ctx_init(&ctx, f, a, d);
	info("%s: %s: undoing", a->name, d->id);
	if (service_around(&ctx, undo_op) < 0) {
		record(f, a, d, STEP_FAILED, ctx.detail.buf, "undo failed");
		r = -1;
	} else {
		/* a new run backs up the files as they are then, not as they were */
		if (journal_backup_drop(f->j, a->name, d->id) < 0 ||
		    record(f, a, d, STEP_PENDING, ctx.detail.len ? ctx.detail.buf : "rolled back",
		    NULL) < 0)
			r = -1;
		else if (ctx.detail.len)
			info("%s: %s: undone: %s", a->name, d->id, ctx.detail.buf);
	}
	step_ctx_release(&ctx);
	return r;
}

int
steps_rollback_account(struct ferry *f, struct account *a, int has_to, enum phase to)
{
	size_t i;

	for (i = step_catalogue_len; i-- > 0;) {
		const struct step_def *d = &step_catalogue[i];
		enum step_state st;

		if (!step_applies(d, a) || (has_to && d->phase <= to))
			continue;
		if (journal_state(f, a, d, &st) < 0)
			return EXIT_FAIL;
		/* running: a killed run may have changed something before it died */
		if (st != STEP_DONE && st != STEP_FAILED && st != STEP_RUNNING)
			continue;
		if (undo_step(f, a, d) < 0)
			return EXIT_FAIL;
	}
	return EXIT_OK;
}
