/*
 * dns-batch.c: queued zone edits folded into the lock holder's one edit
 * (issue 8).  A process queues its change set, then waits for the edit
 * lock; the holder, before editing, reads every live queued request of
 * the same zone file and applies them with its own, so the serial rises
 * once and named reloads once.  It marks them done only after the reload:
 * if it dies before, the waiter finds its request still queued and applies
 * it itself.  Undo stays per account: a step's undo is its own change set
 * run backwards, whoever's edit carried it forwards.
 */
#include <stdlib.h>
#include <string.h>

#include "dns-batch.h"
#include "log.h"

static const char *const op_names[] = { "set-a", "add", "del", "set-ttl", "set-mx" };

/* "-" for NULL, else "=" and the text with %, tab and newline escaped */
static void
put_field(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\t');
	if (s == NULL) {
		strbuf_addch(out, '-');
		return;
	}
	strbuf_addch(out, '=');
	for (; *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\n')
			strbuf_addf(out, "%%%02X", (unsigned char)*s);
		else
			strbuf_addch(out, *s);
	}
}

void
zone_changes_encode(const struct zone_change *c, size_t n, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_addstr(out, op_names[c[i].op]);
		put_field(out, c[i].name);
		put_field(out, c[i].type);
		put_field(out, c[i].old);
		put_field(out, c[i].value);
		strbuf_addf(out, "\t%ld\t%d\n", c[i].ttl, c[i].pref);
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* one field at *p (up to a tab or the end), into the pool; -1 when malformed */
static int
get_field(const char **p, struct strlist *pool, const char **out)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = *p;
	size_t len = strcspn(s, "\t"), i;

	*out = NULL;
	*p = s + len + (s[len] == '\t');
	if (len == 1 && s[0] == '-')
		return 0;
	if (len == 0 || s[0] != '=')
		return -1;
	for (i = 1; i < len; i++) {
		if (s[i] != '%') {
			strbuf_addch(&sb, s[i]);
			continue;
		}
		if (i + 2 >= len || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
			strbuf_release(&sb);
			return -1;
		}
		strbuf_addch(&sb, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
		i += 2;
	}
	strlist_push(pool, sb.buf);
	*out = pool->v[pool->n - 1];
	strbuf_release(&sb);
	return 0;
}

static int
get_op(const char **p, enum zone_op *op)
{
	size_t len = strcspn(*p, "\t"), k;

	for (k = 0; k < sizeof op_names / sizeof op_names[0]; k++)
		if (strlen(op_names[k]) == len && strncmp(*p, op_names[k], len) == 0) {
			*op = (enum zone_op)k;
			*p += len + ((*p)[len] == '\t');
			return 0;
		}
	return -1;
}

static int
decode_line(const char *line, struct strlist *pool, struct zone_change *c)
{
	const char *p = line;
	char *end;

	memset(c, 0, sizeof *c);
	if (get_op(&p, &c->op) < 0 || get_field(&p, pool, &c->name) < 0 ||
	    get_field(&p, pool, &c->type) < 0 || get_field(&p, pool, &c->old) < 0 ||
	    get_field(&p, pool, &c->value) < 0 || c->name == NULL)
		return -1;
	c->ttl = strtol(p, &end, 10);
	if (end == p || *end != '\t')
		return -1;
	p = end + 1;
	c->pref = (int)strtol(p, &end, 10);
	return end == p || *end != '\0' ? -1 : 0;
}

int
zone_changes_decode(const char *payload, struct strlist *pool, struct zone_change **out,
    size_t *n)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = payload, *nl;
	int rc = 0;

	while (rc == 0 && *p) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			rc = -1;
			break;
		}
		strbuf_reset(&line);
		strbuf_add(&line, p, (size_t)(nl - p));
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		if ((rc = decode_line(line.buf, pool, &(*out)[*n])) == 0)
			(*n)++;
		p = nl + 1;
	}
	strbuf_release(&line);
	return rc;
}

int
zone_batch_queue(struct step_ctx *ctx, struct zone_batch *b, const char *file,
    const struct zone_change *mine, size_t n)
{
	struct strbuf payload = STRBUF_INIT;
	int r;

	b->file = xstrdup(file);
	if (ctx->dry_run || ctx->f->j == NULL)
		return 0;
	zone_changes_encode(mine, n, &payload);
	r = journal_queue_put(ctx->f->j, file, ctx->a->name, ctx->def->id, payload.buf, &b->id);
	strbuf_release(&payload);
	if (r < 0)
		b->id = 0;	/* edited alone, as before queues */
	return r;
}

/* a done request's result: "ZONE serial N by ACCOUNT" (a zone's name may hold digits) */
static void
read_result(struct zone_batch *b, const char *result)
{
	const char *by = strstr(result, " by "), *serial = strstr(result, "serial ");

	b->serial = serial ? (uint32_t)strtoul(serial + 7, NULL, 10) : 0;
	free(b->carried_by);
	b->carried_by = xstrdup(by ? by + 4 : "?");
}

/* appends the others' decodable changes after ours; one that does not decode stays queued */
static void
fold_others(struct zone_batch *b, struct edit_request *q, size_t nq)
{
	size_t i;

	b->others = xcalloc(nq + 1, sizeof *b->others);
	for (i = 0; i < nq; i++) {
		size_t before = b->n_all;

		if (q[i].id == b->id || zone_changes_decode(q[i].payload, &b->pool, &b->all,
		    &b->n_all) < 0) {
			b->n_all = before;
			edit_request_release(&q[i]);
			continue;
		}
		b->others[b->n_others++] = q[i];
	}
	free(q);
}

/* 1 when another job's edit has carried ours (b->done, b->serial, b->carried_by set) */
int
zone_batch_carried(struct step_ctx *ctx, struct zone_batch *b)
{
	struct edit_request me;

	if (b->id == 0 || b->done)
		return b->done;
	if (journal_queue_get(ctx->f->j, b->id, &me) == 1 && strcmp(me.state, "done") == 0) {
		b->done = 1;
		read_result(b, me.result);
	}
	edit_request_release(&me);
	return b->done;
}

int
zone_batch_gather(struct step_ctx *ctx, struct zone_batch *b,
    const struct zone_change *mine, size_t n)
{
	struct edit_request *q;
	size_t nq;

	b->all = xcalloc(n + 1, sizeof *b->all);
	memcpy(b->all, mine, n * sizeof *mine);
	b->n_all = n;
	if (b->id == 0)
		return 0;
	zone_batch_carried(ctx, b);
	if (journal_queue_list(ctx->f->j, b->file, &q, &nq) < 0)
		return 0;	/* ours alone */
	fold_others(b, q, nq);
	return 0;
}

void
zone_batch_alone(struct zone_batch *b, size_t n_mine)
{
	edit_requests_free(b->others, b->n_others);
	b->others = NULL;
	b->n_others = 0;
	b->n_all = n_mine;
}

int
zone_batch_finish(struct step_ctx *ctx, struct zone_batch *b, const char *zone,
    uint32_t serial)
{
	struct strbuf result = STRBUF_INIT, carried = STRBUF_INIT, note = STRBUF_INIT;
	struct journal *j = ctx->f->j;
	size_t i;
	int r = 0;

	if (b->id == 0)
		return 0;
	strbuf_addf(&result, "%s serial %u by %s", zone, serial, ctx->a->name);
	if (!b->done)
		r = journal_queue_done(j, b->id, result.buf);
	for (i = 0; i < b->n_others && r == 0; i++) {
		const struct edit_request *o = &b->others[i];

		r = journal_queue_done(j, o->id, result.buf);
		strbuf_reset(&note);
		strbuf_addf(&note, "%s serial %u: in %s's edit (%s)", zone, serial, ctx->a->name,
		    ctx->def->id);
		if (r == 0)
			r = journal_event_add(j, o->account, o->step, "dns.carried", 0, note.buf);
		strbuf_addf(&carried, "%s%s %s", carried.len ? ", " : "", o->account, o->step);
	}
	if (r == 0 && b->n_others) {
		strbuf_reset(&note);
		strbuf_addf(&note, "%s serial %u: carried %s", zone, serial, carried.buf);
		r = journal_event_add(j, ctx->a->name, ctx->def->id, "dns.batch", 0, note.buf);
		strbuf_addf(&ctx->detail, "%scarried %zu queued edit%s (%s)",
		    ctx->detail.len ? "; " : "", b->n_others, b->n_others == 1 ? "" : "s",
		    carried.buf);
	}
	strbuf_release(&result);
	strbuf_release(&carried);
	strbuf_release(&note);
	return r;
}

void
zone_batch_release(struct zone_batch *b)
{
	free(b->file);
	free(b->carried_by);
	edit_requests_free(b->others, b->n_others);
	free(b->all);
	strlist_clear(&b->pool);
	memset(b, 0, sizeof *b);
}
