/* mail-spool.h: the mail driver's spool steps (mail-spool.c), for svc-mail.c's step table. */
#ifndef FERRY_MAIL_SPOOL_H
#define FERRY_MAIL_SPOOL_H

#include "ferry.h"

/* HOST's mail-spool/LOGIN */
void mail_spool_path(const struct host *h, const struct account *a, struct strbuf *sb);
/* PROBE_SKIP (with the reason) when the account's mail is forwarded, else PROBE_TODO */
int mail_skip_if_forwarded(struct step_ctx *ctx);

/* phase1.7 and phase1.10 */
int mail_spool_probe(struct step_ctx *ctx);
int mail_spool_apply(struct step_ctx *ctx);
int mail_spool_verify(struct step_ctx *ctx);
int mail_spool_back(struct step_ctx *ctx);
int mail_late_back(struct step_ctx *ctx);

#endif
