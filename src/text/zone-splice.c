/* zone-splice.c: the byte splices an edit is made of, and new record lines in the file's style. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"


void
zone_edits_add(struct edits *e, size_t off, size_t del, const char *ins)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 16;
		e->v = xreallocarray(e->v, e->alloc, sizeof(*e->v));
	}
	e->v[e->n].off = off;
	e->v[e->n].del = del;
	e->v[e->n].ins = xstrdup(ins);
	e->v[e->n].seq = e->n;
	e->n++;
}

void
zone_edits_release(struct edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].ins);
	free(e->v);
	free(e->deleted);
	free(e->ttl_set);
	free(e->ttl_break);
}

void
zone_edits_init(struct edits *e, const struct zone *z)
{
	memset(e, 0, sizeof(*e));
	e->deleted = xcalloc(z->n + 1, 1);
	e->ttl_set = xcalloc(z->n + 1, 1);
	e->ttl_break = xcalloc(z->n + 1, 1);
}

static int
splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
zone_edits_apply(const struct zone *z, struct edits *e, struct strbuf *out, struct strbuf *err)
{
	size_t i, pos = 0;

	if (e->n)
		qsort(e->v, e->n, sizeof(*e->v), splice_cmp);
	strbuf_reset(out);
	for (i = 0; i < e->n; i++) {
		if (e->v[i].off < pos) {
			strbuf_addf(err, "%s: two changes touch the same text", z->label);
			return -1;
		}
		strbuf_add(out, z->text + pos, e->v[i].off - pos);
		strbuf_addstr(out, e->v[i].ins);
		pos = e->v[i].off + e->v[i].del;
	}
	strbuf_add(out, z->text + pos, z->len - pos);
	return 0;
}

/* -- making the splices -- */

static const char *
eol_of(const struct zone *z, const struct zone_rr *rr)
{
	if (rr && rr->end >= 2 && z->text[rr->end - 1] == '\n')
		return z->text[rr->end - 2] == '\r' ? "\r\n" : "\n";
	return z->crlf ? "\r\n" : "\n";
}

/* pad sb's current line to column col (at least one blank) in the ref's style */
static void
pad_to(struct strbuf *sb, size_t line_start, int tabs, long col)
{
	if (tabs) {
		strbuf_addch(sb, '\t');
		return;
	}
	strbuf_addch(sb, ' ');
	while (col >= 0 && sb->len - line_start < (size_t)col)
		strbuf_addch(sb, ' ');
}

static long
col_of(const struct zone_rr *ref, const struct zone_span *t)
{
	return ref && t->len ? (long)(t->off - ref->start) : -1;
}

/* a new record line in the style of ref (the record it follows), no newline */
static void
compose(const struct zone *z, const struct zone_rr *ref, const char *origin,
    const struct prep *p, long ttl, const char *value, struct strbuf *line)
{
	struct strbuf rel = STRBUF_INIT;
	int tabs = !ref || ref->line != ref->end_line ||
	    memchr(z->text + ref->start, '\t', ref->end - ref->start);
	size_t base = line->len;

	zone_name_rel(origin, p->name, &rel);
	strbuf_addstr(line, rel.buf);
	if (ttl > 0) {
		pad_to(line, base, tabs, col_of(ref, &ref->ttl_tok));
		strbuf_addf(line, "%ld", ttl);
	}
	if (!ref || ref->class_tok.len) {
		pad_to(line, base, tabs, ref ? col_of(ref, &ref->class_tok) : -1);
		strbuf_addstr(line, "IN");
	}
	pad_to(line, base, tabs, ref ? col_of(ref, &ref->type_tok) : -1);
	strbuf_addstr(line, p->type);
	pad_to(line, base, tabs, ref ? col_of(ref, &ref->rd[0]) : -1);
	strbuf_addstr(line, value);
	strbuf_release(&rel);
}

void
zone_add_record(const struct zone *z, const struct prep *p, long ttl, const char *value,
    struct edits *e)
{
	struct strbuf line = STRBUF_INIT;
	const struct zone_rr *ref = NULL;
	size_t i, at = z->len;
	const char *origin = z->end_origin;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->rr[i].owner, p->name)) {
			ref = &z->rr[i];
			at = ref->end;
			origin = ref->origin;
		}
	if (ref && ttl > 0)
		e->ttl_break[ref - z->rr] = 1;
	if (!ref && z->n)
		ref = &z->rr[z->n - 1];
	/* without $TTL a line with no TTL takes the one above it, which another
	   change of this edit may remove or change: the new line gets that
	   value written out (and its followers inherit the same from it) */
	if (ttl <= 0 && ref && !ref->under_dollar_ttl && ref->ttl > 0)
		ttl = ref->ttl;
	if (at == z->len && z->len && z->text[z->len - 1] != '\n') {
		/* no final newline: the file keeps having none */
		strbuf_addstr(&line, eol_of(z, ref));
		compose(z, ref, origin, p, ttl, value, &line);
	} else {
		compose(z, ref, origin, p, ttl, value, &line);
		strbuf_addstr(&line, eol_of(z, ref));
	}
	zone_edits_add(e, at, 0, line.buf);
	strbuf_release(&line);
}

void
zone_del_record(const struct zone *z, size_t i, struct edits *e)
{
	zone_edits_add(e, z->rr[i].start, z->rr[i].end - z->rr[i].start, "");
	e->deleted[i] = 1;
	/* a source of the TTL its followers inherit: its own field, or (no $TTL,
	   none written, none inherited) a SOA's minimum, as BIND reads it */
	e->ttl_break[i] = z->rr[i].has_ttl || (!z->rr[i].ttl_inherited && !z->rr[i].under_dollar_ttl);
}

/* a token's separator: a blank, a line's end, a comment or a parenthesis */
static int
separates(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '(' || c == ')';
}

/*
 * A token that abuts its neighbour ('A"text"': a quoted string needs no
 * blank before it) gets a blank on that side, or the new text would join
 * the neighbour into one token ("A198.51.100.9", a fuzz-zone find).
 */
void
zone_set_token(const struct zone *z, struct edits *e, const struct zone_span *t, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	size_t end = t->off + t->len;

	if (t->off > 0 && !separates(z->text[t->off - 1]))
		strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, text);
	if (end < z->len && !separates(z->text[end]))
		strbuf_addch(&sb, ' ');
	zone_edits_add(e, t->off, t->len, sb.buf);
	strbuf_release(&sb);
}

void
zone_set_ttl_field(const struct zone *z, const struct zone_rr *rr, long ttl, struct edits *e)
{
	char num[32];
	size_t at, end;

	snprintf(num, sizeof(num), "%ld", ttl);
	if (rr->ttl_tok.len && ttl == ZONE_TTL_DEFAULT) {
		end = rr->ttl_tok.off + rr->ttl_tok.len;
		while (end < rr->end && (z->text[end] == ' ' || z->text[end] == '\t'))
			end++;
		zone_edits_add(e, rr->ttl_tok.off, end - rr->ttl_tok.off, "");
	} else if (rr->ttl_tok.len)
		zone_set_token(z, e, &rr->ttl_tok, num);
	else if (ttl != ZONE_TTL_DEFAULT) {
		/* a new field goes where a TTL is written: right after the owner */
		at = rr->type_tok.off;
		if (rr->class_tok.len && rr->class_tok.off < at)
			at = rr->class_tok.off;
		end = strlen(num);
		num[end] = at > rr->start && z->text[at - 1] == '\t' ? '\t' : ' ';
		num[end + 1] = '\0';
		zone_edits_add(e, at, 0, num);
	}
}

/* a blank owner means "the previous record's": after a deletion, write it out */
void
zone_fix_blank_owners(const struct zone *z, struct edits *e)
{
	struct strbuf rel = STRBUF_INIT;
	const struct zone_rr *prev = NULL;
	size_t i;

	for (i = 0; i < z->n; i++) {
		const struct zone_rr *rr = &z->rr[i];

		if (e->deleted[i])
			continue;
		if (!rr->owner_tok.len && (!prev || strcmp(prev->owner, rr->owner))) {
			zone_name_rel(rr->origin, rr->owner, &rel);
			zone_edits_add(e, rr->start, 0, rel.buf);
		}
		prev = rr;
	}
	strbuf_release(&rel);
}

/*
 * Without $TTL a record with no TTL field takes the previous record's.  When
 * an edit changes or removes that source, the followers get their TTL
 * written out, so their TTLs stay what they were.
 */
void
zone_pin_inherited_ttls(const struct zone *z, struct edits *e)
{
	size_t i, j;

	for (i = 0; i < z->n; i++) {
		if (!e->ttl_break[i])
			continue;
		for (j = i + 1; j < z->n && z->rr[j].ttl_inherited; j++) {
			if (e->deleted[j] || e->ttl_set[j])
				continue;
			zone_set_ttl_field(z, &z->rr[j], z->rr[j].ttl, e);
			e->ttl_set[j] = 1;
		}
	}
}

/* -- the serial, and the whole edit -- */

int
zone_soa_index(const struct zone *z, struct strbuf *err)
{
	int i = zone_find(z, "@", "SOA", 0);

	if (i < 0)
		strbuf_addf(err, "%s: no SOA record at %s", z->label, z->origin);
	return i;
}

int
zone_splice_serial(const struct zone *z, uint32_t serial, struct edits *e, struct strbuf *err)
{
	char num[16];
	int i = zone_soa_index(z, err);

	if (i < 0)
		return -1;
	snprintf(num, sizeof(num), "%lu", (unsigned long)serial);
	zone_set_token(z, e, &z->rr[i].rd[2], num);
	return 0;
}

int
zone_set_serial(const struct zone *z, uint32_t serial, struct strbuf *out, struct strbuf *err)
{
	struct edits e;
	int r;

	zone_edits_init(&e, z);
	r = zone_splice_serial(z, serial, &e, err);
	if (!r)
		r = zone_edits_apply(z, &e, out, err);
	zone_edits_release(&e);
	return r;
}
