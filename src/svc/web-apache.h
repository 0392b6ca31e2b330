/*
 * web-apache.h: Apache on a host as Apache itself sees it: its whole
 * configuration (apache-conf.h, read over ssh in one round trip), the
 * modules it has loaded (apache2ctl -M), and the modules a step of ferry's
 * needs, enabled by that step (a2enmod, apache-check, apache-reload),
 * journaled so that rollback disables what ferry enabled and nothing else.
 */
#ifndef FERRY_WEB_APACHE_H
#define FERRY_WEB_APACHE_H

#include "apache-conf.h"
#include "ferry.h"

/*
 * Reads h's configuration from the ServerRoot and config file apache2ctl -V
 * names (/etc/apache2 and apache2.conf when it names none).  -1 with a
 * message on error.
 */
int apache_host_load(struct ferry *f, const struct host *h, struct apache_conf *ac);

/* the block of h serving name on h's address, port 80 (-1: the main server) */
long apache_host_serving(const struct apache_conf *ac, const struct host *h, const char *name,
    int *by_name);

/*
 * the modules h's Apache has loaded, as a2enmod names them ("proxy",
 * "userdir"): 0, or -1 with Apache's own words in why (a configuration it
 * refuses lists none)
 */
int apache_host_modules(struct ferry *f, const struct host *h, struct strlist *out,
    struct strbuf *why);

/*
 * The modules of mods (NULL-terminated, a2enmod names) that h lacks, into
 * missing.  With apply set, they are enabled: journaled first (so a killed
 * run's rollback still disables them), a2enmod, apache-check (a2dismod
 * again when it fails), apache-reload.  Without apply (probe, dry run),
 * "HOST: a2enmod MOD..." goes to ctx->diff.  Returns -1 on error, else how
 * many were missing.
 */
int apache_need_modules(struct step_ctx *ctx, const struct host *h, const char *const *mods,
    int apply);

/*
 * Disables (a2dismod, apache-check, apache-reload) the modules of mods this
 * account's step enabled on h; one another account's done step still needs
 * (its own journal says so) is handed over to that account instead.
 * Call after the step's own files are restored.
 */
int apache_undo_modules(struct step_ctx *ctx, const struct host *h, const char *const *mods);

/*
 * The files holding the account's blocks on h: h's apache-vhosts, then
 * every file of the whole configuration with a block naming one of names
 * (ServerName or ServerAlias; symlinks resolved), each once.
 */
int apache_account_files(struct step_ctx *ctx, const struct host *h, const struct strlist *names,
    struct strlist *out);

#endif
