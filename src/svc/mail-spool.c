/*
 * mail-spool.c: phase1.7 and phase1.10 of the mail driver (svc-mail.c),
 * the spool moved with no message lost or doubled.  The spool moves under
 * the lock procmail and postfix's local honour (dotlock SPOOL.lock, taken
 * with lockfile -l so a killed ferry's lock is stale after
 * MAIL_LOCK_SECONDS): the old spool is emptied into a 0600
 * SPOOL.ferry-moved on the old host, whose messages are then appended to
 * the new spool, skipping those whose bytes (SHA-256) are there already,
 * copies counted, so a resumed run appends nothing twice and two messages
 * with one Message-ID both move; the new spool is read again and must hold
 * every moved message before the moved file becomes a dated backup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "edit.h"
#include "mail-spool.h"
#include "mbox.h"
#include "mta.h"

#define MAIL_LOCK_SECONDS 60

/* ---- phase1.7 and phase1.10: the spool ---- */

/*
 * $1 = the spool: takes $1.lock as procmail and postfix's local do, asking
 * again after 50 ms, doubling to 1 s, for about $2 s (lockfile -l $2: an
 * older lock is stale), so the lock is had soon after the MDA lets it go;
 * exit 75 (EX_TEMPFAIL) when it cannot; the lock goes with the shell.
 */
#define SPOOL_LOCK_SH \
	"s=$1 d=0.05 n=0; " \
	"until lockfile -r 0 -l \"$2\" \"$s.lock\" 2>/dev/null; do n=$((n + 1)); " \
	"[ $n -le $((5 + $2)) ] || { echo \"cannot lock $s\"; exit 75; }; sleep $d; " \
	"case $d in 0.05) d=0.1;; 0.1) d=0.2;; 0.2) d=0.4;; 0.4) d=0.8;; *) d=1;; esac; done; " \
	"trap 'rm -f \"$s.lock\"' EXIT; "

/* old host: the spool emptied into SPOOL.ferry-moved (0600), under the MDA's lock */
static const char drain_script[] =
	SPOOL_LOCK_SH "umask 077; "
	"if [ -s \"$s\" ]; then " SPOOL_CAT_SH " >> \"$s.ferry-moved\" && : > \"$s\" || exit 1; fi; exit 0";

/* new host: append stdin to the spool ($3 = its owner) under its lock (what to
   append was decided from the spool's bytes read just before, under the same lock) */
static const char append_script[] =
	SPOOL_LOCK_SH
	"[ -e \"$s\" ] || install -m 0660 -o \"$3\" -g mail /dev/null \"$s\" || exit 1; "
	"cat >> \"$s\"";

/* old host: the moved file becomes a dated 0600 backup */
static const char keep_script[] =
	"[ -e \"$1.ferry-moved\" ] || exit 0; mv \"$1.ferry-moved\" \"$1.ferry-bak.$(date +%Y%m%d%H%M%S)\"";

/* a spool between two deliveries: procmail writes a message in more than one
   write(), so a reader without its lock can find half a message, or a lone "F" */
static const char locked_read_script[] =
	SPOOL_LOCK_SH "[ -e \"$s\" ] || exit 0; " SPOOL_CAT_SH;

void
mail_spool_path(const struct host *h, const struct account *a, struct strbuf *sb)
{
	strbuf_addf(sb, "%s/%s", h->mail_spool, a->name);
}

static int
read_spool_locked(struct step_ctx *ctx, const struct host *h, const char *path,
    struct strbuf *out)
{
	char secs[16];
	const char *args[] = { path, secs, NULL };

	snprintf(secs, sizeof secs, "%d", MAIL_LOCK_SECONDS);
	if (host_sh(ctx, h, locked_read_script, args, out) != 0)
		return step_error(ctx, "%s: %s", h->name, out->buf);
	return 0;
}

/* the messages of moved that the new spool lacks (by content, copies
   counted), as text to append to it */
static int
missing_messages(const struct strbuf *spool, const struct strbuf *moved, struct strbuf *add,
    size_t *count)
{
	struct mbox have, in;
	size_t i;

	if (mbox_parse(&have, spool->buf, spool->len) < 0)
		return -1;
	if (mbox_parse(&in, moved->buf, moved->len) < 0) {
		mbox_release(&have);
		return -1;
	}
	*count = 0;
	for (i = 0; i < in.n; i++) {
		if (mbox_contains(&have, &in, i))
			continue;
		mbox_append_message(add, spool, &in, i);
		(*count)++;
	}
	mbox_release(&have);
	mbox_release(&in);
	return 0;
}

/* after the append: every moved message is in dst's spool, its copies counted */
static int
moved_arrived(struct step_ctx *ctx, const struct host *dst, const char *spool,
    const struct strbuf *moved)
{
	struct strbuf now = STRBUF_INIT, add = STRBUF_INIT;
	size_t n = 0;
	int r = 0;

	if (read_spool_locked(ctx, dst, spool, &now) < 0)
		r = -1;
	else if (missing_messages(&now, moved, &add, &n) < 0)
		r = step_error(ctx, "%s: %s is not an mbox spool", dst->name, spool);
	else if (n)
		r = step_error(ctx, "%s: %zu moved messages are not in %s after the append; "
		    "they stay in the old host's .ferry-moved file", dst->name, n, spool);
	strbuf_release(&now);
	strbuf_release(&add);
	return r;
}

/* src's spool splits into messages: else nothing is drained and it stays as it is */
static int
spool_readable(struct step_ctx *ctx, const struct host *src, const char *spool)
{
	struct strbuf text = STRBUF_INIT;
	struct mbox mb;
	int r = -1;

	if (read_spool_locked(ctx, src, spool, &text) < 0)
		goto out;
	if (mbox_parse(&mb, text.buf, text.len) < 0) {
		step_error(ctx, "%s: %s is not an mbox spool; nothing moved, it stays there", src->name,
		    spool);
		goto out;
	}
	mbox_release(&mb);
	r = 0;
out:
	strbuf_release(&text);
	return r;
}

/* one move: drain src's spool, append what dst's lacks, check, keep the backup on src */
static int
move_spool(struct step_ctx *ctx, const struct host *src, const struct host *dst,
    size_t *moved_count)
{
	struct strbuf old = STRBUF_INIT, new = STRBUF_INIT, moved = STRBUF_INIT, path = STRBUF_INIT;
	struct strbuf cur = STRBUF_INIT, add = STRBUF_INIT, out = STRBUF_INIT;
	char secs[16];
	int r = -1;

	snprintf(secs, sizeof secs, "%d", MAIL_LOCK_SECONDS);
	mail_spool_path(src, ctx->a, &old);
	mail_spool_path(dst, ctx->a, &new);
	strbuf_addf(&path, "%s.ferry-moved", old.buf);
	if (spool_readable(ctx, src, old.buf) < 0)
		goto done;
	{
		const char *args[] = { old.buf, secs, NULL };

		if (host_sh(ctx, src, drain_script, args, &out) != 0) {
			step_error(ctx, "%s: %s", src->name, out.buf);
			goto done;
		}
	}
	if (remote_read_file(&ctx->f->tr, src, path.buf, &moved) < 0 ||
	    read_spool_locked(ctx, dst, new.buf, &cur) < 0)
		goto done;
	if (missing_messages(&cur, &moved, &add, moved_count) < 0) {
		step_error(ctx, "cannot read the spools as mbox (%s on %s, %s on %s); nothing moved",
		    path.buf, src->name, new.buf, dst->name);
		goto done;
	}
	if (add.len) {
		const char *args[] = { new.buf, secs, ctx->a->name, NULL };

		strbuf_reset(&out);
		if (host_sh_in(ctx, dst, append_script, args, add.buf, add.len, &out) != 0) {
			step_error(ctx, "%s: %s", dst->name, out.buf);
			goto done;
		}
	}
	if (moved_arrived(ctx, dst, new.buf, &moved) < 0)
		goto done;
	{
		const char *args[] = { old.buf, NULL };

		r = host_sh(ctx, src, keep_script, args, NULL) == 0 ? 0 : -1;
	}
done:
	strbuf_release(&old);
	strbuf_release(&new);
	strbuf_release(&moved);
	strbuf_release(&path);
	strbuf_release(&cur);
	strbuf_release(&add);
	strbuf_release(&out);
	return r;
}

int
mail_spool_probe(struct step_ctx *ctx)
{
	int r = mail_skip_if_forwarded(ctx);

	if (r == PROBE_TODO)
		strbuf_addf(&ctx->diff, "move %s/%s on %s to %s/%s on %s, under lock\n",
		    ctx->f->cf->from->mail_spool, ctx->a->name, ctx->f->cf->from->name,
		    ctx->f->cf->to->mail_spool, ctx->a->name, ctx->f->cf->to->name);
	return r;
}

/*
 * phase1.10: the late mail.  The old MTA's queue entries for the account
 * when the step starts are mail it accepted before phase1.8 switched its
 * map (some waiting for the spool lock, some deferred under load): they are
 * asked to be delivered now and waited for, polling with a growing
 * interval; then the old spool is moved once more.  Mail the old host
 * accepts later is sent on to the new host by the switched map (phase1.8
 * verified the built database), so it can no longer land in the old spool
 * and a steady sender does not hold the step up.
 */
#define LATE_MAIL_SECONDS 300
#define LATE_FLUSH_SECONDS 10	/* the entries left are asked again */

struct late_queue {
	struct step_ctx *ctx;
	const struct host *h;
	struct strlist ids;	/* the entries when the step began */
	struct strlist left;	/* those still queued at the last look */
	double flushed;		/* backoff_clock() of the last flush */
};

/* 1 when none of the step's entries is queued any more, 0 not yet, -1 error */
static int
late_queue_gone(void *arg)
{
	struct late_queue *w = arg;
	struct strlist now = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int r;

	if (mta_queue_ids(w->ctx, w->h, &now, &err) < 0) {
		r = step_error(w->ctx, "%s: the queue cannot be listed: %s", w->h->name, err.buf);
		goto out;
	}
	strlist_clear(&w->left);
	for (i = 0; i < w->ids.n; i++)
		if (strlist_has(&now, w->ids.v[i]))
			strlist_push(&w->left, w->ids.v[i]);
	r = w->left.n == 0;
	if (!r && backoff_clock() - w->flushed >= LATE_FLUSH_SECONDS) {
		mta_flush(w->ctx, w->h, &w->left);
		w->flushed = backoff_clock();
	}
out:
	strlist_clear(&now);
	strbuf_release(&err);
	return r;
}

/* waits for the old host's queue entries of the account as they are now */
static int
late_queue_wait(struct step_ctx *ctx, struct late_queue *w)
{
	struct strbuf err = STRBUF_INIT;
	int r;

	w->ctx = ctx;
	w->h = ctx->f->cf->from;
	/* a queue that cannot be listed (the MTA down) holds nothing we could wait for */
	if (mta_queue_ids(ctx, w->h, &w->ids, &err) < 0 || w->ids.n == 0) {
		strbuf_release(&err);
		return 1;
	}
	strbuf_release(&err);
	mta_flush(ctx, w->h, &w->ids);
	w->flushed = backoff_clock();
	r = backoff_poll(late_queue_gone, w, LATE_MAIL_SECONDS);
	if (r == 0)
		step_error(ctx, "%s: %zu of the %zu messages for %s in its queue when %s began are "
		    "still there after %d s (%s%s); run again to collect them", w->h->name,
		    w->left.n, w->ids.n, ctx->a->name, ctx->def->id, LATE_MAIL_SECONDS,
		    w->left.v[0], w->left.n > 1 ? " ..." : "");
	return r;
}

int
mail_spool_apply(struct step_ctx *ctx)
{
	struct late_queue w = { .ids = STRLIST_INIT, .left = STRLIST_INIT };
	int late = strcmp(ctx->def->id, "phase1.10") == 0, waited = 1;
	double t0 = backoff_clock();
	size_t n = 0;

	if (late)
		waited = late_queue_wait(ctx, &w);
	/* what did arrive is moved even when the wait failed */
	if (waited >= 0 && move_spool(ctx, ctx->f->cf->from, ctx->f->cf->to, &n) < 0)
		waited = -1;
	strbuf_addf(&ctx->detail, "%zu %smessages moved", n, late ? "late " : "");
	if (late && w.ids.n)
		strbuf_addf(&ctx->detail, " (%zu queued for %s on %s, waited %.1f s)", w.ids.n,
		    ctx->a->name, ctx->f->cf->from->name, backoff_clock() - t0);
	strlist_clear(&w.ids);
	strlist_clear(&w.left);
	if (waited != 1)
		return -1;
	return journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id,
	    late ? EV_MAIL_END : EV_MAIL_START, now_seconds(), ctx->detail.buf);
}

/* the old spool holds nothing the new one lacks, compared by content;
   the counts and each side's digest go to the journal's detail */
int
mail_spool_verify(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	struct strbuf old = STRBUF_INIT, new = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct strbuf add = STRBUF_INIT;
	struct mbox ma, mb;
	char da[65], db[65];
	size_t n = 0;
	int r = 0;

	mail_spool_path(cf->from, ctx->a, &old);
	mail_spool_path(cf->to, ctx->a, &new);
	if (read_spool_locked(ctx, cf->from, old.buf, &a) < 0 ||
	    read_spool_locked(ctx, cf->to, new.buf, &b) < 0 ||
	    missing_messages(&b, &a, &add, &n) < 0)
		r = step_error(ctx, "cannot read the spools");
	else if (n > 0 && strcmp(ctx->def->id, "phase1.10") == 0)
		r = step_error(ctx, "%zu messages on %s are not on %s", n, cf->from->name, cf->to->name);
	if (r == 0 && mbox_parse(&ma, a.buf, a.len) == 0) {
		if (mbox_parse(&mb, b.buf, b.len) == 0) {
			mbox_digest(&ma, da);
			mbox_digest(&mb, db);
			strbuf_addf(&ctx->detail, "%s%s: %zu messages (sha256 %.12s), %s: %zu (sha256 %.12s)",
			    ctx->detail.len ? "; " : "", cf->from->name, ma.n, da, cf->to->name, mb.n, db);
			mbox_release(&mb);
		}
		mbox_release(&ma);
	}
	strbuf_release(&old);
	strbuf_release(&new);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&add);
	return r;
}

/*
 * phase1.7 undone, after phase1.8's undo sent new mail to the old host
 * again: the new spool (the moved messages and whatever arrived there
 * meanwhile) goes back into the old one, each message once, and the new
 * host keeps a dated 0600 copy.
 */
int
mail_spool_back(struct step_ctx *ctx)
{
	size_t n = 0;

	if (move_spool(ctx, ctx->f->cf->to, ctx->f->cf->from, &n) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "%zu messages carried back to %s", n, ctx->f->cf->from->name);
	return 0;
}

/* phase1.10 moved mail the same way phase1.7 did: phase1.7's undo carries it all back */
int
mail_late_back(struct step_ctx *ctx)
{
	strbuf_addstr(&ctx->detail, "the spool goes back with phase1.7");
	return 0;
}
