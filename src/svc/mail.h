/* mail.h: what the mail driver offers the other drivers. */
#ifndef FERRY_MAIL_H
#define FERRY_MAIL_H

#include "ferry.h"

/* 1 when the account's mail is forwarded (config, or auto from the old host's table) */
int mail_is_forwarded(struct step_ctx *ctx);

#endif
