/* journal.h: the SQLite journal (WAL, mode 0600): steps, events, backups. */
#ifndef FERRY_JOURNAL_H
#define FERRY_JOURNAL_H

#include <stddef.h>

#include "plan.h"
#include "strbuf.h"

struct journal;

/* where a step stands, as the journal keeps it */
enum step_state {
	STEP_PENDING = 0,
	STEP_RUNNING,
	STEP_DONE,
	STEP_FAILED,
	STEP_SKIPPED,
	STEP_WAITING,
};

const char *step_state_name(enum step_state s);
int step_state_parse(const char *s, enum step_state *out);

struct step_record {
	enum step_state state;	/* STEP_PENDING when the journal has no row */
	double started;		/* unix seconds, 0 if never */
	double finished;
	char *detail;		/* never NULL after journal_step_get */
	char *error;		/* NULL when none */
};

/*
 * Opens (creating with mode 0600 when create is set) and upgrades the schema.
 * Returns -1 with a message on error.  A missing file with create == 0 is
 * not an error: *jp is set to NULL and 0 returned, so read-only commands on
 * a fresh config show everything pending.
 */
int journal_open(struct journal **jp, const char *path, int create);
void journal_close(struct journal *j);
/* An exclusive run lock: a second ferry on the same journal gets -1 and a message. */
int journal_lock_run(struct journal *j);
/*
 * In a forked helper that does not exec (flocks are inherited by fork): let
 * go of our copy of the run lock, so a helper outliving a killed ferry does
 * not keep the next run out.  The parent keeps the lock.
 */
void journal_lock_forget(struct journal *j);

int journal_begin(struct journal *j);
int journal_commit(struct journal *j);
int journal_rollback_tx(struct journal *j);

int journal_set_migration(struct journal *j, const char *from, const char *to);

int journal_step_get(struct journal *j, const char *account, const char *step,
    struct step_record *out);
void step_record_release(struct step_record *r);
/*
 * One transaction (or part of the caller's, inside journal_begin).  started
 * is set when entering RUNNING (kept when resuming from WAITING), or with
 * finished by a step that ends without having run (found done, marked by
 * hand); finished on DONE/FAILED/SKIPPED; PENDING clears both (rollback).  A NULL detail keeps
 * the stored one; error is replaced (NULL clears it).
 */
int journal_step_set(struct journal *j, const char *account, const char *step,
    enum step_state state, const char *detail, const char *error);

/*
 * timestamped events for downtime windows (downtime.h measures them); when
 * <= 0 means now.  The kinds, and who emits them:
 *
 *   files.start  phase1.2   the owner's freeze notice was accepted by the MTA
 *   files.end    phase1.3   the final rsync and its verification pass finished
 *                           (the owner is still asked to keep still during both)
 *   mail.start   phase1.7   the spool was moved (mail now split across hosts)
 *   mail.end     phase1.10  late mail that reached the old host was moved
 *   mush.start   phase1.1   the game stopped on the old host (mush-freeze =
 *                           stop); with announce, phase2.4 when it stops the
 *                           old game
 *   mush.end     phase1.4   the game answers on the new host's port; with
 *                           announce, phase2.4 again, right after it checks
 *                           the new game still answers (a near-zero window)
 *   web.down     any step   a probe found no host serving the site
 *   web.up       any step   the site is served again after a web.down
 */
#define EV_FILES_START	"files.start"
#define EV_FILES_END	"files.end"
#define EV_MAIL_START	"mail.start"
#define EV_MAIL_END	"mail.end"
#define EV_MUSH_START	"mush.start"
#define EV_MUSH_END	"mush.end"
#define EV_WEB_DOWN	"web.down"
#define EV_WEB_UP	"web.up"

int journal_event_add(struct journal *j, const char *account, const char *step,
    const char *kind, double when, const char *detail);
/* the latest event of that kind: 1 found, 0 none, -1 error */
int journal_event_time(struct journal *j, const char *account, const char *kind,
    double *when);

/* one account's events, oldest first (ties in insertion order) */
struct journal_event {
	char *step, *kind, *detail;	/* detail never NULL */
	double at;
};
int journal_events(struct journal *j, const char *account,
    struct journal_event **out, size_t *n);
void journal_events_free(struct journal_event *ev, size_t n);

/* small per-account facts steps keep between runs (old TTL, serial planned, ...) */
int journal_kv_set(struct journal *j, const char *account, const char *key,
    const char *value);
int journal_kv_get(struct journal *j, const char *account, const char *key,
    struct strbuf *out);	/* 1 found, 0 not, -1 error */
int journal_kv_del(struct journal *j, const char *account, const char *key);

/*
 * The journal never holds a password hash: text written through this API
 * (detail, error, kv values, event details) is refused with an error when it
 * holds something shaped like a crypt(3) hash ("$6$salt$..."), and so is a
 * backup of a shadow file.  Exposed for the tests.
 */
int journal_looks_like_hash(const char *s);

/*
 * the original bytes of a file before a step changed it.  put computes the
 * sha256 of data itself (b->sha256 is ignored); get fills it and fails when
 * the stored bytes no longer match it.  existed == 0: the step created the
 * file, undo removes it.
 */
struct backup {
	char *host, *path;
	struct strbuf data;
	int existed;
	unsigned mode, uid, gid;
	char sha256[65];
	char *account, *step;	/* who took it (when read from the journal) */
};
int journal_backup_put(struct journal *j, const char *account, const char *step,
    const struct backup *b);
/* the first backup this step took of host:path: 1 found, 0 not, -1 error */
int journal_backup_get(struct journal *j, const char *account, const char *step,
    const char *host, const char *path, struct backup *out);
/* the first backup of host:path that any account took after this step's
   own (its bytes are what this step left there): 1 found, 0 not, -1 error */
int journal_backup_next(struct journal *j, const char *account, const char *step,
    const char *host, const char *path, struct backup *out);
void backup_release(struct backup *b);

/* forgets the backups one step took (after its undo put them back) */
int journal_backup_drop(struct journal *j, const char *account, const char *step);

/* every backup the account's steps took, oldest first: for rollback and report */
int journal_backup_list(struct journal *j, const char *account,
    struct strlist *steps, struct strlist *hosts, struct strlist *paths);

/* the migration the journal was created for: 1 found, 0 none yet, -1 error */
int journal_get_migration(struct journal *j, struct strbuf *from, struct strbuf *to);

/*
 * Reads every step row and event once, for commands that show many
 * accounts: journal_step_get() and journal_events() then answer from
 * memory; the first write drops the copy.  j may be NULL (nothing to do).
 */
int journal_preload(struct journal *j);
/*
 * journal_step_get() from the preloaded copy without copying: out's detail
 * and error are lent (never NULL detail; not to be freed nor changed) and
 * stay valid until journal_close, writes notwithstanding.  1 answered, 0
 * no copy held (ask journal_step_get).
 */
int journal_step_peek(struct journal *j, const char *account, const char *step,
    struct step_record *out);
/* journal_events() from the preloaded copy, lent until the next write: 1, or 0 no copy */
int journal_events_peek(struct journal *j, const char *account,
    const struct journal_event **out, size_t *n);

/*
 * Queued edits of one shared file (issue 8, run --jobs): a process that is
 * to edit FILE ("HOST:PATH") leaves its change here as data (payload, the
 * caller's format) before it waits for the edit lock; whoever holds the
 * lock folds every live queued request of FILE into its one edit and marks
 * them done with a result; the waiter, once it holds the lock, finds its
 * request done (its change is in place) or applies it itself.  A request
 * stays queued until done, so a crashed lock holder loses none.
 */
struct edit_request {
	long long id;
	char *account, *step, *payload, *state, *result;
	long pid;
};
/* queues a request (first dropping the account's older ones for that step and file) */
int journal_queue_put(struct journal *j, const char *file, const char *account,
    const char *step, const char *payload, long long *id);
/* FILE's requests still queued whose process lives, oldest first */
int journal_queue_list(struct journal *j, const char *file, struct edit_request **out,
    size_t *n);
/* one request: 1 found, 0 gone, -1 error */
int journal_queue_get(struct journal *j, long long id, struct edit_request *out);
int journal_queue_done(struct journal *j, long long id, const char *result);
void edit_request_release(struct edit_request *r);
void edit_requests_free(struct edit_request *v, size_t n);

double now_seconds(void);	/* wall clock, sub-second */
void format_time_iso(char *buf, size_t n, double t);	/* 2026-11-24T18:00:00Z; "" for t <= 0 */

#endif
