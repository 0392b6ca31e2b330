/*
 * vhost-splice.c: finding the blocks that serve a name, and the byte-keeping
 * edits on them (ServerAlias added and removed, a block replaced).  Every
 * edit is a splice of raw bytes of the text vhost.c parsed, so comments,
 * indentation, continuations and line endings outside the changed lines
 * survive untouched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "text.h"
#include "vhost.h"
#include "vhost-priv.h"


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


int
vhost_block_values(const struct vhost_file *vf, size_t i, const char *directive,
    struct strlist *out)
{
	const struct vhost_block *b;
	struct strlist w = STRLIST_INIT;
	size_t j, n = 0;

	if (i >= vf->nblocks)
		return 0;
	b = &vf->blocks[i];
	for (j = b->open + 1; j < b->close; j++) {
		if (!vh_is_child(vf, b, j) || !vh_is_directive(&vf->lines[j], directive))
			continue;
		vh_split_words(vf->lines[j].text, &w);
		if (w.n >= 2) {
			strlist_push(out, w.v[1]);
			n++;
		}
		strlist_clear(&w);
	}
	return (int)n;
}

int
vhost_block_is_tls(const struct vhost_file *vf, size_t i)
{
	struct strlist v = STRLIST_INIT;
	size_t k;
	int on = 0;

	vhost_block_values(vf, i, "SSLEngine", &v);
	for (k = 0; k < v.n; k++)
		on = strcasecmp(v.v[k], "on") == 0;
	strlist_clear(&v);
	return on;
}
