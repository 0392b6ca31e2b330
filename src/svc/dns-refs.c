/*
 * dns-refs.c: records of the account's zones that resolve to the old host
 * and are not among its planned names -- an ftp A, an in-zone MX target, a
 * wildcard, an SRV target -- moved with the planned names in the same zone
 * edit, or left and named when dns-leave says so (issue 16 item 2).
 */
#include <stdlib.h>
#include <string.h>

#include "dns-refs.h"
#include "log.h"

/* a name the account's own steps move: a web name, the A its CNAME reaches, mush, test */
static int
planned(const struct account *a, const struct zone_refs *refs, const char *holder)
{
	size_t i;

	if (strlist_has(&a->web, holder) || (a->mush_name && !strcmp(a->mush_name, holder)) ||
	    (a->test_name && !strcmp(a->test_name, holder)))
		return 1;
	for (i = 0; i < refs->n; i++)
		if (!strcmp(refs->v[i].holder, holder) && !strcmp(refs->v[i].type, "CNAME") &&
		    strlist_has(&a->web, refs->v[i].owner))
			return 1;
	return 0;
}

/* a name another account's steps move */
static int
others_name(const struct config *cf, const struct account *a, const char *holder)
{
	size_t i;

	for (i = 0; i < cf->n_accounts; i++) {
		const struct account *o = &cf->accounts[i];

		if (o != a && (strlist_has(&o->web, holder) || strlist_has(&o->dns_leave, holder) ||
		    (o->mush_name && !strcmp(o->mush_name, holder)) ||
		    (o->test_name && !strcmp(o->test_name, holder))))
			return 1;
	}
	return 0;
}

/* the zone is another account's too: whose an unplanned record is, nobody said */
static int
shared_zone(const struct config *cf, const struct account *a, const char *zone)
{
	size_t i;

	for (i = 0; i < cf->n_accounts; i++)
		if (&cf->accounts[i] != a && strlist_has(&cf->accounts[i].domains, zone))
			return 1;
	return 0;
}

static int
left_by_config(const struct account *a, const struct zone_ref *r)
{
	return strlist_has(&a->dns_leave, r->owner) || strlist_has(&a->dns_leave, r->holder);
}

/* the step a holder's A moves in, or NULL (an account with none of the services) */
static const char *
step_of(const struct account *a, const struct zone_refs *refs, const char *holder)
{
	if ((a->services & SVC_MAIL) && zone_refs_has_holder(refs, holder, "MX"))
		return "phase2.2";
	if (a->services & SVC_WEB)
		return "phase2.1";
	if (a->services & SVC_MAIL)
		return "phase2.2";
	if (a->services & SVC_MUSH)
		return "phase1.5";
	return NULL;
}

/* the holder moves: some record through it is neither planned nor left */
static int
moves(const struct account *a, const struct zone_refs *refs, const char *holder)
{
	size_t i;

	if (planned(a, refs, holder) || strlist_has(&a->dns_leave, holder))
		return 0;
	for (i = 0; i < refs->n; i++)
		if (!strcmp(refs->v[i].holder, holder) && !left_by_config(a, &refs->v[i]))
			return 1;
	return 0;
}

/*
 * What z holds for the account: "zone name step" lines moved, "owner type
 * (via holder)" left.  In a zone other accounts share, a record none of
 * them plans is left and named: moving it would guess whose it is.
 */
static void
classify(const struct config *cf, const struct account *a, const struct zone *z,
    const char *addr, struct strlist *moved, struct strlist *left)
{
	struct zone_refs refs;
	int shared = shared_zone(cf, a, z->origin);
	size_t i;

	zone_refs_to(z, addr, &refs);
	for (i = 0; i < refs.n; i++) {
		const struct zone_ref *r = &refs.v[i];
		const char *step = step_of(a, &refs, r->holder);
		struct strbuf line = STRBUF_INIT;

		if (planned(a, &refs, r->holder) || others_name(cf, a, r->holder) ||
		    others_name(cf, a, r->owner))
			continue;
		if (!shared && moves(a, &refs, r->holder) && step) {
			strbuf_addf(&line, "%s %s %s", z->origin, r->holder, step);
			if (moved && !strlist_has(moved, line.buf))
				strlist_push(moved, line.buf);
		} else if (left) {
			strbuf_addf(&line, "%s %s", r->owner, r->type);
			if (strcmp(r->owner, r->holder))
				strbuf_addf(&line, " (via %s)", r->holder);
			if (shared)
				strbuf_addstr(&line, " (a shared zone)");
			strlist_push(left, line.buf);
		}
		strbuf_release(&line);
	}
	zone_refs_release(&refs);
}

/* every zone of the account, fresh from the primary */
static int
classify_all(struct step_ctx *ctx, struct strlist *moved, struct strlist *left)
{
	const struct account *a = ctx->a;
	size_t i;

	for (i = 0; i < a->domains.n; i++) {
		struct zone z = ZONE_INIT;
		struct file_edit e;

		memset(&e, 0, sizeof e);
		if (dns_load_zone(ctx, a->domains.v[i], &e, &z) < 0)
			return -1;
		classify(ctx->f->cf, a, &z, ctx->f->cf->from->address, moved, left);
		edit_release(&e);
		zone_release(&z);
	}
	return 0;
}

static void
moved_key(struct strbuf *key, const char *step)
{
	strbuf_addf(key, "dns.moved.%s", step);
}

/* the "zone name" pairs remembered for step (one line, blanks between), appended to out */
static void
remembered(struct step_ctx *ctx, const char *step, struct strlist *out)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	struct strlist lines = STRLIST_INIT;
	size_t i;

	moved_key(&key, step);
	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val) == 1) {
		strlist_split(&lines, val.buf);
		for (i = 0; i + 1 < lines.n; i += 2) {
			strlist_push(out, lines.v[i]);
			strlist_push(out, lines.v[i + 1]);
		}
	}
	strlist_clear(&lines);
	strbuf_release(&key);
	strbuf_release(&val);
}

static int
has_pair(const struct strlist *l, const char *zone, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < l->n; i += 2)
		if (!strcmp(l->v[i], zone) && !strcmp(l->v[i + 1], name))
			return 1;
	return 0;
}

/*
 * step's names: remembered, and (forward) found now; with remember, kept in
 * the journal when new ones came (the step itself; prep.ttl only reads, or
 * an undone step's names would come back from its TTL's undo)
 */
static int
names_of_step(struct step_ctx *ctx, const char *step, int forward, int remember,
    struct strlist *pairs)
{
	struct strlist moved = STRLIST_INIT, w = STRLIST_INIT;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	size_t i, before;
	int r = 0;

	remembered(ctx, step, pairs);
	before = pairs->n;
	if (forward && (r = classify_all(ctx, &moved, NULL)) == 0)
		for (i = 0; i < moved.n; i++) {
			strlist_clear(&w);
			strlist_split(&w, moved.v[i]);
			if (w.n == 3 && !strcmp(w.v[2], step) && !has_pair(pairs, w.v[0], w.v[1])) {
				strlist_push(pairs, w.v[0]);
				strlist_push(pairs, w.v[1]);
			}
		}
	if (remember && pairs->n > before && !ctx->dry_run && ctx->f->j) {
		for (i = 0; i + 1 < pairs->n; i += 2)
			strbuf_addf(&val, "%s%s %s", i ? " " : "", pairs->v[i], pairs->v[i + 1]);
		moved_key(&key, step);
		journal_kv_set(ctx->f->j, ctx->a->name, key.buf, val.buf);
	}
	strlist_clear(&moved);
	strlist_clear(&w);
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

void
dns_extra_forget(struct step_ctx *ctx, const char *step)
{
	struct strbuf key = STRBUF_INIT;

	moved_key(&key, step);
	if (ctx->f->j && !ctx->dry_run)
		journal_kv_del(ctx->f->j, ctx->a->name, key.buf);
	strbuf_release(&key);
}

static int
in_set(const struct change_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].c.name, name))
			return 1;
	return 0;
}

int
dns_extra_changes(struct step_ctx *ctx, struct change_set *s, const char *step, int forward)
{
	const struct config *cf = ctx->f->cf;
	const char *from = forward ? cf->from->address : cf->to->address;
	const char *to = forward ? cf->to->address : cf->from->address;
	struct strlist pairs = STRLIST_INIT;
	size_t i;

	if (names_of_step(ctx, step, forward, 1, &pairs) < 0) {
		strlist_clear(&pairs);
		return -1;
	}
	for (i = 0; i + 1 < pairs.n; i += 2) {
		struct dns_change *d;

		if (in_set(s, pairs.v[i + 1]))
			continue;
		d = cs_add(s, pairs.v[i], ZONE_SET_A, pairs.v[i + 1]);
		d->c.old = cs_keep(s, from);
		d->c.value = cs_keep(s, to);
		d->qtype = "A";
		d->expect = d->c.value;
		d->reject = d->c.old;
	}
	strlist_clear(&pairs);
	return 0;
}

int
dns_extra_ttl_targets(struct step_ctx *ctx, struct change_set *s)
{
	static const char *const steps[] = { "phase1.5", "phase2.1", "phase2.2" };
	struct strlist pairs = STRLIST_INIT;
	size_t i, k;

	for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		strlist_clear(&pairs);
		if (names_of_step(ctx, steps[k], 1, 0, &pairs) < 0) {
			strlist_clear(&pairs);
			return -1;
		}
		for (i = 0; i + 1 < pairs.n; i += 2)
			if (!in_set(s, pairs.v[i + 1])) {
				struct dns_change *d = cs_add(s, pairs.v[i], ZONE_SET_TTL,
				    pairs.v[i + 1]);

				d->c.type = d->qtype = "A";
			}
	}
	strlist_clear(&pairs);
	return 0;
}

int
dns_left_records(struct step_ctx *ctx, struct strbuf *out)
{
	struct strlist left = STRLIST_INIT;
	size_t i;
	int n;

	if (classify_all(ctx, NULL, &left) < 0) {
		strlist_clear(&left);
		return -1;
	}
	for (i = 0; i < left.n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", left.v[i]);
	n = (int)left.n;
	strlist_clear(&left);
	return n;
}

void
dns_refs_describe(const struct config *cf, const struct account *a, const struct zone *z,
    struct strbuf *moved, struct strbuf *left)
{
	struct strlist m = STRLIST_INIT, l = STRLIST_INIT, w = STRLIST_INIT;
	size_t i;

	classify(cf, a, z, cf->from->address, &m, &l);
	for (i = 0; i < m.n; i++) {
		strlist_clear(&w);
		strlist_split(&w, m.v[i]);
		if (w.n == 3)
			strbuf_addf(moved, "%s%s A in %s", moved->len ? ", " : "", w.v[1], w.v[2]);
	}
	for (i = 0; i < l.n; i++)
		strbuf_addf(left, "%s%s", left->len ? ", " : "", l.v[i]);
	strlist_clear(&m);
	strlist_clear(&l);
	strlist_clear(&w);
}
