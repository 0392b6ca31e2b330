/* t-web-watch.c: the web watch child's report, parsed and summed. */
#include "web-watch.h"
#include "unit.h"

static void
closed_windows(void)
{
	struct web_watch_report r;

	CHECK_INT(web_watch_parse("down 100.5 alice.test\nup 101.0\n"
	    "down 200.000 www.alice.test\nup 200.25\nrounds 17\n", &r), 0);
	CHECK_INT(r.n, 4);
	CHECK_INT(r.rounds, 17);
	CHECK_STR(r.names.v[1], "www.alice.test");
	CHECK(web_watch_seconds(&r) > 0.7499 && web_watch_seconds(&r) < 0.7501);
	web_watch_report_release(&r);
}

static void
nothing_seen(void)
{
	struct web_watch_report r;

	CHECK_INT(web_watch_parse("rounds 3\n", &r), 0);
	CHECK_INT(r.n, 0);
	CHECK(web_watch_seconds(&r) == 0);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("", &r), 0);
	CHECK_INT(r.rounds, 0);
	web_watch_report_release(&r);
}

static void
still_down(void)
{
	struct web_watch_report r;

	CHECK_INT(web_watch_parse("down 5.0 dave.test\nrounds 2\n", &r), 0);
	CHECK(web_watch_seconds(&r) < 0);
	web_watch_report_release(&r);
}

static void
refused(void)
{
	struct web_watch_report r;

	CHECK_INT(web_watch_parse("up 5.0\n", &r), -1);		/* up before any down */
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5.0 a\ndown 6.0 b\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5.0\n", &r), -1);		/* no name */
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down x a\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5 a\nup 6 extra\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("rounds 3x\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("sideways 3\n", &r), -1);
	web_watch_report_release(&r);
	/* times that would make the downtime a lie (fuzz-webwatch) */
	CHECK_INT(web_watch_parse("down nan a\nup 6\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5 a\nup inf\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5 a\nup 4.5\n", &r), -1);	/* back in time */
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5 a\nup 6\ndown 5.5 b\nup 7\n", &r), -1);
	web_watch_report_release(&r);
	CHECK_INT(web_watch_parse("down 5 a\nup 5\n", &r), 0);	/* one round: 0 s */
	CHECK(web_watch_seconds(&r) == 0);
	web_watch_report_release(&r);
}

int
main(void)
{
	closed_windows();
	nothing_seen();
	still_down();
	refused();
	UNIT_DONE("web-watch");
}
