/* dns.h: what the DNS driver offers the other drivers (done.tidy). */
#ifndef FERRY_DNS_H
#define FERRY_DNS_H

#include "ferry.h"

/* the TTLs lowered by prep.ttl back to their old values, the test name removed */
int dns_tidy_probe(struct step_ctx *ctx);
int dns_tidy_apply(struct step_ctx *ctx);
int dns_tidy_verify(struct step_ctx *ctx);

#endif
