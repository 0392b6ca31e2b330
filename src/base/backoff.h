/*
 * backoff.h: waiting for something to happen with a short, growing
 * interval (50 ms doubling to 1 s by default), bounded by a deadline, so a
 * wait ends soon after the thing happens instead of after a fixed sleep.
 * The clock is CLOCK_MONOTONIC: a wall-clock step cannot cut or stretch it.
 */
#ifndef FERRY_BACKOFF_H
#define FERRY_BACKOFF_H

#define BACKOFF_FIRST 0.05	/* seconds */
#define BACKOFF_MAX 1.0

struct backoff {
	double interval;	/* the next sleep, seconds */
	double max;		/* the interval stops growing there */
	double deadline;	/* monotonic seconds after which no more tries */
	double started;
	unsigned tries;		/* sleeps taken */
};

/* monotonic seconds, sub-second */
double backoff_clock(void);

/* a wait of at most seconds, first sleep first, growing to max (both > 0) */
void backoff_start(struct backoff *b, double first, double max, double seconds);

/* sleeps the next interval (cut at the deadline) and doubles it: 1, or 0
   without sleeping when the deadline has passed */
int backoff_sleep(struct backoff *b);

/* seconds since backoff_start */
double backoff_elapsed(const struct backoff *b);

/*
 * Asks ready(arg) at once, then after each sleep, until it answers other
 * than 0: 1 when it said ready (> 0), -1 when it failed (< 0), 0 when the
 * deadline passed first.  BACKOFF_FIRST growing to BACKOFF_MAX.
 */
int backoff_poll(int (*ready)(void *arg), void *arg, double seconds);

#endif
