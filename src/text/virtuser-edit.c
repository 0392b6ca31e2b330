/*
 * virtuser-edit.c: edits of a virtusertable / postfix virtual text and of
 * local-host-names.  Every edit is a list of byte splices on the original
 * text, so lines the edit does not name keep their bytes, blanks and
 * comments.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "virtuser.h"
#include "virtuser-int.h"

#define MARKER "# ferry: account "

/* replace [from, to) by ins */
struct splice {
	size_t from, to;
	char *ins;
};

struct splices {
	struct splice *v;
	size_t n;
};

static void
add_splice(struct splices *s, size_t from, size_t to, const char *ins)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n].from = from;
	s->v[s->n].to = to;
	s->v[s->n++].ins = xstrdup(ins);
}

static int
cmp_splice(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

/* out = text with the splices applied; returns 1, or 0 when there are none */
static int
apply_splices(const char *text, size_t len, struct splices *s, struct strbuf *out)
{
	size_t k, at = 0;

	strbuf_reset(out);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_splice);
	for (k = 0; k < s->n; k++) {
		if (s->v[k].from > at)
			strbuf_add(out, text + at, s->v[k].from - at);
		strbuf_addstr(out, s->v[k].ins);
		if (s->v[k].to > at)
			at = s->v[k].to;
		free(s->v[k].ins);
	}
	strbuf_add(out, text + at, len - at);
	free(s->v);
	k = s->n;
	s->v = NULL;
	s->n = 0;
	return k > 0;
}

/* 1 and the end of the account's section (marker and the entries after it) */
static int
find_section(const struct virtuser *vt, const char *account, size_t *m, size_t *last)
{
	size_t i, n = strlen(MARKER);

	for (i = 0; i < vt->n; i++) {
		const struct vu_line *l = &vt->lines[i];
		size_t ce = l->end - l->eol;

		if (l->kind == VU_COMMENT && ce - l->start == n + strlen(account) &&
		    !memcmp(vt->text + l->start, MARKER, n) &&
		    !memcmp(vt->text + l->start + n, account, strlen(account)))
			break;
	}
	if (i == vt->n)
		return 0;
	*m = i;
	for (*last = i; *last + 1 < vt->n && vt->lines[*last + 1].kind == VU_ENTRY; (*last)++)
		;
	return 1;
}

static int
bad_entry(const char *key, const char *value)
{
	const char *s;

	if (!*key || key[0] == '#' || !*value || is_blank(value[0]) ||
	    is_blank(value[strlen(value) - 1]))
		return error("virtusertable entry '%s' '%s': empty or padded", key, value);
	for (s = key; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return error("virtusertable key '%s' has a blank or control character", key);
	for (s = value; *s; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return error("virtusertable value '%s' has a control character", value);
	return 0;
}

/* the splices that give key the value; 0 when the key is absent */
static int
set_key(const struct virtuser *vt, const char *key, const char *value, struct splices *s)
{
	const struct vu_line *l;
	size_t i;
	int found = 0;

	for (i = 0; i < vt->n; i++) {
		l = &vt->lines[i];
		if (l->kind != VU_ENTRY || strcasecmp(l->key, key) != 0)
			continue;
		if (found)
			add_splice(s, l->start, l->end, "");
		else if (strcmp(l->value, value) != 0)
			add_splice(s, l->value_from, l->value_to, value);
		found = 1;
	}
	return found;
}

/* where the new lines go and what comes with them */
static void
place_new_lines(const struct virtuser *vt, const char *account, const char *lines,
    struct splices *s)
{
	const char *eol = text_eol(vt->text, vt->len);
	struct strbuf ins = STRBUF_INIT;
	size_t m, last, at = vt->len;

	if (find_section(vt, account, &m, &last)) {
		at = vt->lines[last].end;
		if (vt->lines[last].eol == 0)
			strbuf_addstr(&ins, finish_line(vt->text, at, eol));
	} else {
		if (vt->len && vt->text[vt->len - 1] != '\n')
			strbuf_addstr(&ins, finish_line(vt->text, vt->len, eol));
		strbuf_addf(&ins, MARKER "%s%s", account, eol);
	}
	strbuf_addstr(&ins, lines);
	add_splice(s, at, at, ins.buf);
	strbuf_release(&ins);
}

int
virtuser_set(const struct virtuser *vt, const char *account, const struct strlist *keys,
    const struct strlist *values, struct strbuf *out)
{
	const char *eol = text_eol(vt->text, vt->len);
	struct splices s = { NULL, 0 };
	struct strbuf add = STRBUF_INIT;
	size_t k, j;

	if (keys->n != values->n || !*account || strpbrk(account, " \t\r\n"))
		return error("virtuser_set: bad account '%s' or lists", account);
	for (k = 0; k < keys->n; k++) {
		if (bad_entry(keys->v[k], values->v[k]))
			return -1;
		for (j = 0; j < k; j++)
			if (strcasecmp(keys->v[j], keys->v[k]) == 0)
				return error("virtusertable key %s given twice", keys->v[k]);
	}
	for (k = 0; k < keys->n; k++)
		if (!set_key(vt, keys->v[k], values->v[k], &s))
			strbuf_addf(&add, "%s\t%s%s", keys->v[k], values->v[k], eol);
	if (add.len)
		place_new_lines(vt, account, add.buf, &s);
	strbuf_release(&add);
	return apply_splices(vt->text, vt->len, &s, out);
}

int
virtuser_forward(const struct virtuser *vt, const char *login, const struct strlist *domains,
    const struct strlist *local_domains, const char *target, struct strbuf *out)
{
	struct splices s = { NULL, 0 };
	const struct vu_line *l;
	char *nv;
	size_t i;

	if (!*target || strpbrk(target, " \t\r\n,"))
		return error("bad forwarding target '%s'", target);
	for (i = 0; i < vt->n; i++) {
		l = &vt->lines[i];
		if (!virtuser_is_account_line(l, login, domains, local_domains) ||
		    virtuser_classify(l->value, local_domains) != VU_LOCAL)
			continue;
		nv = map_value(l->value, local_domains, map_to_target, target);
		if (nv)
			add_splice(&s, l->value_from, l->value_to, nv);
		free(nv);
	}
	return apply_splices(vt->text, vt->len, &s, out);
}

int
virtuser_remove_marked(const struct virtuser *vt, const char *account, struct strbuf *out)
{
	struct splices s = { NULL, 0 };
	size_t m, last;

	if (find_section(vt, account, &m, &last))
		add_splice(&s, vt->lines[m].start, vt->lines[last].end, "");
	return apply_splices(vt->text, vt->len, &s, out);
}

int
mtadomains_has(const char *text, size_t len, const char *domain)
{
	size_t p = 0, ce, nl, next, w;

	for (; p < len; p = next) {
		next = phys_line(text, len, p, &ce, &nl);
		while (p < ce && is_blank(text[p]))
			p++;
		if (p < ce && text[p] == '#')
			continue;
		while (p < ce) {
			for (w = p; w < ce && !is_blank(text[w]) && text[w] != '\r'; w++)
				;
			if (w > p && domain_eq(text + p, w - p, domain))
				return 1;
			for (p = w; p < ce && (is_blank(text[p]) || text[p] == '\r'); p++)
				;
		}
	}
	return 0;
}

int
mtadomains_add(const char *text, size_t len, const char *domain, struct strbuf *out)
{
	const char *s, *eol = text_eol(text, len);

	strbuf_reset(out);
	strbuf_add(out, text, len);
	for (s = domain; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '#' || *s == 0x7f)
			return error("bad domain '%s' for local-host-names", domain);
	if (!*domain)
		return error("empty domain for local-host-names");
	if (mtadomains_has(text, len, domain))
		return 0;
	if (len && text[len - 1] != '\n')
		strbuf_addstr(out, finish_line(text, len, eol));
	strbuf_addf(out, "%s%s", domain, eol);
	return 1;
}
