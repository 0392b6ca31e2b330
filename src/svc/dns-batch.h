/*
 * dns-batch.h: zone edits of several accounts (run --jobs) folded into one
 * edit of the zone file: one checker run, one reload, the serial rising
 * once.  Each request is a zone change set as data, queued in the journal
 * (journal_queue_*) before its process waits for the edit lock.
 */
#ifndef FERRY_DNS_BATCH_H
#define FERRY_DNS_BATCH_H

#include "ferry.h"
#include "zone.h"

struct zone_batch {
	char *file;			/* "HOST:PATH" of the zone file */
	long long id;			/* this process's request, 0 when none queued */
	int done;			/* it was carried by another edit */
	char *carried_by;		/* done: that edit's account */
	uint32_t serial;		/* done: the serial it wrote */
	struct edit_request *others;	/* folded in: queued requests of other processes */
	size_t n_others;
	struct zone_change *all;	/* this request's changes, then the others' */
	size_t n_all;
	struct strlist pool;		/* the decoded changes' strings */
};
#define ZONE_BATCH_INIT { NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0, STRLIST_INIT }

/* a change set as one line of text each, and back: 0, or -1 on a malformed payload */
void zone_changes_encode(const struct zone_change *c, size_t n, struct strbuf *out);
int zone_changes_decode(const char *payload, struct strlist *pool,
    struct zone_change **out, size_t *n);

/* before the edit lock: leaves this process's changes in the queue (no journal: no-op) */
int zone_batch_queue(struct step_ctx *ctx, struct zone_batch *b, const char *file,
    const struct zone_change *mine, size_t n);
/* 1 when another job's edit carried ours (b->serial, b->carried_by say which) */
int zone_batch_carried(struct step_ctx *ctx, struct zone_batch *b);
/* holding the lock: whether ours was carried, and every live queued request to fold in */
int zone_batch_gather(struct step_ctx *ctx, struct zone_batch *b,
    const struct zone_change *mine, size_t n);
/* the folded requests spoil the edit (refused, checker failed): ours alone */
void zone_batch_alone(struct zone_batch *b, size_t n_mine);
/* edit checked in and reloaded: every folded request done, journaled per account */
int zone_batch_finish(struct step_ctx *ctx, struct zone_batch *b, const char *zone,
    uint32_t serial);
void zone_batch_release(struct zone_batch *b);

#endif
