/*
 * virtuser-int.h: what virtuser.c and virtuser-edit.c share: how a line of
 * the text is read (inline: the two files' own helpers, no global names)
 * and the mapping of a value's local addresses.  No other file includes it.
 */
#ifndef FERRY_VIRTUSER_INT_H
#define FERRY_VIRTUSER_INT_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

static inline int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static inline size_t
phys_line(const char *t, size_t len, size_t p, size_t *ce, size_t *nl)
{
	const char *q = memchr(t + p, '\n', len - p);
	size_t e;

	if (!q) {
		/* a last line ending in CR is a CRLF cut short: appending a
		   newline to it must not change what it says */
		*ce = (len > p && t[len - 1] == '\r') ? len - 1 : len;
		*nl = 0;
		return len;
	}
	e = (size_t)(q - t);
	*ce = (e > p && t[e - 1] == '\r') ? e - 1 : e;
	*nl = e + 1 - *ce;
	return e + 1;
}

/* what ends an unfinished last line: a trailing CR only lacks its LF */
static inline const char *
finish_line(const char *t, size_t len, const char *eol)
{
	return len && t[len - 1] == '\r' ? "\n" : eol;
}

/* the newline to write: the first one in the text, else LF */
static inline const char *
text_eol(const char *t, size_t len)
{
	const char *q = memchr(t, '\n', len);

	return (q && q > t && q[-1] == '\r') ? "\r\n" : "\n";
}

static inline int
domain_eq(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);

	if (n && a[n - 1] == '.')
		n--;
	if (m && b[m - 1] == '.')
		m--;
	return n == m && strncasecmp(a, b, n) == 0;
}

/* value with each local address mapped by map(); NULL when nothing changed */
char *map_value(const char *value, const struct strlist *local_domains,
    void (*map)(const char *addr, const char *arg, struct strbuf *to), const char *arg);
/* "alice" -> target with %u = alice */
void map_to_target(const char *addr, const char *target, struct strbuf *to);

#endif
