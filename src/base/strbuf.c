/* strbuf.c: growable strings and string lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "log.h"

char strbuf_empty[1];

void
strbuf_init(struct strbuf *sb)
{
	struct strbuf blank = STRBUF_INIT;

	*sb = blank;
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *s = sb->alloc ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return s;
}

void
strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

static size_t
strbuf_cap(const struct strbuf *sb)
{
	return sb->cap ? sb->cap : STRBUF_DEFAULT_CAP;
}

void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;

	if (extra > strbuf_cap(sb) || sb->len > strbuf_cap(sb) - extra)
		fatalx("string buffer over its cap of %zu bytes", strbuf_cap(sb));
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 64)
		want = 64;
	if (sb->alloc == 0) {
		sb->buf = xmalloc(want);
		sb->buf[0] = '\0';
	} else
		sb->buf = xrealloc(sb->buf, want);
	sb->alloc = want;
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (len == 0)
		return;
	/* room left and under the cap: no call (plan and status at 10,000 accounts) */
	if (len >= sb->alloc - sb->len || sb->len + len > strbuf_cap(sb))
		strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

int
strbuf_add_capped(struct strbuf *sb, const void *data, size_t len)
{
	size_t room = strbuf_cap(sb) - sb->len;

	if (len > room) {
		strbuf_add(sb, data, room);
		return -1;
	}
	strbuf_add(sb, data, len);
	return 0;
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	/* room left and under the cap: no call (plan and status at 10,000 accounts) */
	if (sb->len + 1 < sb->alloc && sb->len < strbuf_cap(sb)) {
		sb->buf[sb->len++] = ch;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add(sb, &ch, 1);
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	/* most texts fit in the room left: format once (plan prints 220,000 lines) */
	if (sb->alloc > sb->len + 1) {
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
		va_end(cp);
		if (n >= 0 && (size_t)n < sb->alloc - sb->len) {
			strbuf_grow(sb, (size_t)n);	/* only checks the cap: it fits */
			sb->len += (size_t)n;
			return;
		}
		sb->buf[sb->len] = '\0';
	}
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		fatalx("bad format string %s", fmt);
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		fatalx("strbuf_setlen beyond the end");
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void
strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len > 0 && strchr(" \t\r\n", sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80, hi = 0xbf;
	}
	return n;
}

/* A JSON string: quotes, escapes, and every byte that is not part of
 * well-formed UTF-8 (a file name, a remote's output) as U+FFFD, so what
 * ferry prints is always valid JSON (RFC 8259 section 8.1). */
void
strbuf_add_json(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_addch(sb, '"');
	while (*p) {
		size_t run = 0, n;

		/* plain characters in one piece */
		while (p[run] >= 0x20 && p[run] != '"' && p[run] != '\\' &&
		    (n = utf8_len(p + run)) > 0)
			run += n;
		if (run) {
			strbuf_add(sb, p, run);
			p += run;
			continue;
		}
		switch (*p) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		default:
			if (*p < 0x20)
				strbuf_addf(sb, "\\u%04x", *p);
			else
				strbuf_addstr(sb, "\\ufffd");
		}
		p++;
	}
	strbuf_addch(sb, '"');
}

void
strlist_push(struct strlist *l, const char *s)
{
	if (l->n + 2 > l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof *l->v);
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

void
strlist_pushf(struct strlist *l, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_push(l, sb.buf);
	strbuf_release(&sb);
}

void
strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_split(struct strlist *l, const char *s)
{
	struct strbuf word = STRBUF_INIT;
	size_t n;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		n = strcspn(s, " \t");
		strbuf_reset(&word);
		strbuf_add(&word, s, n);
		strlist_push(l, word.buf);
		s += n;
	}
	strbuf_release(&word);
}
