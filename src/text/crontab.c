/* crontab.c: switching an account's cron jobs off and on without losing a byte. */
#include <string.h>

#include "crontab.h"
#include "discover.h"

int
crontab_jobs(const char *text)
{
	return dsc_crontab_jobs(text);
}

/* calls fn for each line of text (its newline included when there is one) */
static void
each_line(const char *text, struct strbuf *out,
    void (*fn)(const char *line, size_t len, struct strbuf *out))
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		fn(p, n + (p[n] == '\n'), out);
		p += n + (p[n] == '\n');
	}
}

static void
off_line(const char *line, size_t len, struct strbuf *out)
{
	struct strbuf one = STRBUF_INIT;

	strbuf_add(&one, line, len);
	if (crontab_jobs(one.buf) > 0)
		strbuf_addstr(out, CRONTAB_OFF);
	strbuf_add(out, line, len);
	strbuf_release(&one);
}

static void
on_line(const char *line, size_t len, struct strbuf *out)
{
	size_t k = strlen(CRONTAB_OFF);

	if (len >= k && strncmp(line, CRONTAB_OFF, k) == 0)
		strbuf_add(out, line + k, len - k);
	else
		strbuf_add(out, line, len);
}

void
crontab_disable(const char *text, struct strbuf *out)
{
	each_line(text, out, off_line);
}

void
crontab_enable(const char *text, struct strbuf *out)
{
	each_line(text, out, on_line);
}

int
crontab_disabled(const char *text)
{
	const char *p = text;
	int n = 0;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, CRONTAB_OFF, strlen(CRONTAB_OFF)) == 0)
			n++;
	return n;
}
