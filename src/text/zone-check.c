/* zone-check.c: "DNS edits change only the planned records" (CONTRACT.md). */
#include <stdlib.h>
#include <string.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

/* the blank after the field at s, NULL at the last; an escaped blank
   ("ns1\ x.test.") belongs to its name */
static const char *
field_end(const char *s)
{
	for (; *s && *s != ' '; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s : NULL;
}

/* one line per record, what the check compares; the SOA serial left out */
static char *
rr_key(const struct zone_rr *rr, int mask_serial)
{
	struct strbuf sb = STRBUF_INIT;
	const char *rd = rr->rdata;

	strbuf_addf(&sb, "%s. %ld %s %s ", rr->owner, rr->ttl, rr->rclass, rr->type);
	if (mask_serial && !strcmp(rr->type, "SOA")) {
		const char *sp = field_end(rd);
		const char *serial_end = sp ? field_end(sp + 1) : NULL;

		sp = serial_end ? field_end(serial_end + 1) : NULL;
		if (serial_end)
			strbuf_add(&sb, rd, serial_end - rd);
		strbuf_addstr(&sb, " *");
		if (sp)
			strbuf_addstr(&sb, sp);
	} else
		strbuf_addstr(&sb, rd);
	return strbuf_detach(&sb);
}

/* the keys of the records no change names, sorted */
static char **
unnamed_keys(const struct zone *z, const struct prep *p, size_t n, size_t *count)
{
	char **v = xcalloc(z->n + 1, sizeof(*v));
	size_t i, k;

	*count = 0;
	for (i = 0; i < z->n; i++) {
		for (k = 0; k < n && !zone_names_rr(&p[k], &z->rr[i]); k++)
			;
		if (k == n)
			v[(*count)++] = rr_key(&z->rr[i], 1);
	}
	qsort(v, *count, sizeof(*v), strp_cmp);
	return v;
}

static void
keys_free(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/* the first key in one list and not the other, as a message */
static int
keys_compare(const char *label, char **a, size_t na, char **b, size_t nb, struct strbuf *err)
{
	size_t i = 0, j = 0;
	int c;

	while (i < na || j < nb) {
		c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		if (c) {
			strbuf_addf(err, "%s: the edit would %s a record no step planned: %s", label,
			    c < 0 ? "remove" : "add", c < 0 ? a[i] : b[j]);
			return -1;
		}
		i++, j++;
	}
	return 0;
}

static int
apex_sound(const struct zone *z, struct strbuf *err)
{
	if (zone_count(z, "@", "SOA") != 1 || zone_count(z, "@", "NS") < 1) {
		strbuf_addf(err, "%s: the edit would leave %s without %s at its apex", z->label,
		    z->origin, zone_count(z, "@", "SOA") != 1 ? "one SOA" : "an NS record");
		return -1;
	}
	return 0;
}

/* old serial -> new serial: forward, and forward at all when records changed */
static int
serial_sound(const struct zone *a, const struct zone *b, int flags, struct strbuf *err)
{
	uint32_t s0 = 0, s1 = 0;
	size_t i;
	int same = a->n == b->n;

	if (zone_soa_serial(a, &s0) < 0 || zone_soa_serial(b, &s1) < 0)
		return 0;
	for (i = 0; same && i < a->n; i++)
		same = !strcmp(a->rr[i].rdata, b->rr[i].rdata) && a->rr[i].ttl == b->rr[i].ttl &&
		    !strcmp(a->rr[i].owner, b->rr[i].owner) && !strcmp(a->rr[i].type, b->rr[i].type);
	if ((s0 != s1 && !serial_gt(s1, s0)) || ((flags & ZONE_CHECK_BUMP) && !same && s0 == s1)) {
		strbuf_addf(err, "%s: the serial must go forward: %lu -> %lu", a->label,
		    (unsigned long)s0, (unsigned long)s1);
		return -1;
	}
	return 0;
}

static int
changes_in_place(const struct zone *z, const struct prep *p, size_t n, struct strbuf *err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = zone_in_place(z, &p[i], err)) <= 0) {
			if (!r)
				strbuf_addf(err, "%s: %s %s %s is not in place after the edit",
				    z->label, zone_op_names[p[i].c->op], p[i].name, p[i].type);
			return -1;
		}
	return 0;
}

static int
check_zones(const struct zone *a, const struct zone *b, const struct zone_change *c,
    size_t n, int flags, struct strbuf *err)
{
	struct prep *p = zone_prep_all(a, c, n, err);
	char **ka = NULL, **kb = NULL;
	size_t na = 0, nb = 0;
	int r = -1;

	if (!p)
		return -1;
	ka = unnamed_keys(a, p, n, &na);
	kb = unnamed_keys(b, p, n, &nb);
	if (!keys_compare(a->label, ka, na, kb, nb, err) && !apex_sound(b, err) &&
	    !serial_sound(a, b, flags, err) &&
	    (!(flags & ZONE_CHECK_IN_PLACE) || !changes_in_place(b, p, n, err)))
		r = 0;
	keys_free(ka, na);
	keys_free(kb, nb);
	zone_prep_free(p, n);
	return r;
}

int
zone_check_texts(const char *label, const char *origin, const char *old_text, size_t old_len,
    const char *new_text, size_t new_len, const struct zone_change *c, size_t n,
    int flags, struct strbuf *err)
{
	struct zone a = ZONE_INIT, b = ZONE_INIT;
	struct strbuf newlabel = STRBUF_INIT;
	int r = -1;

	strbuf_addf(&newlabel, "%s (edited)", label);
	if (!zone_parse(&a, label, origin, old_text, old_len, err) &&
	    !zone_parse(&b, newlabel.buf, origin, new_text, new_len, err)) {
		free(b.label);
		b.label = xstrdup(label);
		r = check_zones(&a, &b, c, n, flags, err);
	}
	zone_release(&a);
	zone_release(&b);
	strbuf_release(&newlabel);
	return r;
}

int
zone_check_edit(const char *label, const char *origin, const char *old_text,
    size_t old_len, const char *new_text, size_t new_len,
    const struct zone_change *c, size_t n, struct strbuf *err)
{
	return zone_check_texts(label, origin, old_text, old_len, new_text, new_len, c, n,
	    ZONE_CHECK_BUMP | ZONE_CHECK_IN_PLACE, err);
}

int
zone_check_revert(const char *label, const char *origin, const char *old_text,
    size_t old_len, const char *new_text, size_t new_len,
    const struct zone_change *c, size_t n, struct strbuf *err)
{
	return zone_check_texts(label, origin, old_text, old_len, new_text, new_len, c, n,
	    ZONE_CHECK_BUMP, err);
}
