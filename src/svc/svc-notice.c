/*
 * svc-notice.c: the mail the seed's admin wrote by hand — "please stop
 * changing files" (phase1.2) and the client settings (phase1.11).  A notice
 * that cannot be sent fails its step; one that was accepted is remembered
 * in the journal at once, so a resumed run never sends it twice.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notice.h"
#include "probe.h"

static void
sent_key(struct strbuf *sb, const char *step)
{
	strbuf_addf(sb, "notice.%s.sent", step);
}

static int
already_sent(struct step_ctx *ctx)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	int r = 0;

	if (ctx->f->j) {
		sent_key(&key, ctx->def->id);
		r = journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val);
		if (r == 1)
			strbuf_addf(&ctx->detail, "notice sent at %s", val.buf);
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

static void
headers(struct strbuf *msg, struct step_ctx *ctx, const char *subject)
{
	struct config *cf = ctx->f->cf;
	char date[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_addf(msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", cf->admin,
	    ctx->a->owner, subject, date);
	strbuf_addf(msg, "Message-ID: <ferry.%s.%s.%ld.%d@%s>\r\n", ctx->a->name, ctx->def->id,
	    (long)t, (int)getpid(), cf->to->fqdn ? cf->to->fqdn : "ferry.invalid");
	strbuf_addstr(msg, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "X-Ferry-Account: ");
	strbuf_addf(msg, "%s\r\nX-Ferry-Step: %s\r\n\r\n", ctx->a->name, ctx->def->id);
}

int
notice_send(struct step_ctx *ctx, const char *subject, const char *body)
{
	struct config *cf = ctx->f->cf;
	struct strbuf msg = STRBUF_INIT, err = STRBUF_INIT, key = STRBUF_INIT;
	char when[32];
	const char *p;
	int r;

	headers(&msg, ctx, subject);
	for (p = body; *p; p++) {	/* SMTP wants CRLF line ends */
		if (*p == '\n')
			strbuf_addch(&msg, '\r');
		strbuf_addch(&msg, *p);
	}
	r = smtp_send(cf->smtp, cf->admin, ctx->a->owner, msg.buf, &err);
	if (r < 0)
		step_error(ctx, "the notice to %s could not be sent: %s", ctx->a->owner, err.buf);
	else {
		format_time_iso(when, sizeof when, now_seconds());
		sent_key(&key, ctx->def->id);
		journal_kv_set(ctx->f->j, ctx->a->name, key.buf, when);
		strbuf_addf(&ctx->detail, "%snotice to %s accepted", ctx->detail.len ? "; " : "",
		    ctx->a->owner);
	}
	strbuf_release(&msg);
	strbuf_release(&err);
	strbuf_release(&key);
	return r;
}

static int
notice_probe(struct step_ctx *ctx)
{
	if (already_sent(ctx) == 1)
		return PROBE_DONE;
	strbuf_addf(&ctx->diff, "mail to %s through %s\n", ctx->a->owner, ctx->f->cf->smtp);
	return PROBE_TODO;
}

static int
freeze_apply(struct step_ctx *ctx)
{
	struct strbuf body = STRBUF_INIT;
	struct config *cf = ctx->f->cf;
	int r;

	strbuf_addf(&body,
	    "Hello,\n\nthe move of your account %s from %s to %s starts now.\n\n"
	    "Please do not change any files in your home directory or web pages\n"
	    "until you hear from me again: changes made from now on may be lost.\n\n"
	    "Thanks for your patience,\n%s\n", ctx->a->name, cf->from->name, cf->to->name,
	    cf->admin);
	/* else phase1.3's first command on the old host opens its ssh master
	   inside the freeze window (a failure shows there) */
	remote_connect(&ctx->f->tr, cf->from, NULL);
	r = notice_send(ctx, "Your account is moving: please do not change files now", body.buf);
	strbuf_release(&body);
	if (r < 0)
		return -1;
	/* the accepted notice starts the files downtime window */
	return journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_FILES_START,
	    now_seconds(), ctx->detail.buf);
}

static int
settings_probe(struct step_ctx *ctx)
{
	/* the mail driver answers; -1 (no driver does) is printed and read as no */
	if (service_ask(ctx, "mail.forwarded") == 1) {
		ctx->skip_reason = "mail is forwarded (phase1.6)";
		return PROBE_SKIP;
	}
	return notice_probe(ctx);
}

static int
settings_apply(struct step_ctx *ctx)
{
	struct strbuf body = STRBUF_INIT;
	struct config *cf = ctx->f->cf;
	int r;

	strbuf_addf(&body,
	    "Hello,\n\nyour mail for %s is now delivered on %s.\n\n"
	    "If your mail client reads mail from the server, please set its incoming\n"
	    "and outgoing server to:\n\n    %s\n\nYour login name (%s) and password stay the same.\n\n%s\n",
	    ctx->a->name, cf->to->name, cf->to->fqdn, ctx->a->name, cf->admin);
	r = notice_send(ctx, "Your mail has moved: client settings", body.buf);
	strbuf_release(&body);
	return r;
}

/* done.tidy: TTLs back, the test name gone from DNS and Apache, the owner told */
static int
tidy_probe(struct step_ctx *ctx)
{
	if (already_sent(ctx) == 1)
		return PROBE_DONE;
	strbuf_addf(&ctx->diff, "restore the lowered TTLs, remove %s, tell %s the move is done\n",
	    ctx->a->test_name ? ctx->a->test_name : "nothing", ctx->a->owner);
	return PROBE_TODO;
}

static int
tidy_apply(struct step_ctx *ctx)
{
	struct strbuf body = STRBUF_INIT;
	int r;

	/* each driver puts back what it changed only for the move */
	if (service_tidy(ctx) < 0)
		return -1;
	strbuf_addf(&body, "Hello,\n\nthe move of your account %s to %s is finished.\n"
	    "You may change your files again.\n\nThanks,\n%s\n", ctx->a->name,
	    ctx->f->cf->to->name, ctx->f->cf->admin);
	r = notice_send(ctx, "Your account has moved", body.buf);
	strbuf_release(&body);
	return r;
}

static const struct step_ops notice_steps[] = {
	{ "phase1.2", notice_probe, freeze_apply, NULL, NULL },
	{ "phase1.11", settings_probe, settings_apply, NULL, NULL },
	{ "done.tidy", tidy_probe, tidy_apply, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_notice = { .name = "notice", .steps = notice_steps };
