/* web-priv.h: what svc-web.c and web-userdir.c share (the web driver's files). */
#ifndef FERRY_WEB_PRIV_H
#define FERRY_WEB_PRIV_H

#include "edit.h"
#include "vhost.h"
#include "web-vfile.h"	/* struct vfile, vfile_load, vfile_release */
/* swap in, apache-check, put back on failure; then apache-reload (a diff in a dry run) */
int apache_commit(struct step_ctx *ctx, const struct host *h, struct vfile *v, const char *text);
/* the reload a killed run owed h (its file is right already) */
int apache_reload_owed(struct step_ctx *ctx, const struct host *h);

/* the modules ~user pages need where they are served */
extern const char *const userdir_mods[];

/* phase2.6 (web-userdir.c) */
int redirect_probe(struct step_ctx *ctx);
int redirect_apply(struct step_ctx *ctx);
int redirect_undo(struct step_ctx *ctx);
int redirect_verify(struct step_ctx *ctx);

#endif
