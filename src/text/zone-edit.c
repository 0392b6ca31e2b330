/* zone-edit.c: changing records in a zone's text, every other byte kept. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

static int
apply_set_a(const struct zone *z, const struct prep *p, struct edits *e, struct strbuf *err)
{
	size_t i;
	int n = 0;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->rr[i].owner, p->name) && !strcmp(z->rr[i].type, "A") &&
		    (!p->old || zone_rd_is(&z->rr[i], p->old)) && ++n)
			zone_set_token(z, e, &z->rr[i].rd[0], p->c->value);
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
		    (p->old && !zone_rd_is(rr, p->old)))
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
			zone_del_record(z, i, e);
		else {
			zone_set_ttl_field(z, rr, p->c->ttl, e);
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
	int have_new = zone_count_where(z, p, zone_mx_is, p->value) > 0;

	snprintf(pref, sizeof(pref), "%d", p->c->pref);
	for (i = 0; i < z->n; i++) {
		if (strcmp(z->rr[i].owner, p->name) || !zone_mx_is(&z->rr[i], p->old))
			continue;
		if (have_new)
			zone_del_record(z, i, e);
		else {
			/* the old host's record becomes the new host's, in its place */
			if (p->c->pref >= 0)
				zone_set_token(z, e, &z->rr[i].rd[0], pref);
			zone_set_token(z, e, &z->rr[i].rd[1], p->value);
			have_new = 1;
		}
	}
	if (!have_new) {
		struct strbuf v = STRBUF_INIT;

		strbuf_addf(&v, "%d %s", p->c->pref >= 0 ? p->c->pref : 10, p->value);
		zone_add_record(z, p, -1, v.buf, e);
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
		zone_add_record(z, p, p->c->ttl, p->c->value, e);
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
	zone_edits_init(&e, z);
	applied = plan_edits(z, p, n, &e, err);
	if (applied > 0) {
		zone_fix_blank_owners(z, &e);
		zone_pin_inherited_ttls(z, &e);
	}
	if (applied > 0 && b) {
		if (zone_soa_serial(z, &serial) < 0 && zone_soa_index(z, err) < 0)
			applied = -1;
		else {
			b->new_serial = zone_serial_next(serial, b);
			if (zone_splice_serial(z, b->new_serial, &e, err) < 0)
				applied = -1;
		}
	} else if (b && !zone_soa_serial(z, &serial))
		b->new_serial = serial;
	if (applied >= 0 && zone_edits_apply(z, &e, out, err) < 0)
		applied = -1;
	if (applied > 0 && zone_check_texts(z->label, z->origin, z->text, z->len, out->buf, out->len,
	    c, n, (b ? ZONE_CHECK_BUMP : 0) | ZONE_CHECK_IN_PLACE, err) < 0)
		applied = -1;
	zone_edits_release(&e);
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
