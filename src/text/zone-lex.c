/* zone-lex.c: a zone file's logical lines (parentheses join lines, comments and quotes). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

int
zone_perr(struct zparse *p, int line, const char *fmt, const char *arg)
{
	strbuf_addf(p->err, "%s:%d: ", p->z->label, line);
	strbuf_addf(p->err, fmt, arg);
	return -1;
}

static void
zl_push(struct zline *l, size_t off, size_t len)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->t = xreallocarray(l->t, l->alloc, sizeof(*l->t));
	}
	l->t[l->n].off = off;
	l->t[l->n++].len = len;
}

static int
is_delim(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' ||
	    c == '(' || c == ')' || c == '"' || c == '\0';
}

/* a quoted string, quotes included; it must end on its line */
static int
lex_quoted(struct zparse *p, struct zline *l)
{
	const char *s = p->z->text;
	size_t i = p->pos + 1;

	while (i < p->z->len && s[i] != '"' && s[i] != '\n') {
		if (s[i] == '\\' && i + 1 < p->z->len && s[i + 1] != '\n')
			i++;
		i++;
	}
	if (i >= p->z->len || s[i] != '"')
		return zone_perr(p, p->line, "%s", "unterminated quoted string");
	zl_push(l, p->pos, i + 1 - p->pos);
	p->pos = i + 1;
	return 0;
}

static void
lex_word(struct zparse *p, struct zline *l)
{
	const char *s = p->z->text;
	size_t i = p->pos;

	while (i < p->z->len && !is_delim(s[i])) {
		if (s[i] == '\\' && i + 1 < p->z->len && s[i + 1] != '\n')
			i++;
		i++;
	}
	zl_push(l, p->pos, i - p->pos);
	p->pos = i;
}

/* the newline at pos (LF or CRLF), 0 if none */
static size_t
newline_at(const struct zone *z, size_t pos)
{
	if (pos < z->len && z->text[pos] == '\n')
		return 1;
	if (pos + 1 < z->len && z->text[pos] == '\r' && z->text[pos + 1] == '\n')
		return 2;
	return 0;
}

/* Reads the next logical line from p->pos, which is at a line start. 1 read, 0 EOF. */
int
zone_lex_line(struct zparse *p, struct zline *l)
{
	const struct zone *z = p->z;
	int depth = 0, open_line = 0;
	size_t nl;

	l->n = 0;
	l->start = p->pos;
	l->line = p->line;
	l->blank_owner = p->pos < z->len && (z->text[p->pos] == ' ' || z->text[p->pos] == '\t');
	if (p->pos >= z->len)
		return 0;
	for (;;) {
		char c = p->pos < z->len ? z->text[p->pos] : '\0';

		if (p->pos >= z->len) {
			if (depth)
				return zone_perr(p, open_line, "%s", "unbalanced parentheses");
			break;
		}
		if ((nl = newline_at(z, p->pos))) {
			p->pos += nl;
			p->line++;
			if (!depth) {
				l->end_line = p->line - 1;
				l->end = p->pos;
				return 1;
			}
		} else if (c == ' ' || c == '\t' || c == '\r')
			p->pos++;
		else if (c == ';')
			while (p->pos < z->len && z->text[p->pos] != '\n' && !newline_at(z, p->pos))
				p->pos++;
		else if (c == '(') {
			if (!depth++)
				open_line = p->line;
			p->pos++;
		} else if (c == ')') {
			if (!depth--)
				return zone_perr(p, p->line, "%s", "unbalanced parentheses");
			p->pos++;
		} else if (c == '"') {
			if (lex_quoted(p, l) < 0)
				return -1;
		} else if (c == '\0')
			return zone_perr(p, p->line, "%s", "NUL byte in the text");
		else
			lex_word(p, l);
	}
	l->end = p->pos;
	l->end_line = p->line;
	return 1;
}
