/* web.h: what the web driver offers the other drivers. */
#ifndef FERRY_WEB_H
#define FERRY_WEB_H

#include "ferry.h"

/* DocumentRoots of the account's VirtualHosts on the old host that lie outside its home */
int web_docroots_outside_home(struct step_ctx *ctx, struct strlist *out);

#endif
