/*
 * mail-test.c: phase1.9 of the mail driver (svc-mail.c): a tagged message
 * through each host, and one to each address found delivering with no map
 * line of its own, must land in the new host's spool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "edit.h"
#include "mail-int.h"
#include "mail-spool.h"
#include "mta.h"
#include "probe.h"

/* procmail retries a held spool lock every 8 s (SLEEPTIME), not in turn: with
   mail pouring into the same mailbox one delivery can wait minutes (seen: 2:49) */
#define MAIL_ARRIVE_SECONDS 300
/* a test message not there after this long may sit in a queue: the hosts are asked to deliver it */
#define MAIL_KICK_SECONDS 10

static int
send_test(struct step_ctx *ctx, const struct host *via, const char *to, const char *tag)
{
	struct strbuf msg = STRBUF_INIT, server = STRBUF_INIT, err = STRBUF_INIT;
	int r;

	strbuf_addf(&server, "%s:25", via->address);
	strbuf_addf(&msg, "From: %s\r\nTo: %s\r\nSubject: ferry test %s\r\n"
	    "Message-ID: <%s@ferry.invalid>\r\nX-Ferry-Test: %s\r\n\r\n"
	    "A test message from ferry, sent through %s. It can be deleted.\r\n",
	    ctx->f->cf->admin, to, tag, tag, tag, via->name);
	r = smtp_send(server.buf, ctx->f->cf->admin, to, msg.buf, &err);
	if (r < 0)
		step_error(ctx, "the test message through %s was not accepted: %s", via->name, err.buf);
	strbuf_release(&msg);
	strbuf_release(&server);
	strbuf_release(&err);
	return r;
}

/* $1 spool, then the tags: 0 when every tag's Message-ID is in the spool, read once */
static const char arrived_script[] =
	"s=$1; shift; n=$#; for t in \"$@\"; do set -- \"$@\" -e \"<$t@ferry.invalid>\"; shift; done; "
	"[ -e \"$s\" ] && [ \"$(" SPOOL_CAT_SH " | grep -oF \"$@\" | sort -u | wc -l)\" -eq \"$n\" ]";

/* the test messages' wait, polled with a growing interval (backoff.h) */
struct test_wait {
	struct step_ctx *ctx;
	const char *const *args;	/* the spool, then the tags */
	double started, kicked;
};

/*
 * 1 when every tag arrived.  A message the MTA queued instead of
 * delivering (the load average over its QueueLA, a refused relay) would
 * wait for the next queue run, minutes: after MAIL_KICK_SECONDS both
 * hosts are asked to deliver the account's entries now.
 */
static int
test_arrived(void *arg)
{
	struct test_wait *w = arg;
	const struct host *hosts[] = { w->ctx->f->cf->from, w->ctx->f->cf->to };
	double now = backoff_clock();
	size_t i;

	if (host_sh(w->ctx, w->ctx->f->cf->to, arrived_script, w->args, NULL) == 0)
		return 1;
	if (now - w->started >= MAIL_KICK_SECONDS && now - w->kicked >= MAIL_KICK_SECONDS) {
		for (i = 0; i < 2; i++) {
			struct strlist ids = STRLIST_INIT;
			struct strbuf err = STRBUF_INIT;

			if (mta_queue_ids(w->ctx, hosts[i], &ids, &err) == 0)
				mta_flush(w->ctx, hosts[i], &ids);
			strlist_clear(&ids);
			strbuf_release(&err);
		}
		w->kicked = now;
	}
	return 0;
}

int
mail_test_probe(struct step_ctx *ctx)
{
	int r = mail_skip_if_forwarded(ctx);

	if (r == PROBE_TODO)
		strbuf_addf(&ctx->diff, "send a test message through %s and %s\n",
		    ctx->f->cf->from->name, ctx->f->cf->to->name);
	return r;
}

int
mail_test_apply(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	struct maps m;
	struct strbuf to = STRBUF_INIT, spool = STRBUF_INIT;
	struct strlist args = STRLIST_INIT, more = STRLIST_INIT;
	double t = now_seconds() * 1000, waited = 0;
	size_t i;
	int r = 0;

	if (mail_maps_load(ctx, cf->to, &m) < 0)
		return -1;
	mail_test_address(ctx, &m, &to);
	mail_maps_release(&m);
	mail_saved_addresses(ctx, &more);
	mail_spool_path(cf->to, ctx->a, &spool);
	strlist_push(&args, spool.buf);
	strlist_pushf(&args, "ferry-%s-%.0f-old", ctx->a->name, t);
	strlist_pushf(&args, "ferry-%s-%.0f-new", ctx->a->name, t);
	if (send_test(ctx, cf->from, to.buf, args.v[1]) < 0 ||
	    send_test(ctx, cf->to, to.buf, args.v[2]) < 0)
		r = -1;
	/* every address found delivering with no line of its own, through the old host */
	for (i = 0; r == 0 && i < more.n; i++) {
		strlist_pushf(&args, "ferry-%s-%.0f-%zu", ctx->a->name, t, i);
		r = send_test(ctx, cf->from, more.v[i], args.v[args.n - 1]);
	}
	if (r == 0) {
		struct test_wait w = { ctx, (const char *const *)args.v, backoff_clock(), 0 };

		r = backoff_poll(test_arrived, &w, MAIL_ARRIVE_SECONDS);
		if (r == 0)
			step_error(ctx, "%s: the test messages did not arrive in %s within %d s",
			    cf->to->name, spool.buf, MAIL_ARRIVE_SECONDS);
		r = r == 1 ? 0 : -1;
		waited = backoff_clock() - w.started;
	}
	if (r == 0) {
		strbuf_addf(&ctx->detail, "test messages to %s through both hosts arrived in %s "
		    "in %.1f s", to.buf, spool.buf, waited);
		if (more.n)
			strbuf_addf(&ctx->detail, "; and to %zu more addresses through %s", more.n,
			    cf->from->name);
	}
	strlist_clear(&args);
	strlist_clear(&more);
	strbuf_release(&to);
	strbuf_release(&spool);
	return r;
}
