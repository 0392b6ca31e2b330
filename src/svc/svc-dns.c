/*
 * svc-dns.c: every DNS step.  A step names the records it changes; the
 * changes are grouped by zone, applied to the zone file on the primary as
 * text (zone.c keeps every other byte), the serial bumped once per edit,
 * checked by named-checkzone, reloaded, and then each nameserver is asked
 * one by one, without recursion, until it serves them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dns-apply.h"
#include "dns-refs.h"
#include "probe.h"

enum direction { FORWARD, BACKWARD };

/* ---- which records each step changes ---- */

static const char *
zone_for(struct step_ctx *ctx, const char *name)
{
	return account_zone_of(ctx->a, name);
}

static void
a_change(struct change_set *s, struct step_ctx *ctx, const char *name, const char *from,
    const char *to)
{
	const char *zone = zone_for(ctx, name);
	struct dns_change *d;

	if (zone == NULL)
		return;
	d = cs_add(s, zone, ZONE_SET_A, name);
	d->c.old = from ? cs_keep(s, from) : NULL;
	d->c.value = cs_keep(s, to);
	d->qtype = "A";
	d->expect = d->c.value;
	d->reject = d->c.old;
}

/* web names that are CNAMEs inside the zone move through the A they name */
static const char *
a_owner(struct step_ctx *ctx, struct change_set *s, const char *name)
{
	const char *zone = zone_for(ctx, name);
	struct zone z = ZONE_INIT;
	struct file_edit e;
	struct strbuf target = STRBUF_INIT;
	const char *r = name;

	if (zone && dns_load_zone(ctx, zone, &e, &z) == 0) {
		int c = zone_resolve_cname(&z, name, &target);

		if (c == 1)
			r = cs_keep(s, target.buf);
		else if (c == 0) {
			warn("%s: %s: %s leaves the zone (CNAME to %s); left alone", ctx->a->name,
			    ctx->def->id, name, target.buf);
			r = NULL;
		}
	}
	if (e.path)
		edit_release(&e);
	zone_release(&z);
	strbuf_release(&target);
	return r;
}

static void
web_a_changes(struct change_set *s, struct step_ctx *ctx, enum direction dir)
{
	struct config *cf = ctx->f->cf;
	size_t i;

	for (i = 0; i < ctx->a->web.n; i++) {
		const char *owner = a_owner(ctx, s, ctx->a->web.v[i]);
		size_t k;
		int dup = 0;

		for (k = 0; owner && k < s->n; k++)
			dup |= strcmp(s->v[k].c.name, owner) == 0;
		if (owner == NULL || dup)
			continue;
		if (dir == FORWARD)
			a_change(s, ctx, owner, cf->from->address, cf->to->address);
		else
			a_change(s, ctx, owner, cf->to->address, cf->from->address);
	}
}

/*
 * The domain's MX names neither host: it goes through an in-zone name (or
 * another server).  Adding the new host beside it would split mail between
 * the hosts at one preference; the in-zone name's A moves instead
 * (dns-refs.c).  A domain without MX gets one, as before.
 */
static int
mx_elsewhere(struct step_ctx *ctx, const char *zone, const char *a, const char *b)
{
	struct zone z = ZONE_INIT;
	struct file_edit e;
	int i = -1, n = 0, ours = 0;

	memset(&e, 0, sizeof e);
	if (dns_load_zone(ctx, zone, &e, &z) < 0)
		return 0;	/* the edit reports it */
	while ((i = zone_find(&z, "@", "MX", i + 1)) >= 0) {
		const char *h = zone_mx_host(&z.rr[i]);

		n++;
		ours |= h && (!strcasecmp(h, a) || !strcasecmp(h, b));
	}
	edit_release(&e);
	zone_release(&z);
	return n > 0 && !ours;
}

static void
mx_changes(struct change_set *s, struct step_ctx *ctx, enum direction dir)
{
	struct config *cf = ctx->f->cf;
	const char *from = cs_keepf(s, "%s.", dir == FORWARD ? cf->from->fqdn : cf->to->fqdn);
	const char *to = cs_keepf(s, "%s.", dir == FORWARD ? cf->to->fqdn : cf->from->fqdn);
	size_t i;

	for (i = 0; i < ctx->a->domains.n; i++) {
		struct dns_change *d;

		if (mx_elsewhere(ctx, ctx->a->domains.v[i], from, to))
			continue;
		d = cs_add(s, ctx->a->domains.v[i], ZONE_SET_MX, ctx->a->domains.v[i]);

		d->c.old = from;
		d->c.value = to;
		d->qtype = "MX";
		d->reject = NULL;
		d->expect = NULL;
	}
}

/* the records prep.ttl lowers: web A, MX, the game's A, the other names that move */
static int
ttl_targets(struct change_set *s, struct step_ctx *ctx, int lower)
{
	struct account *a = ctx->a;
	size_t i;

	if (a->services & SVC_WEB)
		web_a_changes(s, ctx, FORWARD);
	if (dns_extra_ttl_targets(ctx, s) < 0)
		return -1;
	for (i = 0; i < s->n; i++) {
		s->v[i].c.op = ZONE_SET_TTL;
		s->v[i].c.type = "A";
		s->v[i].c.old = NULL;
		s->v[i].c.value = NULL;
		s->v[i].expect = s->v[i].reject = NULL;
	}
	if (a->services & SVC_MAIL)
		for (i = 0; i < a->domains.n; i++) {
			struct dns_change *d = cs_add(s, a->domains.v[i], ZONE_SET_TTL,
			    a->domains.v[i]);

			d->c.type = d->qtype = "MX";
		}
	if ((a->services & SVC_MUSH) && zone_for(ctx, a->mush_name)) {
		struct dns_change *d = cs_add(s, zone_for(ctx, a->mush_name), ZONE_SET_TTL,
		    a->mush_name);

		d->c.type = d->qtype = "A";
	}
	(void)lower;
	return 0;
}

/* kv "ttl.old.NAME.TYPE" = "SECONDS explicit|default" */
static void
ttl_key(struct strbuf *sb, const struct dns_change *d)
{
	strbuf_addf(sb, "ttl.old.%s.%s", d->c.name, d->c.type);
}

/* fills each target's TTL: cutover-ttl (lower) or the remembered old one */
static int
ttl_values(struct step_ctx *ctx, struct change_set *s, int lower)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	long cut = ctx->f->cf->dns.cutover_ttl, max_old = 0;
	size_t i;
	int r = 0;

	for (i = 0; i < s->n && r == 0; i++) {
		struct dns_change *d = &s->v[i];
		struct zone z = ZONE_INIT;
		struct file_edit e;
		int k;

		strbuf_reset(&key);
		strbuf_reset(&val);
		ttl_key(&key, d);
		if (lower) {
			d->c.ttl = cut;
			d->expect_ttl = cut;
		}
		if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val) == 1) {
			long old = strtol(val.buf, NULL, 10);

			if (!lower) {
				d->c.ttl = strstr(val.buf, "default") ? ZONE_TTL_DEFAULT : old;
				d->expect_ttl = old;
			}
			max_old = old > max_old ? old : max_old;
			continue;
		}
		if (!lower) {	/* never lowered: nothing to put back */
			d->c.op = ZONE_SET_TTL;
			d->c.ttl = -2;
			continue;
		}
		if (dns_load_zone(ctx, d->zone, &e, &z) < 0) {
			r = -1;
			continue;
		}
		k = zone_find(&z, d->c.name, d->c.type, 0);
		if (k >= 0 && z.rr[k].ttl <= cut)
			d->c.ttl = -2;	/* already short enough: left alone */
		else if (k >= 0 && !ctx->dry_run) {
			strbuf_addf(&val, "%ld %s", z.rr[k].ttl, z.rr[k].has_ttl ? "explicit" : "default");
			journal_kv_set(ctx->f->j, ctx->a->name, key.buf, val.buf);
			max_old = z.rr[k].ttl > max_old ? z.rr[k].ttl : max_old;
		}
		edit_release(&e);
		zone_release(&z);
	}
	if (lower && r == 0 && !ctx->dry_run) {
		strbuf_reset(&val);
		strbuf_addf(&val, "%ld", max_old);
		journal_kv_set(ctx->f->j, ctx->a->name, "ttl.max_old", val.buf);
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

/* drops targets whose TTL has nothing to change (never lowered, or no record) */
static void
ttl_prune(struct change_set *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (s->v[i].c.ttl != -2)
			s->v[k++] = s->v[i];
	s->n = k;
}

/* the step's change set; 0 or -1 */
static int
build(struct step_ctx *ctx, const char *id, enum direction dir, struct change_set *s)
{
	struct config *cf = ctx->f->cf;
	struct account *a = ctx->a;

	memset(s, 0, sizeof *s);
	if (strcmp(id, "prep.3") == 0) {
		struct dns_change *d;
		const char *zone = zone_for(ctx, a->test_name);

		if (zone == NULL)
			return step_error(ctx, "test-name %s is in none of the account's domains",
			    a->test_name);
		d = cs_add(s, zone, dir == FORWARD ? ZONE_ADD : ZONE_DEL, a->test_name);
		d->c.type = d->qtype = "A";
		d->c.value = cs_keep(s, cf->to->address);
		d->c.ttl = cf->dns.cutover_ttl;
		if (dir == FORWARD)
			d->expect = d->c.value;
		else {
			d->c.old = d->c.value;
			d->c.value = NULL;
			d->reject = d->c.old;
		}
	} else if (strcmp(id, "prep.ttl") == 0) {
		if (ttl_targets(s, ctx, dir == FORWARD) < 0)
			return -1;
		if (ttl_values(ctx, s, dir == FORWARD) < 0)
			return -1;
		ttl_prune(s);
	} else if (strcmp(id, "phase1.5") == 0) {
		if (dir == FORWARD)
			a_change(s, ctx, a->mush_name, cf->from->address, cf->to->address);
		else
			a_change(s, ctx, a->mush_name, cf->to->address, cf->from->address);
		return dns_extra_changes(ctx, s, id, dir == FORWARD);
	} else if (strcmp(id, "phase2.1") == 0) {
		web_a_changes(s, ctx, dir);
		return dns_extra_changes(ctx, s, id, dir == FORWARD);
	} else if (strcmp(id, "phase2.2") == 0) {
		mx_changes(s, ctx, dir);
		return dns_extra_changes(ctx, s, id, dir == FORWARD);
	} else if (strcmp(id, "phase2.3") == 0) {
		if (a->services & SVC_WEB)
			web_a_changes(s, ctx, FORWARD);
		if (a->services & SVC_MAIL)
			mx_changes(s, ctx, FORWARD);
		if (dns_extra_changes(ctx, s, "phase2.1", 1) < 0 ||
		    dns_extra_changes(ctx, s, "phase2.2", 1) < 0)
			return -1;
	}
	return 0;
}

static int
dns_configured(struct step_ctx *ctx)
{
	if (ctx->f->cf->dns.line == 0 || ctx->f->cf->dns.primary == NULL) {
		ctx->skip_reason = "no [dns] section in the configuration";
		return 0;
	}
	return 1;
}

/* cut-over steps wait until the old TTL has passed since prep.ttl was served */
static int
ttl_gate(struct step_ctx *ctx)
{
	struct strbuf at = STRBUF_INIT, max = STRBUF_INIT, key = STRBUF_INIT, val = STRBUF_INIT;
	double open_at, left = 0;

	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, "ttl.lowered_at", &at) == 1 &&
	    journal_kv_get(ctx->f->j, ctx->a->name, "ttl.max_old", &max) == 1) {
		open_at = strtod(at.buf, NULL) + strtod(max.buf, NULL);
		left = open_at - now_seconds();
		if (left > 0 && !ctx->dry_run) {
			strbuf_addf(&key, "gate.%s", ctx->def->id);
			strbuf_addf(&val, "%.0f", open_at);
			journal_kv_set(ctx->f->j, ctx->a->name, key.buf, val.buf);
		}
	}
	strbuf_release(&at);
	strbuf_release(&max);
	strbuf_release(&key);
	strbuf_release(&val);
	if (left > 0) {
		ctx->wait_seconds = left;
		return 1;
	}
	return 0;
}

static int
gated(const char *id)
{
	return strcmp(id, "phase1.5") == 0 || strcmp(id, "phase2.1") == 0 ||
	    strcmp(id, "phase2.2") == 0;
}

/* the records left at the old host as dns-leave asks, named (cut-over steps);
   with remember, kept for the report (kv dns.left) */
static void
say_left(struct step_ctx *ctx, struct strbuf *out, int remember)
{
	struct strbuf names = STRBUF_INIT;

	if (gated(ctx->def->id) && dns_left_records(ctx, &names) > 0) {
		strbuf_addf(out, "%sleft at the old host (dns-leave): %s", out->len ? "; " : "",
		    names.buf);
		if (remember && ctx->f->j && !ctx->dry_run)
			journal_kv_set(ctx->f->j, ctx->a->name, "dns.left", names.buf);
	}
	strbuf_release(&names);
}

static int
dns_probe(struct step_ctx *ctx)
{
	struct change_set s;
	int r;

	if (!dns_configured(ctx))
		return PROBE_SKIP;
	if (build(ctx, ctx->def->id, FORWARD, &s) < 0)
		return PROBE_ERROR;
	if (s.n == 0) {
		cs_release(&s);
		strbuf_addstr(&ctx->detail, "no record to change");
		return PROBE_DONE;
	}
	r = cs_in_place(ctx, &s);
	if (r < 0)
		r = PROBE_ERROR;
	/* in place but not reloaded (a killed run): apply reloads, no need to wait for it */
	else if (r == 1 && !ctx->dry_run &&
	    !edit_reload_owed(ctx, ctx->f->cf->dns.primary, "dns") && cs_verify(ctx, &s) == 0)
		r = PROBE_DONE;
	else if (gated(ctx->def->id) && ttl_gate(ctx))
		r = PROBE_WAIT;
	else {
		r = PROBE_TODO;
		if (ctx->dry_run)
			r = cs_apply(ctx, &s) < 0 ? PROBE_ERROR : PROBE_TODO;
	}
	if (ctx->dry_run) {
		struct strbuf left = STRBUF_INIT;

		say_left(ctx, &left, 0);
		if (left.len)
			strbuf_addf(&ctx->diff, "%s\n", left.buf);
		strbuf_release(&left);
	}
	strbuf_reset(&ctx->detail);
	cs_release(&s);
	return r;
}

static int
dns_apply(struct step_ctx *ctx)
{
	struct change_set s;
	int r;

	if (build(ctx, ctx->def->id, FORWARD, &s) < 0)
		return -1;
	r = cs_apply(ctx, &s);
	cs_release(&s);
	if (r == 0)
		say_left(ctx, &ctx->detail, 1);
	return r;
}

static int
verify_step(struct step_ctx *ctx, enum direction dir)
{
	struct change_set s;
	int r;

	if (build(ctx, ctx->def->id, dir, &s) < 0)
		return -1;
	r = cs_verify(ctx, &s);
	if (r == 0 && dir == FORWARD && strcmp(ctx->def->id, "prep.ttl") == 0) {
		struct strbuf now = STRBUF_INIT;

		strbuf_addf(&now, "%.3f", now_seconds());
		journal_kv_set(ctx->f->j, ctx->a->name, "ttl.lowered_at", now.buf);
		strbuf_release(&now);
	}
	cs_release(&s);
	return r;
}

static int
dns_verify(struct step_ctx *ctx)
{
	return verify_step(ctx, FORWARD);
}

/* records come back as they were, with a serial higher than any served */
static int
dns_undo(struct step_ctx *ctx)
{
	struct change_set s;
	int r;

	if (build(ctx, ctx->def->id, BACKWARD, &s) < 0)
		return -1;
	r = cs_apply(ctx, &s);
	cs_release(&s);
	if (r == 0 && (r = verify_step(ctx, BACKWARD)) == 0)
		dns_extra_forget(ctx, ctx->def->id);
	return r;
}

/* phase2.3 changes nothing itself: it is the one-by-one check */
static int
check_probe(struct step_ctx *ctx)
{
	if (!dns_configured(ctx))
		return PROBE_SKIP;
	strbuf_addstr(&ctx->diff, "ask every nameserver for the moved A and MX records\n");
	return PROBE_TODO;
}

static int
check_apply(struct step_ctx *ctx)
{
	return 0;
}

static int
tidy_set(struct step_ctx *ctx, struct change_set *s)
{
	struct change_set t;
	size_t i;

	if (build(ctx, "prep.ttl", BACKWARD, s) < 0)
		return -1;
	if ((ctx->a->services & SVC_WEB) && build(ctx, "prep.3", BACKWARD, &t) == 0) {
		for (i = 0; i < t.n; i++) {
			struct dns_change *d = cs_add(s, t.v[i].zone, t.v[i].c.op, t.v[i].c.name);

			d->c.type = d->qtype = "A";
			d->c.old = cs_keep(s, t.v[i].c.old);
			d->reject = d->c.old;
		}
		cs_release(&t);
	}
	return 0;
}

/* done.tidy: the TTLs lowered by prep.ttl back, the test name gone, on every nameserver */
static int
dns_tidy(struct step_ctx *ctx)
{
	struct change_set s;
	int r;

	if (!dns_configured(ctx))
		return 0;
	if (tidy_set(ctx, &s) < 0)
		return -1;
	r = cs_apply(ctx, &s);
	if (r == 0)
		r = cs_verify(ctx, &s);
	cs_release(&s);
	return r;
}

static const struct step_ops dns_steps[] = {
	{ "prep.3", dns_probe, dns_apply, dns_verify, dns_undo },
	{ "prep.ttl", dns_probe, dns_apply, dns_verify, dns_undo },
	{ "phase1.5", dns_probe, dns_apply, dns_verify, dns_undo },
	{ "phase2.1", dns_probe, dns_apply, dns_verify, dns_undo },
	{ "phase2.2", dns_probe, dns_apply, dns_verify, dns_undo },
	{ "phase2.3", check_probe, check_apply, dns_verify, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_dns = { .name = "dns", .steps = dns_steps, .tidy = dns_tidy };
