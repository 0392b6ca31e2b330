/*
 * edit.c: the one protocol for editing a live file on a host (redis'
 * rdbSave, made remote): back up, write FILE.ferry-new, check it with the
 * daemon's own checker, rename; or, for checkers that only read the live
 * configuration, swap, check and swap back.  The old bytes stay in the
 * journal so rollback restores them exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "diff.h"
#include "edit.h"
#include "merge.h"
#include "fault.h"

/* writes stdin to FILE.ferry-new with FILE's owner and mode when it exists */
static const char write_new_script[] =
	"umask 077; cat > \"$1.ferry-new\" || exit 1; "
	"if [ -e \"$1\" ]; then chown --reference=\"$1\" \"$1.ferry-new\" && "
	"chmod --reference=\"$1\" \"$1.ferry-new\"; else chmod \"$2\" \"$1.ferry-new\"; fi";

/* drops e's hold on the edit lock once, however often it is released */
static void
edit_unlock_of(struct file_edit *e)
{
	if (e->locked) {
		edit_unlock_held(e->locked);
		e->locked = NULL;
	}
}

/*
 * A fresh open file description per outermost lock: a forked job must not
 * share its parent's (flock belongs to the description, not the process).
 * Without done it waits; with it, it asks done(arg) between tries.
 */
int
edit_lock_unless(struct ferry *f, int (*done)(void *), void *arg)
{
	struct strbuf path = STRBUF_INIT;
	int fd;

	if (f->edit_lock_depth > 0) {
		f->edit_lock_depth++;
		return 1;
	}
	strbuf_addf(&path, "%s.edit-lock", f->cf->journal);
	fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		error_errno("%s", path.buf);
		strbuf_release(&path);
		return -1;
	}
	strbuf_release(&path);
	while (flock(fd, done ? LOCK_EX | LOCK_NB : LOCK_EX) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return error_errno("flock");
		}
		if (done && done(arg)) {
			close(fd);
			return 0;
		}
		if (done)
			usleep(100000);
	}
	f->edit_lock_fd = fd;
	f->edit_lock_depth = 1;
	return 1;
}

static int
edit_lock(struct ferry *f)
{
	return edit_lock_unless(f, NULL, NULL) < 0 ? -1 : 0;
}

void
forked_helper_forget_locks(struct ferry *f)
{
	journal_lock_forget(f->j);
	if (f->edit_lock_depth > 0) {
		close(f->edit_lock_fd);
		f->edit_lock_depth = 0;
	}
}

void
edit_unlock_held(struct ferry *f)
{
	if (f->edit_lock_depth > 0 && --f->edit_lock_depth == 0)
		close(f->edit_lock_fd);	/* releases the flock */
}

int
edit_read(struct step_ctx *ctx, const struct host *h, const char *path,
    struct file_edit *e)
{
	int r;

	memset(e, 0, sizeof *e);
	strbuf_init(&e->old);
	e->h = h;
	e->path = xstrdup(path);
	if (!ctx->dry_run && ctx->f->cf && ctx->f->cf->journal) {
		if (edit_lock(ctx->f) < 0)
			return step_error(ctx, "%s: cannot lock edits of %s", h->name, path);
		e->locked = ctx->f;
	}
	r = remote_read_file(&ctx->f->tr, h, path, &e->old);
	if (r < 0) {
		edit_unlock_of(e);
		return step_error(ctx, "%s: cannot read %s", h->name, path);
	}
	e->existed = r == 0;
	e->mode = 0644;
	if (e->existed && remote_stat(&ctx->f->tr, h, path, &e->mode, &e->uid, &e->gid) < 0) {
		edit_unlock_of(e);
		return step_error(ctx, "%s: cannot stat %s", h->name, path);
	}
	return 0;
}

void
edit_release(struct file_edit *e)
{
	edit_unlock_of(e);
	strbuf_release(&e->old);
	free(e->path);
	e->path = NULL;
}

void
edit_diff(struct step_ctx *ctx, const struct file_edit *e, const char *new_text)
{
	struct strbuf label = STRBUF_INIT;

	strbuf_addf(&label, "%s:%s", e->h->name, e->path);
	diff_unified(label.buf, e->old.buf, new_text, &ctx->diff);
	strbuf_release(&label);
}

static int
backup(struct step_ctx *ctx, struct file_edit *e)
{
	struct backup b, have;
	struct strbuf bak = STRBUF_INIT;
	int r;

	memset(&b, 0, sizeof b);
	b.host = (char *)e->h->name;
	b.path = e->path;
	b.data = e->old;
	b.existed = e->existed;
	b.mode = e->mode;
	b.uid = e->uid;
	b.gid = e->gid;
	memset(&have, 0, sizeof have);
	r = journal_backup_get(ctx->f->j, ctx->a->name, ctx->def->id, e->h->name, e->path, &have);
	if (r < 0)
		return -1;
	if (r == 1)
		backup_release(&have);	/* the first original of this step stays */
	else if (journal_backup_put(ctx->f->j, ctx->a->name, ctx->def->id, &b) < 0)
		return -1;
	if (!e->existed)
		return 0;
	strbuf_addf(&bak, "%s.ferry-bak", e->path);
	r = remote_write_file(&ctx->f->tr, e->h, bak.buf, e->old.buf, e->old.len, 0600);
	strbuf_release(&bak);
	return r;
}

static int
run_check(struct step_ctx *ctx, const struct host *h, const struct strlist *check,
    const struct expand *ex, const char *file)
{
	struct expand with_f = *ex;
	struct strbuf out = STRBUF_INIT;
	int r;

	with_f.f = file;
	r = host_command(ctx, h, check, &with_f, &out);
	if (r != 0)
		step_error(ctx, "%s: the check of %s failed: %s", h->name, file, out.buf);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

static int
commit_checked_new(struct step_ctx *ctx, struct file_edit *e, const char *text,
    const struct strlist *check, const struct expand *ex)
{
	const char *write_argv[] = { "sh", "-c", write_new_script, "sh", e->path, "0644", NULL };
	struct strbuf cand = STRBUF_INIT;
	const char *mv_argv[] = { "mv", "-f", NULL, e->path, NULL };
	const char *rm_argv[] = { "rm", "-f", NULL, NULL };
	int r = -1;

	strbuf_addf(&cand, "%s.ferry-new", e->path);
	mv_argv[2] = rm_argv[2] = cand.buf;
	if (remote_capture_in(&ctx->f->tr, e->h, write_argv, text, strlen(text), NULL, NULL) != 0)
		step_error(ctx, "%s: cannot write %s", e->h->name, cand.buf);
	else if (check && check->n && run_check(ctx, e->h, check, ex, cand.buf) < 0)
		remote_capture(&ctx->f->tr, e->h, rm_argv, NULL, NULL);
	else if (remote_capture(&ctx->f->tr, e->h, mv_argv, NULL, NULL) != 0)
		step_error(ctx, "%s: cannot rename %s", e->h->name, cand.buf);
	else {
		fault_point(ctx->def->id, "mid-edit");
		r = 0;
	}
	strbuf_release(&cand);
	return r;
}

static int
commit_checked_live(struct step_ctx *ctx, struct file_edit *e, const char *text,
    const struct strlist *check, const struct expand *ex)
{
	if (remote_write_file(&ctx->f->tr, e->h, e->path, text, strlen(text), e->mode) < 0)
		return step_error(ctx, "%s: cannot write %s", e->h->name, e->path);
	fault_point(ctx->def->id, "mid-edit");
	if (run_check(ctx, e->h, check, ex, e->path) == 0)
		return 0;
	if (remote_write_file(&ctx->f->tr, e->h, e->path, e->old.buf, e->old.len, e->mode) < 0)
		return step_error(ctx, "%s: could not put the old %s back", e->h->name, e->path);
	return -1;
}

int
edit_commit(struct step_ctx *ctx, struct file_edit *e, const char *new_text,
    enum edit_check mode, const struct strlist *check, const struct expand *ex)
{
	if (backup(ctx, e) < 0)
		return step_error(ctx, "%s: cannot back up %s", e->h->name, e->path);
	switch (mode) {
	case EDIT_CHECK_NEW:
		return commit_checked_new(ctx, e, new_text, check, ex);
	case EDIT_CHECK_LIVE:
		return commit_checked_live(ctx, e, new_text, check, ex);
	default:
		if (remote_write_file(&ctx->f->tr, e->h, e->path, new_text, strlen(new_text), 0644) < 0)
			return step_error(ctx, "%s: cannot write %s", e->h->name, e->path);
		fault_point(ctx->def->id, "mid-edit");
		return 0;
	}
}

int
host_command(struct step_ctx *ctx, const struct host *h, const struct strlist *tmpl,
    const struct expand *ex, struct strbuf *out)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	int r;

	if (expand_argv(&argv, tmpl, ex) < 0) {
		strlist_clear(&argv);
		return step_error(ctx, "cannot expand the command %s", tmpl->n ? tmpl->v[0] : "");
	}
	r = remote_capture(&ctx->f->tr, h, (const char *const *)argv.v, out, &err);
	if (r != 0 && out) {
		strbuf_add(out, err.buf, err.len);
		strbuf_rtrim(out);
	}
	strlist_clear(&argv);
	strbuf_release(&err);
	return r;
}

static void
reload_key(struct strbuf *key, const struct host *h, const char *what)
{
	strbuf_addf(key, "reload.%s.%s", what, h->name);
}

int
edit_owe_reload(struct step_ctx *ctx, const struct host *h, const char *what, int owe)
{
	struct strbuf key = STRBUF_INIT;
	int r;

	if (ctx->dry_run || ctx->f->j == NULL)
		return 0;
	reload_key(&key, h, what);
	r = owe ? journal_kv_set(ctx->f->j, ctx->a->name, key.buf, "1") :
	    journal_kv_del(ctx->f->j, ctx->a->name, key.buf);
	strbuf_release(&key);
	return r;
}

int
edit_reload_owed(struct step_ctx *ctx, const struct host *h, const char *what)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	int r;

	if (ctx->f->j == NULL)
		return 0;
	reload_key(&key, h, what);
	r = journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val) == 1;
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

/*
 * The bytes that put this step's change back out of path: the old bytes
 * when no later edit was journaled, else the live text with only this
 * step's change taken out, so another account's later edit stays.
 */
static int
undo_text(struct step_ctx *ctx, const struct host *h, const struct file_edit *e,
    const struct backup *b, struct strbuf *text)
{
	struct backup later;
	int r;

	r = journal_backup_next(ctx->f->j, ctx->a->name, ctx->def->id, h->name, e->path, &later);
	if (r == 0)
		strbuf_add(text, b->data.buf, b->data.len);
	if (r == 1) {
		r = merge_undo(&e->old, &later.data, &b->data, text);
		if (r == 1)
			r = step_error(ctx, "%s:%s: %s's %s edited it after this step, and this "
			    "step's change cannot be taken out around that edit: roll %s back "
			    "first", h->name, e->path, later.account, later.step, later.account);
		else if (r == 0)
			info("%s: %s: %s:%s: this step's change taken out, %s's later edit kept",
			    ctx->a->name, ctx->def->id, h->name, e->path, later.account);
	}
	backup_release(&later);
	return r < 0 ? -1 : 0;
}

int
edit_restore(struct step_ctx *ctx, const struct host *h, const char *path,
    enum edit_check mode, const struct strlist *check, const struct expand *ex)
{
	struct strbuf text = STRBUF_INIT;
	struct backup b;
	struct file_edit e;
	int r;

	memset(&b, 0, sizeof b);
	r = journal_backup_get(ctx->f->j, ctx->a->name, ctx->def->id, h->name, path, &b);
	if (r <= 0)
		return r;	/* this step never changed that file */
	if (edit_read(ctx, h, path, &e) < 0) {
		backup_release(&b);
		return -1;
	}
	r = undo_text(ctx, h, &e, &b, &text);
	if (r == 0)
		r = edit_commit(ctx, &e, text.buf, mode, check, ex);
	edit_release(&e);
	backup_release(&b);
	strbuf_release(&text);
	return r;
}

int
host_sh_in(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *const *args, const char *in, size_t in_len, struct strbuf *out)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int r;

	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, script);
	strlist_push(&argv, "sh");
	for (i = 0; args && args[i]; i++)
		strlist_push(&argv, args[i]);
	r = remote_capture_in(&ctx->f->tr, h, (const char *const *)argv.v, in, in ? in_len : 0,
	    out, &err);
	if (r != 0 && out) {
		strbuf_add(out, err.buf, err.len);
		strbuf_rtrim(out);
	}
	strlist_clear(&argv);
	strbuf_release(&err);
	return r;
}

int
host_sh(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *const *args, struct strbuf *out)
{
	return host_sh_in(ctx, h, script, args, NULL, 0, out);
}
