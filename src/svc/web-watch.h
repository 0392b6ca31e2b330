/*
 * web-watch.h: measuring web downtime (CONTRACT.md "status --json": the
 * time no host served the site).  While a step that can disturb the site
 * runs (phase 2 and done.tidy of a web account), a child process fetches
 * the first web-check path of every web name pinned to the old and to the
 * new host every 0.2 s.  A name is served when either host answers 200
 * with the body the old host served when the watch began; the site is down
 * while some name is served by neither.  Each down and up is journaled as
 * web.down / web.up with the time of the fetch round that saw it.
 */
#ifndef FERRY_WEB_WATCH_H
#define FERRY_WEB_WATCH_H

#include <sys/types.h>

#include "ferry.h"

#define WEB_WATCH_INTERVAL_MS	200
#define WEB_WATCH_FETCH_MS	2000

struct web_watch {
	pid_t pid;		/* 0: not watching */
	int ctl;		/* closing it tells the child to stop */
	int out;		/* the child's "down TIME" / "up TIME" lines */
	unsigned rounds;	/* fetch rounds the child made (after stop) */
};

/* whether step d of account a is watched */
int web_watch_wanted(const struct step_def *d, const struct account *a);

/* the watch as the web driver registers it around other steps (service.h) */
extern const struct step_hook web_watch_hook;

/* starts the child (w->pid 0 and a warning when it cannot) */
void web_watch_start(struct step_ctx *ctx, struct web_watch *w);

/* stops it and journals what it saw; returns the seconds down, or -1 on a journal error */
double web_watch_stop(struct step_ctx *ctx, struct web_watch *w);

/*
 * The child's report, parsed (exposed for the unit test): lines
 * "down TIME NAME", "up TIME", "rounds N".  Transitions alternate, starting
 * with a down; a report that breaks that is refused (-1).
 */
struct web_watch_report {
	size_t n;
	double *at;		/* n transitions: even index down, odd index up */
	struct strlist names;	/* per down: the name no host served */
	unsigned rounds;
};
int web_watch_parse(const char *text, struct web_watch_report *r);
void web_watch_report_release(struct web_watch_report *r);
/* seconds down in closed windows; -1 when the last down has no up */
double web_watch_seconds(const struct web_watch_report *r);

#endif
