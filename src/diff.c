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

static void
split_lines(const char *t, struct lines *l)
{
	size_t alloc = 16;
	const char *nl;

	l->n = 0;
	l->v = xreallocarray(NULL, alloc, sizeof(*l->v));
	while (*t) {
		if (l->n == alloc) {
			alloc *= 2;
			l->v = xreallocarray(l->v, alloc, sizeof(*l->v));
		}
		nl = strchr(t, '\n');
		l->v[l->n].s = t;
		l->v[l->n].len = nl ? (size_t)(nl - t) + 1 : strlen(t);
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
	split_lines(old_text, &a);
	split_lines(new_text, &b);
	make_script(&a, &b, &s);
	strbuf_addf(out, "--- %s\n+++ %s\n", label, label);
	emit_hunks(&a, &b, &s, out);
	free(s.v);
	free(a.v);
	free(b.v);
	return 1;
}
