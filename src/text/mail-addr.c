/*
 * mail-addr.c: the addresses a host delivers to an account's mailbox
 * without a map line of their own (mail-addr.h).  Pure text work; the mail
 * driver reads the files and moves the addresses.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail-addr.h"
#include "xmalloc.h"

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* the one target of an alias value is login ("alice", "\alice", "alice" quoted) */
static int
only_target(const char *v, const char *login)
{
	size_t n = strlen(login);

	while (is_blank(*v))
		v++;
	if (*v == '\\')
		v++;
	if (*v == '"')
		v++;
	if (strncmp(v, login, n) != 0)
		return 0;
	v += n;
	if (*v == '"')
		v++;
	while (is_blank(*v) || *v == '\r' || *v == '\n')
		v++;
	return *v == '\0';
}

/* one logical line (continuations joined) ending at the returned offset */
static size_t
logical_line(const char *t, size_t p, struct strbuf *line)
{
	strbuf_reset(line);
	do {
		const char *nl = strchr(t + p, '\n');
		size_t e = nl ? (size_t)(nl - t) : strlen(t);

		if (line->len)
			strbuf_addch(line, ' ');
		strbuf_add(line, t + p, e - p);
		p = nl ? e + 1 : e;
	} while (t[p] && is_blank(t[p]));
	return p;
}

void
mail_alias_names(const char *text, const char *login, struct strlist *names)
{
	struct strbuf line = STRBUF_INIT;
	size_t p = 0;

	while (text[p]) {
		char *colon, *value;

		p = logical_line(text, p, &line);
		if (line.len == 0 || line.buf[0] == '#' || is_blank(line.buf[0]))
			continue;
		colon = strchr(line.buf, ':');
		if (colon == NULL || colon == line.buf)
			continue;
		value = xstrdup(colon + 1);
		strbuf_setlen(&line, (size_t)(colon - line.buf));
		strbuf_rtrim(&line);
		if (only_target(value, login) && strcasecmp(line.buf, login) != 0 &&
		    strpbrk(line.buf, " \t@") == NULL && !strlist_has(names, line.buf))
			strlist_push(names, line.buf);
		free(value);
	}
	strbuf_release(&line);
}

static int
has_key(const struct virtuser *vt, const char *key)
{
	size_t i;

	for (i = 0; i < vt->n; i++)
		if (vt->lines[i].kind == VU_ENTRY && strcasecmp(vt->lines[i].key, key) == 0)
			return 1;
	return 0;
}

static void
add_name(const struct virtuser *vt, const char *name, const char *dom, struct strlist *out)
{
	struct strbuf key = STRBUF_INIT;
	size_t i;

	strbuf_addf(&key, "%s@%s", name, dom);
	for (i = 0; i < out->n; i++)
		if (strcasecmp(out->v[i], key.buf) == 0)
			break;
	if (i == out->n && !has_key(vt, key.buf))
		strlist_push(out, key.buf);
	strbuf_release(&key);
}

void
mail_implicit_addresses(const struct virtuser *vt, const struct strlist *local,
    const struct strlist *domains, const char *login, const struct strlist *alias_names,
    struct strlist *out)
{
	struct strbuf catchall = STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < local->n; i++) {
		const char *d = local->v[i];

		strbuf_reset(&catchall);
		strbuf_addf(&catchall, "@%s", d);
		if (strchr(d, '.') == NULL || virtuser_domain_in(d, domains) ||
		    has_key(vt, catchall.buf))
			continue;
		add_name(vt, login, d, out);
		for (k = 0; alias_names && k < alias_names->n; k++)
			add_name(vt, alias_names->v[k], d, out);
	}
	strbuf_release(&catchall);
}
