/*
 * journal-queue.c: requests to edit a shared file, queued in the journal
 * (which every job of run --jobs opens) so that the process holding the
 * edit lock can fold them into its one edit, one check and one reload.
 * The rows stay after they are done: which account's edit carried which
 * request is part of the record.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal-int.h"
#include "log.h"

int
journal_queue_put(struct journal *j, const char *file, const char *account,
    const char *step, const char *payload, long long *id)
{
	int own, rc;

	if (jdb_tx_open(j, &own) < 0)
		return -1;
	/* a crashed run's request of this step must not be carried after it */
	rc = jdb_done(j, jdb_prep(j, "DELETE FROM edit_queue WHERE file = ? AND account = ?"
	    " AND step = ? AND state = 'queued'", "ttt", file, account, step), "queue edit");
	if (rc == 0)
		rc = jdb_done(j, jdb_prep(j, "INSERT INTO edit_queue (file, account, step, pid,"
		    " payload, at) VALUES (?, ?, ?, ?, ?, ?)", "tttitd", file, account, step,
		    (int)getpid(), payload, now_seconds()), "queue edit");
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(j->db);
	return jdb_tx_close(j, own, rc);
}

static void
row_request(sqlite3_stmt *st, struct edit_request *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->account = jdb_column_str(st, 1);
	r->step = jdb_column_str(st, 2);
	r->pid = (long)sqlite3_column_int64(st, 3);
	r->payload = jdb_column_str(st, 4);
	r->state = jdb_column_str(st, 5);
	r->result = jdb_column_str(st, 6);
}

#define REQUEST_COLUMNS "SELECT id, account, step, pid, payload, state, result FROM edit_queue"

/* a request whose process is gone was given up: its step runs again in full */
static int
alive(long pid)
{
	return pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int
journal_queue_list(struct journal *j, const char *file, struct edit_request **out, size_t *n)
{
	sqlite3_stmt *st = jdb_prep(j, REQUEST_COLUMNS " WHERE file = ? AND state = 'queued'"
	    " ORDER BY id", "t", file);
	struct edit_request r;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_request(st, &r);
		if (!alive(r.pid)) {
			edit_request_release(&r);
			continue;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			*out = xreallocarray(*out, alloc, sizeof **out);
		}
		(*out)[(*n)++] = r;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	edit_requests_free(*out, *n);
	*out = NULL;
	*n = 0;
	return jdb_error(j, "read queued edits");
}

int
journal_queue_get(struct journal *j, long long id, struct edit_request *out)
{
	sqlite3_stmt *st = jdb_prep(j, REQUEST_COLUMNS " WHERE id = ?", "d", (double)id);
	int r = jdb_row(j, st, "read queued edit");

	memset(out, 0, sizeof *out);
	if (r != 1)
		return r;
	row_request(st, out);
	sqlite3_finalize(st);
	return 1;
}

int
journal_queue_done(struct journal *j, long long id, const char *result)
{
	int own, rc;

	if (jdb_tx_open(j, &own) < 0)
		return -1;
	rc = jdb_done(j, jdb_prep(j, "UPDATE edit_queue SET state = 'done', result = ?,"
	    " done_at = ? WHERE id = ?", "tdd", result, now_seconds(), (double)id),
	    "mark queued edit");
	return jdb_tx_close(j, own, rc);
}

void
edit_request_release(struct edit_request *r)
{
	free(r->account);
	free(r->step);
	free(r->payload);
	free(r->state);
	free(r->result);
	memset(r, 0, sizeof *r);
}

void
edit_requests_free(struct edit_request *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		edit_request_release(&v[i]);
	free(v);
}
