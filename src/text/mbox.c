/*
 * mbox.c: split a spool on "From " lines, read Message-IDs, merge spools
 * without losing or doubling a message.  Byte offsets only: a message is
 * never rewritten.  Messages are the same when their bytes are (a SHA-256
 * of each): two deliveries with one Message-ID (a cross-posted copy, a
 * list's copy and the direct one) are two messages, and both move.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mbox.h"
#include "sha256.h"

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* the line from p ends (newline included) at the return value */
static size_t
line_end(const char *t, size_t len, size_t p)
{
	const char *q = memchr(t + p, '\n', len - p);

	return q ? (size_t)(q - t) + 1 : len;
}

/* the line [p, e) holds nothing but its newline */
static int
is_empty_line(const char *t, size_t p, size_t e)
{
	return (e - p == 1 && t[p] == '\n') || (e - p == 2 && t[p] == '\r' && t[p + 1] == '\n');
}

static int
is_from_line(const char *t, size_t len, size_t p)
{
	return len - p >= 5 && memcmp(t + p, "From ", 5) == 0;
}

static struct mbox_msg *
add_msg(struct mbox *mb, size_t start, int lineno)
{
	struct mbox_msg *m;

	mb->msgs = xreallocarray(mb->msgs, mb->n + 1, sizeof(*m));
	m = &mb->msgs[mb->n++];
	memset(m, 0, sizeof(*m));
	m->start = start;
	m->lineno = lineno;
	return m;
}

/* closes message m at next; last_empty: where the blank line before next starts */
static void
close_msg(struct mbox_msg *m, size_t next, size_t last_empty, int had_empty)
{
	m->next = next;
	m->end = had_empty ? last_empty : next;
}

static void
split(struct mbox *mb, size_t p, int lineno)
{
	const char *t = mb->text;
	size_t e, empty_at = 0;
	int prev_empty = 1;
	struct mbox_msg *m = NULL;

	for (; p < mb->len; p = e, lineno++) {
		e = line_end(t, mb->len, p);
		if (prev_empty && is_from_line(t, mb->len, p)) {
			if (m)
				close_msg(m, p, empty_at, 1);
			m = add_msg(mb, p, lineno);
		}
		prev_empty = is_empty_line(t, p, e);
		if (prev_empty)
			empty_at = p;
	}
	/* the spool's last message: a final blank line is its separator */
	if (m)
		close_msg(m, mb->len, empty_at, prev_empty && empty_at > m->start);
}

/* the unfolded value of the header at [p, ...) after its colon */
static char *
header_value(const char *t, size_t len, size_t p, size_t stop)
{
	struct strbuf v = STRBUF_INIT;
	size_t e;
	char *s, *lt, *gt;

	p += strlen("Message-ID");
	while (p < stop && is_blank(t[p]))
		p++;
	if (p < stop && t[p] == ':')
		p++;
	do {
		e = line_end(t, len, p);
		strbuf_add(&v, t + p, e - p);
		p = e;
	} while (p < stop && is_blank(t[p]));
	lt = strchr(v.buf, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	s = lt && gt ? xstrndup(lt, (size_t)(gt - lt) + 1) : NULL;
	strbuf_release(&v);
	return s;
}

/* Message-ID from the header, which ends at the first empty line */
static char *
find_message_id(const char *t, size_t len, const struct mbox_msg *m)
{
	size_t p = line_end(t, len, m->start), e;
	size_t n = strlen("Message-ID");

	for (; p < m->end; p = e) {
		e = line_end(t, len, p);
		if (is_empty_line(t, p, e))
			break;
		if (e - p > n && strncasecmp(t + p, "Message-ID", n) == 0 &&
		    (t[p + n] == ':' || is_blank(t[p + n])))
			return header_value(t, len, p, m->end);
	}
	return NULL;
}

/* a message's bytes without its final newline, so a spool's unterminated last message compares equal */
static size_t
body_len(const struct mbox *mb, const struct mbox_msg *m)
{
	size_t n = m->end - m->start;

	if (n && mb->text[m->start + n - 1] == '\n')
		n--;
	if (n && mb->text[m->start + n - 1] == '\r')
		n--;
	return n;
}

int
mbox_parse(struct mbox *mb, const char *text, size_t len)
{
	size_t p = 0, i;
	int lineno = 1;

	memset(mb, 0, sizeof(*mb));
	mb->text = xmalloc(len + 1);
	memcpy(mb->text, text, len);
	mb->text[len] = '\0';
	mb->len = len;
	while (p < len && is_empty_line(text, p, line_end(text, len, p))) {
		p = line_end(text, len, p);
		lineno++;
	}
	if (p < len && !is_from_line(text, len, p)) {
		mbox_release(mb);
		return error("not an mbox spool: line %d does not start with \"From \"", lineno);
	}
	split(mb, p, lineno);
	for (i = 0; i < mb->n; i++) {
		mb->msgs[i].message_id = find_message_id(mb->text, len, &mb->msgs[i]);
		sha256_hex(mb->text + mb->msgs[i].start, body_len(mb, &mb->msgs[i]),
		    mb->msgs[i].digest);
	}
	return 0;
}

void
mbox_release(struct mbox *mb)
{
	size_t i;

	for (i = 0; i < mb->n; i++)
		free(mb->msgs[i].message_id);
	free(mb->msgs);
	free(mb->text);
	memset(mb, 0, sizeof(*mb));
}

void
mbox_msgids(const struct mbox *mb, struct strlist *ids)
{
	size_t i;

	for (i = 0; i < mb->n; i++)
		if (mb->msgs[i].message_id)
			strlist_push(ids, mb->msgs[i].message_id);
}

static int
same_msg(const struct mbox_msg *x, const struct mbox_msg *y)
{
	return strcmp(x->digest, y->digest) == 0;
}

/* copies of message m among a's first n messages */
static size_t
copies(const struct mbox *a, size_t n, const struct mbox_msg *m)
{
	size_t k, c = 0;

	for (k = 0; k < n; k++)
		c += same_msg(&a->msgs[k], m);
	return c;
}

int
mbox_contains(const struct mbox *a, const struct mbox *b, size_t i)
{
	return copies(a, a->n, &b->msgs[i]) >= copies(b, i + 1, &b->msgs[i]);
}

size_t
mbox_missing(const struct mbox *a, const struct mbox *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		if (!mbox_contains(a, b, i))
			n++;
	return n;
}

int
mbox_repeated(const struct mbox *b, size_t i)
{
	return copies(b, i, &b->msgs[i]) > 0;
}

void
mbox_digest(const struct mbox *mb, char hex[65])
{
	struct sha256 s;
	unsigned char d[32];
	char **v = xcalloc(mb->n + 1, sizeof *v);
	size_t i;

	for (i = 0; i < mb->n; i++)
		v[i] = (char *)mb->msgs[i].digest;
	qsort(v, mb->n, sizeof *v, strp_cmp);
	sha256_init(&s);
	for (i = 0; i < mb->n; i++)
		sha256_update(&s, v[i], 64);
	sha256_final(&s, d);
	for (i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	hex[64] = '\0';
	free(v);
}

/* what text needs at its end so that a message may follow */
static const char *
tail_for_next(const char *s, size_t len)
{
	if (len == 0)
		return "";
	if (s[len - 1] != '\n')
		return "\n\n";
	if ((len >= 2 && s[len - 2] == '\n') || (len >= 3 && s[len - 2] == '\r' && s[len - 3] == '\n'))
		return "";
	return "\n";
}

void
mbox_append_message(struct strbuf *add, const struct strbuf *spool, const struct mbox *in,
    size_t i)
{
	const struct mbox_msg *m = &in->msgs[i];

	if (add->len)
		strbuf_addstr(add, tail_for_next(add->buf, add->len));
	else
		strbuf_addstr(add, tail_for_next(spool->buf, spool->len));
	strbuf_add(add, in->text + m->start, m->end - m->start);
	if (in->text[m->end - 1] != '\n')
		strbuf_addch(add, '\n');
	strbuf_addch(add, '\n');
}

int
mbox_merge(const char *spool, size_t len, const char *add, size_t add_len,
    struct strbuf *out, size_t *added)
{
	struct strbuf sp = STRBUF_INIT, more = STRBUF_INIT;
	struct mbox a, b;
	size_t i, n = 0;

	if (mbox_parse(&a, spool, len) < 0)
		return -1;
	if (mbox_parse(&b, add, add_len) < 0) {
		mbox_release(&a);
		return -1;
	}
	strbuf_add(&sp, spool, len);
	for (i = 0; i < b.n; i++) {
		if (mbox_contains(&a, &b, i))
			continue;
		mbox_append_message(&more, &sp, &b, i);
		n++;
	}
	strbuf_reset(out);
	strbuf_add(out, spool, len);
	strbuf_add(out, more.buf, more.len);
	if (added)
		*added = n;
	mbox_release(&a);
	mbox_release(&b);
	strbuf_release(&sp);
	strbuf_release(&more);
	return n > 0;
}
