/*
 * downtime.h: measured downtime per account and service, from the journal's
 * events (CONTRACT.md "status --json").  The service drivers emit the
 * events with journal_event_add(); these are the kinds and who emits them:
 *
 *   files.start  phase1.2   the owner's freeze notice was accepted by the MTA
 *   files.end    phase1.3   the final rsync and its verification pass finished
 *                           (the owner is still asked to keep still during both)
 *   mail.start   phase1.7   the spool was moved (mail now split across hosts)
 *   mail.end     phase1.10  late mail that reached the old host was moved
 *   mush.start   phase1.1   the game stopped on the old host (mush-freeze =
 *                           stop); with announce, phase2.4 when it stops the
 *                           old game
 *   mush.end     phase1.4   the game answers on the new host's port; with
 *                           announce, phase2.4 again, right after it checks
 *                           the new game still answers (a near-zero window)
 *   web.down     any step   a probe found no host serving the site
 *   web.up       any step   the site is served again after a web.down
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

#define EV_FILES_START	"files.start"
#define EV_FILES_END	"files.end"
#define EV_MAIL_START	"mail.start"
#define EV_MAIL_END	"mail.end"
#define EV_MUSH_START	"mush.start"
#define EV_MUSH_END	"mush.end"
#define EV_WEB_DOWN	"web.down"
#define EV_WEB_UP	"web.up"

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
