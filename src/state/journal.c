/*
 * journal.c: the SQLite journal.  Every step state change is one
 * transaction, so after a crash or a power cut `run` resumes from exactly
 * what had been done.  The file is private (mode 0600, -wal and -shm too):
 * it holds backups of configuration files and the owners' addresses.
 * Here: the file, its schema and upgrades, the SQLite helpers (jdb_*), the
 * transactions and the migration row; journal-step.c the steps,
 * journal-lock.c the run lock, journal-data.c events, values and backups.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "log.h"

#define BUSY_TIMEOUT_MS	10000


/*
 * Schema upgrades, applied in order, each in its own transaction that also
 * sets PRAGMA user_version to its `to`.  Never edit a released entry: old
 * journals replay them.  Version 2 would be added by appending, e.g.
 *	{ 2, "ALTER TABLE steps ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;" },
 * and every journal at version 1 picks it up on its next open.
 */
static const struct upgrade {
	int to;
	const char *sql;
} upgrades[] = {
	{ 1,
	  "CREATE TABLE migration (\"from\" TEXT NOT NULL, \"to\" TEXT NOT NULL,"
	  "  created REAL NOT NULL);"
	  "CREATE TABLE accounts (name TEXT PRIMARY KEY);"
	  "CREATE TABLE steps (account TEXT NOT NULL, step TEXT NOT NULL,"
	  "  state TEXT NOT NULL, started REAL, finished REAL,"
	  "  detail TEXT NOT NULL DEFAULT '', error TEXT,"
	  "  PRIMARY KEY (account, step));"
	  "CREATE TABLE events (id INTEGER PRIMARY KEY, account TEXT NOT NULL,"
	  "  step TEXT, kind TEXT NOT NULL, at REAL NOT NULL,"
	  "  detail TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX events_by_account ON events (account, kind, at);"
	  "CREATE TABLE kv (account TEXT NOT NULL, key TEXT NOT NULL,"
	  "  value TEXT NOT NULL, PRIMARY KEY (account, key));"
	  "CREATE TABLE backups (id INTEGER PRIMARY KEY, account TEXT NOT NULL,"
	  "  step TEXT NOT NULL, host TEXT NOT NULL, path TEXT NOT NULL,"
	  "  data BLOB NOT NULL, existed INTEGER NOT NULL, mode INTEGER NOT NULL,"
	  "  uid INTEGER NOT NULL, gid INTEGER NOT NULL, sha256 TEXT NOT NULL,"
	  "  at REAL NOT NULL);"
	  "CREATE INDEX backups_by_step ON backups (account, step, host, path);" },
	/* queued edits of one shared file, folded into one edit (journal-queue.c) */
	{ 2,
	  "CREATE TABLE edit_queue (id INTEGER PRIMARY KEY, file TEXT NOT NULL,"
	  "  account TEXT NOT NULL, step TEXT NOT NULL, pid INTEGER NOT NULL,"
	  "  payload TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',"
	  "  result TEXT NOT NULL DEFAULT '', at REAL NOT NULL, done_at REAL);"
	  "CREATE INDEX edit_queue_by_file ON edit_queue (file, state);" },
};
#define SCHEMA_VERSION	(upgrades[sizeof upgrades / sizeof upgrades[0] - 1].to)

int
jdb_error(struct journal *j, const char *what)
{
	return error("%s: %s: %s", j->path, what, sqlite3_errmsg(j->db));
}

static int
exec(struct journal *j, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(j->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	error("%s: %s", j->path, msg ? msg : sqlite3_errmsg(j->db));
	sqlite3_free(msg);
	return -1;
}

/* binds by a format: t text (NULL binds NULL), d double, i int, b blob (ptr, size_t) */
static int
bind_va(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	const void *p;
	size_t n;
	int i, rc = SQLITE_OK;

	for (i = 0; fmt[i] && rc == SQLITE_OK; i++) {
		switch (fmt[i]) {
		case 't':
			rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			break;
		case 'd':
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		default:
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(st, i + 1, p ? p : "", n, SQLITE_TRANSIENT);
		}
	}
	return rc;
}

/* a prepared statement with its parameters bound, or NULL after a message */
sqlite3_stmt *
jdb_prep(struct journal *j, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
		jdb_error(j, "prepare");
		return NULL;
	}
	va_start(ap, fmt);
	rc = bind_va(st, fmt, ap);
	va_end(ap);
	if (rc != SQLITE_OK) {
		jdb_error(j, "bind");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* runs a statement that returns no rows */
int
jdb_done(struct journal *j, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return jdb_error(j, what);
	return 0;
}

/* the first row: 1 there is one (st stays open), 0 none, -1 error */
int
jdb_row(struct journal *j, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jdb_error(j, what);
}

char *
jdb_column_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? xstrdup((const char *)s) : NULL;
}

/* own is set when this call opened the transaction (not inside journal_begin) */
int
jdb_tx_open(struct journal *j, int *own)
{
	jcache_drop(j);		/* a write: the preloaded copy would go stale */
	*own = sqlite3_get_autocommit(j->db);
	return *own ? exec(j, "BEGIN IMMEDIATE") : 0;
}

int
jdb_tx_close(struct journal *j, int own, int rc)
{
	if (!own)
		return rc;
	if (rc < 0) {
		exec(j, "ROLLBACK");
		return -1;
	}
	return exec(j, "COMMIT");
}

/* the version stored in the file; -1 on error */
static int
user_version(struct journal *j)
{
	sqlite3_stmt *st = jdb_prep(j, "PRAGMA user_version", "");
	int v;

	if (jdb_row(j, st, "PRAGMA user_version") != 1)
		return -1;
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
apply_upgrade(struct journal *j, const struct upgrade *u)
{
	char sql[64];
	int v, rc = 0;

	if (exec(j, "BEGIN IMMEDIATE") < 0)
		return -1;
	/* re-read under the write lock: another ferry may have upgraded meanwhile */
	if ((v = user_version(j)) < 0)
		rc = -1;
	else if (v < u->to) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", u->to);
		if (exec(j, u->sql) < 0 || exec(j, sql) < 0)
			rc = -1;
	}
	return jdb_tx_close(j, 1, rc);
}

static int
upgrade_schema(struct journal *j)
{
	size_t i;
	int v = user_version(j);

	if (v < 0)
		return -1;
	if (v > SCHEMA_VERSION)
		return error("%s: journal schema version %d is newer than this ferry knows (%d)",
		    j->path, v, SCHEMA_VERSION);
	for (i = 0; i < sizeof upgrades / sizeof upgrades[0]; i++)
		if (upgrades[i].to > v && apply_upgrade(j, &upgrades[i]) < 0)
			return -1;
	return 0;
}

/* fsync the directory so a newly created journal's name survives a power cut */
static void
sync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* creates the file 0600 before SQLite sees it; tightens an existing one */
static int
secure_file(const char *path, int create)
{
	struct stat sb;
	int fd, made = 0;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		made = 1;
	else if (errno == EEXIST || !create)
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return error_errno("%s", path);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return error("%s: not a regular file", path);
	}
	if ((sb.st_mode & 077) && fchmod(fd, 0600) == 0)
		warn("%s: journal was readable by others; now mode 0600", path);
	close(fd);
	if (made)
		sync_parent(path);
	return 0;
}

static int
configure(struct journal *j)
{
	sqlite3_stmt *st;
	int r;

	sqlite3_busy_timeout(j->db, BUSY_TIMEOUT_MS);
	st = jdb_prep(j, "PRAGMA journal_mode = WAL", "");
	if ((r = jdb_row(j, st, "PRAGMA journal_mode")) != 1)
		return r < 0 ? -1 : error("%s: cannot switch to WAL mode", j->path);
	r = strcmp((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	if (r != 0)
		return error("%s: cannot switch to WAL mode", j->path);
	/*
	 * FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on
	 * power loss, and a step's state change (a mail spool moved, a DNS
	 * record changed) must never be forgotten, or a resumed run would
	 * repeat it or skip its undo.
	 */
	return exec(j, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
}

static int
open_db(struct journal *j, int create)
{
	/* one thread per process: SQLite's per-call mutexes cost a tenth of plan at 10,000 accounts */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;

	if (secure_file(j->path, create) < 0)
		return -1;
	if (sqlite3_open_v2(j->path, &j->db, flags, NULL) != SQLITE_OK)
		return jdb_error(j, "open");
	if (configure(j) < 0 || upgrade_schema(j) < 0)
		return -1;
	return 0;
}

int
journal_open(struct journal **jp, const char *path, int create)
{
	struct journal *j;
	mode_t old;
	int rc;

	*jp = NULL;
	if (!create && access(path, F_OK) < 0) {
		if (errno == ENOENT)
			return 0;
		return error_errno("%s", path);
	}
	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(path);
	j->lock_fd = -1;
	/* SQLite creates -wal and -shm with the umask in force: keep them private */
	old = umask(077);
	rc = open_db(j, create);
	umask(old);
	if (rc < 0) {
		journal_close(j);
		return -1;
	}
	*jp = j;
	return 0;
}

void
journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->lock_fd >= 0) {
		if (ftruncate(j->lock_fd, 0) < 0)
			debug("%s.lock: %s", j->path, strerror(errno));
		close(j->lock_fd);	/* releases the flock */
	}
	jcache_close(j);
	sqlite3_close_v2(j->db);
	free(j->path);
	free(j);
}

int
journal_begin(struct journal *j)
{
	return exec(j, "BEGIN IMMEDIATE");
}

int
journal_commit(struct journal *j)
{
	return exec(j, "COMMIT");
}

int
journal_rollback_tx(struct journal *j)
{
	return exec(j, "ROLLBACK");
}

int
journal_get_migration(struct journal *j, struct strbuf *from, struct strbuf *to)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT \"from\", \"to\" FROM migration LIMIT 1", "");
	int r = jdb_row(j, st, "read migration");

	if (r != 1)
		return r;
	strbuf_reset(from);
	strbuf_addstr(from, (const char *)sqlite3_column_text(st, 0));
	strbuf_reset(to);
	strbuf_addstr(to, (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 1;
}

/* a journal belongs to one migration: refuse to mix two in one file */
int
journal_set_migration(struct journal *j, const char *from, const char *to)
{
	struct strbuf of = STRBUF_INIT, ot = STRBUF_INIT;
	int r = journal_get_migration(j, &of, &ot);

	if (r == 1 && (strcmp(of.buf, from) != 0 || strcmp(ot.buf, to) != 0))
		r = error("%s: this journal is for the migration %s -> %s, not %s -> %s",
		    j->path, of.buf, ot.buf, from, to);
	else if (r == 0)
		r = jdb_done(j, jdb_prep(j, "INSERT INTO migration VALUES (?, ?, ?)", "ttd",
		    from, to, now_seconds()), "record migration");
	strbuf_release(&of);
	strbuf_release(&ot);
	return r < 0 ? -1 : 0;
}
