/*
 * journal-cache.c: the journal read once for commands that show many
 * accounts.  plan, status and report over 10,000 accounts asked SQLite
 * once per step (250,000 prepared queries, 5 s: make bench); after
 * journal_preload() the step rows and events come from memory, and any
 * write (which opens a transaction) drops the copy.
 *
 * The copy is grouped by account: one hash lookup finds an account's
 * rows (a short chain) and its events (a run, in journal_events()'s
 * order), and the last account asked is remembered, since status and
 * plan ask for one account's steps in a row.  A hash keyed by account
 * and step cost a cache miss or three per step at 60,000 rows; the
 * strings live in a few large blocks rather than one malloc each.
 */
#include <stdlib.h>
#include <string.h>

#include "journal-int.h"
#include "log.h"

struct jstep {
	const char *step;
	size_t hash;		/* name_hash(step): most rows compared are not it */
	size_t next;		/* 1 + index of the account's next row, 0 last */
	struct step_record rec;	/* detail and error point into the arena */
};

struct jev {
	size_t acct;		/* index into accts */
	long long id;
	struct journal_event e;	/* strings point into the arena */
};

struct jacct {
	const char *name;
	size_t first;		/* 1 + index of its first step row, 0 none */
	size_t ev_lo, ev_n;	/* its events: ev[ev_lo .. ev_lo + ev_n) */
};

struct jcache_block {
	struct jcache_block *next;
	size_t used, size;
	char data[];
};

struct jcache {
	struct jstep *steps;
	size_t n_steps;
	struct jacct *accts;
	size_t n_accts, a_accts;
	size_t *slot;		/* open addressing: 1 + index into accts, 0 empty */
	size_t n_slots;		/* a power of two */
	struct jacct *last;	/* the account asked last */
	struct jev *ev;		/* grouped by account; each group by at, id */
	struct journal_event *evs;	/* ev's events alone, in the same order: lent */
	size_t n_ev;
	int have_ev;		/* events read (on the first question: plan asks none) */
	struct jcache_block *arena;
	char *empty;		/* "" for a pending step's detail */
};

/* a copy of s[0..len) that lives as long as the cache */
static char *
arena_dup(struct jcache *c, const char *s, size_t len)
{
	struct jcache_block *b = c->arena;
	char *p;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = len + 1 > 65536 ? len + 1 : 65536;

		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		b->next = c->arena;
		c->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

/* column col as an arena string; NULL for SQL NULL */
static char *
arena_col(struct jcache *c, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? arena_dup(c, (const char *)s, (size_t)sqlite3_column_bytes(st, col)) : NULL;
}

static size_t
name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h ^ (h >> 15);
}

/* the slot holding account name, or the empty slot where it would go */
static size_t *
acct_slot(const struct jcache *c, const char *name)
{
	size_t mask = c->n_slots - 1, h;

	for (h = name_hash(name) & mask; c->slot[h]; h = (h + 1) & mask)
		if (strcmp(c->accts[c->slot[h] - 1].name, name) == 0)
			break;
	return &c->slot[h];
}

static void
acct_rehash(struct jcache *c)
{
	size_t i;

	free(c->slot);
	c->n_slots = c->n_slots ? 2 * c->n_slots : 256;
	c->slot = xcalloc(c->n_slots, sizeof *c->slot);
	for (i = 0; i < c->n_accts; i++)
		*acct_slot(c, c->accts[i].name) = i + 1;
}

/* the index of account name, added when new */
static size_t
acct_intern(struct jcache *c, const char *name, size_t len)
{
	size_t *s;

	if (c->last && strcmp(c->last->name, name) == 0)
		return (size_t)(c->last - c->accts);
	if (2 * (c->n_accts + 1) > c->n_slots)
		acct_rehash(c);
	s = acct_slot(c, name);
	if (*s == 0) {
		if (c->n_accts == c->a_accts) {
			c->a_accts = c->a_accts ? 2 * c->a_accts : 256;
			c->accts = xreallocarray(c->accts, c->a_accts, sizeof *c->accts);
		}
		memset(&c->accts[c->n_accts], 0, sizeof *c->accts);
		c->accts[c->n_accts].name = arena_dup(c, name, len);
		*s = ++c->n_accts;
	}
	c->last = &c->accts[*s - 1];
	return *s - 1;
}

static struct jacct *
acct_find(struct jcache *c, const char *name)
{
	size_t *s;

	if (c->last && strcmp(c->last->name, name) == 0)
		return c->last;
	if (c->n_slots == 0 || *(s = acct_slot(c, name)) == 0)
		return NULL;
	return c->last = &c->accts[*s - 1];
}

/* the row's account, interned (NULL account: an empty name, as SQLite would not store) */
static size_t
row_acct(struct jcache *c, sqlite3_stmt *st, int col)
{
	const char *a = (const char *)sqlite3_column_text(st, col);

	return acct_intern(c, a ? a : "", a ? (size_t)sqlite3_column_bytes(st, col) : 0);
}

static int
load_steps(struct journal *j, struct jcache *c)
{
	sqlite3_stmt *st = jdb_prep(j, "SELECT account, step, state, started, finished,"
	    " detail, error FROM steps", "");
	size_t alloc = 0, a;
	struct jstep *s;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n_steps == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			c->steps = xreallocarray(c->steps, alloc, sizeof *c->steps);
		}
		s = &c->steps[c->n_steps];
		memset(s, 0, sizeof *s);
		a = row_acct(c, st, 0);
		s->step = arena_col(c, st, 1);
		if (s->step == NULL)
			s->step = c->empty;
		s->hash = name_hash(s->step);
		if (step_state_parse((const char *)sqlite3_column_text(st, 2), &s->rec.state) < 0)
			warn("%s: %s: %s: unknown state in the journal", j->path,
			    c->accts[a].name, s->step);
		s->rec.started = sqlite3_column_double(st, 3);
		s->rec.finished = sqlite3_column_double(st, 4);
		s->rec.detail = arena_col(c, st, 5);
		s->rec.error = arena_col(c, st, 6);
		s->next = c->accts[a].first;
		c->accts[a].first = ++c->n_steps;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jdb_error(j, "read steps");
}

/* at, id: journal_events()'s order within an account */
static int
cmp_jev(const void *x, const void *y)
{
	const struct jev *a = x, *b = y;

	if (a->e.at != b->e.at)
		return a->e.at < b->e.at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* events into runs by account (a counting sort), each run in at, id order */
static void
group_events(struct jcache *c)
{
	struct jev *g = xreallocarray(NULL, c->n_ev, sizeof *g);
	size_t i, k, pos = 0;

	for (i = 0; i < c->n_accts; i++) {
		c->accts[i].ev_lo = pos;
		pos += c->accts[i].ev_n;
		c->accts[i].ev_n = 0;
	}
	for (i = 0; i < c->n_ev; i++) {
		struct jacct *a = &c->accts[c->ev[i].acct];

		g[a->ev_lo + a->ev_n++] = c->ev[i];
	}
	free(c->ev);
	c->ev = g;
	for (i = 0; i < c->n_accts; i++) {
		struct jev *run = g + c->accts[i].ev_lo;

		for (k = 1; k < c->accts[i].ev_n && cmp_jev(&run[k - 1], &run[k]) <= 0; k++)
			;
		if (k < c->accts[i].ev_n)	/* rows come in id order: mostly sorted already */
			qsort(run, c->accts[i].ev_n, sizeof *run, cmp_jev);
	}
	c->evs = xreallocarray(NULL, c->n_ev, sizeof *c->evs);
	for (i = 0; i < c->n_ev; i++)
		c->evs[i] = g[i].e;
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
		e->acct = row_acct(c, st, 1);
		c->accts[e->acct].ev_n++;
		e->e.step = arena_col(c, st, 2);
		e->e.kind = arena_col(c, st, 3);
		e->e.at = sqlite3_column_double(st, 4);
		e->e.detail = arena_col(c, st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return jdb_error(j, "read events");
	if (c->n_ev)
		group_events(c);
	return 0;
}

/*
 * A write drops the copy; its strings stay until journal_close, since
 * journal_step_peek() lends them to callers that may still hold them.
 */
void
jcache_drop(struct journal *j)
{
	struct jcache *c = j->cache;
	struct jcache_block *b;

	if (c == NULL)
		return;
	while ((b = c->arena) != NULL) {
		c->arena = b->next;
		b->next = j->retired;
		j->retired = b;
	}
	free(c->ev);
	free(c->evs);
	free(c->steps);
	free(c->accts);
	free(c->slot);
	free(c);
	j->cache = NULL;
}

void
jcache_close(struct journal *j)
{
	struct jcache_block *b;

	jcache_drop(j);
	while ((b = j->retired) != NULL) {
		j->retired = b->next;
		free(b);
	}
}

int
journal_preload(struct journal *j)
{
	struct jcache *c;

	if (j == NULL || j->cache)
		return 0;
	c = j->cache = xcalloc(1, sizeof *c);
	c->empty = arena_dup(c, "", 0);
	if (load_steps(j, c) < 0) {
		jcache_drop(j);
		return -1;
	}
	return 0;
}

/* the account's row for step, NULL when none */
static const struct jstep *
cached_step(struct jcache *c, const char *account, const char *step)
{
	const struct jacct *a = acct_find(c, account);
	size_t ix, h;

	if (a == NULL)
		return NULL;
	h = name_hash(step);
	for (ix = a->first; ix; ix = c->steps[ix - 1].next)
		if (c->steps[ix - 1].hash == h && strcmp(c->steps[ix - 1].step, step) == 0)
			return &c->steps[ix - 1];
	return NULL;
}

int
journal_step_peek(struct journal *j, const char *account, const char *step,
    struct step_record *out)
{
	const struct jstep *s;

	if (j == NULL || j->cache == NULL)
		return 0;
	memset(out, 0, sizeof *out);
	out->state = STEP_PENDING;
	if ((s = cached_step(j->cache, account, step)) != NULL)
		*out = s->rec;
	if (out->detail == NULL)
		out->detail = j->cache->empty;
	return 1;
}

/* 1 answered from memory (out filled), 0 no copy held */
int
jcache_step_get(struct journal *j, const char *account, const char *step,
    struct step_record *out)
{
	if (!journal_step_peek(j, account, step, out))
		return 0;
	out->detail = xstrdup(out->detail);
	if (out->error)
		out->error = xstrdup(out->error);
	return 1;
}

int
journal_events_peek(struct journal *j, const char *account,
    const struct journal_event **out, size_t *n)
{
	struct jcache *c = j ? j->cache : NULL;
	const struct jacct *a;

	if (c == NULL)
		return 0;
	if (!c->have_ev) {
		c->have_ev = 1;
		if (load_events(j, c) < 0) {	/* asked SQLite instead */
			jcache_drop(j);
			return 0;
		}
	}
	a = acct_find(c, account);
	*n = a ? a->ev_n : 0;
	*out = *n ? c->evs + a->ev_lo : NULL;
	return 1;
}

/* 1 answered from memory, 0 no copy held */
int
jcache_events(struct journal *j, const char *account, struct journal_event **out,
    size_t *n)
{
	const struct journal_event *lent;
	size_t i;

	if (!journal_events_peek(j, account, &lent, n))
		return 0;
	*out = *n ? xcalloc(*n, sizeof **out) : NULL;
	for (i = 0; i < *n; i++) {
		(*out)[i].step = lent[i].step ? xstrdup(lent[i].step) : NULL;
		(*out)[i].kind = xstrdup(lent[i].kind ? lent[i].kind : "");
		(*out)[i].at = lent[i].at;
		(*out)[i].detail = xstrdup(lent[i].detail ? lent[i].detail : "");
	}
	return 1;
}
