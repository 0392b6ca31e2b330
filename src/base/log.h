/* log.h: the one way to report (after OpenSMTPD's log.c and git's usage.c). */
#ifndef FERRY_LOG_H
#define FERRY_LOG_H

#include <stddef.h>

#include "xmalloc.h"

enum log_level { LOG_QUIET = -1, LOG_NORMAL = 0, LOG_VERBOSE = 1, LOG_DEBUG = 2 };

extern int log_level;

/* fatal*: print "ferry: msg" and exit 1 (2 for the usage form). _errno forms add strerror(errno). */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatal_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* error*: print and return -1, so "return error(...)" reads well */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* info: normal progress on stdout, silenced by -q */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* verbose: -v only (commands sent to hosts, quoted as sent) */
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A live status line on a terminal (stdout a tty, not -q): log_live()
 * rewrites it in place, every other message wipes it first and draws it
 * again after; log_live_clear() removes it.  Nothing at all when stdout is
 * not a terminal: the plain lines of info() are the record there.
 * log_live_off() for a forked job (many processes cannot share one line).
 */
void log_live(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_live_clear(void);
void log_live_off(void);
int log_live_on(void);

#endif
