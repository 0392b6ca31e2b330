/*
 * journal-data.c: the journal's events, per-account values and file backups.
 * (journal.c keeps the file and the schema, journal-lock.c the run lock,
 * journal-step.c the steps.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "log.h"
#include "sha256.h"

int
journal_event_add(struct journal *j, const char *account, const char *step,
    const char *kind, double when, const char *detail)
{
	int own, rc;

	if (jdb_refuse_hash(j, account, "event detail", detail) < 0 || jdb_tx_open(j, &own) < 0)
		return -1;
	rc = jdb_note_account(j, account);
	if (rc == 0)
		rc = jdb_done(j, jdb_prep(j, "INSERT INTO events (account, step, kind, at, detail)"
		    " VALUES (?, ?, ?, ?, ?)", "tttdt", account, step, kind,
		    when > 0 ? when : now_seconds(), detail ? detail : ""), "record event");
	return jdb_tx_close(j, own, rc);
}

int
journal_event_time(struct journal *j, const char *account, const char *kind, double *when)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT at FROM events WHERE account = ? AND kind = ?"
	    " ORDER BY at DESC, id DESC LIMIT 1", "tt", account, kind);
	int r = jdb_row(j, st, "read event");

	if (r != 1)
		return r;
	*when = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return 1;
}

int
journal_events(struct journal *j, const char *account, struct journal_event **out, size_t *n)
{
	sqlite3_stmt *st;
	struct journal_event *ev = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (jcache_events(j, account, out, n))
		return 0;
	st = jdb_prep(j, "SELECT step, kind, at, detail FROM events"
	    " WHERE account = ? ORDER BY at, id", "t", account);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			ev = xreallocarray(ev, alloc, sizeof *ev);
		}
		ev[*n].step = jdb_column_str(st, 0);
		ev[*n].kind = jdb_column_str(st, 1);
		ev[*n].at = sqlite3_column_double(st, 2);
		ev[*n].detail = jdb_column_str(st, 3);
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = ev;
	if (rc != SQLITE_DONE) {
		journal_events_free(ev, *n);
		*out = NULL;
		*n = 0;
		return jdb_error(j, "read events");
	}
	return 0;
}

void
journal_events_free(struct journal_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ev[i].step);
		free(ev[i].kind);
		free(ev[i].detail);
	}
	free(ev);
}

int
journal_kv_set(struct journal *j, const char *account, const char *key, const char *value)
{
	int own, rc;

	if (jdb_refuse_hash(j, account, key, value) < 0 || jdb_tx_open(j, &own) < 0)
		return -1;
	rc = jdb_note_account(j, account);
	if (rc == 0)
		rc = jdb_done(j, jdb_prep(j, "INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", "ttt",
		    account, key, value), "record value");
	return jdb_tx_close(j, own, rc);
}

int
journal_kv_get(struct journal *j, const char *account, const char *key, struct strbuf *out)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT value FROM kv WHERE account = ? AND key = ?",
	    "tt", account, key);
	int r = jdb_row(j, st, "read value");

	if (r != 1)
		return r;
	strbuf_reset(out);
	strbuf_addstr(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 1;
}

int
journal_kv_del(struct journal *j, const char *account, const char *key)
{
	return jdb_done(j, jdb_prep(j, "DELETE FROM kv WHERE account = ? AND key = ?", "tt",
	    account, key), "delete value");
}

static int
is_shadow_file(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strcmp(base, "shadow") == 0 || strcmp(base, "gshadow") == 0 ||
	    strcmp(base, "shadow-") == 0 || strcmp(base, "master.passwd") == 0;
}

int
journal_backup_put(struct journal *j, const char *account, const char *step,
    const struct backup *b)
{
	char sum[65];
	int own, rc;

	if (is_shadow_file(b->path))
		return error("%s: %s: %s: refusing to keep a copy of %s (password hashes)",
		    j->path, account, step, b->path);
	sha256_hex(b->data.buf, b->data.len, sum);
	if (jdb_tx_open(j, &own) < 0)
		return -1;
	rc = jdb_note_account(j, account);
	if (rc == 0)
		rc = jdb_done(j, jdb_prep(j, "INSERT INTO backups (account, step, host, path, data,"
		    " existed, mode, uid, gid, sha256, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		    "ttttbiiiitd", account, step, b->host, b->path, b->data.buf, b->data.len,
		    b->existed ? 1 : 0, (int)b->mode, (int)b->uid, (int)b->gid, sum,
		    now_seconds()), "record backup");
	return jdb_tx_close(j, own, rc);
}

static int
read_backup(struct journal *j, sqlite3_stmt *st, struct backup *out)
{
	const void *data = sqlite3_column_blob(st, 0);
	int len = sqlite3_column_bytes(st, 0);
	char sum[65];

	if (data)
		strbuf_add(&out->data, data, (size_t)len);
	out->existed = sqlite3_column_int(st, 1);
	out->mode = (unsigned)sqlite3_column_int(st, 2);
	out->uid = (unsigned)sqlite3_column_int(st, 3);
	out->gid = (unsigned)sqlite3_column_int(st, 4);
	snprintf(out->sha256, sizeof out->sha256, "%s", (const char *)sqlite3_column_text(st, 5));
	sha256_hex(out->data.buf, out->data.len, sum);
	if (strcmp(sum, out->sha256) != 0)
		return error("%s: backup of %s:%s is damaged (sha256 %s, stored %s)",
		    j->path, out->host, out->path, sum, out->sha256);
	return 0;
}

/* the first row of sql (?1 host, ?2 path, ?3 account, ?4 step) into out */
static int
backup_query(struct journal *j, const char *sql, const char *account, const char *step,
    const char *host, const char *path, struct backup *out)
{
	sqlite3_stmt *st;
	int r;

	memset(out, 0, sizeof *out);
	strbuf_init(&out->data);
	st = jdb_prep(j, sql, "tttt", host, path, account, step);
	if ((r = jdb_row(j, st, "read backup")) != 1)
		return r;
	out->host = xstrdup(host);
	out->path = xstrdup(path);
	out->account = jdb_column_str(st, 6);
	out->step = jdb_column_str(st, 7);
	r = read_backup(j, st, out);
	sqlite3_finalize(st);
	return r < 0 ? -1 : 1;
}

#define BACKUP_COLUMNS "SELECT data, existed, mode, uid, gid, sha256, account, step FROM backups"

int
journal_backup_get(struct journal *j, const char *account, const char *step,
    const char *host, const char *path, struct backup *out)
{
	return backup_query(j, BACKUP_COLUMNS
	    " WHERE host = ?1 AND path = ?2 AND account = ?3 AND step = ?4"
	    " ORDER BY id LIMIT 1", account, step, host, path, out);
}

int
journal_backup_next(struct journal *j, const char *account, const char *step,
    const char *host, const char *path, struct backup *out)
{
	return backup_query(j, BACKUP_COLUMNS
	    " WHERE host = ?1 AND path = ?2 AND id > (SELECT min(id) FROM backups"
	    "  WHERE account = ?3 AND step = ?4 AND host = ?1 AND path = ?2)"
	    " AND NOT (account = ?3 AND step = ?4)"
	    " ORDER BY id LIMIT 1", account, step, host, path, out);
}

int
journal_backup_drop(struct journal *j, const char *account, const char *step)
{
	return jdb_done(j, jdb_prep(j, "DELETE FROM backups WHERE account = ? AND step = ?",
	    "tt", account, step), "drop backups");
}

void
backup_release(struct backup *b)
{
	free(b->host);
	free(b->path);
	free(b->account);
	free(b->step);
	b->host = b->path = b->account = b->step = NULL;
	strbuf_release(&b->data);
}

int
journal_backup_list(struct journal *j, const char *account,
    struct strlist *steps, struct strlist *hosts, struct strlist *paths)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT step, host, path FROM backups"
	    " WHERE account = ? ORDER BY id", "t", account);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strlist_push(steps, (const char *)sqlite3_column_text(st, 0));
		strlist_push(hosts, (const char *)sqlite3_column_text(st, 1));
		strlist_push(paths, (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jdb_error(j, "read backups");
}

static const char *const state_names[] = {
	"pending", "running", "done", "failed", "skipped", "waiting"
};

const char *
step_state_name(enum step_state s)
{
	return state_names[s];
}

int
step_state_parse(const char *s, enum step_state *out)
{
	int i;

	for (i = 0; i < 6; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum step_state)i;
			return 0;
		}
	return -1;
}
