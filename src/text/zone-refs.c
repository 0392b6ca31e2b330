/*
 * zone-refs.c: every record of a zone that leads to an address -- an A
 * (or AAAA) holding it, wildcards included, and an MX, SRV or CNAME whose
 * target is an in-zone name (through CNAMEs) holding it.  Text in (a
 * parsed zone), list out: what a move must change besides the names it
 * plans, or report when asked to leave them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "log.h"

/* NAME (absolute, no final dot) has an A or AAAA record holding addr */
static int
holds(const struct zone *z, const char *name, const char *addr)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->rr[i].owner, name) && (!strcmp(z->rr[i].type, "A") ||
		    !strcmp(z->rr[i].type, "AAAA")) && !strcasecmp(z->rr[i].rdata, addr))
			return 1;
	return 0;
}

/* the in-zone name a target (rdata name, final dot) ends at through CNAMEs;
   1 and the name in out, 0 when it leaves the zone or loops */
static int
target_end(const struct zone *z, const char *target, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	size_t len = strlen(target);
	int r;

	strbuf_add(&t, target, len && target[len - 1] == '.' ? len - 1 : len);
	r = t.len && zone_name_in(z->origin, t.buf) && zone_resolve_cname(z, t.buf, out) == 1;
	strbuf_release(&t);
	return r;
}

/* the rdata name field of a record that points at another name, or NULL */
static const char *
pointer_of(const struct zone_rr *rr)
{
	const char *sp;

	if (!strcmp(rr->type, "MX"))
		return zone_mx_host(rr);
	if (!strcmp(rr->type, "SRV") && rr->n_rd == 4 && (sp = strrchr(rr->rdata, ' ')))
		return sp + 1;
	if (!strcmp(rr->type, "CNAME"))
		return rr->rdata;
	return NULL;
}

static void
push_ref(struct zone_refs *refs, const struct zone_rr *rr, size_t i, const char *holder)
{
	struct zone_ref *r;

	refs->v = xreallocarray(refs->v, refs->n + 1, sizeof(*refs->v));
	r = &refs->v[refs->n++];
	r->index = i;
	r->owner = xstrdup(rr->owner);
	r->type = xstrdup(rr->type);
	r->rdata = xstrdup(rr->rdata);
	r->holder = xstrdup(holder);
	r->line = rr->line;
}

int
zone_refs_to(const struct zone *z, const char *addr, struct zone_refs *refs)
{
	struct strbuf end = STRBUF_INIT;
	size_t i;

	memset(refs, 0, sizeof(*refs));
	for (i = 0; i < z->n; i++) {
		const struct zone_rr *rr = &z->rr[i];
		const char *ptr;

		if ((!strcmp(rr->type, "A") || !strcmp(rr->type, "AAAA")) &&
		    !strcasecmp(rr->rdata, addr))
			push_ref(refs, rr, i, rr->owner);
		else if ((ptr = pointer_of(rr)) && target_end(z, ptr, &end) &&
		    holds(z, end.buf, addr))
			push_ref(refs, rr, i, end.buf);
	}
	strbuf_release(&end);
	return (int)refs->n;
}

int
zone_refs_has_holder(const struct zone_refs *refs, const char *holder, const char *via_type)
{
	size_t i;

	for (i = 0; i < refs->n; i++)
		if (!strcmp(refs->v[i].holder, holder) &&
		    (!via_type || !strcmp(refs->v[i].type, via_type)))
			return 1;
	return 0;
}

void
zone_refs_release(struct zone_refs *refs)
{
	size_t i;

	for (i = 0; i < refs->n; i++) {
		free(refs->v[i].owner);
		free(refs->v[i].type);
		free(refs->v[i].rdata);
		free(refs->v[i].holder);
	}
	free(refs->v);
	memset(refs, 0, sizeof(*refs));
}
