/* edit.h: changing a live configuration file on a host, checked and undoable. */
#ifndef FERRY_EDIT_H
#define FERRY_EDIT_H

#include "ferry.h"

/*
 * How the daemon's own checker sees the new text:
 *  EDIT_CHECK_NEW  the checker takes the candidate file (%f = FILE.ferry-new):
 *                  named-checkzone, makemap; the live file is replaced only
 *                  when it passes.
 *  EDIT_CHECK_LIVE the checker reads the live configuration (apache2ctl -t):
 *                  the new file is swapped in, checked, and the old one put
 *                  back when the check fails, all before any reload.
 *  EDIT_CHECK_NONE plain atomic replace.
 */
enum edit_check { EDIT_CHECK_NONE = 0, EDIT_CHECK_NEW, EDIT_CHECK_LIVE };

struct file_edit {
	const struct host *h;
	char *path;
	struct strbuf old;	/* the bytes before the edit ("" when missing) */
	int existed;
	unsigned mode, uid, gid;
	struct ferry *locked;	/* holds f's edit lock (ferry.h) until edit_release */
};

/*
 * Waits for the edit lock as edit_read does, asking done(arg) between
 * tries (every 0.1 s): 1 held (edit_unlock_held gives it back; edit_read
 * inside nests), 0 done said there is no need before the lock came, -1
 * error.  A queued edit another job carries ends its wait this way.
 */
int edit_lock_unless(struct ferry *f, int (*done)(void *), void *arg);
/*
 * In a forked helper that does not exec: close its copies of the run lock
 * and the edit lock (see journal_lock_forget).  A helper left running by a
 * ferry killed at a step once kept `run` out with "another ferry is running".
 */
void forked_helper_forget_locks(struct ferry *f);
void edit_unlock_held(struct ferry *f);

/* reads path on h into e: 0 ok (also when missing), -1 error */
int edit_read(struct step_ctx *ctx, const struct host *h, const char *path,
    struct file_edit *e);
void edit_release(struct file_edit *e);

/* appends "--- HOST:PATH / +++ HOST:PATH" unified diff of old -> new to ctx->diff */
void edit_diff(struct step_ctx *ctx, const struct file_edit *e, const char *new_text);

/*
 * Backs the old bytes up (journal, once per step and file, and a 0600
 * FILE.ferry-bak on the host), writes new_text, runs check (argv template,
 * %f = the file to check, other escapes from ex) as mode says, and leaves
 * the old file in place on any failure.  No reload here: edit_reload().
 */
int edit_commit(struct step_ctx *ctx, struct file_edit *e, const char *new_text,
    enum edit_check mode, const struct strlist *check, const struct expand *ex);

/* runs a config command template (mta-reload, apache-reload, rndc reload %z) on h */
int host_command(struct step_ctx *ctx, const struct host *h, const struct strlist *tmpl,
    const struct expand *ex, struct strbuf *out);

/*
 * Runs a constant sh script on h with args as "$1".."$n" (each quoted as a
 * word on its way): the one way drivers use shell features remotely without
 * pasting data into a command line.  Returns the exit status; stdout in out.
 */
int host_sh(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *const *args, struct strbuf *out);
/* same with stdin bytes (a password hash travels only this way) */
int host_sh_in(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *const *args, const char *in, size_t in_len, struct strbuf *out);

/*
 * A reload owed: set (owe = 1) before a daemon's file is written, cleared
 * (owe = 0) once the daemon reloaded, so that a run killed in between finds
 * the file right but the daemon not, and reloads.  what names the daemon
 * ("apache", "mta").  owed: 1 owed, 0 not.
 */
int edit_owe_reload(struct step_ctx *ctx, const struct host *h, const char *what, int owe);
int edit_reload_owed(struct step_ctx *ctx, const struct host *h, const char *what);

/* puts the journal's backup of h:path taken by this step back, byte for byte
 * (0 also when the step never changed that file) */
int edit_restore(struct step_ctx *ctx, const struct host *h, const char *path,
    enum edit_check mode, const struct strlist *check, const struct expand *ex);

#endif
