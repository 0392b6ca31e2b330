/* watch.h: the seed's "watch the logs for anything suspicious", over ssh. */
#ifndef FERRY_WATCH_H
#define FERRY_WATCH_H

#include "ferry.h"

struct watch_counts {
	long old_requests;	/* web requests for the account's names still reaching the old host */
	long old_deliveries;	/* mail log lines for its domains on the old host */
	long old_logins;	/* ssh logins of the user on the old host */
	long new_web_errors;	/* Apache error log lines on the new host naming its home or names */
	long new_bounces;	/* DSNs / bounces in the new host's mail log naming it */
};

/*
 * Notes where each log ends, waits seconds, then reads what was appended on
 * both hosts and counts it per account (counts has n entries).  0 or -1.
 */
int watch_logs(struct ferry *f, struct account **accts, size_t n, int seconds,
    struct watch_counts *counts);
void watch_describe(struct strbuf *sb, const struct watch_counts *c);

#endif
