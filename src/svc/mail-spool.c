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
#include <strings.h>
#include <unistd.h>

#include "edit.h"
#include "mail-spool.h"
#include "mbox.h"
#include "mta.h"

#define MAIL_LOCK_SECONDS 60

/* ---- phase1.7 and phase1.10: the spool ---- */

/* old host: the spool emptied into SPOOL.ferry-moved (0600), under the MDA's lock */
static const char drain_script[] =
	"s=$1; lockfile -l \"$2\" -r 30 -s 1 \"$s.lock\" || { echo \"cannot lock $s\"; exit 75; }; "
	"trap 'rm -f \"$s.lock\"' EXIT; umask 077; "
	"if [ -s \"$s\" ]; then cat \"$s\" >> \"$s.ferry-moved\" && : > \"$s\" || exit 1; fi; exit 0";

/* new host: append stdin to the spool under its lock (what to append was
   decided from the spool's bytes read just before, under the same lock) */
static const char append_script[] =
	"s=$1 u=$2; lockfile -l \"$3\" -r 30 -s 1 \"$s.lock\" || { echo \"cannot lock $s\"; exit 75; }; "
	"trap 'rm -f \"$s.lock\"' EXIT; "
	"[ -e \"$s\" ] || install -m 0660 -o \"$u\" -g mail /dev/null \"$s\" || exit 1; "
	"cat >> \"$s\"";

/* old host: the moved file becomes a dated 0600 backup */
static const char keep_script[] =
	"[ -e \"$1.ferry-moved\" ] || exit 0; mv \"$1.ferry-moved\" \"$1.ferry-bak.$(date +%Y%m%d%H%M%S)\"";

/* a spool between two deliveries: procmail writes a message in more than one
   write(), so a reader without its lock can find half a message, or a lone "F" */
static const char locked_read_script[] =
	"s=$1; lockfile -l \"$2\" -r 30 -s 1 \"$s.lock\" || { echo \"cannot lock $s\"; exit 75; }; "
	"trap 'rm -f \"$s.lock\"' EXIT; [ -e \"$s\" ] || exit 0; cat \"$s\"";

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
		const char *args[] = { new.buf, ctx->a->name, secs, NULL };

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
 * phase1.10's end: the old spool is empty and the old MTA's queue holds
 * nothing more for the account (mail accepted before phase1.8 may still be
 * waiting there for the spool lock, and would land after a single pass).
 */
#define LATE_MAIL_PASSES 40

/* a queue listing names one of the account's addresses: login@... or ...@its domain,
   with or without <> (sendmail's mailq brackets them, postfix's postqueue -p not) */
static int
queue_names(const char *q, const struct account *a)
{
	const char *p = q;
	size_t ln = strlen(a->name), i;

	while (*p) {
		size_t n = strcspn(p, " \t\r\n");
		const char *w = p;

		if (n && *w == '<') {
			w++;
			n--;
		}
		if (n && w[n - 1] == '>')
			n--;
		if (n > ln && strncasecmp(w, a->name, ln) == 0 && w[ln] == '@')
			return 1;
		for (i = 0; i < a->domains.n; i++) {
			size_t dn = strlen(a->domains.v[i]);

			if (n > dn + 1 && w[n - dn - 1] == '@' &&
			    strncasecmp(w + n - dn, a->domains.v[i], dn) == 0)
				return 1;
		}
		p += strcspn(p, " \t\r\n");
		p += strspn(p, " \t\r\n");
	}
	return 0;
}

static int
old_side_quiet(struct step_ctx *ctx)
{
	const struct host *h = ctx->f->cf->from;
	struct strbuf spool = STRBUF_INIT, q = STRBUF_INIT;
	const char *args[] = { NULL, NULL };
	int quiet;

	mail_spool_path(h, ctx->a, &spool);
	args[0] = spool.buf;
	/* a queue that cannot be listed holds nothing we could wait for */
	quiet = host_sh(ctx, h, "[ ! -s \"$1\" ]", args, NULL) == 0 &&
	    (host_sh(ctx, h, mta_of(h)->queue_script, NULL, &q) != 0 || !queue_names(q.buf, ctx->a));
	strbuf_release(&spool);
	strbuf_release(&q);
	return quiet;
}

int
mail_spool_apply(struct step_ctx *ctx)
{
	size_t n = 0, more;
	int late = strcmp(ctx->def->id, "phase1.10") == 0, pass;

	if (move_spool(ctx, ctx->f->cf->from, ctx->f->cf->to, &n) < 0)
		return -1;
	for (pass = 0; late && pass < LATE_MAIL_PASSES && !old_side_quiet(ctx); pass++) {
		sleep(2);
		more = 0;
		if (move_spool(ctx, ctx->f->cf->from, ctx->f->cf->to, &more) < 0)
			return -1;
		n += more;
	}
	strbuf_addf(&ctx->detail, "%zu %smessages moved", n, late ? "late " : "");
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
