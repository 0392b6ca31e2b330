/* zone.c: reading BIND zone files (RFC 1035 master format, as BIND 9 reads it). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

static char *
tok_dup(const struct zparse *p, const struct zone_span *t)
{
	return xstrndup(p->z->text + t->off, t->len);
}

/* absolute canonical name of a token written under origin */
static char *
name_of(const char *origin, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (len == 1 && s[0] == '@')
		return xstrdup(origin);
	if (len > 1 && s[len - 1] == '.' && s[len - 2] != '\\')
		strbuf_add(&sb, s, len - 1);
	else if (len == 1 && s[0] == '.')
		;
	else {
		strbuf_add(&sb, s, len);
		if (*origin)
			strbuf_addf(&sb, ".%s", origin);
	}
	for (i = 0; i < sb.len; i++)
		sb.buf[i] = tolower((unsigned char)sb.buf[i]);
	return strbuf_detach(&sb);
}

static int
directive(struct zparse *p, struct zline *l)
{
	const char *s = p->z->text + l->t[0].off;
	size_t len = l->t[0].len;

	if (len == 7 && !strncasecmp(s, "$ORIGIN", 7) && l->n == 2) {
		char *o = name_of(p->origin, p->z->text + l->t[1].off, l->t[1].len);

		free(p->origin);
		p->origin = o;
		return 0;
	}
	if (len == 4 && !strncasecmp(s, "$TTL", 4) && l->n == 2) {
		p->default_ttl = zone_parse_ttl(p->z->text + l->t[1].off, l->t[1].len);
		if (p->default_ttl < 0)
			return zone_perr(p, l->line, "%s", "bad $TTL value");
		return 0;
	}
	if ((len == 8 && !strncasecmp(s, "$INCLUDE", 8)) ||
	    (len == 9 && !strncasecmp(s, "$GENERATE", 9))) {
		char *d = xstrndup(s, len);

		zone_perr(p, l->line, "%s is not supported", d);
		free(d);
		return -1;
	}
	return zone_perr(p, l->line, "%s", "unknown or malformed $ directive");
}

static int
is_class(const char *s, size_t len)
{
	return (len == 2 && (!strncasecmp(s, "IN", 2) || !strncasecmp(s, "CH", 2) ||
	    !strncasecmp(s, "HS", 2) || !strncasecmp(s, "CS", 2))) ||
	    (len > 5 && !strncasecmp(s, "CLASS", 5) && isdigit((unsigned char)s[5]));
}

/* which rdata fields of a type are domain names */
static int
rdata_is_name(const char *type, size_t i)
{
	if (!strcmp(type, "NS") || !strcmp(type, "CNAME") || !strcmp(type, "PTR") ||
	    !strcmp(type, "DNAME"))
		return i == 0;
	if (!strcmp(type, "MX") || !strcmp(type, "KX") || !strcmp(type, "AFSDB"))
		return i == 1;
	if (!strcmp(type, "SOA") || !strcmp(type, "RP") || !strcmp(type, "MINFO"))
		return i <= 1;
	if (!strcmp(type, "SRV"))
		return i == 3;
	return 0;
}

/* one rdata token in canonical form, appended to sb */
static int
rdata_canon(struct zparse *p, struct zone_rr *rr, size_t i, struct strbuf *sb)
{
	const char *s = p->z->text + rr->rd[i].off;
	size_t len = rr->rd[i].len, k;

	if (rdata_is_name(rr->type, i)) {
		char *n = name_of(rr->origin, s, len);

		strbuf_addf(sb, "%s.", n);
		free(n);
	} else if (!strcmp(rr->type, "SOA") && i >= 2 && i <= 6) {
		long v = i == 2 ? -1 : zone_parse_ttl(s, len);
		char *e = NULL;
		unsigned long serial = i == 2 ? strtoul(s, &e, 10) : 0;

		if (i == 2 && (!len || !isdigit((unsigned char)*s) || e != s + len ||
		    serial > 0xffffffffUL))
			return zone_perr(p, rr->line, "%s", "bad SOA serial");
		if (i != 2 && v < 0)
			return zone_perr(p, rr->line, "%s", "bad SOA timer");
		strbuf_addf(sb, "%lu", i == 2 ? serial : (unsigned long)v);
	} else if (*s == '"')
		strbuf_add(sb, s, len);
	else
		for (k = 0; k < len; k++)
			strbuf_addch(sb, tolower((unsigned char)s[k]));
	return 0;
}

/* how many rdata fields the types ferry edits or checks take; -1 any */
static int
rr_arity(const struct zone_rr *rr)
{
	static const struct { const char *type; int n; } t[] = {
		{ "A", 1 }, { "AAAA", 1 }, { "NS", 1 }, { "CNAME", 1 }, { "PTR", 1 },
		{ "DNAME", 1 }, { "MX", 2 }, { "SRV", 4 }, { "SOA", 7 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(rr->type, t[i].type))
			return t[i].n;
	return -1;
}

static int
rr_fill_rdata(struct zparse *p, struct zone_rr *rr, struct zline *l, size_t first)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	rr->n_rd = l->n - first;
	rr->rd = xreallocarray(NULL, rr->n_rd ? rr->n_rd : 1, sizeof(*rr->rd));
	memcpy(rr->rd, l->t + first, rr->n_rd * sizeof(*rr->rd));
	if (!rr->n_rd)
		return zone_perr(p, rr->line, "%s record without data", rr->type);
	if (rr_arity(rr) >= 0 && rr->n_rd != (size_t)rr_arity(rr))
		return zone_perr(p, rr->line, "%s record with the wrong number of fields", rr->type);
	for (i = 0; i < rr->n_rd; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		if (rdata_canon(p, rr, i, &sb) < 0) {
			strbuf_release(&sb);
			return -1;
		}
	}
	rr->rdata = strbuf_detach(&sb);
	return 0;
}

/* TTL and class, in either order, after the owner: the index of the type */
static size_t
rr_ttl_class(struct zparse *p, struct zone_rr *rr, struct zline *l, size_t i)
{
	const char *s;

	for (; i < l->n; i++) {
		s = p->z->text + l->t[i].off;
		if (!rr->ttl_tok.len && isdigit((unsigned char)*s) &&
		    zone_parse_ttl(s, l->t[i].len) >= 0)
			rr->ttl_tok = l->t[i];
		else if (!rr->class_tok.len && is_class(s, l->t[i].len))
			rr->class_tok = l->t[i];
		else
			break;
	}
	return i;
}

static void
rr_effective_ttl(struct zparse *p, struct zone_rr *rr)
{
	rr->has_ttl = rr->ttl_tok.len != 0;
	rr->under_dollar_ttl = p->default_ttl >= 0;
	if (rr->has_ttl) {
		rr->ttl = zone_parse_ttl(p->z->text + rr->ttl_tok.off, rr->ttl_tok.len);
		p->last_ttl = rr->ttl;
	} else if (p->default_ttl >= 0)
		rr->ttl = p->default_ttl;
	else if (p->last_ttl >= 0) {
		rr->ttl = p->last_ttl;
		rr->ttl_inherited = 1;
	}
	else if (!strcmp(rr->type, "SOA")) {
		/* BIND: no $TTL, no TTL: the SOA minimum */
		rr->ttl = zone_parse_ttl(p->z->text + rr->rd[6].off, rr->rd[6].len);
		p->last_ttl = rr->ttl;
	} else
		rr->ttl = -1;
}

static int
record(struct zparse *p, struct zline *l)
{
	struct zone *z = p->z;
	struct zone_rr *rr;
	size_t i = 0, k;

	if (!l->blank_owner && l->t[0].off == l->start) {
		free(p->prev_owner);
		p->prev_owner = name_of(p->origin, z->text + l->t[0].off, l->t[0].len);
		i = 1;
	} else if (!p->prev_owner)
		return zone_perr(p, l->line, "%s", "record without an owner name");
	z->rr = xreallocarray(z->rr, z->n + 1, sizeof(*z->rr));
	rr = &z->rr[z->n++];
	memset(rr, 0, sizeof(*rr));
	rr->owner = xstrdup(p->prev_owner);
	rr->origin = xstrdup(p->origin);
	rr->line = l->line;
	rr->end_line = l->end_line;
	rr->start = l->start;
	rr->end = l->end;
	if (i)
		rr->owner_tok = l->t[0];
	i = rr_ttl_class(p, rr, l, i);
	if (i >= l->n)
		return zone_perr(p, l->line, "%s", "record without a type");
	rr->type_tok = l->t[i];
	rr->type = tok_dup(p, &l->t[i]);
	for (k = 0; rr->type[k]; k++)
		rr->type[k] = toupper((unsigned char)rr->type[k]);
	/* as BIND: a mnemonic or TYPEnnn; "4" after a TTL would read as a TTL
	   once an edit dropped that TTL */
	if (!isalpha((unsigned char)rr->type[0]) ||
	    rr->type[strspn(rr->type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")] != '\0')
		return zone_perr(p, l->line, "bad record type '%s'", rr->type);
	rr->rclass = rr->class_tok.len ? tok_dup(p, &rr->class_tok) : xstrdup("IN");
	for (k = 0; rr->rclass[k]; k++)
		rr->rclass[k] = toupper((unsigned char)rr->rclass[k]);
	if (rr_fill_rdata(p, rr, l, i + 1) < 0)
		return -1;
	rr_effective_ttl(p, rr);
	if (rr->ttl < 0)
		return zone_perr(p, l->line, "%s", "no TTL: none given and no $TTL");
	return 0;
}

static int
parse_all(struct zparse *p)
{
	struct zline l;
	int r = 0;

	memset(&l, 0, sizeof(l));
	while ((r = zone_lex_line(p, &l)) > 0) {
		if (!l.n)
			continue;
		if (!l.blank_owner && p->z->text[l.t[0].off] == '$' && l.t[0].off == l.start)
			r = directive(p, &l);
		else
			r = record(p, &l);
		if (r < 0)
			break;
	}
	free(l.t);
	return r;
}

int
zone_parse(struct zone *z, const char *label, const char *origin,
    const char *text, size_t len, struct strbuf *err)
{
	struct zparse p;
	struct zone blank = ZONE_INIT;
	const char *nl;
	int r;

	*z = blank;
	z->label = xstrdup(label);
	z->origin = name_of("", origin, strlen(origin));
	z->text = xmalloc(len + 1);
	memcpy(z->text, text, len);
	z->text[len] = '\0';
	z->len = len;
	nl = memchr(text, '\n', len);
	z->crlf = nl && nl > text && nl[-1] == '\r';
	memset(&p, 0, sizeof(p));
	p.z = z;
	p.err = err;
	p.line = 1;
	p.origin = xstrdup(z->origin);
	p.default_ttl = p.last_ttl = -1;
	r = parse_all(&p);
	z->end_origin = p.origin;
	free(p.prev_owner);
	return r < 0 ? -1 : 0;
}

void
zone_release(struct zone *z)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		free(z->rr[i].owner);
		free(z->rr[i].type);
		free(z->rr[i].rclass);
		free(z->rr[i].rdata);
		free(z->rr[i].origin);
		free(z->rr[i].rd);
	}
	free(z->rr);
	free(z->label);
	free(z->origin);
	free(z->text);
	free(z->end_origin);
	memset(z, 0, sizeof(*z));
}


void
zone_name_abs(const struct zone *z, const char *name, struct strbuf *out)
{
	size_t len = strlen(name);
	char *n;

	strbuf_reset(out);
	if (len == 1 && *name == '@')
		n = xstrdup(z->origin);
	else
		n = name_of("", name, len);
	strbuf_addstr(out, n);
	free(n);
}
