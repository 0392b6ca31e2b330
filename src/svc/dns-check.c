/*
 * dns-check.c: DNS's part of `check`, before any change.  Every zone ferry
 * will edit is read as ferry's parser reads it ($INCLUDE and $GENERATE
 * refused) and asked of named (rndc zonestatus): a static zone is edited
 * and reloaded, a dynamic one (allow-update, update-policy) between rndc
 * freeze and thaw, an inline-signed one in its unsigned file; a zone
 * signed outside BIND is refused here, not halfway through a run.  The
 * records that resolve to the old host besides the planned names are
 * named: those that move with the account, those dns-leave keeps.
 */
#include <string.h>

#include "dns-check.h"
#include "dns-refs.h"
#include "log.h"
#include "remote.h"
#include "zone.h"

const char *const dns_zone_kind_names[] = {
	"static, unsigned", "dynamic (freeze, edit, thaw)", "inline-signed (the unsigned file; BIND signs)",
	"signed outside BIND",
};

enum dns_zone_kind
dns_zone_kind_of(const char *st)
{
	if (strstr(st, "\ndynamic: yes") || !strncmp(st, "dynamic: yes", 12))
		return DNS_ZONE_DYNAMIC;
	if (strstr(st, "\ninline signing: yes"))
		return DNS_ZONE_INLINE;
	if (strstr(st, "\nsecure: yes"))
		return DNS_ZONE_SIGNED;
	return DNS_ZONE_STATIC;
}

int
dns_ask_zone_kind(struct transport *tr, const struct host *h, const char *zone,
    enum dns_zone_kind *kind, struct strbuf *out)
{
	const char *argv[] = { "rndc", "zonestatus", zone, NULL };

	strbuf_reset(out);
	if (remote_capture(tr, h, argv, out, NULL) != 0)
		return -1;
	*kind = dns_zone_kind_of(out->buf);
	return 0;
}

/* zones of the accounts ferry edits records in */
static void
zones_of(struct account **accts, size_t n, struct strlist *zones)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		if (accts[i]->services & (SVC_WEB | SVC_MAIL | SVC_MUSH))
			for (k = 0; k < accts[i]->domains.n; k++)
				if (!strlist_has(zones, accts[i]->domains.v[k]))
					strlist_push(zones, accts[i]->domains.v[k]);
}

/* the records at the old host each account of this zone moves or leaves */
static void
say_refs(struct ferry *f, struct account **accts, size_t n, const struct zone *z)
{
	struct strbuf moved = STRBUF_INIT, left = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strlist_has(&accts[i]->domains, z->origin))
			continue;
		strbuf_reset(&moved);
		strbuf_reset(&left);
		dns_refs_describe(f->cf, accts[i], z, &moved, &left);
		if (moved.len)
			info("ok %s: %s: also at the old host, moved with the account: %s",
			    z->origin, accts[i]->name, moved.buf);
		if (left.len)
			info("note %s: %s: left at the old host (dns-leave): %s", z->origin,
			    accts[i]->name, left.buf);
	}
	strbuf_release(&moved);
	strbuf_release(&left);
}

static int
check_zone(struct ferry *f, struct account **accts, size_t n, const char *zone)
{
	const struct host *p = f->cf->dns.primary;
	struct expand ex = { NULL, NULL, zone, NULL };
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT;
	enum dns_zone_kind kind = DNS_ZONE_STATIC;
	int bad = 0;

	expand_template(&path, f->cf->dns.zone_file, &ex);
	if (remote_read_file(&f->tr, p, path.buf, &text) != 0)
		bad = error("check: %s: cannot read the zone file %s", p->name, path.buf);
	else if (zone_parse(&z, path.buf, zone, text.buf, text.len, &err) < 0)
		bad = error("check: %s: zone %s: ferry cannot edit it: %s", p->name, zone, err.buf);
	if (!bad && dns_ask_zone_kind(&f->tr, p, zone, &kind, &text) < 0)
		bad = error("check: %s: rndc zonestatus %s failed: named does not serve it", p->name,
		    zone);
	else if (!bad && kind == DNS_ZONE_SIGNED)
		bad = error("check: %s: zone %s is signed outside BIND (no inline-signing): an "
		    "edited file would keep stale signatures", p->name, zone);
	else if (!bad)
		info("ok %s: zone %s (%s) read by ferry's parser; named: %s", p->name, zone,
		    path.buf, dns_zone_kind_names[kind]);
	if (!bad && f->cf->from->address)
		say_refs(f, accts, n, &z);
	zone_release(&z);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&err);
	return bad;
}

int
dns_check_zones(struct ferry *f, struct account **accts, size_t n)
{
	struct strlist zones = STRLIST_INIT;
	size_t i;
	int bad = 0;

	zones_of(accts, n, &zones);
	for (i = 0; i < zones.n; i++)
		bad |= check_zone(f, accts, n, zones.v[i]);
	strlist_clear(&zones);
	return bad;
}
