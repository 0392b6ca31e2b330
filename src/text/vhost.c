/*
 * vhost.c: VirtualHost blocks in Apache configuration text, parsed.  Lines
 * are read as Apache's ap_cfg_getline() reads them; the lines, blocks and
 * Includes keep their raw byte offsets so that the edits (vhost-splice.c,
 * vhost-edit.c) can splice raw bytes and leave everything else untouched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "text.h"
#include "vhost.h"
#include "vhost-priv.h"

/* the sections open while walking the lines */
struct walk {
	size_t *stack;		/* line indexes of the opening tags */
	size_t n, alloc;
	long cur;		/* block being read, or -1 */
};

int
vh_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int
vh_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* one physical line from p: returns the index after its newline */
static size_t
phys_line(const char *t, size_t len, size_t p, size_t *content_end, size_t *nl)
{
	const char *q = memchr(t + p, '\n', len - p);
	size_t e;

	if (!q) {
		*content_end = len;
		*nl = 0;
		return len;
	}
	e = (size_t)(q - t);
	*content_end = (e > p && t[e - 1] == '\r') ? e - 1 : e;
	*nl = e + 1 - *content_end;
	return e + 1;
}

/*
 * A backslash right before the newline continues the line, even a doubled
 * one (httpd 2.4's cfg_getline_core() checks only the last character,
 * whatever its comment says; apache2 -t agrees).
 */
static int
continues(const char *t, size_t p, size_t ce, size_t nl)
{
	return nl > 0 && ce > p && t[ce - 1] == '\\';
}

static char *
trimmed(const char *s, size_t n)
{
	while (n && vh_is_space(*s)) {
		s++;
		n--;
	}
	while (n && vh_is_space(s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static size_t
read_logical(const struct vhost_file *vf, size_t p, int *phys, struct vhost_line *l)
{
	struct strbuf sb = STRBUF_INIT;
	const char *t = vf->text;
	size_t ce, nl, next;

	memset(l, 0, sizeof(*l));
	l->start = p;
	l->lineno = *phys + 1;
	while (p + l->indent < vf->len && vh_is_blank(t[p + l->indent]))
		l->indent++;
	for (;;) {
		next = phys_line(t, vf->len, p, &ce, &nl);
		(*phys)++;
		if (!continues(t, p, ce, nl) || next >= vf->len) {
			strbuf_add(&sb, t + p, continues(t, p, ce, nl) ? ce - 1 - p : ce - p);
			break;
		}
		strbuf_add(&sb, t + p, ce - 1 - p);
		p = next;
	}
	l->end = next;
	l->eol = nl;
	l->text = trimmed(sb.buf, sb.len);
	strbuf_release(&sb);
	return next;
}

/* Apache's ap_getword_conf(): blanks separate words, quotes group them */
void
vh_split_words(const char *s, struct strlist *w)
{
	struct strbuf word = STRBUF_INIT;
	char q;

	for (;;) {
		while (vh_is_space(*s))
			s++;
		if (!*s)
			break;
		strbuf_reset(&word);
		if (*s == '"' || *s == '\'') {
			for (q = *s++; *s && *s != q; s++) {
				if (*s == '\\' && s[1] == q)
					s++;
				strbuf_addch(&word, *s);
			}
			if (*s)
				s++;
		} else {
			while (*s && !vh_is_space(*s))
				strbuf_addch(&word, *s++);
		}
		strlist_push(w, word.buf);
	}
	strbuf_release(&word);
}

/* the name in "<Name args>" or "</Name>" */
static char *
section_name(const char *s)
{
	size_t n = 0;

	s += (s[1] == '/') ? 2 : 1;
	while (s[n] && !vh_is_space(s[n]) && s[n] != '>')
		n++;
	return xstrndup(s, n);
}

int
vh_is_directive(const struct vhost_line *l, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(l->text, name, n) == 0 && (l->text[n] == '\0' || vh_is_space(l->text[n]));
}

int
vh_is_ignorable(const char *text)
{
	return text[0] == '\0' || text[0] == '#';
}

static struct vhost_block *
new_block(struct vhost_file *vf, size_t i)
{
	const struct vhost_line *l = &vf->lines[i];
	struct vhost_block *b;
	const char *a = l->text + 1 + strlen("VirtualHost");
	const char *gt = strrchr(l->text, '>');

	vf->blocks = xreallocarray(vf->blocks, vf->nblocks + 1, sizeof(*b));
	b = &vf->blocks[vf->nblocks++];
	memset(b, 0, sizeof(*b));
	b->start = l->start;
	b->open = i;
	b->line_first = l->lineno;
	b->addrs = trimmed(a, gt && gt >= a ? (size_t)(gt - a) : strlen(a));
	return b;
}

static int
open_section(struct vhost_file *vf, struct walk *w, size_t i)
{
	const struct vhost_line *l = &vf->lines[i];
	char *name = section_name(l->text);
	int vhost = strcasecmp(name, "VirtualHost") == 0;

	free(name);
	if (l->text[strlen(l->text) - 1] != '>')
		return error("%s:%d: section line lacks its closing '>'", vf->name, l->lineno);
	if (vhost && w->cur >= 0)
		return error("%s:%d: <VirtualHost> inside the one from line %d", vf->name,
		    l->lineno, vf->blocks[w->cur].line_first);
	if (vhost) {
		new_block(vf, i);
		w->cur = (long)vf->nblocks - 1;
	}
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 8;
		w->stack = xreallocarray(w->stack, w->alloc, sizeof(*w->stack));
	}
	w->stack[w->n++] = i;
	return 0;
}

static int
close_section(struct vhost_file *vf, struct walk *w, size_t i)
{
	const struct vhost_line *l = &vf->lines[i];
	char *name = section_name(l->text), *top;
	int ret = 0;

	if (w->n == 0) {
		ret = error("%s:%d: </%s> closes no section", vf->name, l->lineno, name);
		free(name);
		return ret;
	}
	top = section_name(vf->lines[w->stack[w->n - 1]].text);
	if (strcasecmp(name, top) != 0)
		ret = error("%s:%d: </%s> closes <%s> from line %d", vf->name, l->lineno,
		    name, top, vf->lines[w->stack[w->n - 1]].lineno);
	else if (w->cur >= 0 && vf->blocks[w->cur].open == w->stack[w->n - 1]) {
		vf->blocks[w->cur].close = i;
		vf->blocks[w->cur].end = l->end;
		vf->blocks[w->cur].line_last = l->lineno;
		w->cur = -1;
	}
	w->n--;
	free(name);
	free(top);
	return ret;
}

static void
add_include(struct vhost_file *vf, const struct vhost_line *l, const struct strlist *words)
{
	struct vhost_include *inc;

	vf->includes = xreallocarray(vf->includes, vf->nincludes + 1, sizeof(*inc));
	inc = &vf->includes[vf->nincludes++];
	inc->lineno = l->lineno;
	inc->optional = strcasecmp(words->v[0], "IncludeOptional") == 0;
	inc->path = xstrdup(words->n > 1 ? words->v[1] : "");
}

static void
directive(struct vhost_file *vf, struct walk *w, size_t i)
{
	struct strlist words = STRLIST_INIT;
	struct vhost_block *b = w->cur >= 0 ? &vf->blocks[w->cur] : NULL;
	const char *name;
	size_t k;

	vh_split_words(vf->lines[i].text, &words);
	name = words.v[0];
	if (!strcasecmp(name, "Include") || !strcasecmp(name, "IncludeOptional"))
		add_include(vf, &vf->lines[i], &words);
	else if (b && !strcasecmp(name, "ServerName") && words.n > 1 && !b->server_name)
		b->server_name = xstrdup(words.v[1]);
	else if (b && !strcasecmp(name, "ServerAlias"))
		for (k = 1; k < words.n; k++)
			strlist_push(&b->aliases, words.v[k]);
	else if (b && !strcasecmp(name, "DocumentRoot") && words.n > 1 && !b->document_root)
		b->document_root = xstrdup(words.v[1]);
	strlist_clear(&words);
}

static int
walk_sections(struct vhost_file *vf)
{
	struct walk w = { NULL, 0, 0, -1 };
	size_t i;
	int ret = 0;

	for (i = 0; i < vf->nlines && ret == 0; i++) {
		const char *s = vf->lines[i].text;

		vf->lines[i].depth = (int)w.n;
		if (vh_is_ignorable(s))
			continue;
		if (s[0] == '<' && s[1] == '/')
			ret = close_section(vf, &w, i);
		else if (s[0] == '<')
			ret = open_section(vf, &w, i);
		else
			directive(vf, &w, i);
	}
	if (ret == 0 && w.n > 0) {
		char *name = section_name(vf->lines[w.stack[w.n - 1]].text);

		ret = error("%s:%d: <%s> is never closed", vf->name,
		    vf->lines[w.stack[w.n - 1]].lineno, name);
		free(name);
	}
	free(w.stack);
	return ret;
}

int
vhost_parse(struct vhost_file *vf, const char *name, const char *text, size_t len)
{
	size_t p = 0, alloc = 0;
	int phys = 0;

	memset(vf, 0, sizeof(*vf));
	if (text_refuse_nul(name, text, len) < 0)
		return -1;
	vf->name = xstrdup(name);
	vf->text = xmalloc(len + 1);
	memcpy(vf->text, text, len);
	vf->text[len] = '\0';
	vf->len = len;
	while (p < len) {
		if (vf->nlines == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			vf->lines = xreallocarray(vf->lines, alloc, sizeof(*vf->lines));
		}
		p = read_logical(vf, p, &phys, &vf->lines[vf->nlines++]);
	}
	if (walk_sections(vf) < 0) {
		vhost_release(vf);
		return -1;
	}
	return 0;
}

void
vhost_release(struct vhost_file *vf)
{
	size_t i;

	for (i = 0; i < vf->nlines; i++)
		free(vf->lines[i].text);
	for (i = 0; i < vf->nblocks; i++) {
		free(vf->blocks[i].addrs);
		free(vf->blocks[i].server_name);
		free(vf->blocks[i].document_root);
		strlist_clear(&vf->blocks[i].aliases);
	}
	for (i = 0; i < vf->nincludes; i++)
		free(vf->includes[i].path);
	free(vf->lines);
	free(vf->blocks);
	free(vf->includes);
	free(vf->text);
	free(vf->name);
	memset(vf, 0, sizeof(*vf));
}
