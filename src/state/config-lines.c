/*
 * config-lines.c: pass 1 of config.c, lines -> sections of (key, value,
 * line), checked against the key tables of config-keys.c (syntax, unknown
 * section or key, duplicates).  Values are not read here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-int.h"
#include "log.h"

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/*
 * Sections by kind and name through a small hash: a duplicate is found
 * without comparing against every earlier section (10,000 accounts).
 */
static size_t
sec_hash(enum sec_kind kind, const char *name)
{
	size_t h = 2166136261u ^ (size_t)kind;

	for (; name && *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static int
sec_matches(const struct section *s, enum sec_kind kind, const char *name)
{
	if (s->kind != kind || s->ignored)
		return 0;
	return name == NULL || (s->name && strcmp(s->name, name) == 0);
}

static void
sec_index_put(struct pctx *p, size_t i)
{
	size_t mask = p->sec_index_alloc - 1;
	size_t h = sec_hash(p->secs[i].kind, p->secs[i].name) & mask;

	while (p->sec_index[h])
		h = (h + 1) & mask;
	p->sec_index[h] = i + 1;
}

/* keeps the table at most half full */
static void
sec_index_add(struct pctx *p, size_t i)
{
	size_t k;

	if (2 * (p->n + 1) > p->sec_index_alloc) {
		free(p->sec_index);
		p->sec_index_alloc = p->sec_index_alloc ? 2 * p->sec_index_alloc : 64;
		p->sec_index = xcalloc(p->sec_index_alloc, sizeof *p->sec_index);
		for (k = 0; k < i; k++)
			if (!p->secs[k].ignored)
				sec_index_put(p, k);
	}
	sec_index_put(p, i);
}

static struct section *
find_section(struct pctx *p, enum sec_kind kind, const char *name)
{
	size_t mask = p->sec_index_alloc - 1, h, ix;

	if (p->sec_index_alloc == 0)
		return NULL;
	for (h = sec_hash(kind, name) & mask; (ix = p->sec_index[h]) != 0; h = (h + 1) & mask)
		if (sec_matches(&p->secs[ix - 1], kind, name))
			return &p->secs[ix - 1];
	return NULL;
}

static int
valid_host_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '.')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int
check_section_name(struct pctx *p, const struct sec_def *sd, const char *name, int line)
{
	if (!sd->named && name) {
		conf_error(p, line, "[%s] takes no name", sd->kind);
		return -1;
	}
	if (sd->named && !name) {
		conf_error(p, line, "[%s] needs a name: [%s NAME]", sd->kind, sd->kind);
		return -1;
	}
	if (sd->id == SEC_HOST && !valid_host_label(name)) {
		conf_error(p, line, "bad host name '%s' (letters, digits, '.', '_', '-')", name);
		return -1;
	}
	if (sd->id == SEC_ACCOUNT && !valid_login_name(name)) {
		conf_error(p, line, "bad account name '%s' (a login name: [a-z_][a-z0-9_-]{0,31})",
		    name);
		return -1;
	}
	return 0;
}

static void
add_section(struct pctx *p, const struct sec_def *sd, const char *name, int line)
{
	struct section *old = find_section(p, sd->id, sd->named ? name : NULL);
	int old_line = old ? old->line : 0;	/* old moves with the realloc below */
	struct section *s;

	if (p->n == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 8;
		p->secs = xreallocarray(p->secs, p->alloc, sizeof *p->secs);
	}
	s = &p->secs[p->n++];
	memset(s, 0, sizeof *s);
	s->kind = sd->id;
	s->name = name ? xstrdup(name) : NULL;
	s->line = line;
	if (old) {
		char buf[128];

		conf_error(p, line, "duplicate section %s (first on line %d)",
		    sec_label(s, buf, sizeof buf), old_line);
		s->ignored = 1;
	} else
		sec_index_add(p, p->n - 1);
}

/* returns the section keys now go to, or NULL to drop them */
static struct section *
section_header(struct pctx *p, char *s, int line)
{
	struct strlist w = STRLIST_INIT;
	char *close = strchr(s, ']');
	const struct sec_def *sd = NULL;
	size_t i;

	if (close == NULL) {
		conf_error(p, line, "unterminated section header (no ']')");
		return NULL;
	}
	if (*trim(close + 1) != '\0') {
		conf_error(p, line, "text after ']' in a section header");
		return NULL;
	}
	*close = '\0';
	strlist_split(&w, s + 1);
	for (i = 0; w.n > 0 && i < sizeof sec_defs / sizeof sec_defs[0]; i++)
		if (strcmp(w.v[0], sec_defs[i].kind) == 0)
			sd = &sec_defs[i];
	if (sd == NULL)
		conf_error(p, line, "unknown section [%s]", trim(s + 1));
	else if (w.n > 2) {
		conf_error(p, line, "a section header is [KIND] or [KIND NAME]");
		sd = NULL;	/* no section was added: drop its keys */
	} else if (check_section_name(p, sd, w.n > 1 ? w.v[1] : NULL, line) == 0)
		add_section(p, sd, w.n > 1 ? w.v[1] : NULL, line);
	else
		sd = NULL;
	strlist_clear(&w);
	return sd ? &p->secs[p->n - 1] : NULL;
}

static const struct key_def *
key_find(enum sec_kind kind, const char *name)
{
	const struct key_def *k;

	for (k = sec_def_of(kind)->keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static void
add_entry(struct section *sec, const struct key_def *k, const char *value, int line)
{
	if (sec->n == sec->alloc) {
		sec->alloc = sec->alloc ? sec->alloc * 2 : 16;
		sec->e = xreallocarray(sec->e, sec->alloc, sizeof *sec->e);
	}
	sec->e[sec->n].k = k;
	sec->e[sec->n].value = xstrdup(value);
	sec->e[sec->n].line = line;
	sec->n++;
}

static void
key_line(struct pctx *p, struct section *sec, int in_section, char *s, int line)
{
	char *eq = strchr(s, '='), *key, *value;
	const struct key_def *k;
	int first;

	if (eq == NULL || eq == s) {
		conf_error(p, line, "expected 'key = value'");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (sec == NULL) {
		if (!in_section)
			conf_error(p, line, "'%s' is outside any section", key);
		return;
	}
	if ((k = key_find(sec->kind, key)) == NULL) {
		char buf[128];

		conf_error(p, line, "unknown key '%s' in %s", key, sec_label(sec, buf, sizeof buf));
		return;
	}
	if ((first = sec_key_line(sec, k->name)) != 0)
		conf_error(p, line, "duplicate key '%s' (first on line %d)", key, first);
	else if (*value == '\0')
		conf_error(p, line, "%s: empty value", key);
	else
		add_entry(sec, k, value, line);
}

int
read_lines(struct pctx *p, FILE *fp)
{
	struct section *sec = NULL;
	int in_section = 0, line = 0;
	char *buf = NULL, *s, *hash;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&buf, &cap, fp)) != -1) {
		line++;
		if ((size_t)len != strlen(buf)) {
			conf_error(p, line, "NUL byte in the line");
			continue;
		}
		if ((hash = strchr(buf, '#')) != NULL)
			*hash = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		s = trim(buf);
		if (*s == '[') {
			sec = section_header(p, s, line);
			in_section = 1;
		} else if (*s != '\0')
			key_line(p, sec, in_section, s, line);
	}
	free(buf);
	return ferror(fp) ? -1 : 0;
}
