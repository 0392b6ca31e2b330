/* zone-prep.c: what a change names, in the parser's canonical form, and whether it is done. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

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

int
zone_rd_is(const struct zone_rr *rr, const char *rdata)
{
	return rdata && !strcmp(rr->rdata, rdata);
}

int
zone_mx_is(const struct zone_rr *rr, const char *host)
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
		return !p->old || zone_rd_is(rr, p->old) || zone_rd_is(rr, p->value);
	case ZONE_ADD:
		return zone_rd_is(rr, p->value);
	case ZONE_DEL:
	case ZONE_SET_TTL:
		return !p->old || zone_rd_is(rr, p->old);
	case ZONE_SET_MX:
		return zone_mx_is(rr, p->old) || zone_mx_is(rr, p->value);
	}
	return 0;
}

/* -- is it done already? -- */

int
zone_count_where(const struct zone *z, const struct prep *p, int (*pred)(const struct zone_rr *,
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
		    (p->old && !zone_rd_is(rr, p->old)))
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
	int all = zone_count_where(z, p, NULL, NULL);

	switch (p->c->op) {
	case ZONE_SET_A:
		if (p->old && zone_count_where(z, p, zone_rd_is, p->old) == 0 &&
		    zone_count_where(z, p, zone_rd_is, p->value) > 0)
			return 1;
		if ((p->old && !zone_count_where(z, p, zone_rd_is, p->old)) || !all) {
			strbuf_addf(err, "%s: %s has no A record%s%s", z->label, p->name,
			    p->old ? " holding " : "", p->old ? p->old : "");
			return -1;
		}
		return !p->old && zone_count_where(z, p, zone_rd_is, p->value) == all;
	case ZONE_ADD:
		return zone_count_where(z, p, zone_rd_is, p->value) > 0;
	case ZONE_DEL:
		return (p->old ? zone_count_where(z, p, zone_rd_is, p->old) : all) == 0;
	case ZONE_SET_TTL:
		return ttl_done(z, p, err);
	case ZONE_SET_MX:
		return zone_count_where(z, p, zone_mx_is, p->value) > 0 && !zone_count_where(z, p, zone_mx_is, p->old);
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
