/*
 * mail-queue.h: an MTA's queue listing read for one account: sendmail's
 * mailq (sendmail -bp) and postfix's postqueue -p both print one entry as
 * a line "QUEUE-ID[*!] SIZE DATE... SENDER" at the line's start and its
 * recipients (and a "(reason)" for a deferred one) on indented lines after
 * it; sendmail brackets the addresses, postfix does not.
 */
#ifndef FERRY_MAIL_QUEUE_H
#define FERRY_MAIL_QUEUE_H

#include "strbuf.h"

/*
 * Appends to ids the queue ID of each entry of listing that names one of
 * the account's addresses (login@anything or anything@one of domains, as
 * sender or recipient, any case), without its status mark (* active, !
 * held).  Headers, totals and "is empty" lines are no entries.
 */
void mail_queue_ids(const char *listing, const char *login, const struct strlist *domains,
    struct strlist *ids);

/* a word of letters and digits only: safe as an argument after -qI or -i */
int mail_queue_id_ok(const char *id);

#endif
