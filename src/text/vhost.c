/*
 * vhost.c: VirtualHost blocks in Apache configuration text.  Lines are read
 * as Apache's ap_cfg_getline() reads them, but every edit is a splice of
 * raw bytes, so comments, indentation, continuations and line endings
 * outside the changed lines survive untouched.
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

/* "http://Www.X.test:80" matches "www.x.test" */
static int
host_eq(const char *written, const char *host)
{
	const char *s = strstr(written, "://");
	size_t n;

	if (s)
		written = s + 3;
	n = strcspn(written, ":/");
	return strlen(host) == n && strncasecmp(written, host, n) == 0;
}

int
vhost_block_serves(const struct vhost_block *b, const char *host)
{
	size_t k;

	if (b->server_name && host_eq(b->server_name, host))
		return 1;
	for (k = 0; k < b->aliases.n; k++)
		if (host_eq(b->aliases.v[k], host))
			return 1;
	return 0;
}

size_t
vhost_find(const struct vhost_file *vf, const struct strlist *names, size_t *idx)
{
	size_t i, k, n = 0;

	for (i = 0; i < vf->nblocks; i++)
		for (k = 0; k < names->n; k++)
			if (vhost_block_serves(&vf->blocks[i], names->v[k])) {
				idx[n++] = i;
				break;
			}
	return n;
}

long
vhost_find_one(const struct vhost_file *vf, const char *host)
{
	size_t i;

	for (i = 0; i < vf->nblocks; i++)
		if (vhost_block_serves(&vf->blocks[i], host))
			return (long)i;
	return -1;
}

/* the newline of line l, or the file's first one when l ends the file */
void
vh_line_eol(const struct vhost_file *vf, const struct vhost_line *l, struct strbuf *eol)
{
	size_t i;

	strbuf_reset(eol);
	if (l && l->eol) {
		strbuf_add(eol, vf->text + l->end - l->eol, l->eol);
		return;
	}
	for (i = 0; i < vf->nlines; i++)
		if (vf->lines[i].eol) {
			vh_line_eol(vf, &vf->lines[i], eol);
			return;
		}
	strbuf_addch(eol, '\n');
}

void
vhost_block_text(const struct vhost_file *vf, size_t i, struct strbuf *out)
{
	const struct vhost_block *b = &vf->blocks[i];
	struct strbuf eol = STRBUF_INIT;

	strbuf_add(out, vf->text + b->start, b->end - b->start);
	if (vf->lines[b->close].eol == 0) {
		vh_line_eol(vf, NULL, &eol);
		strbuf_add(out, eol.buf, eol.len);
	}
	strbuf_release(&eol);
}

void
vh_splice(const struct vhost_file *vf, size_t from, size_t to, const char *ins, size_t n,
    struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_add(out, vf->text, from);
	strbuf_add(out, ins, n);
	strbuf_add(out, vf->text + to, vf->len - to);
}

int
vh_unchanged(const struct vhost_file *vf, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_add(out, vf->text, vf->len);
	return 0;
}

/* out = the text without the (sorted) spans in cuts; overlapping spans merge */
void
vh_apply_cuts(const struct vhost_file *vf, const struct span *cuts, size_t n, struct strbuf *out)
{
	size_t k, at = 0;

	strbuf_reset(out);
	for (k = 0; k < n; k++) {
		if (cuts[k].from > at)
			strbuf_add(out, vf->text + at, cuts[k].from - at);
		if (cuts[k].to > at)
			at = cuts[k].to;
	}
	strbuf_add(out, vf->text + at, vf->len - at);
}

int
vh_bad_block(const struct vhost_file *vf, size_t i)
{
	if (i < vf->nblocks)
		return 0;
	return error("%s: no VirtualHost number %zu", vf->name, i + 1);
}

/* a word ferry writes into a directive: nothing Apache would split or unquote */
int
vh_bad_word(const char *what, const char *s)
{
	const char *p;

	if (!*s)
		return error("empty %s", what);
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' || *p == 0x7f)
			return error("%s '%s' has a blank, quote or control character", what, s);
	return 0;
}

/* the indentation of the block's first child line, or the opening's plus 4 */
void
vh_child_indent(const struct vhost_file *vf, const struct vhost_block *b, struct strbuf *ind)
{
	const struct vhost_line *o = &vf->lines[b->open];
	size_t j;

	strbuf_reset(ind);
	for (j = b->open + 1; j < b->close; j++)
		if (!vh_is_ignorable(vf->lines[j].text)) {
			strbuf_add(ind, vf->text + vf->lines[j].start, vf->lines[j].indent);
			return;
		}
	strbuf_add(ind, vf->text + o->start, o->indent);
	strbuf_addstr(ind, "    ");
}

int
vh_is_child(const struct vhost_file *vf, const struct vhost_block *b, size_t j)
{
	return vf->lines[j].depth == vf->lines[b->open].depth + 1 &&
	    !vh_is_ignorable(vf->lines[j].text) && vf->lines[j].text[0] != '<';
}

/* the first (or, with last, the last) child line that is one of names, else 0 */
size_t
vh_find_child(const struct vhost_file *vf, const struct vhost_block *b,
    const char *const *names, int last)
{
	size_t j, k, found = 0;

	for (j = b->open + 1; j < b->close; j++) {
		if (!vh_is_child(vf, b, j))
			continue;
		for (k = 0; names[k]; k++)
			if (vh_is_directive(&vf->lines[j], names[k]))
				break;
		if (names[k] && !last)
			return j;
		if (names[k])
			found = j;
	}
	return found;
}

/* one new line "INDENT DIRECTIVE EOL" inserted after line `after` */
void
vh_insert_after(const struct vhost_file *vf, size_t after, const char *indent,
    const char *directive_text, struct strbuf *out)
{
	struct strbuf ins = STRBUF_INIT, eol = STRBUF_INIT;
	const struct vhost_line *l = &vf->lines[after];

	vh_line_eol(vf, l, &eol);
	strbuf_addstr(&ins, indent);
	strbuf_addstr(&ins, directive_text);
	strbuf_add(&ins, eol.buf, eol.len);
	/* after is inside a block, so a line follows it and l->eol > 0 */
	vh_splice(vf, l->end, l->end, ins.buf, ins.len, out);
	strbuf_release(&ins);
	strbuf_release(&eol);
}

int
vhost_add_alias(const struct vhost_file *vf, size_t i, const char *name, struct strbuf *out)
{
	static const char *const sn[] = { "ServerName", NULL };
	struct strbuf ind = STRBUF_INIT, d = STRBUF_INIT;
	const struct vhost_block *b;
	size_t j;

	if (vh_bad_block(vf, i) || vh_bad_word("ServerAlias name", name))
		return -1;
	b = &vf->blocks[i];
	if (vhost_block_serves(b, name))
		return vh_unchanged(vf, out);
	j = vh_find_child(vf, b, sn, 0);
	if (j)
		strbuf_add(&ind, vf->text + vf->lines[j].start, vf->lines[j].indent);
	else
		vh_child_indent(vf, b, &ind);
	strbuf_addf(&d, "ServerAlias %s", name);
	vh_insert_after(vf, j ? j : b->open, ind.buf, d.buf, out);
	strbuf_release(&ind);
	strbuf_release(&d);
	return 1;
}

static int
is_continuation_at(const char *t, size_t p, size_t end)
{
	return t[p] == '\\' && p + 1 < end &&
	    (t[p + 1] == '\n' || (t[p + 1] == '\r' && p + 2 < end && t[p + 2] == '\n'));
}

/* the next word of the raw bytes [p, end): 0 at the end */
static int
next_raw_word(const char *t, size_t p, size_t end, struct span *w)
{
	char q;

	while (p < end && (vh_is_space(t[p]) || t[p] == '\n' || is_continuation_at(t, p, end)))
		p++;
	if (p >= end)
		return 0;
	w->from = p;
	if (t[p] == '"' || t[p] == '\'') {
		for (q = t[p++]; p < end && t[p] != q; p++)
			if (t[p] == '\\' && p + 1 < end && t[p + 1] == q)
				p++;
		w->to = p < end ? p + 1 : end;
		return 1;
	}
	while (p < end && !vh_is_space(t[p]) && t[p] != '\n' && !is_continuation_at(t, p, end))
		p++;
	w->to = p;
	return 1;
}

static int
raw_word_is(const char *t, const struct span *w, const char *name)
{
	size_t from = w->from, to = w->to;

	if (t[from] == '"' || t[from] == '\'') {
		from++;
		if (to > from && t[to - 1] == t[w->from])
			to--;
		else	/* unclosed: the line's trailing blanks are not in the word */
			while (to > from && vh_is_space(t[to - 1]))
				to--;
	}
	if (to - from != strlen(name))
		return 0;
	return strncasecmp(t + from, name, to - from) == 0;
}

/* the bytes that go with word w: the blanks before it, or after it when it starts its line */
static struct span
word_cut(const char *t, const struct vhost_line *l, const struct span *w, size_t end)
{
	struct span c = *w;

	while (c.from > l->start && vh_is_blank(t[c.from - 1]))
		c.from--;
	if (c.from > l->start && t[c.from - 1] != '\n')
		return c;
	c.from = w->from;
	while (c.to < end && vh_is_blank(t[c.to]))
		c.to++;
	return c;
}

static void
push_cut(struct span **cuts, size_t *n, size_t from, size_t to)
{
	*cuts = xreallocarray(*cuts, *n + 1, sizeof(**cuts));
	(*cuts)[*n].from = from;
	(*cuts)[(*n)++].to = to;
}

/* the cuts that take name out of ServerAlias line l */
static void
alias_cuts(const struct vhost_file *vf, const struct vhost_line *l, const char *name,
    struct span **cuts, size_t *n)
{
	size_t end = l->end - l->eol, first = *n, words = 0, hits = 0;
	struct span w = { l->start, l->start }, c;

	while (next_raw_word(vf->text, w.to, end, &w)) {
		if (words++ == 0 || !raw_word_is(vf->text, &w, name))
			continue;
		hits++;
		c = word_cut(vf->text, l, &w, end);
		push_cut(cuts, n, c.from, c.to);
	}
	if (hits && hits == words - 1) {
		*n = first;
		push_cut(cuts, n, l->start, l->end);
	}
}

/* the edited text still gives block i the alias (pieces joined across a
   continuation line): refused rather than written half done */
static int
still_aliased(const struct vhost_file *vf, size_t i, const char *name, const struct strbuf *out)
{
	struct vhost_file nv = VHOST_FILE_INIT;
	size_t j;
	int found = 0;

	if (vhost_parse(&nv, vf->name, out->buf, out->len) < 0 || i >= nv.nblocks)
		found = 1;
	for (j = 0; !found && j < nv.blocks[i].aliases.n; j++)
		found = strcasecmp(nv.blocks[i].aliases.v[j], name) == 0;
	vhost_release(&nv);
	if (found)
		error("%s:%d: ServerAlias %s is split by a continuation line; edit it by hand",
		    vf->name, vf->blocks[i].line_first, name);
	return found;
}

int
vhost_remove_alias(const struct vhost_file *vf, size_t i, const char *name, struct strbuf *out)
{
	const struct vhost_block *b;
	struct span *cuts = NULL;
	size_t j, n = 0;

	if (vh_bad_block(vf, i))
		return -1;
	b = &vf->blocks[i];
	for (j = b->open + 1; j < b->close; j++)
		if (vh_is_directive(&vf->lines[j], "ServerAlias"))
			alias_cuts(vf, &vf->lines[j], name, &cuts, &n);
	if (n == 0) {
		free(cuts);
		for (j = 0; j < b->aliases.n; j++)
			if (strcasecmp(b->aliases.v[j], name) == 0)
				return error("%s:%d: ServerAlias %s is split by a continuation line; "
				    "edit it by hand", vf->name, b->line_first, name);
		return vh_unchanged(vf, out);
	}
	vh_apply_cuts(vf, cuts, n, out);
	free(cuts);
	return still_aliased(vf, i, name, out) ? -1 : 1;
}

int
vhost_replace_block(const struct vhost_file *vf, size_t i, const char *text, size_t len,
    struct strbuf *out)
{
	const struct vhost_block *b;

	if (vh_bad_block(vf, i))
		return -1;
	b = &vf->blocks[i];
	if (b->end - b->start == len && memcmp(vf->text + b->start, text, len) == 0)
		return vh_unchanged(vf, out);
	vh_splice(vf, b->start, b->end, text, len, out);
	return 1;
}

