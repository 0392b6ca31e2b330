/*
 * mail-int.h: what the mail driver's files share (svc-mail.c, mail-switch.c,
 * mail-test.c; the spool steps' entry points are in mail-spool.h).  Not for
 * other drivers: they see mail.h.
 */
#ifndef FERRY_MAIL_INT_H
#define FERRY_MAIL_INT_H

#include "edit.h"
#include "ferry.h"
#include "virtuser.h"

/* one host's address map and local domains, as read for a step */
struct maps {
	struct file_edit vt, dom;	/* virtusertable, mta-domains */
	struct virtuser v;
	struct strlist local;		/* local domains of that host */
	int loaded;
};

/* reads h's map and mta-domains: 0, or -1 with the step's error */
int mail_maps_load(struct step_ctx *ctx, const struct host *h, struct maps *m);
void mail_maps_release(struct maps *m);

/* forwarded or local: the config's word, or (auto) phase1.6's decision */
int mail_mode(struct step_ctx *ctx, enum mail_mode *mode);
/* the addresses phase1.8 found delivering with no map line of their own (journal) */
void mail_saved_addresses(struct step_ctx *ctx, struct strlist *out);
/* an address of the account to test with: its first full key, or LOGIN@DOMAIN */
void mail_test_address(struct step_ctx *ctx, struct maps *m, struct strbuf *out);

/* phase1.8 (mail-switch.c) */
int mail_switch_probe(struct step_ctx *ctx);
int mail_switch_apply(struct step_ctx *ctx);
int mail_switch_verify(struct step_ctx *ctx);
int mail_switch_undo(struct step_ctx *ctx);

/* phase1.9 (mail-test.c) */
int mail_test_probe(struct step_ctx *ctx);
int mail_test_apply(struct step_ctx *ctx);

#endif
