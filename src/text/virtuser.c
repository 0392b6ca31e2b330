/*
 * virtuser.c: virtusertable / postfix virtual text read into lines and
 * entries, and the questions asked of it (whose is a line, where does an
 * address go, is an account's mail local or forwarded).  The edits, and
 * local-host-names, are in virtuser-edit.c.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"
#include "virtuser.h"
#include "virtuser-int.h"

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
char *
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
void
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
