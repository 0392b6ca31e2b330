/* log.c: every message starts with "ferry: "; only main.c picks exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

int log_level = LOG_NORMAL;

/*
 * The live line: the terminal's bottom line, rewritten in place.  It is
 * the logger's own terminal state (like log_level): any other output
 * first wipes it and then draws it again, so permanent lines never mix
 * with it.
 */
static char live_text[160];
static int live_state;		/* 0 undecided, 1 on, -1 off */

static int
live_enabled(void)
{
	if (live_state == 0)
		live_state = isatty(STDOUT_FILENO) && log_level >= LOG_NORMAL ? 1 : -1;
	return live_state > 0;
}

static void
live_wipe(void)
{
	if (live_state > 0 && live_text[0]) {
		fputs("\r\033[K", stdout);
		fflush(stdout);
	}
}

/* a line longer than the terminal wraps, and \r then rewrites only its last row */
static void
live_draw(void)
{
	struct winsize ws;
	size_t len = strlen(live_text);

	if (live_state <= 0 || len == 0)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && len >= ws.ws_col)
		len = ws.ws_col - 1;
	fwrite(live_text, 1, len, stdout);
	fflush(stdout);
}

void
log_live(const char *fmt, ...)
{
	va_list ap;

	if (!live_enabled())
		return;
	live_wipe();
	va_start(ap, fmt);
	vsnprintf(live_text, sizeof live_text, fmt, ap);	/* a cut line is fine */
	va_end(ap);
	live_draw();
}

void
log_live_clear(void)
{
	live_wipe();
	live_text[0] = '\0';
}

void
log_live_off(void)
{
	log_live_clear();
	live_state = -1;
}

int
log_live_on(void)
{
	return live_enabled();
}

static void
vlog_to(FILE *fp, int with_errno, const char *fmt, va_list ap)
{
	int saved = errno;

	live_wipe();
	fputs("ferry: ", fp);
	vfprintf(fp, fmt, ap);
	if (with_errno)
		fprintf(fp, ": %s", strerror(saved));
	fputc('\n', fp);
	fflush(fp);
	live_draw();
	errno = saved;
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_to(stderr, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatal_errno(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_to(stderr, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_to(stderr, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
error_errno(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_to(stderr, 1, fmt, ap);
	va_end(ap);
	return -1;
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog_to(stderr, 0, fmt, ap);
	va_end(ap);
}

void
info(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	live_wipe();
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	live_draw();
}

void
verbose(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog_to(stderr, 0, fmt, ap);
	va_end(ap);
}

void
debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vlog_to(stderr, 0, fmt, ap);
	va_end(ap);
}
