/*
 * virtuser.c: virtusertable / postfix virtual text and local-host-names.
 * Every edit is a list of byte splices on the original text, so lines the
 * edit does not name keep their bytes, blanks and comments.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "text.h"
#include "virtuser.h"

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

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static size_t
phys_line(const char *t, size_t len, size_t p, size_t *ce, size_t *nl)
{
	const char *q = memchr(t + p, '\n', len - p);
	size_t e;

	if (!q) {
		/* a last line ending in CR is a CRLF cut short: appending a
		   newline to it must not change what it says */
		*ce = (len > p && t[len - 1] == '\r') ? len - 1 : len;
		*nl = 0;
		return len;
	}
	e = (size_t)(q - t);
	*ce = (e > p && t[e - 1] == '\r') ? e - 1 : e;
	*nl = e + 1 - *ce;
	return e + 1;
}

/* what ends an unfinished last line: a trailing CR only lacks its LF */
static const char *
finish_line(const char *t, size_t len, const char *eol)
{
	return len && t[len - 1] == '\r' ? "\n" : eol;
}

/* the newline to write: the first one in the text, else LF */
static const char *
text_eol(const char *t, size_t len)
{
	const char *q = memchr(t, '\n', len);

	return (q && q > t && q[-1] == '\r') ? "\r\n" : "\n";
}

static struct vu_line *
add_line(struct virtuser *vt, size_t *alloc)
{
	if (vt->n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 64;
		vt->lines = xreallocarray(vt->lines, *alloc, sizeof(*vt->lines));
	}
	memset(&vt->lines[vt->n], 0, sizeof(vt->lines[0]));
	return &vt->lines[vt->n++];
}

/* a blank-led line after an entry: postfix joins it to the entry */
static void
continue_entry(struct virtuser *vt, struct vu_line *l, size_t f, size_t ce, size_t next,
    size_t nl)
{
	struct strbuf v = STRBUF_INIT;

	while (ce > f && is_blank(vt->text[ce - 1]))
		ce--;
	strbuf_addf(&v, "%s ", l->value);
	strbuf_add(&v, vt->text + f, ce - f);
	free(l->value);
	l->value = strbuf_detach(&v);
	l->value_to = ce;
	l->end = next;
	l->eol = nl;
}

static int
read_entry(struct virtuser *vt, struct vu_line *l, size_t f, size_t ce)
{
	const char *t = vt->text;
	size_t k = f, v;

	while (k < ce && !is_blank(t[k]))
		k++;
	for (v = k; v < ce && is_blank(t[v]); v++)
		;
	while (ce > v && is_blank(t[ce - 1]))
		ce--;
	l->kind = VU_ENTRY;
	l->key = xstrndup(t + f, k - f);
	l->value = xstrndup(t + v, ce - v);
	l->value_from = v;
	l->value_to = ce;
	if (v == ce)
		return error("%s:%d: %s has no value", vt->name, l->lineno, l->key);
	return 0;
}

int
virtuser_parse(struct virtuser *vt, const char *name, const char *text, size_t len)
{
	size_t p = 0, alloc = 0, ce, nl, next, f;
	int lineno = 0;
	struct vu_line *l;

	memset(vt, 0, sizeof(*vt));
	if (text_refuse_nul(name, text, len) < 0)
		return -1;
	vt->name = xstrdup(name);
	vt->text = xmalloc(len + 1);
	memcpy(vt->text, text, len);
	vt->text[len] = '\0';
	vt->len = len;
	for (; p < len; p = next) {
		next = phys_line(vt->text, len, p, &ce, &nl);
		lineno++;
		for (f = p; f < ce && is_blank(vt->text[f]); f++)
			;
		if (f > p && f < ce && vt->text[f] != '#' && vt->n &&
		    vt->lines[vt->n - 1].kind == VU_ENTRY) {
			continue_entry(vt, &vt->lines[vt->n - 1], f, ce, next, nl);
			continue;
		}
		l = add_line(vt, &alloc);
		l->start = p;
		l->end = next;
		l->eol = nl;
		l->lineno = lineno;
		l->kind = f == ce ? VU_BLANK : vt->text[f] == '#' ? VU_COMMENT : VU_ENTRY;
		if (l->kind == VU_ENTRY && read_entry(vt, l, f, ce) < 0) {
			virtuser_release(vt);
			return -1;
		}
	}
	return 0;
}

void
virtuser_release(struct virtuser *vt)
{
	size_t i;

	for (i = 0; i < vt->n; i++) {
		free(vt->lines[i].key);
		free(vt->lines[i].value);
	}
	free(vt->lines);
	free(vt->text);
	free(vt->name);
	memset(vt, 0, sizeof(*vt));
}

const char *
virtuser_key_domain(const char *key)
{
	const char *at = strrchr(key, '@');

	return at ? at + 1 : NULL;
}

int
virtuser_domain_in(const char *domain, const struct strlist *domains)
{
	size_t k, n = strlen(domain), m;

	if (n && domain[n - 1] == '.')
		n--;
	for (k = 0; domains && k < domains->n; k++) {
		m = strlen(domains->v[k]);
		if (m && domains->v[k][m - 1] == '.')
			m--;
		if (m == 0 || n < m || strncasecmp(domain + n - m, domains->v[k], m) != 0)
			continue;
		if (n == m || domain[n - m - 1] == '.')
			return 1;
	}
	return 0;
}

/* the addresses of a value (or a .forward): split by commas, blanks, newlines */
static void
value_words(const char *value, struct strlist *w)
{
	struct strbuf word = STRBUF_INIT;
	const char *s;

	for (s = value;; s++) {
		if (*s == '\0' || *s == ',' || is_blank(*s) || *s == '\r' || *s == '\n') {
			if (word.len)
				strlist_push(w, word.buf);
			strbuf_reset(&word);
			if (*s == '\0')
				break;
		} else
			strbuf_addch(&word, *s);
	}
	strbuf_release(&word);
}

static int
domain_eq(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);

	if (n && a[n - 1] == '.')
		n--;
	if (m && b[m - 1] == '.')
		m--;
	return n == m && strncasecmp(a, b, n) == 0;
}

/* local domains are names the MTA lists (class w): exact, not below */
static int
domain_listed(const char *domain, const struct strlist *list)
{
	size_t k;

	for (k = 0; list && k < list->n; k++)
		if (domain_eq(domain, strlen(domain), list->v[k]))
			return 1;
	return 0;
}

static int
address_is_local(const char *addr, const struct strlist *local_domains)
{
	const char *d = virtuser_key_domain(addr);

	return d == NULL || domain_listed(d, local_domains);
}

enum vu_dest
virtuser_classify(const char *value, const struct strlist *local_domains)
{
	struct strlist w = STRLIST_INIT;
	enum vu_dest dest = VU_REMOTE;
	size_t k;

	if (strncasecmp(value, "error:", 6) == 0)
		return VU_ERROR;
	value_words(value, &w);
	for (k = 0; k < w.n; k++)
		if (address_is_local(w.v[k], local_domains))
			dest = VU_LOCAL;
	strlist_clear(&w);
	return dest;
}

static int
value_is_login(const char *value, const char *login, const struct strlist *local_domains)
{
	size_t n = strlen(login);

	if (strcmp(value, login) == 0)
		return 1;
	return strncmp(value, login, n) == 0 && value[n] == '@' &&
	    domain_listed(value + n + 1, local_domains);
}

int
virtuser_is_account_line(const struct vu_line *l, const char *login,
    const struct strlist *domains, const struct strlist *local_domains)
{
	const char *d;

	if (l->kind != VU_ENTRY)
		return 0;
	d = virtuser_key_domain(l->key);
	if (d && virtuser_domain_in(d, domains))
		return 1;
	return value_is_login(l->value, login, local_domains);
}

size_t
virtuser_account_lines(const struct virtuser *vt, const char *login,
    const struct strlist *domains, const struct strlist *local_domains, size_t *idx)
{
	size_t i, n = 0;

	for (i = 0; i < vt->n; i++)
		if (virtuser_is_account_line(&vt->lines[i], login, domains, local_domains))
			idx[n++] = i;
	return n;
}

enum vu_mode
virtuser_mail_mode(const struct virtuser *vt, const char *login,
    const struct strlist *domains, const struct strlist *local_domains)
{
	size_t i, local = 0, remote = 0;

	for (i = 0; i < vt->n; i++) {
		if (!virtuser_is_account_line(&vt->lines[i], login, domains, local_domains))
			continue;
		switch (virtuser_classify(vt->lines[i].value, local_domains)) {
		case VU_LOCAL:
			local++;
			break;
		case VU_REMOTE:
			remote++;
			break;
		case VU_ERROR:
			break;
		}
	}
	return (local == 0 && remote > 0) ? VU_MODE_FORWARDED : VU_MODE_LOCAL;
}

/* value with each local address mapped by map(); NULL when nothing changed */
static char *
map_value(const char *value, const struct strlist *local_domains,
    void (*map)(const char *addr, const char *arg, struct strbuf *to), const char *arg)
{
	struct strlist w = STRLIST_INIT;
	struct strbuf nv = STRBUF_INIT;
	size_t k;

	value_words(value, &w);
	for (k = 0; k < w.n; k++) {
		if (k)
			strbuf_addstr(&nv, ", ");
		if (address_is_local(w.v[k], local_domains) && !strchr("|/\"", w.v[k][0]))
			map(w.v[k], arg, &nv);
		else
			strbuf_addstr(&nv, w.v[k]);
	}
	strlist_clear(&w);
	if (strcmp(nv.buf, value) == 0) {
		strbuf_release(&nv);
		return NULL;
	}
	return strbuf_detach(&nv);
}

/* "alice@charon.test" -> "alice" */
static void
map_to_user(const char *addr, const char *arg, struct strbuf *to)
{
	strbuf_add(to, addr, strcspn(addr, "@"));
}

/* "alice" -> target with %u = alice */
static void
map_to_target(const char *addr, const char *target, struct strbuf *to)
{
	const char *s;

	for (s = target; *s; s++) {
		if (s[0] == '%' && s[1] == 'u') {
			strbuf_add(to, addr, strcspn(addr, "@"));
			s++;
		} else
			strbuf_addch(to, *s);
	}
}

void
virtuser_wanted_new(const struct virtuser *old, const char *login,
    const struct strlist *domains, const struct strlist *local_domains,
    struct strlist *keys, struct strlist *values)
{
	const struct vu_line *l;
	char *nv;
	size_t i;

	for (i = 0; i < old->n; i++) {
		l = &old->lines[i];
		if (!virtuser_is_account_line(l, login, domains, local_domains))
			continue;
		nv = NULL;
		if (virtuser_classify(l->value, local_domains) == VU_LOCAL)
			nv = map_value(l->value, local_domains, map_to_user, NULL);
		strlist_push(keys, l->key);
		strlist_push(values, nv ? nv : l->value);
		free(nv);
	}
}

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
