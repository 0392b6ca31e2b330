/* t-rsync-stats.c: one rsync pass's counts read from its output. */
#include "rsync-stats.h"
#include "unit.h"

/* rsync 3.2's output; one file is named like a stats line, one holds a newline */
static const char out[] =
	"cd+++++++++ ./\n"
	">f+++++++++ x\n"
	"cd+++++++++ d/\n"
	">f+++++++++ d/Number of regular files transferred: 5\n"
	">f+++++++++ d/new\\#012line\n"
	"*deleting   old\n"
	"\n"
	"Number of files: 5 (reg: 3, dir: 2)\n"
	"Number of created files: 5 (reg: 3, dir: 2)\n"
	"Number of deleted files: 0\n"
	"Number of regular files transferred: 3\n"
	"Total file size: 9 bytes\n"
	"Total transferred file size: 1,234,567 bytes\n"
	"Literal data: 9 bytes\n"
	"\n"
	"sent 323 bytes  received 111 bytes  868.00 bytes/sec\n";

static void
test_counts(void)
{
	struct rsync_stats st = { 0 };

	rsync_stats_read(out, &st);
	CHECK_INT(st.files, 3);		/* not the 5 in a file's name (fuzz-rsyncstats) */
	CHECK_INT(st.bytes, 1234567);
	CHECK_INT(st.entries, 6);
}

static void
test_unreadable(void)
{
	struct rsync_stats st = { 0 };

	rsync_stats_read("sent 1 bytes\n", &st);
	CHECK_INT(st.files, -1);
	CHECK_INT(st.bytes, -1);
	CHECK_INT(st.entries, 0);
	/* more digits than rsync prints: unreadable, not an overflow */
	rsync_stats_read("Number of regular files transferred: 99999999999999999999999\n"
	    "Total transferred file size: 999,999,999,999,999 bytes\n", &st);
	CHECK_INT(st.files, -1);
	CHECK_INT(st.bytes, 999999999999999LL);
}

int
main(void)
{
	test_counts();
	test_unreadable();
	UNIT_DONE("rsync-stats");
}
