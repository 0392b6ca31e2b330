/* notice.h: mail to an account's owner (libcurl SMTP to [migration] smtp). */
#ifndef FERRY_NOTICE_H
#define FERRY_NOTICE_H

#include "ferry.h"

/* sends, remembers "notice.STEP.sent" in the journal; 0 when accepted, -1 failed */
int notice_send(struct step_ctx *ctx, const char *subject, const char *body);

#endif
