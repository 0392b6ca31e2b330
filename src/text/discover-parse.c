/* discover-parse.c: the pure readers behind `ferry discover` (no host is contacted here). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "xmalloc.h"
#include "zone.h"

void
dsc_split(struct dsc_stream *ds, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct dsc_section *cur = NULL;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (*p == '@') {
			const char *sp = memchr(p, ' ', (size_t)(le - p));

			ds->s = xreallocarray(ds->s, ds->n + 1, sizeof *ds->s);
			cur = &ds->s[ds->n++];
			cur->kind = xstrndup(p + 1, (size_t)((sp ? sp : le) - p - 1));
			cur->arg = sp ? xstrndup(sp + 1, (size_t)(le - sp - 1)) : xstrdup("");
			strbuf_init(&cur->body);
		} else if (*p == '|' && cur) {
			strbuf_add(&cur->body, p + 1, (size_t)(le - p - 1));
			strbuf_addch(&cur->body, '\n');
		}
		p = nl ? nl + 1 : end;
	}
}

void
dsc_stream_release(struct dsc_stream *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		free(ds->s[i].kind);
		free(ds->s[i].arg);
		strbuf_release(&ds->s[i].body);
	}
	free(ds->s);
	ds->s = NULL;
	ds->n = 0;
}

const struct dsc_section *
dsc_get(const struct dsc_stream *ds, const char *kind, const char *arg)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (strcmp(ds->s[i].kind, kind) == 0 && (!arg || strcmp(ds->s[i].arg, arg) == 0))
			return &ds->s[i];
	return NULL;
}

/* the next line of text into line (no newline); NULL at the end */
static const char *
next_line(const char *p, struct strbuf *line)
{
	const char *nl;

	if (!p || !*p)
		return NULL;
	nl = strchr(p, '\n');
	strbuf_reset(line);
	strbuf_add(line, p, nl ? (size_t)(nl - p) : strlen(p));
	return nl ? nl + 1 : p + strlen(p);
}

/* the colon-separated fields of a passwd line: 7 or -1 */
static int
passwd_fields(char *s, char **f)
{
	int n = 0;

	f[n++] = s;
	while ((s = strchr(s, ':')) != NULL && n < 7) {
		*s++ = '\0';
		f[n++] = s;
	}
	return n == 7 && !s ? 7 : -1;
}

int
dsc_parse_passwd(const char *text, struct dsc_user **out, size_t *n)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;

	*out = NULL;
	*n = 0;
	while ((p = next_line(p, &line)) != NULL) {
		char *f[7], *end;
		unsigned long uid, gid;

		if (passwd_fields(line.buf, f) < 0 || !*f[0] || f[5][0] != '/')
			continue;
		uid = strtoul(f[2], &end, 10);
		if (*end || !*f[2] || uid < 1000 || uid > 59999)
			continue;
		gid = strtoul(f[3], &end, 10);
		if (*end || !*f[3])
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[*n].name = xstrdup(f[0]);
		(*out)[*n].home = xstrdup(f[5]);
		(*out)[*n].shell = xstrdup(f[6]);
		(*out)[*n].uid = (unsigned)uid;
		(*out)[*n].gid = (unsigned)gid;
		(*n)++;
	}
	strbuf_release(&line);
	return 0;
}

void
dsc_users_free(struct dsc_user *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].home);
		free(u[i].shell);
	}
	free(u);
}

/* the text between the first pair of double quotes in s, or NULL */
static char *
quoted(const char *s)
{
	const char *a = strchr(s, '"'), *b;

	if (!a || !(b = strchr(a + 1, '"')))
		return NULL;
	return xstrndup(a + 1, (size_t)(b - a - 1));
}

/* s with leading blanks skipped */
static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int
starts(const char *s, const char *word)
{
	size_t n = strlen(word);

	return strncmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == '\t' || s[n] == ';');
}

/* one statement inside a zone block: type, file, the also-notify list */
static void
zone_statement(struct dsc_zone *z, const char *s, int *in_notify)
{
	char *v;

	if (*in_notify) {
		if (*s == '}')
			*in_notify = 0;
		else if (isdigit((unsigned char)*s) || *s == '"' || isxdigit((unsigned char)*s)) {
			size_t k = strcspn(s, " ;\t");

			v = xstrndup(s, k);
			if (!strlist_has(&z->notify, v))
				strlist_push(&z->notify, v);
			free(v);
		}
		return;
	}
	if (starts(s, "type")) {
		s = skip_blanks(s + 4);
		v = xstrndup(s, strcspn(s, " ;\t"));
		free(z->type);
		z->type = strcmp(v, "master") == 0 ? xstrdup("primary") :
		    strcmp(v, "slave") == 0 ? xstrdup("secondary") : xstrdup(v);
		free(v);
	} else if (starts(s, "file")) {
		free(z->file);
		z->file = quoted(s);
	} else if (starts(s, "also-notify") && strchr(s, '{') && !strchr(s, '}')) {
		*in_notify = 1;
	}
}

int
dsc_parse_named(const char *text, struct dsc_zone **out, size_t *n, char **directory)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;
	struct dsc_zone *z = NULL;
	int depth = 0, zone_depth = -1, in_notify = 0;

	*out = NULL;
	*n = 0;
	*directory = NULL;
	while ((p = next_line(p, &line)) != NULL) {
		const char *s = skip_blanks(line.buf);

		if (z && depth > zone_depth)
			zone_statement(z, s, &in_notify);
		else if (depth == 1 && starts(s, "directory") && !*directory)
			*directory = quoted(s);
		if (starts(s, "zone") && strchr(s, '{')) {
			*out = xreallocarray(*out, *n + 1, sizeof **out);
			z = &(*out)[(*n)++];
			memset(z, 0, sizeof *z);
			z->name = quoted(s);
			if (!z->name)
				z->name = xstrdup("");
			zone_depth = depth;
		}
		for (; *s; s++) {
			if (*s == '"') {	/* braces inside a quoted name do not count */
				const char *q = strchr(s + 1, '"');

				s = q ? q : s + strlen(s) - 1;
			} else if (*s == '{') {
				depth++;
			} else if (*s == '}' && --depth == zone_depth) {
				z = NULL;
				zone_depth = -1;
				in_notify = 0;
			}
		}
	}
	strbuf_release(&line);
	return 0;
}

void
dsc_zones_free(struct dsc_zone *z, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(z[i].name);
		free(z[i].type);
		free(z[i].file);
		strlist_clear(&z[i].notify);
	}
	free(z);
}

/* the last blank-separated word of s that starts with '/', or NULL */
static char *
last_path(const char *s)
{
	const char *best = NULL;

	for (; *s; s++)
		if (*s == '/' && (s[-1] == ' ' || s[-1] == '\t'))
			best = s;
	return best ? xstrndup(best, strcspn(best, " \t")) : NULL;
}

void
dsc_parse_sendmail_cf(const char *text, char **virtuser, char **fw_file)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;

	*virtuser = *fw_file = NULL;
	while ((p = next_line(p, &line)) != NULL) {
		const char *s = line.buf;

		if (strncmp(s, "Kvirtuser", 9) == 0 && (s[9] == ' ' || s[9] == '\t') && !*virtuser) {
			size_t k;

			*virtuser = last_path(s + 9);
			if (*virtuser && (k = strlen(*virtuser)) > 3 &&
			    strcmp(*virtuser + k - 3, ".db") == 0)
				(*virtuser)[k - 3] = '\0';
		} else if (strncmp(s, "Fw", 2) == 0 && !*fw_file) {
			s += 2;
			if (strncmp(s, "-o", 2) == 0)
				s += 2;
			s = skip_blanks(s);
			if (*s == '/')
				*fw_file = xstrndup(s, strcspn(s, " \t"));
		}
	}
	strbuf_release(&line);
}

int
dsc_parse_mux_port(const char *text)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;
	int port = 2860;

	while ((p = next_line(p, &line)) != NULL) {
		const char *s = skip_blanks(line.buf);
		char *end;
		long v;

		if (!starts(s, "port"))
			continue;
		v = strtol(skip_blanks(s + 4), &end, 10);
		if (v > 0 && v < 65536 && (*end == '\0' || isspace((unsigned char)*end)))
			port = (int)v;
	}
	strbuf_release(&line);
	return port;
}

int
dsc_crontab_jobs(const char *text)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;
	int jobs = 0;

	while ((p = next_line(p, &line)) != NULL) {
		const char *s = skip_blanks(line.buf);
		size_t k = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

		if (!*s || *s == '#')
			continue;
		if (k > 0 && !isdigit((unsigned char)*s) && skip_blanks(s + k)[0] == '=')
			continue;	/* MAILTO=..., PATH=... */
		jobs++;
	}
	strbuf_release(&line);
	return jobs;
}

int
dsc_path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

const char *
dsc_zone_of(char *const *zones, size_t n, const char *name)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (zone_name_in(zones[i], name) && (!best || strlen(zones[i]) > strlen(best)))
			best = zones[i];
	return best;
}
