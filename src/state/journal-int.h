/*
 * journal-int.h: what journal.c shares with journal-data.c, journal-lock.c,
 * journal-step.c and journal-cache.c; no other file includes it.
 */
#ifndef FERRY_JOURNAL_INT_H
#define FERRY_JOURNAL_INT_H

#include <sqlite3.h>

#include "journal.h"

struct journal {
	sqlite3 *db;
	char *path;
	int lock_fd;		/* JOURNAL.lock while we hold the run lock, else -1 */
	struct jcache *cache;	/* journal_preload()'s copy, NULL when none */
	struct jcache_block *retired;	/* dropped copies' strings, lent until close */
};

/* journal-cache.c: answers from journal_preload()'s copy: 1, or 0 when none held */
int jcache_step_get(struct journal *j, const char *account, const char *step,
    struct step_record *out);
int jcache_events(struct journal *j, const char *account, struct journal_event **out,
    size_t *n);
void jcache_drop(struct journal *j);	/* on a write */
void jcache_close(struct journal *j);	/* on journal_close: frees what was lent too */

/* prints "ferry: JOURNAL: what: sqlite's message", returns -1 */
int jdb_error(struct journal *j, const char *what);
/* a prepared statement with parameters bound by fmt: t text (NULL binds NULL),
 * d double, i int, b blob (pointer, size_t); NULL after a message */
sqlite3_stmt *jdb_prep(struct journal *j, const char *sql, const char *fmt, ...);
/* steps and finalizes a statement that returns no rows (st may be NULL: -1) */
int jdb_done(struct journal *j, sqlite3_stmt *st, const char *what);
/* the first row: 1 (st stays open for the caller to finalize), 0 none, -1 error */
int jdb_row(struct journal *j, sqlite3_stmt *st, const char *what);
char *jdb_column_str(sqlite3_stmt *st, int col);	/* NULL for SQL NULL */
/* BEGIN IMMEDIATE unless the caller's journal_begin is open; *own says which */
int jdb_tx_open(struct journal *j, int *own);
int jdb_tx_close(struct journal *j, int own, int rc);	/* COMMIT, or ROLLBACK if rc < 0 */
int jdb_note_account(struct journal *j, const char *account);
/* -1 with a message when s looks like a password hash */
int jdb_refuse_hash(struct journal *j, const char *account, const char *what, const char *s);

#endif
