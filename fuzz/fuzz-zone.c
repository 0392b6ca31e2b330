/*
 * fuzz-zone: a zone file through the reader; when it reads, one or two
 * edits chosen by the first bytes, then the result read again.  An edit
 * may be refused, but never because the editor broke the file: the edited
 * text must parse, hold the same records but the changed ones, keep its
 * SOA and NS, bump the serial, and take the same edit again as a no-op.
 *
 * Input: byte 0 picks the origin, 1-4 the edits, the rest is the file.
 */
#include "fuzz.h"
#include "zone.h"

static const char *const origins[] = {
	"alice.test", "bob.test", "carol.test", "dave.test", "nekodojo.test",
	"owners.test", "x.test", "example.test",
};

/* refusals that mean the editor, not the input, is at fault */
static int
editor_fault(const struct zone *z, const char *err, size_t changes)
{
	int sound = zone_count(z, "@", "SOA") == 1 && zone_count(z, "@", "NS") >= 1;

	size_t n = strcspn(err, "\n");

	/* by the message's start and end only: the rest quotes the file's data */
	if (!strncmp(err, "fz (edited):", 12) || !strncmp(err, "fz: the edit would add", 22) ||
	    !strncmp(err, "fz: the edit would remove", 25) ||
	    (changes == 1 && n >= 31 &&
	    !strncmp(err + n - 31, " is not in place after the edit", 31)))
		return 1;
	/* two changes may contradict each other (TTL 302, then the default):
	   refusing them is right, and "not in place" is how that shows */
	/* removing a record may legitimately leave the apex without NS */
	return sound && !strncmp(err, "fz: the serial must go forward", 30);
}

static void
pick_change(const struct zone *z, unsigned op, unsigned idx, struct zone_change *c)
{
	const struct zone_rr *rr = &z->rr[idx % z->n];

	memset(c, 0, sizeof *c);
	c->name = rr->owner;
	switch (op % 7) {
	case 0: c->op = ZONE_SET_TTL; c->type = rr->type; c->ttl = 60 + idx; break;
	case 1: c->op = ZONE_SET_TTL; c->type = rr->type; c->ttl = ZONE_TTL_DEFAULT; break;
	case 2: c->op = ZONE_ADD; c->type = "A"; c->value = "192.0.2.77"; c->ttl = op & 8 ? 300 : 0; break;
	case 3: c->op = ZONE_DEL; c->type = rr->type; c->old = op & 8 ? NULL : rr->rdata; break;
	case 4: c->op = ZONE_SET_A; c->value = "198.51.100.9";
		c->old = strcmp(rr->type, "A") ? NULL : rr->rdata; break;
	case 5: c->op = ZONE_SET_MX; c->old = zone_mx_host(rr); c->value = "mx.new.test.";
		c->pref = op & 8 ? 5 : -1; break;
	default: c->op = ZONE_ADD; c->name = "fz-new"; c->type = "TXT"; c->value = "\"fz; $(x)\"";
		c->ttl = 0; break;
	}
	if (c->op == ZONE_SET_MX && !c->old)
		c->old = "nothing.test.";
}

static void
check_again(const struct zone *z, const char *origin, const struct strbuf *out,
    const struct zone_change *c, size_t n)
{
	struct zone z2 = ZONE_INIT;
	struct strbuf err = STRBUF_INIT, again = STRBUF_INIT;
	size_t i;

	if (zone_check_edit("fz", origin, z->text, z->len, out->buf, out->len, c, n, &err) < 0)
		fuzz_fail("edit not sound: %s", err.buf);
	if (zone_parse(&z2, "fz2", origin, out->buf, out->len, &err) < 0)
		fuzz_fail("edited zone does not parse: %s", err.buf);
	for (i = 0; i < n; i++)
		if (zone_change_in_place(&z2, &c[i], &err) != 1)
			fuzz_fail("change %zu not in place: %s", i, err.buf);
	if (zone_edit(&z2, c, n, NULL, &again, &err) != 0)
		fuzz_fail("second edit is not a no-op: %s", err.buf);
	fuzz_assert(again.len == out->len && !memcmp(again.buf, out->buf, out->len));
	zone_release(&z2);
	strbuf_release(&err);
	strbuf_release(&again);
}

static void
edit(const struct zone *z, const char *origin, const unsigned *ctl)
{
	struct zone_change c[2];
	struct zone_bump b = { 20261125, ctl[3] & 1, 2026112599u, 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t n = ctl[0] & 0x80 ? 2 : 1;
	int r;

	pick_change(z, ctl[0], ctl[1], &c[0]);
	pick_change(z, ctl[2], ctl[3], &c[1]);
	r = zone_edit(z, c, n, &b, &out, &err);
	if (r < 0 && editor_fault(z, err.buf, n))
		fuzz_fail("editor broke the zone: %s", err.buf);
	if (r > 0)
		check_again(z, origin, &out, c, n);
	if (r == 0)
		fuzz_assert(out.len == z->len && !memcmp(out.buf, z->text, z->len));
	strbuf_release(&out);
	strbuf_release(&err);
}

/* the records leading to the first A's address (zone-refs.c): each one a
   record of the zone, an A its own holder, every holder holding it */
static void
refs(const struct zone *z)
{
	struct zone_refs r;
	const char *addr = "192.0.2.10";
	int k = zone_find(z, NULL, "A", 0);
	size_t i;

	if (k >= 0)
		addr = z->rr[k].rdata;
	zone_refs_to(z, addr, &r);
	for (i = 0; i < r.n; i++) {
		fuzz_assert(r.v[i].index < z->n);
		fuzz_assert(strcmp(r.v[i].type, "A") || !strcmp(r.v[i].owner, r.v[i].holder));
		fuzz_assert(zone_refs_has_holder(&r, r.v[i].holder, NULL));
	}
	zone_refs_release(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone z = ZONE_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *origin;
	unsigned ctl[4];
	size_t i;

	origin = origins[fuzz_byte(&data, &size) % (sizeof origins / sizeof *origins)];
	for (i = 0; i < 4; i++)
		ctl[i] = fuzz_byte(&data, &size);
	if (zone_parse(&z, "fz", origin, (const char *)data, size, &err) == 0) {
		fuzz_assert(z.len == size);
		refs(&z);
		if (z.n > 0)
			edit(&z, origin, ctl);
	}
	zone_release(&z);
	strbuf_release(&err);
	return 0;
}
