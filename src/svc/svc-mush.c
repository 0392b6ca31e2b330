/*
 * svc-mush.c: the game's steps (prep.7, prep.8, phase1.1, phase1.4,
 * phase2.4).  The game on a host, its start, stop and admin's commands, is
 * in mush-game.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "edit.h"
#include "mush-game.h"

/* prep.7: a test run on the new host; the old game keeps running */
static int
testrun_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "%s: start the game in %s/%s/%s, check port %d, stop it\n",
	    ctx->f->cf->to->name, ctx->f->cf->to->home, ctx->a->name, ctx->a->mush_dir,
	    ctx->a->mush_port);
	if (!ctx->dry_run && mush_answers(ctx->f->cf->to->address, ctx->a->mush_port))
		return step_error(ctx, "%s: something already answers on port %d",
		    ctx->f->cf->to->name, ctx->a->mush_port), PROBE_ERROR;
	return PROBE_TODO;
}

static int
testrun_apply(struct step_ctx *ctx)
{
	double t0 = now_seconds();

	if (mush_start_and_wait(ctx, ctx->f->cf->to) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "answered after %.1f s", now_seconds() - t0);
	return mush_stop(ctx, ctx->f->cf->to);
}

static int
testrun_verify(struct step_ctx *ctx)
{
	if (mush_answers(ctx->f->cf->to->address, ctx->a->mush_port))
		return step_error(ctx, "%s: the test game is still running", ctx->f->cf->to->name);
	return 0;
}

/*
 * prep.8: a consistent save.  TinyMUX keeps attribute text in its live
 * .dir/.pag files, so a copy of a running game is not a save; @dump/flatfile
 * is.  The dump is copied to a dated folder beside mush-save on the new host.
 */
static const char flat_wait_script[] =
	"dir=$1 d=0.05 i=0; while [ $i -lt 80 ]; do "
	"f=$(find \"$dir\" -name '*.FLAT' -newer \"$dir/.ferry-dump-mark\" 2>/dev/null | head -n 1); "
	/* the dump is whole when its size holds for half a second */
	"if [ -n \"$f\" ]; then s1=$(stat -c %s \"$f\"); sleep 0.5; [ \"$s1\" = \"$(stat -c %s \"$f\")\" ] && "
	"{ rm -f \"$dir/.ferry-dump-mark\"; echo \"$f\"; exit 0; }; fi; "
	/* looked for after 50 ms, then at an interval doubling to 0.5 s: about 40 s in all */
	"sleep $d; case $d in 0.05) d=0.1;; 0.1) d=0.2;; 0.2) d=0.4;; *) d=0.5;; esac; "
	"i=$((i+1)); done; exit 1";

static int
take_flatfile(struct step_ctx *ctx, struct strbuf *flat)
{
	const struct host *old = ctx->f->cf->from;
	struct strbuf dir = STRBUF_INIT, mark = STRBUF_INIT;
	const char *args[] = { NULL, NULL };
	int r;

	mush_game_dir(&dir, old, ctx->a);
	strbuf_addf(&mark, "%s/.ferry-dump-mark", dir.buf);
	args[0] = mark.buf;
	r = host_sh(ctx, old, "touch -d '-2 seconds' \"$1\"", args, NULL);
	if (r == 0)
		r = mush_admin_say(ctx, old, "@dump/flatfile\r\n");
	args[0] = dir.buf;
	if (r == 0 && host_sh(ctx, old, flat_wait_script, args, flat) != 0)
		r = step_error(ctx, "%s: no flatfile appeared after @dump/flatfile", old->name);
	strbuf_rtrim(flat);
	strbuf_release(&dir);
	strbuf_release(&mark);
	return r;
}

static void
backup_dir(struct strbuf *sb, struct step_ctx *ctx, const char *tag)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	mush_game_dir(sb, ctx->f->cf->to, ctx->a);
	strbuf_addf(sb, "/%s.%s-%s", ctx->a->mush_save, tag, stamp);
}

/* rsync old:SRC to new:DST as the files driver does, keeping ids */
static int
copy_old_to_new(struct step_ctx *ctx, const char *src, const char *dst)
{
	const char *argv[] = { "rsync", "-aHAX", "--numeric-ids", "-e",
		"ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 "
		"-o ServerAliveInterval=5 -o ServerAliveCountMax=3", "--", src, NULL, NULL };
	struct strbuf to = STRBUF_INIT, err = STRBUF_INIT;
	int r;

	strbuf_addf(&to, "%s:%s", config_rsync_dest(ctx->f->cf), dst);
	argv[7] = to.buf;
	r = remote_capture(&ctx->f->tr, ctx->f->cf->from, argv, NULL, &err);
	if (r != 0)
		step_error(ctx, "rsync %s -> %s failed: %s", src, to.buf, err.buf);
	strbuf_release(&to);
	strbuf_release(&err);
	return r == 0 ? 0 : -1;
}

static int
file_sum(struct step_ctx *ctx, const struct host *h, const char *path, struct strbuf *sum)
{
	const char *args[] = { path, NULL };

	return host_sh(ctx, h, "sha256sum < \"$1\" | cut -d' ' -f1", args, sum) == 0 &&
	    sum->len > 0 ? 0 : -1;
}

static int
save_probe(struct step_ctx *ctx)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	int r = PROBE_TODO;

	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, "mush.backup", &val) == 1) {
		strbuf_addf(&ctx->detail, "backup in %s", val.buf);
		r = PROBE_DONE;
	} else
		strbuf_addf(&ctx->diff, "%s: copy of %s%s into a dated folder beside it\n",
		    ctx->f->cf->to->name, ctx->a->mush_save,
		    ctx->a->mush_admin ? " (through @dump/flatfile)" : "");
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

static int
save_apply(struct step_ctx *ctx)
{
	struct strbuf flat = STRBUF_INIT, src = STRBUF_INIT, dst = STRBUF_INIT, sub = STRBUF_INIT;
	const char *args[] = { NULL, ctx->a->name, NULL };
	int r;

	backup_dir(&dst, ctx, "ferry");
	args[0] = dst.buf;
	/* the game's owner keeps the backup: it lies in their home */
	if (host_sh(ctx, ctx->f->cf->to,
	    "mkdir -p \"$1\" && chown \"$2:\" \"$1\" && chmod 0700 \"$1\"", args, NULL) != 0)
		return step_error(ctx, "cannot create %s", dst.buf);
	if (ctx->a->mush_admin) {
		if ((r = take_flatfile(ctx, &flat)) == 0) {
			strbuf_addf(&sub, "%s/", dst.buf);
			r = copy_old_to_new(ctx, flat.buf, sub.buf);
		}
	} else {
		warn("%s: %s: no mush-admin: copying %s of a running game, which may be inconsistent",
		    ctx->a->name, ctx->def->id, ctx->a->mush_save);
		mush_game_dir(&src, ctx->f->cf->from, ctx->a);
		strbuf_addf(&src, "/%s/", ctx->a->mush_save);
		strbuf_addf(&sub, "%s/", dst.buf);
		r = copy_old_to_new(ctx, src.buf, sub.buf);
	}
	/* rsync of a folder gives dst the source folder's mode: make it private again */
	if (r == 0 && host_sh(ctx, ctx->f->cf->to, "chmod 0700 \"$1\"", args, NULL) != 0)
		r = step_error(ctx, "cannot make %s private", dst.buf);
	if (r == 0 && flat.len)
		journal_kv_set(ctx->f->j, ctx->a->name, "mush.backup.flat", flat.buf);
	if (r == 0) {
		journal_kv_set(ctx->f->j, ctx->a->name, "mush.backup", dst.buf);
		strbuf_addf(&ctx->detail, "backup in %s", dst.buf);
	}
	strbuf_release(&flat);
	strbuf_release(&src);
	strbuf_release(&dst);
	strbuf_release(&sub);
	return r;
}

/* the copy's checksum equals the dump's on the old host */
static int
save_verify(struct step_ctx *ctx)
{
	struct strbuf dir = STRBUF_INIT, flat = STRBUF_INIT, copy = STRBUF_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *args[] = { NULL, NULL };
	const char *base;
	int r = 0;

	if (journal_kv_get(ctx->f->j, ctx->a->name, "mush.backup", &dir) != 1)
		return step_error(ctx, "no backup recorded");
	args[0] = dir.buf;
	if (host_sh(ctx, ctx->f->cf->to, "[ -n \"$(ls -A \"$1\" 2>/dev/null)\" ]", args, NULL) != 0)
		r = step_error(ctx, "%s: the backup %s is missing or empty", ctx->f->cf->to->name,
		    dir.buf);
	else if (journal_kv_get(ctx->f->j, ctx->a->name, "mush.backup.flat", &flat) == 1) {
		base = strrchr(flat.buf, '/');
		strbuf_addf(&copy, "%s/%s", dir.buf, base ? base + 1 : flat.buf);
		if (file_sum(ctx, ctx->f->cf->from, flat.buf, &a) < 0 ||
		    file_sum(ctx, ctx->f->cf->to, copy.buf, &b) < 0 || strcmp(a.buf, b.buf) != 0)
			r = step_error(ctx, "the copy %s differs from %s", copy.buf, flat.buf);
		else
			strbuf_addf(&ctx->detail, "%ssha256 %.16s matches", ctx->detail.len ? "; " : "",
			    a.buf);
	}
	strbuf_release(&dir);
	strbuf_release(&flat);
	strbuf_release(&copy);
	strbuf_release(&a);
	strbuf_release(&b);
	return r;
}

/* phase1.1: stop (default) or announce a freeze and keep running until phase2.4 */
static int
freeze_probe(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;

	if (ctx->a->mush_freeze == FREEZE_STOP && !ctx->dry_run &&
	    !mush_answers(old->address, ctx->a->mush_port)) {
		strbuf_addstr(&ctx->detail, "the game is not running on the old host");
		return PROBE_DONE;
	}
	strbuf_addf(&ctx->diff, "%s: %s the game on port %d\n", old->name,
	    ctx->a->mush_freeze == FREEZE_STOP ? "stop" : "announce a freeze in", ctx->a->mush_port);
	return PROBE_TODO;
}

static int
freeze_apply(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;
	struct strbuf say = STRBUF_INIT;
	int r;

	if (ctx->a->mush_freeze == FREEZE_ANNOUNCE) {
		strbuf_addf(&say, "@wall The game is moving to a new server. Please make no changes "
		    "to buildings or +mail from now on: they would be lost.\r\n@dump\r\n");
		r = mush_admin_say(ctx, old, say.buf);
		strbuf_release(&say);
		if (r == 0)
			strbuf_addstr(&ctx->detail, "freeze announced; the game keeps running");
		return r;
	}
	journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_MUSH_START, now_seconds(),
	    "stop on the old host");
	if (mush_stop(ctx, old) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "stopped on %s", old->name);
	return 0;
}

/* the game back on the old host, with the save phase1.3's undo carried back */
static int
freeze_undo(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;

	if (mush_answers(ctx->f->cf->to->address, ctx->a->mush_port))
		return step_error(ctx, "the game still runs on %s; undo phase1.4 first",
		    ctx->f->cf->to->name);
	if (mush_answers(old->address, ctx->a->mush_port)) {
		strbuf_addf(&ctx->detail, "the game still runs on %s", old->name);
		return 0;
	}
	if (mush_start_and_wait(ctx, old) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "the game answers on %s:%d again", old->name,
	    ctx->a->mush_port);
	return 0;
}

/* phase1.4: keep the synced save, then start the game on the new host */
static int
start_probe(struct step_ctx *ctx)
{
	if (!ctx->dry_run && mush_answers(ctx->f->cf->to->address, ctx->a->mush_port)) {
		strbuf_addstr(&ctx->detail, "the game answers on the new host");
		return PROBE_DONE;
	}
	strbuf_addf(&ctx->diff, "%s: keep a copy of %s, start the game on port %d\n",
	    ctx->f->cf->to->name, ctx->a->mush_save, ctx->a->mush_port);
	return PROBE_TODO;
}

static int
start_apply(struct step_ctx *ctx)
{
	const struct host *h = ctx->f->cf->to;
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT;
	const char *args[] = { NULL, NULL, NULL };
	int r;

	mush_game_dir(&src, h, ctx->a);
	strbuf_addf(&src, "/%s", ctx->a->mush_save);
	backup_dir(&dst, ctx, "synced");
	args[0] = src.buf;
	args[1] = dst.buf;
	/* a backup: private, as prep.8's (cp -a would keep the save's mode) */
	r = host_sh(ctx, h, "cp -a \"$1\" \"$2\" && chmod 0700 \"$2\"", args, NULL);
	strbuf_release(&src);
	if (r != 0) {
		strbuf_release(&dst);
		return step_error(ctx, "%s: cannot keep a copy of the synced save", h->name);
	}
	if (mush_start_and_wait(ctx, h) < 0) {
		strbuf_release(&dst);
		return -1;
	}
	journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_MUSH_END, now_seconds(),
	    "the game answers on the new host");
	strbuf_addf(&ctx->detail, "the game answers on %s:%d; synced save kept in %s", h->name,
	    ctx->a->mush_port, dst.buf);
	strbuf_release(&dst);
	return 0;
}

static int
start_verify(struct step_ctx *ctx)
{
	if (!mush_answers(ctx->f->cf->to->address, ctx->a->mush_port))
		return step_error(ctx, "%s: the game does not answer on port %d",
		    ctx->f->cf->to->name, ctx->a->mush_port);
	return 0;
}

/*
 * The new host's game stops; in announce mode an old game still running
 * stops too, so that phase1.3's undo can carry the new host's save back
 * under no running game, and phase1.1's undo starts it on the old host.
 */
static int
start_undo(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;

	if (mush_answers(ctx->f->cf->to->address, ctx->a->mush_port) &&
	    mush_stop(ctx, ctx->f->cf->to) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "stopped on %s", ctx->f->cf->to->name);
	if (ctx->a->mush_freeze == FREEZE_ANNOUNCE && !ctx->f->rollback_discard &&
	    mush_answers(old->address, ctx->a->mush_port)) {
		if (mush_stop(ctx, old) < 0)
			return -1;
		strbuf_addf(&ctx->detail, " and on %s until the save is back", old->name);
	}
	return 0;
}

/* phase2.4 undone: the game starts on the old host again at phase1.1's undo */
static int
close_undo(struct step_ctx *ctx)
{
	strbuf_addstr(&ctx->detail, "the game restarts on the old host with phase1.1");
	return 0;
}

/* phase2.4: the announce mode's end on the old host */
static int
close_probe(struct step_ctx *ctx)
{
	if (ctx->a->mush_freeze == FREEZE_STOP) {
		ctx->skip_reason = "the game was stopped in phase1.1";
		return PROBE_SKIP;
	}
	if (!ctx->dry_run && !mush_answers(ctx->f->cf->from->address, ctx->a->mush_port))
		return PROBE_DONE;
	strbuf_addf(&ctx->diff, "%s: announce the new site, then stop the game\n",
	    ctx->f->cf->from->name);
	return PROBE_TODO;
}

static int
close_apply(struct step_ctx *ctx)
{
	struct strbuf say = STRBUF_INIT;
	int r;

	strbuf_addf(&say, "@wall The new server is ready. Please disconnect and reconnect now; "
	    "this one shuts down in a moment.\r\n");
	r = mush_admin_say(ctx, ctx->f->cf->from, say.buf);
	strbuf_release(&say);
	if (r == 0) {
		/* not a wait for the game: the players get two seconds to read the @wall */
		sleep(2);
		journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_MUSH_START,
		    now_seconds(), "stop on the old host");
		r = mush_stop(ctx, ctx->f->cf->from);
	}
	/* announce mode: the players' window closes when the new game answers */
	if (r == 0 && mush_answers(ctx->f->cf->to->address, ctx->a->mush_port))
		journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id, EV_MUSH_END,
		    now_seconds(), "the game answers on the new host");
	return r;
}

static int
close_verify(struct step_ctx *ctx)
{
	if (mush_answers(ctx->f->cf->from->address, ctx->a->mush_port))
		return step_error(ctx, "%s: the old game still answers", ctx->f->cf->from->name);
	return 0;
}

static const struct step_ops mush_steps[] = {
	{ "prep.7", testrun_probe, testrun_apply, testrun_verify, NULL },
	{ "prep.8", save_probe, save_apply, save_verify, NULL },
	{ "phase1.1", freeze_probe, freeze_apply, NULL, freeze_undo },
	{ "phase1.4", start_probe, start_apply, start_verify, start_undo },
	{ "phase2.4", close_probe, close_apply, close_verify, close_undo },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_mush = { .name = "mush", .steps = mush_steps };
