/* dns-apply.h: sets of zone changes, applied on the primary and asked of every nameserver. */
#ifndef FERRY_DNS_APPLY_H
#define FERRY_DNS_APPLY_H

#include "edit.h"
#include "zone.h"

struct dns_change {
	char *zone;
	struct zone_change c;
	const char *qname;	/* what to ask */
	const char *qtype;
	const char *expect;	/* a value that must be in the answer, or NULL */
	const char *reject;	/* a value that must not be */
	long expect_ttl;	/* >= 0: the answer's TTL */
};

struct change_set {
	struct dns_change *v;
	size_t n;
	struct strlist pool;	/* owns every string the changes point to */
};

/* a string owned by the set */
const char *cs_keep(struct change_set *s, const char *str);
const char *cs_keepf(struct change_set *s, const char *fmt, const char *a);
struct dns_change *cs_add(struct change_set *s, const char *zone, enum zone_op op,
    const char *name);
void cs_release(struct change_set *s);

void dns_zone_path(struct config *cf, const char *zone, struct strbuf *out);
/* reads and parses a zone from the primary: 0 or -1 (reported) */
int dns_load_zone(struct step_ctx *ctx, const char *zone, struct file_edit *e, struct zone *z);
/* every zone of the set: edited (one serial bump each), checked, replaced, reloaded */
int cs_apply(struct step_ctx *ctx, const struct change_set *s);
/* 1 when every change is in its zone file already, 0 not, -1 error */
int cs_in_place(struct step_ctx *ctx, const struct change_set *s);
/* asks each nameserver for each change until it serves it; names the one that never does */
int cs_verify(struct step_ctx *ctx, const struct change_set *s);

#endif
