/*
 * fuzz-rsyncstats: rsync's output (--itemize-changes, --stats) through the
 * reader of a pass's counts.  Raw text: the counts are -1 or within rsync's
 * digits and the itemized lines no more than the lines.  Built output: the
 * input's lines are file names (the owner's, escaped as rsync escapes
 * them), each on an itemized line, then rsync's stats block with two
 * numbers taken from the input: the reader must give back exactly those
 * numbers and one entry per name, whatever the names say.
 *
 * Input: byte 0 odd builds the output, even reads the rest raw.
 */
#include "fuzz.h"
#include "rsync-stats.h"
#include "strbuf.h"

static const long long limit = 1000000000000000LL;	/* RSYNC_STAT_DIGITS */

static void
raw(const uint8_t *data, size_t size)
{
	char *t = fuzz_cstr(data, size, size);
	struct rsync_stats st;
	long long lines = 1;
	const char *p;

	rsync_stats_read(t, &st);
	for (p = t; *p; p++)
		lines += *p == '\n';
	fuzz_assert(st.files >= -1 && st.files < limit);
	fuzz_assert(st.bytes >= -1 && st.bytes < limit);
	fuzz_assert(st.entries >= 0 && st.entries <= lines);
	free(t);
}

/* rsync's "1,234,567" */
static void
add_commas(struct strbuf *sb, long long v)
{
	char d[32];
	int n = snprintf(d, sizeof d, "%lld", v), i;

	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, d[i]);
	}
}

static long long
number(const uint8_t **data, size_t *size)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(data, size);
	return (long long)(v % (unsigned long long)limit);
}

static void
built(const uint8_t *data, size_t size)
{
	long long files = number(&data, &size), bytes = number(&data, &size), names = 0;
	struct strbuf out = STRBUF_INIT;
	struct rsync_stats st;
	size_t i;
	int open = 0;

	for (i = 0; i < size; i++) {
		unsigned c = data[i];

		if (!open) {
			strbuf_addstr(&out, c & 1 ? ">f+++++++++ " : "*deleting   ");
			open = 1;
			names++;
		}
		if (c == '\n') {
			strbuf_addch(&out, '\n');
			open = 0;
		} else if (c < ' ' || c == 0x7f || c == '\\')
			strbuf_addf(&out, "\\#%03o", c);	/* rsync's escape */
		else
			strbuf_addch(&out, (char)c);
	}
	if (open)
		strbuf_addch(&out, '\n');
	strbuf_addstr(&out, "\nNumber of files: 7 (reg: 5, dir: 2)\n"
	    "Number of created files: 0\nNumber of regular files transferred: ");
	add_commas(&out, files);
	strbuf_addstr(&out, "\nTotal file size: 99 bytes\nTotal transferred file size: ");
	add_commas(&out, bytes);
	strbuf_addstr(&out, " bytes\nLiteral data: 0 bytes\n\nsent 1 bytes  received 2 bytes\n");
	rsync_stats_read(out.buf, &st);
	if (st.files != files || st.bytes != bytes || st.entries != names)
		fuzz_fail("read %lld files %lld bytes %lld entries, built %lld %lld %lld",
		    st.files, st.bytes, st.entries, files, bytes, names);
	strbuf_release(&out);
}

FUZZ_RAW_OR_BUILT(raw, built)
