/*
 * journal-cache.c: the journal read once for commands that show many
 * accounts.  plan, status and report over 10,000 accounts asked SQLite
 * once per step (250,000 prepared queries, 5 s: make bench); after
 * journal_preload() the step rows and events come from memory, and any
 * write (which opens a transaction) drops the copy.
 */
#include <stdlib.h>
#include <string.h>

#include "journal-int.h"
#include "log.h"

struct jstep {
	char *account, *step;
	int owns_account;	/* rows of one account share its name */
	struct step_record rec;
};

struct jev {
	char *account;
	long long id;
	struct journal_event e;
};

struct jcache {
	struct jstep *steps;
	size_t n_steps;
	size_t *slot;		/* open addressing: 1 + index into steps, 0 empty */
	size_t n_slots;		/* a power of two */
	struct jev *ev;		/* ordered by account, at, id */
	size_t n_ev;
};

static size_t
key_hash(const char *account, const char *step)
{
	size_t h = 2166136261u;

	for (; *account; account++)
		h = (h ^ (unsigned char)*account) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; *step; step++)
		h = (h ^ (unsigned char)*step) * 16777619u;
	return h;
}

static void
index_steps(struct jcache *c)
{
	size_t i, h, mask;

	for (c->n_slots = 64; c->n_slots < 2 * c->n_steps + 2; c->n_slots *= 2)
		;
	mask = c->n_slots - 1;
	c->slot = xcalloc(c->n_slots, sizeof *c->slot);
	for (i = 0; i < c->n_steps; i++) {
		for (h = key_hash(c->steps[i].account, c->steps[i].step) & mask; c->slot[h];
		    h = (h + 1) & mask)
			;
		c->slot[h] = i + 1;
	}
}

/* the previous row's name when this row is the same account's (the usual order) */
static char *
same_account(const struct jcache *c, const char *account)
{
	if (c->n_steps < 2 || account == NULL)
		return NULL;
	return strcmp(c->steps[c->n_steps - 2].account, account) == 0 ?
	    c->steps[c->n_steps - 2].account : NULL;
}

static int
load_steps(struct journal *j, struct jcache *c)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT account, step, state, started, finished,"
	    " detail, error FROM steps", "");
	size_t alloc = 0;
	struct jstep *s;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n_steps == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			c->steps = xreallocarray(c->steps, alloc, sizeof *c->steps);
		}
		s = &c->steps[c->n_steps++];
		memset(s, 0, sizeof *s);
		s->account = same_account(c, (const char *)sqlite3_column_text(st, 0));
		if (s->account == NULL) {
			s->account = jdb_column_str(st, 0);
			s->owns_account = 1;
		}
		s->step = jdb_column_str(st, 1);
		if (step_state_parse((const char *)sqlite3_column_text(st, 2), &s->rec.state) < 0)
			warn("%s: %s: %s: unknown state in the journal", j->path, s->account, s->step);
		s->rec.started = sqlite3_column_double(st, 3);
		s->rec.finished = sqlite3_column_double(st, 4);
		s->rec.detail = jdb_column_str(st, 5);
		s->rec.error = jdb_column_str(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jdb_error(j, "read steps");
}

/* account, at, id: journal_events()'s order; sorted here, SQLite's ORDER BY cost 3x */
static int
cmp_jev(const void *x, const void *y)
{
	const struct jev *a = x, *b = y;
	int c = strcmp(a->account, b->account);

	if (c)
		return c;
	if (a->e.at != b->e.at)
		return a->e.at < b->e.at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int
load_events(struct journal *j, struct jcache *c)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT id, account, step, kind, at, detail FROM events",
	    "");
	size_t alloc = 0;
	struct jev *e;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n_ev == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			c->ev = xreallocarray(c->ev, alloc, sizeof *c->ev);
		}
		e = &c->ev[c->n_ev++];
		e->id = sqlite3_column_int64(st, 0);
		e->account = jdb_column_str(st, 1);
		e->e.step = jdb_column_str(st, 2);
		e->e.kind = jdb_column_str(st, 3);
		e->e.at = sqlite3_column_double(st, 4);
		e->e.detail = jdb_column_str(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return jdb_error(j, "read events");
	if (c->n_ev > 1)
		qsort(c->ev, c->n_ev, sizeof *c->ev, cmp_jev);
	return 0;
}

void
jcache_drop(struct journal *j)
{
	struct jcache *c = j->cache;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_steps; i++) {
		if (c->steps[i].owns_account)
			free(c->steps[i].account);
		free(c->steps[i].step);
		step_record_release(&c->steps[i].rec);
	}
	for (i = 0; i < c->n_ev; i++) {
		free(c->ev[i].account);
		free(c->ev[i].e.step);
		free(c->ev[i].e.kind);
		free(c->ev[i].e.detail);
	}
	free(c->ev);
	free(c->steps);
	free(c->slot);
	free(c);
	j->cache = NULL;
}

int
journal_preload(struct journal *j)
{
	struct jcache *c;

	if (j == NULL || j->cache)
		return 0;
	c = j->cache = xcalloc(1, sizeof *c);
	if (load_steps(j, c) < 0 || load_events(j, c) < 0) {
		jcache_drop(j);
		return -1;
	}
	index_steps(c);
	return 0;
}

/* 1 answered from memory (out filled), 0 no copy held */
int
jcache_step_get(struct journal *j, const char *account, const char *step,
    struct step_record *out)
{
	struct jcache *c = j->cache;
	size_t h, ix, mask;

	if (c == NULL)
		return 0;
	mask = c->n_slots - 1;
	for (h = key_hash(account, step) & mask; (ix = c->slot[h]) != 0; h = (h + 1) & mask) {
		const struct jstep *s = &c->steps[ix - 1];

		if (strcmp(s->account, account) == 0 && strcmp(s->step, step) == 0) {
			*out = s->rec;
			out->detail = xstrdup(s->rec.detail ? s->rec.detail : "");
			out->error = s->rec.error ? xstrdup(s->rec.error) : NULL;
			return 1;
		}
	}
	memset(out, 0, sizeof *out);
	out->state = STEP_PENDING;
	out->detail = xstrdup("");
	return 1;
}

/* 1 answered from memory, 0 no copy held */
int
jcache_events(struct journal *j, const char *account, struct journal_event **out,
    size_t *n)
{
	struct jcache *c = j->cache;
	size_t lo = 0, hi, i;

	if (c == NULL)
		return 0;
	for (hi = c->n_ev; lo < hi;) {	/* the first event of the account */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->ev[mid].account, account) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < c->n_ev && strcmp(c->ev[hi].account, account) == 0; hi++)
		;
	*n = hi - lo;
	*out = *n ? xcalloc(*n, sizeof **out) : NULL;
	for (i = 0; i < *n; i++) {
		const struct journal_event *e = &c->ev[lo + i].e;

		(*out)[i].step = e->step ? xstrdup(e->step) : NULL;
		(*out)[i].kind = xstrdup(e->kind);
		(*out)[i].at = e->at;
		(*out)[i].detail = xstrdup(e->detail ? e->detail : "");
	}
	return 1;
}
