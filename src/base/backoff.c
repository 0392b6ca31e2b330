/* backoff.c: a poll with a short, growing interval, bounded by a deadline (backoff.h). */
#include <errno.h>
#include <time.h>

#include "backoff.h"

double
backoff_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
backoff_start(struct backoff *b, double first, double max, double seconds)
{
	b->interval = first > 0 ? first : BACKOFF_FIRST;
	b->max = max >= b->interval ? max : b->interval;
	b->started = backoff_clock();
	b->deadline = b->started + (seconds > 0 ? seconds : 0);
	b->tries = 0;
}

static void
sleep_seconds(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
backoff_sleep(struct backoff *b)
{
	double left = b->deadline - backoff_clock(), s = b->interval;

	if (left <= 0)
		return 0;
	if (s > left)
		s = left;
	sleep_seconds(s);
	b->tries++;
	b->interval *= 2;
	if (b->interval > b->max)
		b->interval = b->max;
	return 1;
}

double
backoff_elapsed(const struct backoff *b)
{
	return backoff_clock() - b->started;
}

int
backoff_poll(int (*ready)(void *arg), void *arg, double seconds)
{
	struct backoff b;
	int r;

	backoff_start(&b, BACKOFF_FIRST, BACKOFF_MAX, seconds);
	for (;;) {
		if ((r = ready(arg)) != 0)
			return r > 0 ? 1 : -1;
		/* the last sleep ends at the deadline, and one more look follows it */
		if (!backoff_sleep(&b))
			return 0;
	}
}
