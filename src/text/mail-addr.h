/*
 * mail-addr.h: every address that delivers to an account's mailbox on a
 * host, beyond the lines its map has for the account: the MTA delivers
 * login@D for each of its own (local) domains D, and NAME@D for each
 * /etc/aliases NAME whose one target is the login, with no map line at all.
 * A migration that moves only the map's lines leaves these delivering into
 * the old spool (issue 15).
 */
#ifndef FERRY_MAIL_ADDR_H
#define FERRY_MAIL_ADDR_H

#include "strbuf.h"
#include "virtuser.h"

/* the names of aliases (sendmail/postfix aliases(5) text) whose only target is login */
void mail_alias_names(const char *text, const char *login, struct strlist *names);

/*
 * Appends to out, once each, "NAME@D" for NAME in login and alias_names and
 * D in local (the host's own domains), leaving out: names without a dot
 * (localhost, the short host name: no other host sends there), the
 * account's domains (its own map lines and the new host take those), a D
 * whose "@D" catch-all key sends all of D elsewhere, and addresses that
 * already are a key of vt.
 */
void mail_implicit_addresses(const struct virtuser *vt, const struct strlist *local,
    const struct strlist *domains, const char *login, const struct strlist *alias_names,
    struct strlist *out);

#endif
