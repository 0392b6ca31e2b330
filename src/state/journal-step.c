/*
 * journal-step.c: the steps' states in the journal, one transaction per
 * change, and the refusal to store what looks like a password hash; the
 * clock and the ISO time the journal's readers print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "log.h"

int
jdb_note_account(struct journal *j, const char *account)
{
	return jdb_done(j, jdb_prep(j, "INSERT OR IGNORE INTO accounts VALUES (?)", "t", account),
	    "record account");
}

/* shaped like a crypt(3) hash: $id$ then a long run of salt/hash characters */
int
journal_looks_like_hash(const char *s)
{
	static const char *const ids[] = {
		"$1$", "$2a$", "$2b$", "$2x$", "$2y$", "$5$", "$6$", "$7$", "$y$", "$gy$",
		"$sha1$", "$md5$", "$apr1$", NULL
	};
	const char *p, *q;
	size_t i;

	for (p = s ? strchr(s, '$') : NULL; p; p = strchr(p + 1, '$'))
		for (i = 0; ids[i]; i++) {
			if (strncmp(p, ids[i], strlen(ids[i])) != 0)
				continue;
			q = p + strlen(ids[i]);
			q += strspn(q, "./0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ$=,");
			if (q - p - (long)strlen(ids[i]) >= 20)
				return 1;
		}
	return 0;
}

int
jdb_refuse_hash(struct journal *j, const char *account, const char *what, const char *s)
{
	if (!journal_looks_like_hash(s))
		return 0;
	return error("%s: %s: refusing to store what looks like a password hash in the %s",
	    j->path, account, what);
}

int
journal_step_get(struct journal *j, const char *account, const char *step,
    struct step_record *out)
{
	sqlite3_stmt *st;
	int r;

	if (jcache_step_get(j, account, step, out))
		return 0;
	memset(out, 0, sizeof *out);
	out->state = STEP_PENDING;
	st = jdb_prep(j, "SELECT state, started, finished, detail, error FROM steps"
	    " WHERE account = ? AND step = ?", "tt", account, step);
	if ((r = jdb_row(j, st, "read step")) != 1) {
		out->detail = xstrdup("");
		return r < 0 ? -1 : 0;
	}
	if (step_state_parse((const char *)sqlite3_column_text(st, 0), &out->state) < 0)
		warn("%s: %s: %s: unknown state in the journal", j->path, account, step);
	out->started = sqlite3_column_double(st, 1);
	out->finished = sqlite3_column_double(st, 2);
	out->detail = jdb_column_str(st, 3);
	if (!out->detail)
		out->detail = xstrdup("");
	out->error = jdb_column_str(st, 4);
	sqlite3_finalize(st);
	return 0;
}

void
step_record_release(struct step_record *r)
{
	free(r->detail);
	free(r->error);
	r->detail = r->error = NULL;
}

/* ?3 state ?4 now; see journal.h for which times each state keeps */
static const char step_upsert[] =
	"INSERT INTO steps (account, step, state, started, finished, detail, error)"
	" VALUES (?1, ?2, ?3,"
	"  CASE WHEN ?3 <> 'pending' THEN ?4 END,"
	"  CASE WHEN ?3 IN ('done', 'failed', 'skipped') THEN ?4 END,"
	"  coalesce(?5, ''), ?6)"
	" ON CONFLICT (account, step) DO UPDATE SET"
	"  started = CASE ?3"
	"   WHEN 'pending' THEN NULL"
	"   WHEN 'running' THEN iif(steps.state = 'waiting', steps.started, ?4)"
	"   WHEN 'waiting' THEN iif(steps.state IN ('running', 'waiting'), steps.started, ?4)"
	"   ELSE coalesce(steps.started, ?4) END,"
	"  finished = iif(?3 IN ('done', 'failed', 'skipped'), ?4, NULL),"
	"  state = ?3, detail = coalesce(?5, steps.detail), error = ?6";

int
journal_step_set(struct journal *j, const char *account, const char *step,
    enum step_state state, const char *detail, const char *err)
{
	int own, rc;

	if (jdb_refuse_hash(j, account, "step detail", detail) < 0 ||
	    jdb_refuse_hash(j, account, "step error", err) < 0)
		return -1;
	if (jdb_tx_open(j, &own) < 0)
		return -1;
	rc = jdb_note_account(j, account);
	if (rc == 0)
		rc = jdb_done(j, jdb_prep(j, step_upsert, "tttdtt", account, step,
		    step_state_name(state), now_seconds(), detail, err), "record step");
	return jdb_tx_close(j, own, rc);
}

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
format_time_iso(char *buf, size_t n, double t)
{
	long long secs = (long long)t, days = secs / 86400, rem = secs % 86400;
	long long era, doe, yoe, doy, mp, y, m, d;
	int f[6], i, k = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (t <= 0 || n < 21)
		return;
	/*
	 * Civil date from days since 1970 (H. Hinnant's days_from_civil, run
	 * backwards): no gmtime_r and strftime, which were a quarter of
	 * status --json's time at 10,000 accounts.
	 */
	days += 719468;
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	if (y > 9999)
		return;
	f[0] = (int)y; f[1] = (int)m; f[2] = (int)d;
	f[3] = (int)(rem / 3600); f[4] = (int)(rem / 60 % 60); f[5] = (int)(rem % 60);
	buf[k++] = (char)('0' + f[0] / 1000);
	buf[k++] = (char)('0' + f[0] / 100 % 10);
	for (i = 0; i < 6; i++) {
		buf[k++] = (char)('0' + f[i] / 10 % 10);
		buf[k++] = (char)('0' + f[i] % 10);
		buf[k++] = "--T::Z"[i];
	}
	buf[k] = '\0';
}
