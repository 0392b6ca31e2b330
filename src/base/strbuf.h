/* strbuf.h: the one growable string buffer (after git's strbuf and curl's dynbuf). */
#ifndef FERRY_STRBUF_H
#define FERRY_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * buf is never NULL and always NUL-terminated, so a fresh STRBUF_INIT can be
 * printed at once.  cap bounds the length (0 = STRBUF_DEFAULT_CAP) so a
 * chatty remote cannot exhaust memory; going past it is fatal for appends
 * and reported by strbuf_add_capped() for captured output.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0, 0 }
#define STRBUF_DEFAULT_CAP ((size_t)1 << 30)

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);	/* caller frees; sb is reset */
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_add_capped(struct strbuf *sb, const void *data, size_t len); /* -1 when cap hit */
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_rtrim(struct strbuf *sb);
/* JSON string literal, quotes included */
void strbuf_add_json(struct strbuf *sb, const char *s);

/* a growable list of owned strings, NULL-terminated (usable as argv) */
struct strlist {
	char **v;
	size_t n;
	size_t alloc;
};
#define STRLIST_INIT { NULL, 0, 0 }
void strlist_push(struct strlist *l, const char *s);
void strlist_pushf(struct strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strlist_clear(struct strlist *l);
int strlist_has(const struct strlist *l, const char *s);
/* split on blanks (space, tab) into l */
void strlist_split(struct strlist *l, const char *s);
/* qsort/bsearch order of char * elements (strcmp) */
int strp_cmp(const void *a, const void *b);

#endif
