/* dns-refs.h: the records at the old host that move with an account's planned names. */
#ifndef FERRY_DNS_REFS_H
#define FERRY_DNS_REFS_H

#include "dns-apply.h"

/*
 * In the account's zones, every record that resolves to the old host's
 * address (zone_refs_to) and is not one of the account's planned names
 * (web names and the A their CNAMEs reach, mush-name, test-name) moves
 * through the A of the in-zone name holding the address: in phase2.2 when
 * an MX leads through it (mail accounts), else in phase2.1 (web), phase2.2
 * (mail) or phase1.5 (mush).  Names in dns-leave, or reached through a
 * record named there, stay and are reported.  What moved is remembered in
 * the journal (dns.moved.STEP) so that undo, a resumed run and tidy move
 * the same names back after the zone no longer points at the old host.
 * Another account's planned names are never touched; in a zone shared
 * with other accounts an unplanned record is left and named, not guessed.
 */

/* step id's extra A moves (forward: from -> to; backward: the remembered ones back) */
int dns_extra_changes(struct step_ctx *ctx, struct change_set *s, const char *step, int forward);
/* step undone: its names are the zone's again (found afresh by the next run) */
void dns_extra_forget(struct step_ctx *ctx, const char *step);
/* every step's extra names, as SET_TTL targets of type A (prep.ttl and tidy) */
int dns_extra_ttl_targets(struct step_ctx *ctx, struct change_set *s);
/* "NAME TYPE (via HOLDER)" of the records left at the old host, one per line; how many */
int dns_left_records(struct step_ctx *ctx, struct strbuf *out);

/* the same for check, before any run, of a loaded zone: "NAME A in STEP, ..." moved,
   "OWNER TYPE (via HOLDER), ..." left */
void dns_refs_describe(const struct config *cf, const struct account *a, const struct zone *z,
    struct strbuf *moved, struct strbuf *left);

#endif
