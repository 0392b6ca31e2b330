/* diff.c: a line diff (LCS over the changed middle) printed as a unified diff. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "log.h"

struct line {
	const char *s;
	size_t len;		/* terminator included */
};

struct lines {
	struct line *v;
	size_t n;
};

/* one step of the script: ' ', '-' or '+', with the line's index in old/new */
struct op {
	char kind;
	size_t a, b;
};

struct script {
	struct op *v;
	size_t n, alloc;
};

/* the len bytes at t as lines, each with its newline (the last may lack one) */
static void
split_lines(const char *t, size_t len, struct lines *l)
{
	const char *end = t + len, *nl;
	size_t alloc = 16;

	l->n = 0;
	l->v = xreallocarray(NULL, alloc, sizeof(*l->v));
	while (t < end) {
		if (l->n == alloc) {
			alloc *= 2;
			l->v = xreallocarray(l->v, alloc, sizeof(*l->v));
		}
		nl = memchr(t, '\n', (size_t)(end - t));
		l->v[l->n].s = t;
		l->v[l->n].len = nl ? (size_t)(nl - t) + 1 : (size_t)(end - t);
		t += l->v[l->n++].len;
	}
}

static int
line_eq(const struct line *x, const struct line *y)
{
	return x->len == y->len && !memcmp(x->s, y->s, x->len);
}

static void
push(struct script *s, char kind, size_t a, size_t b)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 64;
		s->v = xreallocarray(s->v, s->alloc, sizeof(*s->v));
	}
	s->v[s->n].kind = kind;
	s->v[s->n].a = a;
	s->v[s->n++].b = b;
}

/* the middle a[lo..ha) / b[lo..hb) by LCS, or as delete-all add-all past the cap */
static void
diff_middle(const struct lines *a, const struct lines *b, size_t lo, size_t ha,
    size_t hb, struct script *s)
{
	size_t n = ha - lo, m = hb - lo, i, j;
	uint32_t *t;

	if (n && m && (n + 1) > DIFF_LCS_CAP / (m + 1))
		n = m = 0;	/* fall through to the plain block below */
	if (!n || !m) {
		for (i = lo; i < ha; i++)
			push(s, '-', i, lo);
		for (j = lo; j < hb; j++)
			push(s, '+', ha, j);
		return;
	}
	/* t[i][j]: LCS length of a[lo+i..ha) and b[lo+j..hb) */
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * (m + 1) + j] = line_eq(&a->v[lo + i], &b->v[lo + j]) ?
			    t[(i + 1) * (m + 1) + j + 1] + 1 :
			    (t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] ?
			    t[(i + 1) * (m + 1) + j] : t[i * (m + 1) + j + 1]);
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && line_eq(&a->v[lo + i], &b->v[lo + j])) {
			push(s, ' ', lo + i++, lo + j++);
		} else if (j == m || (i < n && t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]))
			push(s, '-', lo + i++, lo + j);
		else
			push(s, '+', lo + i, lo + j++);
	}
	free(t);
}

static void
make_script(const struct lines *a, const struct lines *b, struct script *s)
{
	size_t pre = 0, suf = 0, i;

	while (pre < a->n && pre < b->n && line_eq(&a->v[pre], &b->v[pre]))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre &&
	    line_eq(&a->v[a->n - 1 - suf], &b->v[b->n - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		push(s, ' ', i, i);
	if (a->n - suf - pre == 0 && b->n - suf - pre == 0)
		;
	else if (a->n - suf == pre || b->n - suf == pre) {
		for (i = pre; i < a->n - suf; i++)
			push(s, '-', i, pre);
		for (i = pre; i < b->n - suf; i++)
			push(s, '+', a->n - suf, i);
	} else
		diff_middle(a, b, pre, a->n - suf, b->n - suf, s);
	for (i = 0; i < suf; i++)
		push(s, ' ', a->n - suf + i, b->n - suf + i);
}

static void
emit_line(struct strbuf *out, char kind, const struct line *l)
{
	strbuf_addch(out, kind);
	strbuf_add(out, l->s, l->len);
	if (!l->len || l->s[l->len - 1] != '\n')
		strbuf_addstr(out, "\n\\ No newline at end of file\n");
}

static void
range(struct strbuf *out, char sign, size_t first, size_t count)
{
	/* GNU style: an empty range names the line before it */
	strbuf_addf(out, "%c%zu", sign, count ? first + 1 : first);
	if (count != 1)
		strbuf_addf(out, ",%zu", count);
}

/* ops [from, to) as one hunk */
static void
emit_hunk(const struct lines *a, const struct lines *b, const struct script *s,
    size_t from, size_t to, struct strbuf *out)
{
	size_t na = 0, nb = 0, i;

	for (i = from; i < to; i++) {
		na += s->v[i].kind != '+';
		nb += s->v[i].kind != '-';
	}
	strbuf_addstr(out, "@@ ");
	range(out, '-', s->v[from].a, na);
	strbuf_addch(out, ' ');
	range(out, '+', s->v[from].b, nb);
	strbuf_addstr(out, " @@\n");
	for (i = from; i < to; i++)
		emit_line(out, s->v[i].kind,
		    s->v[i].kind == '+' ? &b->v[s->v[i].b] : &a->v[s->v[i].a]);
}

static void
emit_hunks(const struct lines *a, const struct lines *b, const struct script *s,
    struct strbuf *out)
{
	size_t i = 0, start, end, k;

	while (i < s->n) {
		while (i < s->n && s->v[i].kind == ' ')
			i++;
		if (i == s->n)
			break;
		start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		/* extend while the next change is within 2 contexts */
		for (end = i;;) {
			while (end < s->n && s->v[end].kind != ' ')
				end++;
			for (k = end; k < s->n && s->v[k].kind == ' '; k++)
				;
			if (k < s->n && k - end <= 2 * DIFF_CONTEXT)
				end = k;
			else
				break;
		}
		i = end + DIFF_CONTEXT < s->n ? end + DIFF_CONTEXT : s->n;
		emit_hunk(a, b, s, start, i, out);
	}
}

int
diff_unified(const char *label, const char *old_text, const char *new_text,
    struct strbuf *out)
{
	struct lines a, b;
	struct script s = { NULL, 0, 0 };
	int differ = strcmp(old_text, new_text) != 0;

	if (!differ)
		return 0;
	split_lines(old_text, strlen(old_text), &a);
	split_lines(new_text, strlen(new_text), &b);
	make_script(&a, &b, &s);
	strbuf_addf(out, "--- %s\n+++ %s\n", label, label);
	emit_hunks(&a, &b, &s, out);
	free(s.v);
	free(a.v);
	free(b.v);
	return 1;
}

/* --- three-way merge ------------------------------------------------------ */

/* base lines [a0, a1) replaced by the other text's lines [b0, b1) */
struct hunk {
	size_t a0, a1, b0, b1;
};

struct side {
	struct lines l;		/* this side's text */
	struct hunk *h;		/* its changes against the base, in order */
	size_t n, next;
};

/* the script's runs of changes as hunks */
static void
side_init(const struct lines *base, const char *t, size_t len, struct side *x)
{
	struct script s = { NULL, 0, 0 };
	size_t i = 0, alloc = 8;

	split_lines(t, len, &x->l);
	make_script(base, &x->l, &s);
	x->h = xreallocarray(NULL, alloc, sizeof(*x->h));
	x->n = x->next = 0;
	while (i < s.n) {
		struct hunk *h;

		if (s.v[i].kind == ' ') {
			i++;
			continue;
		}
		if (x->n == alloc) {
			alloc *= 2;
			x->h = xreallocarray(x->h, alloc, sizeof(*x->h));
		}
		h = &x->h[x->n++];
		h->a0 = h->a1 = s.v[i].a;
		h->b0 = h->b1 = s.v[i].b;
		for (; i < s.n && s.v[i].kind != ' '; i++) {
			h->a1 += s.v[i].kind == '-';
			h->b1 += s.v[i].kind == '+';
		}
	}
	free(s.v);
}

/* base [from, to) with this side's hunks [h0, h1) in it, appended to out */
static void
side_text(const struct lines *base, const struct side *x, size_t h0, size_t h1,
    size_t from, size_t to, struct strbuf *out)
{
	size_t k = from, i, j;

	for (i = h0; i < h1; i++) {
		for (; k < x->h[i].a0; k++)
			strbuf_add(out, base->v[k].s, base->v[k].len);
		for (j = x->h[i].b0; j < x->h[i].b1; j++)
			strbuf_add(out, x->l.v[j].s, x->l.v[j].len);
		k = x->h[i].a1;
	}
	for (; k < to; k++)
		strbuf_add(out, base->v[k].s, base->v[k].len);
}

/*
 * One region of the base where either side changed something, grown while a
 * change of either side touches it (changes that only abut count as
 * overlapping, as diff3 treats them): taken from the side that changed it,
 * or from both when they changed it alike; 1 when they disagree.
 */
static int
merge_region(const struct lines *base, struct side *x, struct side *y,
    size_t *pos, struct strbuf *out)
{
	size_t x0 = x->next, y0 = y->next, lo, hi;
	struct strbuf tx = STRBUF_INIT, ty = STRBUF_INIT;
	int r = 0;

	if (y->next == y->n || (x->next < x->n && x->h[x->next].a0 <= y->h[y->next].a0))
		lo = x->h[x->next].a0, hi = x->h[x->next++].a1;
	else
		lo = y->h[y->next].a0, hi = y->h[y->next++].a1;
	for (;;) {
		if (x->next < x->n && x->h[x->next].a0 <= hi)
			hi = hi > x->h[x->next].a1 ? hi : x->h[x->next].a1, x->next++;
		else if (y->next < y->n && y->h[y->next].a0 <= hi)
			hi = hi > y->h[y->next].a1 ? hi : y->h[y->next].a1, y->next++;
		else
			break;
	}
	for (; *pos < lo; (*pos)++)
		strbuf_add(out, base->v[*pos].s, base->v[*pos].len);
	side_text(base, x, x0, x->next, lo, hi, &tx);
	side_text(base, y, y0, y->next, lo, hi, &ty);
	if (y0 == y->next)
		strbuf_add(out, tx.buf, tx.len);
	else if (x0 == x->next || (tx.len == ty.len && !memcmp(tx.buf, ty.buf, tx.len)))
		strbuf_add(out, ty.buf, ty.len);
	else
		r = 1;
	*pos = hi;
	strbuf_release(&tx);
	strbuf_release(&ty);
	return r;
}

int
diff_merge3(const struct strbuf *base_text, const struct strbuf *x_text,
    const struct strbuf *y_text, struct strbuf *out)
{
	struct lines base;
	struct side x, y;
	struct strbuf merged = STRBUF_INIT;
	size_t pos = 0;
	int r = 0;

	split_lines(base_text->buf, base_text->len, &base);
	side_init(&base, x_text->buf, x_text->len, &x);
	side_init(&base, y_text->buf, y_text->len, &y);
	while (r == 0 && (x.next < x.n || y.next < y.n))
		r = merge_region(&base, &x, &y, &pos, &merged);
	if (r == 0) {
		for (; pos < base.n; pos++)
			strbuf_add(&merged, base.v[pos].s, base.v[pos].len);
		strbuf_add(out, merged.buf, merged.len);
	}
	strbuf_release(&merged);
	free(base.v);
	free(x.l.v);
	free(x.h);
	free(y.l.v);
	free(y.h);
	return r;
}
