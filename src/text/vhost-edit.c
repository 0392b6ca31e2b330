/*
 * vhost-edit.c: the block edits of the web driver's later steps: the proxy
 * block of phase2.proxy, the ~user redirect of phase2.6, and the account
 * sections ferry appends to a new host's file (prep.4).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "vhost.h"
#include "vhost-priv.h"

/* what a proxy block keeps of the original: its names, admin, logs, the
   files it includes (certbot's TLS options) and TLS; SSLProxyEngine is the
   proxy's own line, written after them */
static int
proxy_keeps(const struct vhost_line *l)
{
	static const char *const keep[] = { "ServerName", "ServerAlias", "ServerAdmin",
		"ErrorLog", "CustomLog", "TransferLog", "LogLevel", "Include", "IncludeOptional",
		NULL };
	size_t k;

	for (k = 0; keep[k]; k++)
		if (vh_is_directive(l, keep[k]))
			return 1;
	return strncasecmp(l->text, "SSL", 3) == 0 && !vh_is_directive(l, "SSLProxyEngine");
}

int
vhost_proxy_block(const struct vhost_file *vf, size_t i, const char *addr, struct strbuf *out)
{
	struct strbuf ind = STRBUF_INIT, eol = STRBUF_INIT;
	const struct vhost_block *b;
	const struct vhost_line *l;
	const char *scheme;
	size_t j, kept = 0;

	if (vh_bad_block(vf, i) || vh_bad_word("proxy address", addr))
		return -1;
	b = &vf->blocks[i];
	l = &vf->lines[b->open];
	vh_line_eol(vf, l, &eol);
	vh_child_indent(vf, b, &ind);
	strbuf_add(out, vf->text + l->start, l->end - l->start);
	for (j = b->open + 1; j < b->close; j++)
		if (vh_is_child(vf, b, j) && proxy_keeps(&vf->lines[j])) {
			/* indent as the first kept line, so the block is its own fixed point */
			if (kept++ == 0) {
				strbuf_reset(&ind);
				strbuf_add(&ind, vf->text + vf->lines[j].start, vf->lines[j].indent);
			}
			strbuf_add(out, vf->text + vf->lines[j].start,
			    vf->lines[j].end - vf->lines[j].start);
		}
	scheme = vhost_block_is_tls(vf, i) ? "https" : "http";
	if (strcmp(scheme, "https") == 0)
		strbuf_addf(out, "%sSSLProxyEngine on%s", ind.buf, eol.buf);
	strbuf_addf(out, "%sProxyPreserveHost On%s", ind.buf, eol.buf);
	strbuf_addf(out, "%sProxyPass / %s://%s/%s", ind.buf, scheme, addr, eol.buf);
	strbuf_addf(out, "%sProxyPassReverse / %s://%s/%s", ind.buf, scheme, addr, eol.buf);
	l = &vf->lines[b->close];
	strbuf_add(out, vf->text + l->start, l->end - l->start);
	strbuf_release(&ind);
	strbuf_release(&eol);
	return 0;
}

int
vhost_is_proxy(const struct vhost_file *vf, size_t i, const char *addr)
{
	const struct vhost_block *b;
	struct strlist w = STRLIST_INIT;
	struct strbuf url = STRBUF_INIT, tls = STRBUF_INIT;
	size_t j;
	int found = 0;

	if (i >= vf->nblocks)
		return 0;
	b = &vf->blocks[i];
	strbuf_addf(&url, "http://%s/", addr);
	strbuf_addf(&tls, "https://%s/", addr);
	for (j = b->open + 1; j < b->close && !found; j++) {
		if (!vh_is_child(vf, b, j) || !vh_is_directive(&vf->lines[j], "ProxyPass"))
			continue;
		vh_split_words(vf->lines[j].text, &w);
		found = w.n == 3 && strcmp(w.v[1], "/") == 0 &&
		    (strcmp(w.v[2], url.buf) == 0 || strcmp(w.v[2], tls.buf) == 0);
		strlist_clear(&w);
	}
	strbuf_release(&url);
	strbuf_release(&tls);
	return found;
}

static void
userdir_pattern(const char *user, struct strbuf *p)
{
	strbuf_addstr(p, "^/~");
	for (; *user; user++) {
		if (strchr(".^$|()[]{}*+?", *user))
			strbuf_addch(p, '\\');
		strbuf_addch(p, *user);
	}
	strbuf_addstr(p, "(/.*)?$");
}

static int
is_status_word(const char *s)
{
	return strspn(s, "0123456789") == strlen(s) || !strcasecmp(s, "permanent") ||
	    !strcasecmp(s, "temp") || !strcasecmp(s, "seeother") || !strcasecmp(s, "gone");
}

/* the first child RedirectMatch line for pattern from line from on (0: none);
   *same when it sends 301 to url */
static size_t
find_redirect(const struct vhost_file *vf, const struct vhost_block *b, size_t from,
    const char *pattern, const char *url, int *same)
{
	struct strlist w = STRLIST_INIT;
	size_t j, k, found = 0;

	*same = 0;
	for (j = from; j < b->close && !found; j++) {
		if (!vh_is_child(vf, b, j) || !vh_is_directive(&vf->lines[j], "RedirectMatch"))
			continue;
		vh_split_words(vf->lines[j].text, &w);
		k = (w.n > 2 && is_status_word(w.v[1])) ? 2 : 1;
		if (w.n > k && strcmp(w.v[k], pattern) == 0) {
			found = j;
			*same = k == 2 && w.n == 4 && strcmp(w.v[3], url) == 0 &&
			    (!strcmp(w.v[1], "301") || !strcasecmp(w.v[1], "permanent"));
		}
		strlist_clear(&w);
	}
	return found;
}

static int
redirect_words(const char *user, const char *target, struct strbuf *pattern,
    struct strbuf *url)
{
	if (vh_bad_word("user", user) || vh_bad_word("userdir-redirect", target))
		return -1;
	if (strchr(user, '/'))
		return error("user '%s' has a '/'", user);
	if (strchr(target, '$'))
		return error("userdir-redirect '%s' has a '$'", target);
	userdir_pattern(user, pattern);
	strbuf_addf(url, "%s$1", target);
	return 0;
}

static int
put_redirect(const struct vhost_file *vf, const struct vhost_block *b, const char *pattern,
    const char *url, struct strbuf *out)
{
	static const char *const names[] = { "ServerName", "ServerAlias", NULL };
	struct strbuf ind = STRBUF_INIT, d = STRBUF_INIT, eol = STRBUF_INIT;
	size_t j;
	int same;

	strbuf_addf(&d, "RedirectMatch 301 %s %s", pattern, url);
	j = find_redirect(vf, b, b->open + 1, pattern, url, &same);
	if (j && same) {
		strbuf_release(&d);
		return vh_unchanged(vf, out);
	}
	if (j) {
		const struct vhost_line *l = &vf->lines[j];

		strbuf_add(&ind, vf->text + l->start, l->indent);
		vh_line_eol(vf, l, &eol);
		strbuf_addf(&ind, "%s%s", d.buf, eol.buf);
		vh_splice(vf, l->start, l->end, ind.buf, ind.len, out);
	} else {
		j = vh_find_child(vf, b, names, 1);
		vh_child_indent(vf, b, &ind);
		vh_insert_after(vf, j ? j : b->open, ind.buf, d.buf, out);
	}
	strbuf_release(&ind);
	strbuf_release(&d);
	strbuf_release(&eol);
	return 1;
}

int
vhost_userdir_redirect(const struct vhost_file *vf, size_t i, const char *user,
    const char *target, struct strbuf *out)
{
	struct strbuf pattern = STRBUF_INIT, url = STRBUF_INIT;
	int ret = -1;

	if (!vh_bad_block(vf, i) && redirect_words(user, target, &pattern, &url) == 0)
		ret = put_redirect(vf, &vf->blocks[i], pattern.buf, url.buf, out);
	strbuf_release(&pattern);
	strbuf_release(&url);
	return ret;
}

int
vhost_has_userdir_redirect(const struct vhost_file *vf, size_t i, const char *user,
    const char *target)
{
	struct strbuf pattern = STRBUF_INIT, url = STRBUF_INIT;
	int same = 0;

	if (!vh_bad_block(vf, i) && redirect_words(user, target, &pattern, &url) == 0)
		find_redirect(vf, &vf->blocks[i], vf->blocks[i].open + 1, pattern.buf, url.buf, &same);
	strbuf_release(&pattern);
	strbuf_release(&url);
	return same;
}

int
vhost_userdir_unredirect(const struct vhost_file *vf, size_t i, const char *user,
    struct strbuf *out)
{
	struct strbuf pattern = STRBUF_INIT;
	size_t j, at = 0;
	int same;

	if (vh_bad_block(vf, i) || vh_bad_word("user", user))
		return -1;
	userdir_pattern(user, &pattern);
	j = find_redirect(vf, &vf->blocks[i], vf->blocks[i].open + 1, pattern.buf, "", &same);
	if (!j) {
		strbuf_release(&pattern);
		return vh_unchanged(vf, out);
	}
	/* every one of them: a second line would redirect the user still */
	strbuf_reset(out);
	while (j) {
		strbuf_add(out, vf->text + at, vf->lines[j].start - at);
		at = vf->lines[j].end;
		j = find_redirect(vf, &vf->blocks[i], j + 1, pattern.buf, "", &same);
	}
	strbuf_add(out, vf->text + at, vf->len - at);
	strbuf_release(&pattern);
	return 1;
}

#define MARKER "# ferry: account "

static long
block_opened_at(const struct vhost_file *vf, size_t j)
{
	size_t i;

	for (i = 0; i < vf->nblocks; i++)
		if (vf->blocks[i].open == j)
			return (long)i;
	return -1;
}

int
vhost_marked_find(const struct vhost_file *vf, const char *account, size_t *start,
    size_t *end)
{
	size_t j, m;
	long bi;

	for (m = 0; m < vf->nlines; m++)
		if (!strncmp(vf->lines[m].text, MARKER, strlen(MARKER)) &&
		    !strcmp(vf->lines[m].text + strlen(MARKER), account))
			break;
	if (m == vf->nlines)
		return 0;
	*start = vf->lines[m].start;
	*end = vf->lines[m].end;
	for (j = m + 1; j < vf->nlines; j++) {
		const char *t = vf->lines[j].text;

		/* a blank or comment line ends the section: a VirtualHost someone
		   added after it by hand is not the account's to replace or remove */
		if (vh_is_ignorable(t) || (bi = block_opened_at(vf, j)) < 0)
			break;
		*end = vf->blocks[bi].end;
		j = vf->blocks[bi].close;
	}
	return 1;
}

/* blocks for a section: VirtualHost blocks one after the other, no marker */
static int
check_section_blocks(const char *blocks, size_t len)
{
	struct vhost_file bf;
	size_t j;
	int ret = 0;

	if (vhost_parse(&bf, "blocks", blocks, len) < 0)
		return -1;
	if (bf.nblocks == 0)
		ret = error("no VirtualHost block to add");
	for (j = 0; j < bf.nlines && ret == 0; j++) {
		const char *t = bf.lines[j].text;

		if (!strncmp(t, MARKER, strlen(MARKER)))
			ret = error("blocks:%d: a ferry marker line inside the blocks", bf.lines[j].lineno);
		else if (bf.lines[j].depth == 0 && vh_is_ignorable(t))
			ret = error("blocks:%d: a blank or comment line between the blocks would end "
			    "the section", bf.lines[j].lineno);
		else if (bf.lines[j].depth == 0 && block_opened_at(&bf, j) < 0)
			ret = error("blocks:%d: not inside a VirtualHost block", bf.lines[j].lineno);
	}
	vhost_release(&bf);
	return ret;
}

/* the text's last line ends in a backslash that continues it */
static int
ends_continued(const struct strbuf *sb)
{
	size_t n = sb->len;

	if (n && sb->buf[n - 1] == '\n')
		n--;
	if (n && sb->buf[n - 1] == '\r')
		n--;
	return n && sb->buf[n - 1] == '\\';
}

int
vhost_marked_append(const struct vhost_file *vf, const char *account, const char *blocks,
    size_t len, struct strbuf *out)
{
	struct strbuf sec = STRBUF_INIT, eol = STRBUF_INIT;
	size_t s, e;
	int ret = 1;

	if (vh_bad_word("account", account) || check_section_blocks(blocks, len) < 0)
		return -1;
	vh_line_eol(vf, NULL, &eol);
	strbuf_addf(&sec, MARKER "%s%s", account, eol.buf);
	strbuf_add(&sec, blocks, len);
	if (len && blocks[len - 1] != '\n')
		strbuf_add(&sec, eol.buf, eol.len);
	if (vhost_marked_find(vf, account, &s, &e)) {
		if (e - s == sec.len && memcmp(vf->text + s, sec.buf, sec.len) == 0)
			ret = vh_unchanged(vf, out);
		else
			vh_splice(vf, s, e, sec.buf, sec.len, out);
	} else {
		vh_unchanged(vf, out);
		if (vf->len && vf->text[vf->len - 1] != '\n')
			strbuf_add(out, eol.buf, eol.len);
		/* a last line continued by its backslash would swallow the marker:
		   an empty line ends it, and Apache reads the same directive */
		if (ends_continued(out))
			strbuf_add(out, eol.buf, eol.len);
		strbuf_add(out, sec.buf, sec.len);
	}
	strbuf_release(&sec);
	strbuf_release(&eol);
	return ret;
}

int
vhost_marked_remove(const struct vhost_file *vf, const char *account, struct strbuf *out)
{
	size_t s, e;

	if (!vhost_marked_find(vf, account, &s, &e))
		return vh_unchanged(vf, out);
	vh_splice(vf, s, e, "", 0, out);
	return 1;
}
