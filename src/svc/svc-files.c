/*
 * svc-files.c: the home directory moves host to host.  rsync runs on the old
 * host and connects to the new one itself (rsync-to), so the data never
 * passes through the admin's machine: prep.2 first pass, phase1.presync
 * converging passes, phase1.3 the final pass inside the freeze.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "fault.h"
#include "files-track.h"
#include "rsync-stats.h"
#include "web-vfile.h"

#define RSYNC_VANISHED 24	/* files vanished during the pass: a warning */
#define RSYNC_PERSIST	5	/* seconds the old host keeps an idle rsync connection */

static void
home_of(struct strbuf *sb, const struct host *h, const struct account *a)
{
	strbuf_addf(sb, "%s/%s", h->home, a->name);
}

/*
 * rsync's own flags: archive with hard links, ACLs, xattrs, numeric ids,
 * holes, deletions; tracked: only the names on stdin (files-track.h), a
 * name gone from the old host removed from the new one
 */
static void
rsync_argv(struct strlist *argv, struct step_ctx *ctx, const char *src, const char *dst,
    int dry_run, int reverse, int tracked)
{
	struct config *cf = ctx->f->cf;
	size_t i;

	strlist_push(argv, "rsync");
	strlist_push(argv, "-aHAX");
	strlist_push(argv, "--numeric-ids");
	strlist_push(argv, "--sparse");	/* holes stay holes: a 64 MB image of zeros is not 64 MB */
	strlist_push(argv, "--delete");
	strlist_push(argv, "--mkpath");	/* a DocumentRoot outside the home may lack its parents */
	strlist_push(argv, "--stats");
	if (dry_run)
		strlist_push(argv, "--dry-run");
	strlist_push(argv, "--itemize-changes");
	if (log_live_on())
		strlist_push(argv, "--info=progress2");	/* for the live line */
	strlist_push(argv, "-e");
	/*
	 * A new host that is gone fails the pass in seconds, not at TCP's
	 * timeout.  The passes of one job slot share one connection, kept
	 * RSYNC_PERSIST seconds after the last (ssh's key exchange costs more
	 * CPU than a small home's pass); every slot has its own, so parallel
	 * accounts' data does not squeeze through one stream.
	 */
	strlist_pushf(argv, "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 "
	    "-o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o ControlMaster=auto "
	    "-o ControlPersist=%d -o ControlPath=~/.ssh/ferry-%%C.%d", RSYNC_PERSIST,
	    ctx->f->job_slot);
	for (i = 0; i < ctx->a->rsync_exclude.n; i++)
		strlist_pushf(argv, "--exclude=%s", ctx->a->rsync_exclude.v[i]);
	/* the game's backups (prep.8, phase1.4) live only on the new host: excluded,
	   --delete spares them, and a rollback's pull does not carry them back */
	if ((ctx->a->services & SVC_MUSH) && ctx->a->mush_dir && ctx->a->mush_save) {
		strlist_pushf(argv, "--exclude=/%s/%s.ferry-*", ctx->a->mush_dir, ctx->a->mush_save);
		strlist_pushf(argv, "--exclude=/%s/%s.synced-*", ctx->a->mush_dir, ctx->a->mush_save);
	}
	if (tracked) {
		strlist_push(argv, "--files-from=-");
		strlist_push(argv, "--from0");
		strlist_push(argv, "--delete-missing-args");
	}
	strlist_push(argv, "--");
	/* back (rollback): the old host pulls from the new one, the same way it pushed */
	if (reverse) {
		strlist_pushf(argv, "%s:%s", config_rsync_dest(cf), dst);
		strlist_push(argv, src);
	} else {
		strlist_push(argv, src);
		strlist_pushf(argv, "%s:%s", config_rsync_dest(cf), dst);
	}
}

/* what the live line shows while rsync runs */
struct rsync_live {
	struct step_ctx *ctx;
	double t0;
	char last[96];	/* the latest progress2 record, kept across chunks */
	size_t len;
};

/*
 * --info=progress2 writes "  1,234,567  45%  1.23MB/s  0:00:01 (xfr#3, ...)"
 * records ended by \r; each complete one updates the live line.
 */
static void
rsync_progress(const char *buf, size_t len, void *arg)
{
	struct rsync_live *l = arg;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\r' && buf[i] != '\n') {
			if (l->len + 1 < sizeof l->last)
				l->last[l->len++] = buf[i];
			continue;
		}
		l->last[l->len] = '\0';
		if (strchr(l->last, '%'))
			log_live("%s  %s  rsync %s  [%.0f s]", l->ctx->a->name, l->ctx->def->id,
			    l->last + strspn(l->last, " "), now_seconds() - l->t0);
		l->len = 0;
	}
}

/*
 * runs argv (rsync, or files-track's wrapper around it) on the old host, in
 * dir with stdin in when given; 0 ok, -1 failed, 1 the wrapper found hard
 * links (nothing sent)
 */
static int
rsync_exec(struct step_ctx *ctx, const struct strlist *argv, const struct strbuf *in,
    const char *dir, const char *src, const char *dst, struct rsync_stats *st)
{
	struct child c = CHILD_INIT;
	double t0 = now_seconds();
	struct rsync_live live = { .ctx = ctx, .t0 = t0 };
	int r;

	if (log_live_on()) {
		c.on_stdout = rsync_progress;
		c.on_stdout_arg = &live;
	}
	c.argv = (const char *const *)argv->v;
	c.dir = dir;
	if (in) {
		c.in = in->buf;
		c.in_len = in->len;
	}
	r = remote_run(&ctx->f->tr, ctx->f->cf->from, &c);
	st->seconds = now_seconds() - t0;
	rsync_stats_read(c.out.buf, st);
	if (in && r == TRACK_HARDLINKS) {
		child_release(&c);
		return 1;
	}
	/* a tracked list names the files deleted since: they "vanish" by design */
	if (r == RSYNC_VANISHED && in == NULL)
		warn("%s: %s: some files vanished during the pass (rsync exit 24)", ctx->a->name,
		    ctx->def->id);
	else if (r != 0 && r != RSYNC_VANISHED)
		step_error(ctx, "rsync %s -> %s:%s exited %d: %s", src, ctx->f->cf->to->name, dst, r,
		    c.err.buf);
	child_release(&c);
	return r == 0 || r == RSYNC_VANISHED ? 0 : -1;
}

/* one pass of src/ (on the old host) to dst/ (on the new); 0 ok, -1 failed */
static int
rsync_pass(struct step_ctx *ctx, const char *src, const char *dst, int dry_run, int reverse,
    struct rsync_stats *st)
{
	struct strlist argv = STRLIST_INIT;
	int r;

	rsync_argv(&argv, ctx, src, dst, dry_run, reverse, 0);
	r = rsync_exec(ctx, &argv, NULL, NULL, src, dst, st);
	strlist_clear(&argv);
	return r;
}

static void
add_stats(struct rsync_stats *sum, const struct rsync_stats *st)
{
	sum->files += st->files > 0 ? st->files : 0;
	sum->bytes += st->bytes > 0 ? st->bytes : 0;
	sum->entries += st->entries;
	sum->seconds += st->seconds;
}

/* the home, then each DocumentRoot of the account's that lies outside it */
static int
sync_dirs(struct step_ctx *ctx, int dry_run, int reverse, struct rsync_stats *sum)
{
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT;
	struct strlist roots = STRLIST_INIT;
	struct rsync_stats st;
	size_t i;
	int r;

	memset(sum, 0, sizeof *sum);
	home_of(&src, ctx->f->cf->from, ctx->a);
	strbuf_addch(&src, '/');
	home_of(&dst, ctx->f->cf->to, ctx->a);
	strbuf_addch(&dst, '/');
	r = rsync_pass(ctx, src.buf, dst.buf, dry_run, reverse, &st);
	add_stats(sum, &st);
	if (r == 0)
		r = web_docroots_outside_home(ctx, &roots);
	for (i = 0; r == 0 && i < roots.n; i++) {
		strbuf_reset(&src);
		strbuf_addf(&src, "%s/", roots.v[i]);
		r = rsync_pass(ctx, src.buf, src.buf, dry_run, reverse, &st);
		add_stats(sum, &st);
	}
	strlist_clear(&roots);
	strbuf_release(&src);
	strbuf_release(&dst);
	return r;
}

/* the trees sync_dirs passes, as they lie on the old host */
static int
sync_roots(struct step_ctx *ctx, struct strlist *roots)
{
	strlist_pushf(roots, "%s/%s", ctx->f->cf->from->home, ctx->a->name);
	return web_docroots_outside_home(ctx, roots);
}

/*
 * the final pass of only what the watcher saw change (roots[0] is the home):
 * 0 done, 1 a full pass is needed (hard links), -1 failed
 */
static int
tracked_sync(struct step_ctx *ctx, const struct track_root *roots, size_t n,
    struct rsync_stats *sum)
{
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT, in = STRBUF_INIT;
	struct strlist rs = STRLIST_INIT, argv = STRLIST_INIT;
	struct rsync_stats st;
	size_t i;
	int r = 0;

	memset(sum, 0, sizeof *sum);
	for (i = 0; r == 0 && i < n; i++) {
		if (roots[i].list.n == 0)
			continue;
		strbuf_reset(&src);
		strbuf_addf(&src, "%s/", roots[i].path);
		strbuf_reset(&dst);
		if (i == 0)
			home_of(&dst, ctx->f->cf->to, ctx->a);
		else
			strbuf_addstr(&dst, roots[i].path);
		strbuf_addch(&dst, '/');
		rsync_argv(&rs, ctx, src.buf, dst.buf, 0, 0, 1);
		track_wrap(&argv, &in, &roots[i], &rs);
		r = rsync_exec(ctx, &argv, &in, roots[i].path, src.buf, dst.buf, &st);
		add_stats(sum, &st);
		strlist_clear(&rs);
		strlist_clear(&argv);
		strbuf_reset(&in);
	}
	strbuf_release(&src);
	strbuf_release(&dst);
	strbuf_release(&in);
	return r;
}

/* phase1.3 from the watcher's list: 1 done so, 0 a full pass is needed (why), -1 failed */
static int
final_tracked(struct step_ctx *ctx, struct rsync_stats *st, size_t *paths, struct strbuf *why)
{
	struct strlist trees = STRLIST_INIT;
	struct track_root *roots;
	size_t i;
	int r;

	if (!ctx->f->cf->track_changes) {
		strbuf_addstr(why, "track-changes = no");
		return 0;
	}
	if (sync_roots(ctx, &trees) < 0) {
		strlist_clear(&trees);
		return -1;
	}
	roots = xcalloc(trees.n + 1, sizeof *roots);
	track_roots_init(roots, &trees);
	r = track_finish(ctx, roots, trees.n, why) == 0;
	for (i = 0; r == 1 && i < trees.n; i++)
		*paths += roots[i].list.n;
	if (r == 1) {
		int t = tracked_sync(ctx, roots, trees.n, st);

		if (t == 1)
			strbuf_addstr(why, "a changed file has hard links");
		r = t < 0 ? -1 : t == 0;
	}
	track_roots_release(roots, trees.n);
	free(roots);
	strlist_clear(&trees);
	return r;
}

static int
sync_home(struct step_ctx *ctx, int dry_run, struct rsync_stats *sum)
{
	return sync_dirs(ctx, dry_run, 0, sum);
}

static void
note_pass(struct step_ctx *ctx, const char *what, const struct rsync_stats *st)
{
	strbuf_reset(&ctx->detail);
	strbuf_addf(&ctx->detail, "%s: %lld files, %lld bytes in %.1f s", what, st->files,
	    st->bytes, st->seconds);
}

/* a real run needs no dry pass first: it would lengthen the freeze */
static int
files_probe(struct step_ctx *ctx)
{
	struct rsync_stats st;

	if (!ctx->dry_run)
		return PROBE_TODO;
	if (sync_home(ctx, 1, &st) < 0)
		return PROBE_ERROR;
	strbuf_addf(&ctx->diff, "rsync %s:%s/%s/ -> %s: %lld files, %lld bytes to transfer\n",
	    ctx->f->cf->from->name, ctx->f->cf->from->home, ctx->a->name, ctx->f->cf->to->name,
	    st.files, st.bytes);
	return PROBE_TODO;
}

static int
first_pass(struct step_ctx *ctx)
{
	struct rsync_stats st;

	if (sync_home(ctx, 0, &st) < 0)
		return -1;
	note_pass(ctx, "first pass", &st);
	return 0;
}

/* the home is quiet in a test; a live one may differ: then warn, do not fail */
static int
files_verify(struct step_ctx *ctx)
{
	struct rsync_stats st;

	if (sync_home(ctx, 1, &st) < 0)
		return -1;
	if (st.entries > 0)
		warn("%s: %s: %lld entries changed on %s since the pass", ctx->a->name,
		    ctx->def->id, st.entries, ctx->f->cf->from->name);
	return 0;
}

/* the watcher behind phase1.3's short list: 1 watching, 0 not (why), -1 error */
static int
presync_track(struct step_ctx *ctx, struct strbuf *why)
{
	struct strlist trees = STRLIST_INIT;
	int r;

	if (!ctx->f->cf->track_changes) {
		strbuf_addstr(why, "track-changes = no");
		return 0;
	}
	r = sync_roots(ctx, &trees);
	if (r == 0)
		r = track_start(ctx, &trees, why) == 0;
	strlist_clear(&trees);
	return r;
}

/*
 * pre-copy: passes until one moves fewer files than presync-until or stops
 * shrinking; the change watcher starts before the first, so that whatever
 * changes from then on is on its list
 */
static int
presync_apply(struct step_ctx *ctx)
{
	struct strbuf why = STRBUF_INIT;
	struct rsync_stats st;
	long long last = -1;
	int pass, tracking = presync_track(ctx, &why);

	for (pass = 1; tracking >= 0 && pass <= 10; pass++) {
		if (sync_home(ctx, 0, &st) < 0) {
			tracking = -1;
			break;
		}
		journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, "files.presync",
		    now_seconds(), ctx->detail.buf);
		note_pass(ctx, "presync", &st);
		strbuf_addf(&ctx->detail, " (pass %d)", pass);
		if (st.files < ctx->f->cf->presync_until || (last >= 0 && st.files >= last))
			break;
		last = st.files;
	}
	if (tracking == 1)
		strbuf_addstr(&ctx->detail, "; changes tracked");
	else if (tracking == 0)
		strbuf_addf(&ctx->detail, "; changes not tracked: %.*s", (int)strcspn(why.buf, "\n"),
		    why.buf);
	strbuf_release(&why);
	return tracking < 0 ? -1 : 0;
}

/* rollback: no watcher outlives the account's phase 1 */
static int
presync_undo(struct step_ctx *ctx)
{
	if (track_stop(ctx) < 0)
		return -1;
	strbuf_addstr(&ctx->detail, "change watcher stopped");
	return 0;
}

/*
 * the frozen pass: only the watcher's list when it can be trusted, else
 * every file; the detail says which (bench/run.sh reads "in S s")
 */
static int
final_apply(struct step_ctx *ctx)
{
	struct strbuf why = STRBUF_INIT;
	struct rsync_stats st;
	size_t paths = 0;
	int r = final_tracked(ctx, &st, &paths, &why);

	if (r == 0 && sync_home(ctx, 0, &st) < 0)
		r = -1;
	if (r >= 0) {
		note_pass(ctx, "final pass", &st);
		if (r == 1)
			strbuf_addf(&ctx->detail, " (tracked: %zu paths)", paths);
		else
			strbuf_addf(&ctx->detail, " (full: %.*s)", (int)strcspn(why.buf, "\n"),
			    why.buf);
	}
	strbuf_release(&why);
	if (r < 0)
		return -1;
	/* final_verify ends the files window: the pass it follows was this one */
	ctx->priv = xstrdup("final pass made");
	ctx->priv_free = free;
	return 0;
}

/*
 * phase1.3's verification, a dry pass over the whole home, runs while the
 * owner is still asked not to change files: the files window (files.end)
 * closes after it, not after the pass.  Run again by `ferry verify` it only
 * checks: the window closed long before.
 */
static int
final_verify(struct step_ctx *ctx)
{
	if (files_verify(ctx) < 0)
		return -1;
	if (ctx->priv == NULL)
		return 0;
	return journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_FILES_END,
	    now_seconds(), ctx->detail.buf);
}

/*
 * phase1.3 undone: what the owner changed on the new host since the final
 * pass goes back to the old one (the game was stopped there by phase1.4's
 * undo), unless rollback --discard keeps the old host's files as they were.
 */
static int
final_undo(struct step_ctx *ctx)
{
	struct rsync_stats st;

	if (ctx->f->rollback_discard) {
		strbuf_addf(&ctx->detail, "changes made on %s since the final pass discarded",
		    ctx->f->cf->to->name);
		return 0;
	}
	if (sync_dirs(ctx, 0, 1, &st) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "back from %s: %lld files, %lld bytes in %.1f s",
	    ctx->f->cf->to->name, st.files, st.bytes, st.seconds);
	return 0;
}

static const struct step_ops files_steps[] = {
	{ "prep.2", files_probe, first_pass, files_verify, NULL },
	{ "phase1.presync", files_probe, presync_apply, NULL, presync_undo },
	{ "phase1.3", files_probe, final_apply, final_verify, final_undo },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* done.tidy: no change watcher (phase1.presync's) left running on the old host */
static int
files_tidy(struct step_ctx *ctx)
{
	return track_stop(ctx);
}

const struct service svc_files = { .name = "files", .steps = files_steps, .tidy = files_tidy };
