/* zone-edit.c: changing records in a zone's text, every other byte kept. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

/* replace del bytes at off with ins; seq keeps inserts at one offset in order */
struct splice {
	size_t off, del;
	char *ins;
	size_t seq;
};

struct edits {
	struct splice *v;
	size_t n, alloc;
	/* per record: deleted; its TTL field written; what follows it no longer
	   inherits its TTL (no $TTL, RFC 1035 style) */
	unsigned char *deleted, *ttl_set, *ttl_break;
};


static void
edits_add(struct edits *e, size_t off, size_t del, const char *ins)
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

static void
edits_release(struct edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].ins);
	free(e->v);
	free(e->deleted);
	free(e->ttl_set);
	free(e->ttl_break);
}

static void
edits_init(struct edits *e, const struct zone *z)
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

static int
edits_apply(const struct zone *z, struct edits *e, struct strbuf *out, struct strbuf *err)
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

/* -- canonical forms of what a change names -- */

/* rdata as the parser would store it, by parsing a one-record zone */
static char *
canon_rdata(const struct zone *z, const char *type, const char *value, struct strbuf *err)
{
	struct zone t = ZONE_INIT;
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	char *r = NULL;

	strbuf_addf(&text, "@ 1 IN %s %s\n", type, value);
	/* the value must be all data: no comment, no parentheses, one line */
	if (strpbrk(value, "\r\n()") ||
	    zone_parse(&t, z->label, z->origin, text.buf, text.len, &why) < 0 || t.n != 1 ||
	    t.rr[0].rd[t.rr[0].n_rd - 1].off + t.rr[0].rd[t.rr[0].n_rd - 1].len != text.len - 1)
		strbuf_addf(err, "%s: bad %s data: %s", z->label, type, value);
	else
		r = xstrdup(t.rr[0].rdata);
	zone_release(&t);
	strbuf_release(&text);
	strbuf_release(&why);
	return r;
}

static char *
canon_host(const struct zone *z, const char *host)
{
	struct strbuf sb = STRBUF_INIT;

	zone_name_abs(z, host, &sb);
	strbuf_addch(&sb, '.');
	return strbuf_detach(&sb);
}

const char *const zone_op_names[] = { "set A", "add", "remove", "set TTL", "set MX" };

static int
prep_one(const struct zone *z, const struct zone_change *c, struct prep *p, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	int mx = c->op == ZONE_SET_MX;

	memset(p, 0, sizeof(*p));
	p->c = c;
	zone_name_abs(z, c->name ? c->name : "@", &sb);
	p->name = strbuf_detach(&sb);
	p->type = xstrdup(c->op == ZONE_SET_A ? "A" : mx ? "MX" : c->type ? c->type : "");
	if (!zone_name_in(z->origin, p->name) || !*p->type ||
	    ((c->op == ZONE_SET_A || c->op == ZONE_ADD || mx) && !c->value) ||
	    (mx && !c->old)) {
		strbuf_addf(err, "%s: %s %s %s: not a change this zone (%s) can take",
		    z->label, zone_op_names[c->op], p->name, p->type, z->origin);
		return -1;
	}
	if (c->op == ZONE_SET_A) {
		struct in_addr a;

		if (inet_pton(AF_INET, c->value, &a) != 1) {
			strbuf_addf(err, "%s: not an IPv4 address: %s", z->label, c->value);
			return -1;
		}
	}
	if (mx) {
		p->old = canon_host(z, c->old);
		p->value = canon_host(z, c->value);
		return 0;
	}
	if (c->old && !(p->old = canon_rdata(z, p->type, c->old, err)))
		return -1;
	if (c->value && !(p->value = canon_rdata(z, p->type, c->value, err)))
		return -1;
	return 0;
}

void
zone_prep_free(struct prep *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].type);
		free(p[i].old);
		free(p[i].value);
	}
	free(p);
}

struct prep *
zone_prep_all(const struct zone *z, const struct zone_change *c, size_t n, struct strbuf *err)
{
	struct prep *p = xcalloc(n ? n : 1, sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++)
		if (prep_one(z, &c[i], &p[i], err) < 0) {
			zone_prep_free(p, i + 1);
			return NULL;
		}
	return p;
}

static int
rd_is(const struct zone_rr *rr, const char *rdata)
{
	return rdata && !strcmp(rr->rdata, rdata);
}

static int
mx_is(const struct zone_rr *rr, const char *host)
{
	const char *h = zone_mx_host(rr);

	return h && host && !strcmp(h, host);
}

/* the change p names rr: the records it may alter */
int
zone_names_rr(const struct prep *p, const struct zone_rr *rr)
{
	if (strcmp(rr->owner, p->name) || strcasecmp(rr->type, p->type))
		return 0;
	switch (p->c->op) {
	case ZONE_SET_A:
		return !p->old || rd_is(rr, p->old) || rd_is(rr, p->value);
	case ZONE_ADD:
		return rd_is(rr, p->value);
	case ZONE_DEL:
	case ZONE_SET_TTL:
		return !p->old || rd_is(rr, p->old);
	case ZONE_SET_MX:
		return mx_is(rr, p->old) || mx_is(rr, p->value);
	}
	return 0;
}

/* -- is it done already? -- */

static int
count_where(const struct zone *z, const struct prep *p, int (*pred)(const struct zone_rr *,
    const char *), const char *arg)
{
	size_t i;
	int n = 0;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->rr[i].owner, p->name) && !strcasecmp(z->rr[i].type, p->type) &&
		    (!pred || pred(&z->rr[i], arg)))
			n++;
	return n;
}

static int
ttl_done(const struct zone *z, const struct prep *p, struct strbuf *err)
{
	size_t i;
	int n = 0, done = 1;

	for (i = 0; i < z->n; i++) {
		const struct zone_rr *rr = &z->rr[i];

		if (strcmp(rr->owner, p->name) || strcasecmp(rr->type, p->type) ||
		    (p->old && !rd_is(rr, p->old)))
			continue;
		n++;
		if (p->c->ttl == ZONE_TTL_DEFAULT ? rr->has_ttl : !rr->has_ttl || rr->ttl != p->c->ttl)
			done = 0;
	}
	if (!n) {
		strbuf_addf(err, "%s: %s has no %s record to set the TTL of", z->label, p->name, p->type);
		return -1;
	}
	return done;
}

int
zone_in_place(const struct zone *z, const struct prep *p, struct strbuf *err)
{
	int all = count_where(z, p, NULL, NULL);

	switch (p->c->op) {
	case ZONE_SET_A:
		if (p->old && count_where(z, p, rd_is, p->old) == 0 &&
		    count_where(z, p, rd_is, p->value) > 0)
			return 1;
		if ((p->old && !count_where(z, p, rd_is, p->old)) || !all) {
			strbuf_addf(err, "%s: %s has no A record%s%s", z->label, p->name,
			    p->old ? " holding " : "", p->old ? p->old : "");
			return -1;
		}
		return !p->old && count_where(z, p, rd_is, p->value) == all;
	case ZONE_ADD:
		return count_where(z, p, rd_is, p->value) > 0;
	case ZONE_DEL:
		return (p->old ? count_where(z, p, rd_is, p->old) : all) == 0;
	case ZONE_SET_TTL:
		return ttl_done(z, p, err);
	case ZONE_SET_MX:
		return count_where(z, p, mx_is, p->value) > 0 && !count_where(z, p, mx_is, p->old);
	}
	return -1;
}

int
zone_change_in_place(const struct zone *z, const struct zone_change *c, struct strbuf *err)
{
	struct prep *p = zone_prep_all(z, c, 1, err);
	int r;

	if (!p)
		return -1;
	r = zone_in_place(z, p, err);
	zone_prep_free(p, 1);
	return r;
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

static void
add_record(const struct zone *z, const struct prep *p, long ttl, const char *value,
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
	edits_add(e, at, 0, line.buf);
	strbuf_release(&line);
}

static void
del_record(const struct zone *z, size_t i, struct edits *e)
{
	edits_add(e, z->rr[i].start, z->rr[i].end - z->rr[i].start, "");
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
static void
set_token(const struct zone *z, struct edits *e, const struct zone_span *t, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	size_t end = t->off + t->len;

	if (t->off > 0 && !separates(z->text[t->off - 1]))
		strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, text);
	if (end < z->len && !separates(z->text[end]))
		strbuf_addch(&sb, ' ');
	edits_add(e, t->off, t->len, sb.buf);
	strbuf_release(&sb);
}

static void
set_ttl_field(const struct zone *z, const struct zone_rr *rr, long ttl, struct edits *e)
{
	char num[32];
	size_t at, end;

	snprintf(num, sizeof(num), "%ld", ttl);
	if (rr->ttl_tok.len && ttl == ZONE_TTL_DEFAULT) {
		end = rr->ttl_tok.off + rr->ttl_tok.len;
		while (end < rr->end && (z->text[end] == ' ' || z->text[end] == '\t'))
			end++;
		edits_add(e, rr->ttl_tok.off, end - rr->ttl_tok.off, "");
	} else if (rr->ttl_tok.len)
		set_token(z, e, &rr->ttl_tok, num);
	else if (ttl != ZONE_TTL_DEFAULT) {
		/* a new field goes where a TTL is written: right after the owner */
		at = rr->type_tok.off;
		if (rr->class_tok.len && rr->class_tok.off < at)
			at = rr->class_tok.off;
		end = strlen(num);
		num[end] = at > rr->start && z->text[at - 1] == '\t' ? '\t' : ' ';
		num[end + 1] = '\0';
		edits_add(e, at, 0, num);
	}
}

static int
apply_set_a(const struct zone *z, const struct prep *p, struct edits *e, struct strbuf *err)
{
	size_t i;
	int n = 0;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->rr[i].owner, p->name) && !strcmp(z->rr[i].type, "A") &&
		    (!p->old || rd_is(&z->rr[i], p->old)) && ++n)
			set_token(z, e, &z->rr[i].rd[0], p->c->value);
	if (!p->old && n > 1) {
		strbuf_addf(err, "%s: %s has %d A records: say which one to change",
		    z->label, p->name, n);
		return -1;
	}
	return 0;
}

static int
apply_matching(const struct zone *z, const struct prep *p, struct edits *e, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		const struct zone_rr *rr = &z->rr[i];

		if (strcmp(rr->owner, p->name) || strcasecmp(rr->type, p->type) ||
		    (p->old && !rd_is(rr, p->old)))
			continue;
		/* two TTLs inserted where none was written would not overlap as splices */
		if (e->ttl_set[i] || e->deleted[i]) {
			strbuf_addf(err, "%s: two changes touch the same text", z->label);
			return -1;
		}
		if (p->c->op == ZONE_SET_TTL && p->c->ttl == ZONE_TTL_DEFAULT && rr->has_ttl &&
		    !rr->under_dollar_ttl) {
			strbuf_addf(err, "%s:%d: %s %s has no $TTL to fall back to", z->label,
			    rr->line, p->name, p->type);
			return -1;
		}
		if (p->c->op == ZONE_DEL)
			del_record(z, i, e);
		else {
			set_ttl_field(z, rr, p->c->ttl, e);
			e->ttl_set[i] = e->ttl_break[i] = 1;
		}
	}
	return 0;
}

static void
apply_set_mx(const struct zone *z, const struct prep *p, struct edits *e)
{
	char pref[16];
	size_t i;
	int have_new = count_where(z, p, mx_is, p->value) > 0;

	snprintf(pref, sizeof(pref), "%d", p->c->pref);
	for (i = 0; i < z->n; i++) {
		if (strcmp(z->rr[i].owner, p->name) || !mx_is(&z->rr[i], p->old))
			continue;
		if (have_new)
			del_record(z, i, e);
		else {
			/* the old host's record becomes the new host's, in its place */
			if (p->c->pref >= 0)
				set_token(z, e, &z->rr[i].rd[0], pref);
			set_token(z, e, &z->rr[i].rd[1], p->value);
			have_new = 1;
		}
	}
	if (!have_new) {
		struct strbuf v = STRBUF_INIT;

		strbuf_addf(&v, "%d %s", p->c->pref >= 0 ? p->c->pref : 10, p->value);
		add_record(z, p, -1, v.buf, e);
		strbuf_release(&v);
	}
}

static int
apply_one(const struct zone *z, const struct prep *p, struct edits *e, struct strbuf *err)
{
	switch (p->c->op) {
	case ZONE_SET_A:
		return apply_set_a(z, p, e, err);
	case ZONE_ADD:
		add_record(z, p, p->c->ttl, p->c->value, e);
		return 0;
	case ZONE_DEL:
	case ZONE_SET_TTL:
		return apply_matching(z, p, e, err);
	case ZONE_SET_MX:
		apply_set_mx(z, p, e);
		return 0;
	}
	return -1;
}

/* a blank owner means "the previous record's": after a deletion, write it out */
static void
fix_blank_owners(const struct zone *z, struct edits *e)
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
			edits_add(e, rr->start, 0, rel.buf);
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
static void
pin_inherited_ttls(const struct zone *z, struct edits *e)
{
	size_t i, j;

	for (i = 0; i < z->n; i++) {
		if (!e->ttl_break[i])
			continue;
		for (j = i + 1; j < z->n && z->rr[j].ttl_inherited; j++) {
			if (e->deleted[j] || e->ttl_set[j])
				continue;
			set_ttl_field(z, &z->rr[j], z->rr[j].ttl, e);
			e->ttl_set[j] = 1;
		}
	}
}

/* -- the serial, and the whole edit -- */

static int
soa_index(const struct zone *z, struct strbuf *err)
{
	int i = zone_find(z, "@", "SOA", 0);

	if (i < 0)
		strbuf_addf(err, "%s: no SOA record at %s", z->label, z->origin);
	return i;
}

static int
splice_serial(const struct zone *z, uint32_t serial, struct edits *e, struct strbuf *err)
{
	char num[16];
	int i = soa_index(z, err);

	if (i < 0)
		return -1;
	snprintf(num, sizeof(num), "%lu", (unsigned long)serial);
	set_token(z, e, &z->rr[i].rd[2], num);
	return 0;
}

int
zone_set_serial(const struct zone *z, uint32_t serial, struct strbuf *out, struct strbuf *err)
{
	struct edits e;
	int r;

	edits_init(&e, z);
	r = splice_serial(z, serial, &e, err);
	if (!r)
		r = edits_apply(z, &e, out, err);
	edits_release(&e);
	return r;
}

/* the splices of the changes not yet in place; how many, or -1 */
static int
plan_edits(const struct zone *z, const struct prep *p, size_t n, struct edits *e,
    struct strbuf *err)
{
	size_t i;
	int applied = 0, r;

	for (i = 0; i < n; i++) {
		if ((r = zone_in_place(z, &p[i], err)) < 0)
			return -1;
		if (r)
			continue;
		if (apply_one(z, &p[i], e, err) < 0)
			return -1;
		applied++;
	}
	return applied;
}

int
zone_edit(const struct zone *z, const struct zone_change *c, size_t n,
    struct zone_bump *b, struct strbuf *out, struct strbuf *err)
{
	struct prep *p = zone_prep_all(z, c, n, err);
	struct edits e;
	uint32_t serial = 0;
	int applied;

	if (!p)
		return -1;
	edits_init(&e, z);
	applied = plan_edits(z, p, n, &e, err);
	if (applied > 0) {
		fix_blank_owners(z, &e);
		pin_inherited_ttls(z, &e);
	}
	if (applied > 0 && b) {
		if (zone_soa_serial(z, &serial) < 0 && soa_index(z, err) < 0)
			applied = -1;
		else {
			b->new_serial = zone_serial_next(serial, b);
			if (splice_serial(z, b->new_serial, &e, err) < 0)
				applied = -1;
		}
	} else if (b && !zone_soa_serial(z, &serial))
		b->new_serial = serial;
	if (applied >= 0 && edits_apply(z, &e, out, err) < 0)
		applied = -1;
	if (applied > 0 && zone_check_texts(z->label, z->origin, z->text, z->len, out->buf, out->len,
	    c, n, (b ? ZONE_CHECK_BUMP : 0) | ZONE_CHECK_IN_PLACE, err) < 0)
		applied = -1;
	edits_release(&e);
	zone_prep_free(p, n);
	return applied;
}

int
zone_set_a(const struct zone *z, const char *name, const char *addr,
    struct zone_bump *b, struct strbuf *out, struct strbuf *err)
{
	struct zone_change c = { .op = ZONE_SET_A, .name = name, .value = addr };

	return zone_edit(z, &c, 1, b, out, err);
}

int
zone_add(const struct zone *z, const char *name, const char *type,
    const char *value, long ttl, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err)
{
	struct zone_change c = { .op = ZONE_ADD, .name = name, .type = type,
	    .value = value, .ttl = ttl };

	return zone_edit(z, &c, 1, b, out, err);
}

int
zone_remove(const struct zone *z, const char *name, const char *type,
    const char *value, struct zone_bump *b, struct strbuf *out, struct strbuf *err)
{
	struct zone_change c = { .op = ZONE_DEL, .name = name, .type = type, .old = value };

	return zone_edit(z, &c, 1, b, out, err);
}

int
zone_set_ttl(const struct zone *z, const char *name, const char *type,
    long ttl, long *old_ttl, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err)
{
	struct zone_change c = { .op = ZONE_SET_TTL, .name = name, .type = type, .ttl = ttl };

	if (old_ttl)
		*old_ttl = zone_ttl_of(z, name, type);
	return zone_edit(z, &c, 1, b, out, err);
}

int
zone_set_mx(const struct zone *z, const char *name, const char *old_host,
    const char *new_host, int pref, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err)
{
	struct zone_change c = { .op = ZONE_SET_MX, .name = name, .old = old_host,
	    .value = new_host, .pref = pref };

	return zone_edit(z, &c, 1, b, out, err);
}
