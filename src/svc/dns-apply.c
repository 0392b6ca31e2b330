/*
 * dns-apply.c: the mechanics under every DNS step.  Changes are grouped by
 * zone and applied to the zone file on the primary as text (zone.c keeps
 * every other byte), the serial bumped once per edit, checked by
 * named-checkzone, reloaded; then each nameserver is asked one by one,
 * without recursion, and a lagging secondary gets a retransfer.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dns-apply.h"
#include "dns-batch.h"
#include "dns-check.h"
#include "remote.h"
#include "probe.h"

#define DNS_VERIFY_SECONDS 60
#define DNS_RETRANSFER_AFTER 0.0	/* seconds: a secondary behind is nudged at once */

const char *
cs_keep(struct change_set *s, const char *str)
{
	strlist_push(&s->pool, str);
	return s->pool.v[s->pool.n - 1];
}

const char *
cs_keepf(struct change_set *s, const char *fmt, const char *a)
{
	strlist_pushf(&s->pool, fmt, a);
	return s->pool.v[s->pool.n - 1];
}

struct dns_change *
cs_add(struct change_set *s, const char *zone, enum zone_op op, const char *name)
{
	struct dns_change *d;

	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	d = &s->v[s->n++];
	memset(d, 0, sizeof *d);
	d->zone = (char *)cs_keep(s, zone);
	d->c.op = op;
	d->c.name = cs_keep(s, name);
	d->c.ttl = -1;
	d->c.pref = -1;
	d->qname = d->c.name;
	d->expect_ttl = -1;
	return d;
}

void
cs_release(struct change_set *s)
{
	free(s->v);
	strlist_clear(&s->pool);
	memset(s, 0, sizeof *s);
}

void
dns_zone_path(struct config *cf, const char *zone, struct strbuf *out)
{
	struct expand ex = { NULL, NULL, zone, NULL };

	expand_template(out, cf->dns.zone_file, &ex);
}

static unsigned
today_utc(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (unsigned)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

/* reads and parses a zone from the primary */
int
dns_load_zone(struct step_ctx *ctx, const char *zone, struct file_edit *e, struct zone *z)
{
	struct config *cf = ctx->f->cf;
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	int r = -1;

	dns_zone_path(cf, zone, &path);
	if (edit_read(ctx, cf->dns.primary, path.buf, e) == 0) {
		if (!e->existed)
			step_error(ctx, "%s: no zone file %s", cf->dns.primary->name, path.buf);
		else if (zone_parse(z, path.buf, zone, e->old.buf, e->old.len, &err) < 0)
			step_error(ctx, "%s: %s", cf->dns.primary->name, err.buf);
		else
			r = 0;
	}
	strbuf_release(&path);
	strbuf_release(&err);
	return r;
}

/* the highest serial any nameserver serves now, and what the journal remembers */
static int
highest_served(struct step_ctx *ctx, const char *zone, uint32_t *out)
{
	struct host **ns;
	size_t n = config_nameservers(ctx->f->cf, &ns), i;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	int have = 0;

	strbuf_addf(&key, "dns.serial.%s", zone);
	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val) == 1) {
		*out = (uint32_t)strtoul(val.buf, NULL, 10);
		have = 1;
	}
	for (i = 0; i < n; i++) {
		struct dns_answer a;

		if (dns_query(ns[i]->address, zone, "SOA", &a) == 0 && a.has_serial &&
		    (!have || serial_gt(a.serial, *out))) {
			*out = a.serial;
			have = 1;
		}
		dns_answer_release(&a);
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return have;
}

static void
remember_serial(struct step_ctx *ctx, const char *zone, uint32_t serial)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;

	strbuf_addf(&key, "dns.serial.%s", zone);
	strbuf_addf(&val, "%u", serial);
	journal_kv_set(ctx->f->j, ctx->a->name, key.buf, val.buf);
	strbuf_release(&key);
	strbuf_release(&val);
}

/* the changes of one zone, as zone_edit takes them */
static size_t
changes_of_zone(const struct change_set *s, const char *zone, struct zone_change *out)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].zone, zone) == 0)
			out[n++] = s->v[i].c;
	return n;
}

static int
first_of_zone(const struct change_set *s, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(s->v[k].zone, s->v[i].zone) == 0)
			return 0;
	return 1;
}

/* the edit's detail, and the request done when another account's edit carried it */
static void
carried(struct step_ctx *ctx, const char *zone, const struct zone_batch *b)
{
	remember_serial(ctx, zone, b->serial);
	strbuf_addf(&ctx->detail, "%s%s serial %u (carried by %s's edit)",
	    ctx->detail.len ? "; " : "", zone, b->serial, b->carried_by);
}

struct batch_wait {
	struct step_ctx *ctx;
	struct zone_batch *b;
};

static int
batch_carried(void *arg)
{
	struct batch_wait *w = arg;

	return zone_batch_carried(w->ctx, w->b);
}

/* this zone's changes, with every queued request of other jobs folded in */
static int
edit_zone(struct step_ctx *ctx, struct zone *z, struct zone_batch *b, size_t n_mine,
    struct zone_bump *bump, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	int applied = zone_edit(z, b->all, b->n_all, bump, out, &err);

	if (applied < 0 && b->n_all > n_mine) {	/* another's request spoils it: ours alone */
		zone_batch_alone(b, n_mine);
		strbuf_reset(&err);
		strbuf_reset(out);
		applied = zone_edit(z, b->all, b->n_all, bump, out, &err);
	}
	if (applied < 0)
		step_error(ctx, "%s", err.buf);
	strbuf_release(&err);
	return applied;
}

/* "rndc VERB ZONE" on the primary; 0, or -1 reported */
static int
rndc(struct step_ctx *ctx, const char *verb, const char *zone)
{
	const struct host *p = ctx->f->cf->dns.primary;
	const char *argv[] = { "rndc", verb, zone, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int r = 0;

	debug("%s: rndc %s %s", p->name, verb, zone);
	if (remote_capture(&ctx->f->tr, p, argv, &out, &err) != 0)
		r = step_error(ctx, "%s: rndc %s %s failed: %s%s", p->name, verb, zone, err.buf,
		    out.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	return r;
}

/*
 * A zone BIND manages itself, asked of named before the file is read.  A
 * dynamic zone is frozen: BIND writes its journal into the file and takes
 * no update until thawed, so the edit is neither lost to the next
 * `rndc sync` nor racing nsupdate; thaw reads the edited file back.  1
 * frozen, 0 not dynamic, -1 error.
 */
static int
zone_hold(struct step_ctx *ctx, const char *zone, enum dns_zone_kind *kind)
{
	struct strbuf st = STRBUF_INIT;
	int r = 0;

	*kind = DNS_ZONE_STATIC;
	if (dns_ask_zone_kind(&ctx->f->tr, ctx->f->cf->dns.primary, zone, kind, &st) < 0)
		r = step_error(ctx, "%s: rndc zonestatus %s failed: named does not serve it",
		    ctx->f->cf->dns.primary->name, zone);
	else if (*kind == DNS_ZONE_SIGNED)
		r = step_error(ctx, "%s: zone %s is signed outside BIND: ferry does not edit it",
		    ctx->f->cf->dns.primary->name, zone);
	else if (*kind == DNS_ZONE_DYNAMIC && !strstr(st.buf, "\nfrozen: yes"))
		r = rndc(ctx, "freeze", zone) < 0 ? -1 : 1;
	else if (*kind == DNS_ZONE_DYNAMIC)
		r = 1;	/* a killed run froze it */
	strbuf_release(&st);
	return r;
}

/* named reads the edited file: reload (static), thaw (dynamic), reload and sign (inline) */
static int
zone_reload(struct step_ctx *ctx, const char *zone, enum dns_zone_kind kind,
    const struct expand *ex, struct strbuf *out)
{
	struct config *cf = ctx->f->cf;

	if (kind == DNS_ZONE_DYNAMIC)
		return rndc(ctx, "thaw", zone);
	if (host_command(ctx, cf->dns.primary, &cf->dns.reload, ex, out) != 0)
		return step_error(ctx, "%s: reload of %s failed: %s", cf->dns.primary->name, zone,
		    out->buf);
	return kind == DNS_ZONE_INLINE ? rndc(ctx, "sign", zone) : 0;
}

/* one zone: edit (or see it is in place), check, replace, reload */
static int
apply_zone(struct step_ctx *ctx, const struct change_set *s, const char *zone)
{
	struct config *cf = ctx->f->cf;
	struct zone_change *cs = xcalloc(s->n, sizeof *cs);
	size_t n = changes_of_zone(s, zone, cs);
	struct zone z = ZONE_INIT;
	struct file_edit e;
	struct zone_bump bump = { 0 };
	struct zone_batch b = ZONE_BATCH_INIT;
	struct strbuf out = STRBUF_INIT, file = STRBUF_INIT;
	struct expand ex = { NULL, NULL, zone, NULL };
	struct batch_wait wait = { ctx, &b };
	enum dns_zone_kind kind = DNS_ZONE_STATIC;
	int r = -1, applied, held = 0, frozen = 0;

	memset(&e, 0, sizeof e);
	strbuf_addf(&file, "%s:", cf->dns.primary->name);
	dns_zone_path(cf, zone, &file);
	zone_batch_queue(ctx, &b, file.buf, cs, n);	/* before the lock: see dns-batch.c */
	if (b.id && (held = edit_lock_unless(ctx->f, batch_carried, &wait)) <= 0) {
		if (held == 0)	/* carried while we waited: in place and reloaded */
			carried(ctx, zone, &b);
		r = held == 0 ? 0 : step_error(ctx, "cannot lock edits of %s", file.buf);
		goto done;
	}
	if (!ctx->dry_run && (frozen = zone_hold(ctx, zone, &kind)) < 0)
		goto done;
	if (dns_load_zone(ctx, zone, &e, &z) < 0)
		goto done;
	bump.today = today_utc();
	bump.have_served = highest_served(ctx, zone, &bump.highest_served);
	zone_batch_gather(ctx, &b, cs, n);	/* last before the edit: the most requests queued */
	if ((applied = edit_zone(ctx, &z, &b, n, &bump, &out)) < 0)
		goto done;
	if (ctx->dry_run) {
		if (applied > 0)
			edit_diff(ctx, &e, out.buf);
		r = 0;
		goto done;
	}
	if (b.done) {
		carried(ctx, zone, &b);
		if (applied == 0) {	/* in place and reloaded by the edit that carried it */
			r = 0;
			goto done;
		}
	}
	if (applied > 0) {
		if (edit_owe_reload(ctx, cf->dns.primary, "dns", 1) < 0 ||
		    edit_commit(ctx, &e, out.buf, EDIT_CHECK_NEW, &cf->dns.zone_check, &ex) < 0)
			goto done;
		remember_serial(ctx, zone, bump.new_serial);
		strbuf_addf(&ctx->detail, "%s%s serial %u", ctx->detail.len ? "; " : "", zone,
		    bump.new_serial);
	}
	/* reloaded even when the file was in place: a killed run may not have */
	strbuf_reset(&out);
	frozen = 0;	/* thawed by the reload, whatever it says */
	if (zone_reload(ctx, zone, kind, &ex, &out) < 0)
		;
	else if ((r = edit_owe_reload(ctx, cf->dns.primary, "dns", 0)) == 0) {
		uint32_t serial = bump.new_serial;

		if (applied == 0 && zone_soa_serial(&z, &serial) < 0)
			serial = 0;
		if (applied == 0 && !b.done)	/* a killed run's edit, or a killed carrier's */
			strbuf_addf(&ctx->detail, "%s%s serial %u in place, reloaded",
			    ctx->detail.len ? "; " : "", zone, serial);
		r = zone_batch_finish(ctx, &b, zone, serial);
	}
done:
	if (frozen > 0)	/* the old file (or none changed): named takes updates again */
		rndc(ctx, "thaw", zone);
	if (e.path)
		edit_release(&e);
	if (held > 0)
		edit_unlock_held(ctx->f);
	zone_release(&z);
	zone_batch_release(&b);
	free(cs);
	strbuf_release(&out);
	strbuf_release(&file);
	return r;
}

int
cs_apply(struct step_ctx *ctx, const struct change_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (first_of_zone(s, i) && apply_zone(ctx, s, s->v[i].zone) < 0)
			return -1;
	return 0;
}

/* 1 when every change is already in each zone file */
int
cs_in_place(struct step_ctx *ctx, const struct change_set *s)
{
	size_t i;
	int all = 1;

	for (i = 0; i < s->n && all; i++) {
		struct zone z = ZONE_INIT;
		struct file_edit e;
		struct strbuf err = STRBUF_INIT;

		if (dns_load_zone(ctx, s->v[i].zone, &e, &z) < 0)
			all = -1;
		else if (zone_change_in_place(&z, &s->v[i].c, &err) != 1)
			all = 0;
		if (e.path)
			edit_release(&e);
		zone_release(&z);
		strbuf_release(&err);
	}
	return all;
}

/* an MX answer ("10 neko-base.nekodojo.test.") naming host */
static int
names_mx(const struct strlist *values, const char *host)
{
	size_t i, hl;

	if (host == NULL)
		return 0;
	hl = strlen(host);
	for (i = 0; i < values->n; i++) {
		const char *sp = strrchr(values->v[i], ' ');

		if (sp && strlen(sp + 1) == hl && strcasecmp(sp + 1, host) == 0)
			return 1;
	}
	return 0;
}

/* does this server's answer show the change? */
static int
served(const struct host *ns, const struct dns_change *d, struct strbuf *why)
{
	struct dns_answer a;
	int ok;

	if (dns_query(ns->address, d->qname, d->qtype, &a) < 0) {
		strbuf_addf(why, "%s (%s) does not answer", ns->name, ns->address);
		return 0;
	}
	if (d->c.op == ZONE_SET_MX)
		ok = a.aa && names_mx(&a.values, d->c.value) && !names_mx(&a.values, d->c.old);
	else
		ok = a.aa && (d->expect == NULL || strlist_has(&a.values, d->expect)) &&
	    (d->reject == NULL || !strlist_has(&a.values, d->reject)) &&
	    (d->expect_ttl < 0 || a.values.n == 0 || a.ttl == (unsigned)d->expect_ttl);
	if (!ok)
		strbuf_addf(why, "%s (%s) answers %s %s with %s%s (ttl %u)", ns->name, ns->address,
		    d->qname, d->qtype, a.values.n ? a.values.v[0] : "nothing",
		    a.aa ? "" : ", not authoritatively", a.ttl);
	dns_answer_release(&a);
	return ok;
}

/* this server serves every change of the set; why says what it answered when not */
static int
serves_all(const struct host *ns, const struct change_set *s, struct strbuf *why)
{
	size_t k;

	for (k = 0; k < s->n; k++) {
		strbuf_reset(why);
		if (!served(ns, &s->v[k], why))
			return 0;
	}
	return 1;
}

/* zones of the set, once each, retransferred on a lagging secondary */
static void
nudge(struct step_ctx *ctx, const struct host *ns, const struct change_set *s)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (first_of_zone(s, k)) {
			struct expand ex = { NULL, NULL, s->v[k].zone, NULL };

			host_command(ctx, ns, &ctx->f->cf->dns.retransfer, &ex, NULL);
		}
}

/*
 * Asks every nameserver for every change until each serves them all.  The
 * servers are asked in turn in every round, the rounds close together at
 * first (20 ms, doubling up to 300 ms).  A secondary not serving at the
 * first round is told to retransfer at once (DNS_RETRANSFER_AFTER 0):
 * measured in the lab, the primary's NOTIFY alone took 0.6-1.75 s to show
 * on both secondaries, a retransfer 0.26-0.64 s for all three servers; a
 * prep.3 went from 1.9 s to 0.9 s, a prep.ttl from 4.9 s to 1.3 s (issue
 * 20).  The first server not serving after DNS_VERIFY_SECONDS is named.
 */
int
cs_verify(struct step_ctx *ctx, const struct change_set *s)
{
	struct host **ns;
	size_t n = config_nameservers(ctx->f->cf, &ns), i, left = n;
	unsigned char *done = xcalloc(n + 1, 1), *nudged = xcalloc(n + 1, 1);
	struct strbuf why = STRBUF_INIT;
	double start = now_seconds(), pause = 0.02;
	int r = 0;

	for (;;) {
		for (i = 0; i < n; i++)
			if (!done[i] && serves_all(ns[i], s, &why)) {
				done[i] = 1;
				left--;
			}
		if (left == 0)
			break;
		for (i = 0; i < n && done[i]; i++)
			;	/* the first still behind */
		if (now_seconds() - start > DNS_VERIFY_SECONDS) {
			strbuf_reset(&why);
			serves_all(ns[i], s, &why);
			r = step_error(ctx, "%s", why.buf);
			break;
		}
		for (i = 1; i < n; i++)
			if (!done[i] && !nudged[i] && now_seconds() - start > DNS_RETRANSFER_AFTER) {
				nudge(ctx, ns[i], s);
				nudged[i] = 1;
			}
		usleep((useconds_t)(pause * 1e6));
		pause = pause * 2 > 0.3 ? 0.3 : pause * 2;
	}
	if (r == 0)
		strbuf_addf(&ctx->detail, "%sserved by %zu nameservers in %.2f s",
		    ctx->detail.len ? "; " : "", n, now_seconds() - start);
	free(done);
	free(nudged);
	strbuf_release(&why);
	return r;
}
