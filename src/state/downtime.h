/*
 * downtime.h: measured downtime per account and service, from the journal's
 * events (CONTRACT.md "status --json").  The service drivers emit the
 * events with journal_event_add() (the kinds and who emits them: journal.h).
 *
 * A window runs from the latest start event to the latest end event at or
 * after it, so a step repeated after a rollback measures its last attempt.
 * Web downtime is the sum of the closed down/up windows, 0 when there was
 * none.  A window that has not both ends yet (or a web.down still open) has
 * no figure: DOWNTIME_NONE, and status --json then OMITS that key; a key is
 * also omitted for a service the account does not have (files always
 * applies).
 */
#ifndef FERRY_DOWNTIME_H
#define FERRY_DOWNTIME_H

#include <stddef.h>

#include "journal.h"
#include "strbuf.h"

struct account;


/* in the order status --json prints them */
enum downtime_kind { DT_WEB = 0, DT_MAIL, DT_MUSH, DT_FILES, DT_COUNT };

#define DOWNTIME_NONE	(-1.0)

const char *downtime_name(enum downtime_kind k);	/* "web" "mail" "mush" "files" */
int downtime_applies(enum downtime_kind k, const struct account *a);

/* seconds for one service from an account's events (oldest first), or DOWNTIME_NONE */
double downtime_from_events(const struct journal_event *ev, size_t n, enum downtime_kind k);

/* every service's figure (DOWNTIME_NONE when absent or not the account's); j may be NULL */
int downtime_account(struct journal *j, const struct account *a, double out[DT_COUNT]);

/* the JSON object {"web": 0.0, "mail": 4.2, "files": 9.8}, absent figures left out */
void downtime_json(struct strbuf *sb, const double dt[DT_COUNT]);

#endif
