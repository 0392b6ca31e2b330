/*
 * rsync-stats.c: the counts of one rsync pass, for the journal's "final
 * pass: N files, B bytes" and the live line.
 */
#include <string.h>

#include "rsync-stats.h"

/*
 * The last line that starts with label: the stats come after every itemized
 * name, and a name (escaped by rsync, so never a line of its own) may hold
 * the label's words.
 */
static const char *
last_line_with(const char *out, const char *label)
{
	const char *p, *found = NULL;
	size_t n = strlen(label);

	for (p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, label, n) == 0)
			found = p;
	return found;
}

/*
 * The number after "LABEL:" ("1,234"); -1 when the label is missing or the
 * number is longer than rsync ever prints: a sum of passes must not overflow.
 */
static long long
stat_number(const char *out, const char *label)
{
	const char *p = last_line_with(out, label);
	long long n = 0;
	int digits = 0;

	if (p == NULL)
		return -1;
	for (p += strlen(label); *p && (*p == ' ' || *p == ':'); p++)
		;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > RSYNC_STAT_DIGITS)
				return -1;
			n = n * 10 + (*p - '0');
		} else if (*p != ',')
			break;
	}
	return n;
}

/* an --itemize-changes line: an 11-character change code, a space, a name */
static int
is_itemize_line(const char *p)
{
	int i;

	if (strncmp(p, "*deleting ", 10) == 0)
		return 1;
	if (!p[0] || !strchr("<>ch.", p[0]) || !p[1] || !strchr("fdLDS", p[1]))
		return 0;
	for (i = 2; i < 11; i++)
		if (!p[i] || p[i] == '\n' || p[i] == ' ')
			return 0;
	return p[11] == ' ';
}

/* progress2 records end in \r and may precede an itemized name on its line */
static const char *
after_progress(const char *line)
{
	const char *p, *start = line;

	for (p = line; *p && *p != '\n'; p++)
		if (*p == '\r')
			start = p + 1;
	return start;
}

static long long
itemized_lines(const char *out)
{
	long long n = 0;
	const char *p;

	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += is_itemize_line(after_progress(p));
	return n;
}

void
rsync_stats_read(const char *out, struct rsync_stats *st)
{
	st->files = stat_number(out, "Number of regular files transferred");
	st->bytes = stat_number(out, "Total transferred file size");
	st->entries = itemized_lines(out);
}
