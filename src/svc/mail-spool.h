/* mail-spool.h: the mail driver's spool steps (mail-spool.c), for svc-mail.c's step table. */
#ifndef FERRY_MAIL_SPOOL_H
#define FERRY_MAIL_SPOOL_H

#include "ferry.h"

/*
 * sh: the spool "$s" on stdout, its access time left as it was.  A read
 * that marks the mailbox read makes each procmail delivery into it hold
 * the lock about a second (measured in the lab: 10 deliveries a second
 * fell to 1 while the spool was grepped each second, and stayed at 10 with
 * O_NOATIME), and tells the owner's mail reader there is no new mail.
 * dd's noatime needs the file's owner or root: a plain cat otherwise.
 */
#define SPOOL_CAT_SH \
	"{ if dd if=\"$s\" iflag=noatime count=0 status=none 2>/dev/null; " \
	"then dd if=\"$s\" iflag=noatime bs=64k status=none; else cat \"$s\"; fi; }"

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
