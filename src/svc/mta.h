/*
 * mta.h: what ferry needs of a mail transfer agent, one table per MTA
 * (mta-sendmail.c, mta-postfix.c).  The account's addresses live in one
 * "KEY VALUE" map (sendmail's virtusertable, postfix's virtual_alias_maps
 * as hash:FILE); each script runs on the host through host_sh, so the
 * MTA's own tools (makemap, postmap) judge the text and answer lookups.
 */
#ifndef FERRY_MTA_H
#define FERRY_MTA_H

#include "ferry.h"

struct mta_ops {
	const char *name;
	/* $1 = a candidate map: built in a scratch folder, status 0 when the MTA's builder accepts it */
	const char *check_script;
	/* $1 = the live map: its database rebuilt in place (owner and mode kept) */
	const char *build_script;
	/* $1 = the live map, $2 = a key: prints the value the built database holds; 1 when absent */
	const char *query_script;
	/* prints the queue the MTA delivers from, as mail-queue.h reads it */
	const char *queue_script;
	/* $@ = queue IDs (letters and digits): the MTA is asked to deliver them now; returns at once */
	const char *flush_script;
	/* the aliases(5) file its local delivery reads */
	const char *aliases;
	/*
	 * $1 = the live map: 0 when the MTA's own tools say it reads that map,
	 * 1 when not, 2 when the question failed; what the MTA said on stdout
	 */
	const char *reads_script;
};

const struct mta_ops *mta_of(const struct host *h);

/* the check argv template for edit_commit (%f = the candidate file) */
void mta_check_argv(const struct host *h, struct strlist *check);
/* rebuilds h's live map database: 0, or -1 with the builder's words in the step's error */
int mta_build(struct step_ctx *ctx, const struct host *h);
/*
 * The value h's built map gives addr ("user@dom"), trying the key itself,
 * then "@dom" as both MTAs do: 1 found (value in out), 0 absent, -1 error.
 */
int mta_lookup(struct step_ctx *ctx, const struct host *h, const char *addr,
    struct strbuf *out);

/*
 * The queue IDs of h's queue entries that name the account's addresses
 * (mail-queue.h): 0, or -1 when the queue cannot be listed (the MTA's
 * words in err).
 */
int mta_queue_ids(struct step_ctx *ctx, const struct host *h, struct strlist *ids,
    struct strbuf *err);
/* asks h's MTA to deliver these entries now rather than at its next queue run */
int mta_flush(struct step_ctx *ctx, const struct host *h, const struct strlist *ids);

#endif
