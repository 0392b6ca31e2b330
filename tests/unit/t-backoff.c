/* t-backoff.c: the growing interval and its deadline. */
#include "backoff.h"
#include "unit.h"

struct calls {
	int n, ready_at, fail_at;
	double at[64];
};

static int
count_call(void *arg)
{
	struct calls *c = arg;

	if (c->n < 64)
		c->at[c->n] = backoff_clock();
	c->n++;
	if (c->fail_at && c->n >= c->fail_at)
		return -1;
	return c->ready_at && c->n >= c->ready_at;
}

/* 50, 100, 200, 400 ms, then 400 ms more at most: the interval doubles up to its cap */
static void
test_growth(void)
{
	struct backoff b;
	double t0;

	backoff_start(&b, 0.05, 0.4, 10);
	CHECK(b.interval == 0.05);
	t0 = backoff_clock();
	CHECK_INT(backoff_sleep(&b), 1);
	CHECK(backoff_clock() - t0 >= 0.05);
	CHECK(b.interval == 0.1);
	backoff_sleep(&b);
	backoff_sleep(&b);
	CHECK(b.interval == 0.4);
	backoff_sleep(&b);
	CHECK(b.interval == 0.4);	/* capped */
	CHECK_INT(b.tries, 4);
	CHECK(backoff_elapsed(&b) >= 0.05 + 0.1 + 0.2 + 0.4);
}

/* the last sleep is cut at the deadline, and no sleep is taken past it */
static void
test_deadline(void)
{
	struct backoff b;
	double t0 = backoff_clock();

	backoff_start(&b, 0.2, 1, 0.3);
	CHECK_INT(backoff_sleep(&b), 1);	/* 0.2 */
	CHECK_INT(backoff_sleep(&b), 1);	/* 0.1 of the 0.4 */
	CHECK_INT(backoff_sleep(&b), 0);
	CHECK(backoff_clock() - t0 >= 0.3);
	CHECK(backoff_clock() - t0 < 2);	/* generous: a loaded machine oversleeps */
}

static void
test_poll(void)
{
	struct calls ready = { .ready_at = 3 }, never = { 0 }, fails = { .fail_at = 2 };
	double t0 = backoff_clock();

	/* asked at once, then after 50 and 100 ms */
	CHECK_INT(backoff_poll(count_call, &ready, 5), 1);
	CHECK_INT(ready.n, 3);
	CHECK(ready.at[0] - t0 < 0.05);	/* no sleep before the first look */
	CHECK(ready.at[1] - ready.at[0] >= 0.05);
	CHECK(ready.at[2] - ready.at[1] >= 0.1);
	/* never ready: 0 at the deadline, with one look at the deadline itself */
	t0 = backoff_clock();
	CHECK_INT(backoff_poll(count_call, &never, 0.4), 0);
	CHECK(backoff_clock() - t0 >= 0.4);
	CHECK(never.at[never.n - 1] - t0 >= 0.4);
	CHECK(never.n >= 2 && never.n <= 5);	/* 0, .05, .15, .35, .4 when on time */
	/* a failure ends the wait at once */
	CHECK_INT(backoff_poll(count_call, &fails, 5), -1);
	CHECK_INT(fails.n, 2);
}

int
main(void)
{
	test_growth();
	test_deadline();
	test_poll();
	UNIT_DONE("backoff");
}
