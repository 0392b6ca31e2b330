/* dns-check.h: how BIND manages a zone, asked of BIND; DNS's part of `check`. */
#ifndef FERRY_DNS_CHECK_H
#define FERRY_DNS_CHECK_H

#include "ferry.h"

enum dns_zone_kind {
	DNS_ZONE_STATIC,	/* a file BIND only reads: edit, reload */
	DNS_ZONE_DYNAMIC,	/* allow-update / update-policy: freeze, edit, thaw */
	DNS_ZONE_INLINE,	/* inline-signing: edit the unsigned file, BIND signs */
	DNS_ZONE_SIGNED,	/* signed outside BIND: refused */
};

/* the kind `rndc zonestatus ZONE` prints (dynamic: wins over inline) */
enum dns_zone_kind dns_zone_kind_of(const char *zonestatus);
extern const char *const dns_zone_kind_names[];
/* asks the host's named; 0, or -1 when named does not serve the zone (out: its words) */
int dns_ask_zone_kind(struct transport *tr, const struct host *h, const char *zone,
    enum dns_zone_kind *kind, struct strbuf *out);

/* check: every zone of the accounts read by ferry's parser and asked of named;
   the records at the old host each account moves or leaves; 1 when one is bad */
int dns_check_zones(struct ferry *f, struct account **accts, size_t n);

#endif
