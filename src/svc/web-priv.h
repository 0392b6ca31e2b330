/* web-priv.h: what the web driver's files share (svc-web.c, web-compare.c,
   web-proxy.c, web-userdir.c). */
#ifndef FERRY_WEB_PRIV_H
#define FERRY_WEB_PRIV_H

#include "edit.h"
#include "probe.h"
#include "vhost.h"
#include "web-vfile.h"	/* struct vfile, vfile_load, vfile_release */
/* swap in, apache-check, put back on failure; then apache-reload (a diff in a dry run) */
int apache_commit(struct step_ctx *ctx, const struct host *h, struct vfile *v, const char *text);
/* the reload a killed run owed h (its file is right already) */
int apache_reload_owed(struct step_ctx *ctx, const struct host *h);

/* the modules ~user pages need where they are served */
extern const char *const userdir_mods[];

/* prep.5 (web-compare.c): the site compared through both names; new_name
   (test-name) asks for the first name on the new host, NULL its own name */
int compare_site(struct step_ctx *ctx, const char *new_name);
int same_response(struct step_ctx *ctx, const char *what, struct http_response *a,
    struct http_response *b);
int compare_probe(struct step_ctx *ctx);
int compare_apply(struct step_ctx *ctx);

/* phase2.proxy and phase2.5 (web-proxy.c) */
int proxy_probe(struct step_ctx *ctx);
int proxy_apply(struct step_ctx *ctx);
int proxy_verify(struct step_ctx *ctx);
int proxy_undo(struct step_ctx *ctx);
int served_probe(struct step_ctx *ctx);
int served_apply(struct step_ctx *ctx);
int served_verify(struct step_ctx *ctx);

/* web-tls.c: 443 when one of the account's blocks on the old host serves
   TLS (every web check then fetches https, SNI and certificate checked),
   else 80; found once, kept in the journal */
int web_port(struct step_ctx *ctx);
/* prep.4's TLS part: files the :443 blocks name and certbot's lineage.
   probe: how many paths the new host lacks (listed in ctx->diff), -1 error */
int tls_probe(struct step_ctx *ctx);
int tls_carry(struct step_ctx *ctx);
/* removes what tls_carry created on the new host */
int tls_undo(struct step_ctx *ctx);

/* phase2.6 (web-userdir.c) */
int redirect_probe(struct step_ctx *ctx);
int redirect_apply(struct step_ctx *ctx);
int redirect_undo(struct step_ctx *ctx);
int redirect_verify(struct step_ctx *ctx);

#endif
