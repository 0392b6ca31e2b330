/*
 * config.c: reads ferry.conf in three passes, after OpenSMTPD's parse.y:
 * every error is printed with its line and counted, and the load fails at
 * the end, so one run shows them all.
 *   1. lines -> sections of (key, value, line), checked against the key
 *      tables of config-keys.c (syntax, unknown, duplicate; config-lines.c);
 *   2. values -> the typed fields of config.h (config-value.c);
 *   3. defaults, then the checks that need the whole file (config-check.c).
 * Nothing is contacted: hosts are only names here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-int.h"
#include "log.h"

static void
add_msg(struct pctx *p, int line, int is_error, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	if (p->n_msgs == p->alloc_msgs) {
		p->alloc_msgs = p->alloc_msgs ? p->alloc_msgs * 2 : 16;
		p->msgs = xreallocarray(p->msgs, p->alloc_msgs, sizeof *p->msgs);
	}
	p->msgs[p->n_msgs].line = line;
	p->msgs[p->n_msgs].is_error = is_error;
	p->msgs[p->n_msgs].text = strbuf_detach(&sb);
	p->n_msgs++;
	p->errors += is_error;
}

void
conf_error(struct pctx *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(p, line, 1, fmt, ap);
	va_end(ap);
}

void
conf_warn(struct pctx *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg(p, line, 0, fmt, ap);
	va_end(ap);
}

/* in line order, the order found within a line (insertion sort: stable) */
static void
flush_msgs(struct pctx *p)
{
	struct conf_msg t;
	size_t i, j;

	for (i = 1; i < p->n_msgs; i++) {
		t = p->msgs[i];
		for (j = i; j > 0 && p->msgs[j - 1].line > t.line; j--)
			p->msgs[j] = p->msgs[j - 1];
		p->msgs[j] = t;
	}
	for (i = 0; i < p->n_msgs; i++) {
		if (p->msgs[i].is_error)
			error("%s:%d: %s", p->path, p->msgs[i].line, p->msgs[i].text);
		else
			warn("%s:%d: warning: %s", p->path, p->msgs[i].line, p->msgs[i].text);
		free(p->msgs[i].text);
	}
	free(p->msgs);
	p->msgs = NULL;
	p->n_msgs = p->alloc_msgs = 0;
}

int
sec_key_line(const struct section *sec, const char *key)
{
	size_t i;

	for (i = 0; i < sec->n; i++)
		if (strcmp(sec->e[i].k->name, key) == 0)
			return sec->e[i].line;
	return 0;
}

int
sec_key_bad(const struct section *sec, const char *key)
{
	size_t i;

	for (i = 0; i < sec->n; i++)
		if (strcmp(sec->e[i].k->name, key) == 0)
			return sec->e[i].bad;
	return 0;
}

const char *
sec_label(const struct section *sec, char *buf, size_t n)
{
	const char *kind = sec_def_of(sec->kind)->kind;
	int w;

	if (sec->name)
		w = snprintf(buf, n, "[%s %s]", kind, sec->name);
	else
		w = snprintf(buf, n, "[%s]", kind);
	if (w < 0 || (size_t)w >= n)
		fatalx("section label too long");
	return buf;
}

struct section *
sec_of(struct pctx *p, const void *obj)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->secs[i].obj == obj && !p->secs[i].ignored)
			return &p->secs[i];
	return NULL;
}

/* ---- pass 2: values ---- */

static void
make_objects(struct pctx *p)
{
	struct config *cf = p->cf;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct section *s = &p->secs[i];

		if (s->ignored)
			continue;
		if (s->kind == SEC_HOST)
			cf->n_hosts++;
		else if (s->kind == SEC_ACCOUNT)
			cf->n_accounts++;
	}
	cf->hosts = xcalloc(cf->n_hosts + 1, sizeof *cf->hosts);
	cf->accounts = xcalloc(cf->n_accounts + 1, sizeof *cf->accounts);
	cf->n_hosts = cf->n_accounts = 0;
	for (i = 0; i < p->n; i++) {
		struct section *s = &p->secs[i];

		if (s->ignored)
			continue;
		switch (s->kind) {
		case SEC_MIGRATION:
			s->obj = cf;
			cf->migration_line = s->line;
			break;
		case SEC_DNS:
			s->obj = &cf->dns;
			cf->dns.line = s->line;
			break;
		case SEC_HOST: {
			struct host *h = &cf->hosts[cf->n_hosts++];

			h->name = xstrdup(s->name);
			h->line = s->line;
			s->obj = h;
			break;
		}
		case SEC_ACCOUNT: {
			struct account *a = &cf->accounts[cf->n_accounts++];

			a->name = xstrdup(s->name);
			a->line = s->line;
			s->obj = a;
			break;
		}
		}
	}
}

static void
read_values(struct pctx *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		struct section *s = &p->secs[i];

		if (s->ignored)
			continue;
		for (j = 0; j < s->n; j++)
			s->e[j].bad = conf_parse_value(p, s->obj, s->e[j].k, s->e[j].value,
			    s->e[j].line) < 0;
	}
}

/* ---- pass 3: defaults ---- */

static void
fill_defaults(struct pctx *p, struct section *s)
{
	const struct key_def *k;

	for (k = sec_def_of(s->kind)->keys; k->name; k++)
		if (k->def && sec_key_line(s, k->name) == 0)
			conf_parse_value(p, s->obj, k, k->def, s->line);
}

/* defaults that depend on other keys of the host */
static void
host_defaults(struct host *h)
{
	struct strbuf sb = STRBUF_INIT;

	h->local = h->ssh && strcmp(h->ssh, "local") == 0;
	h->rsync_to_set = h->rsync_to != NULL;
	if (h->rsync_to == NULL && h->address) {
		strbuf_addf(&sb, "root@%s", h->address);
		h->rsync_to = strbuf_detach(&sb);
	}
	if (h->mta_domains == NULL && h->mta == MTA_SENDMAIL)
		h->mta_domains = xstrdup("/etc/mail/local-host-names");
}

/* the nameservers array: primary first, secondaries after it */
static void
dns_nameservers(struct config *cf)
{
	struct host **ns;
	size_t i;

	if (cf->dns.primary == NULL)
		return;
	ns = xcalloc(cf->dns.n_secondaries + 2, sizeof *ns);
	ns[0] = cf->dns.primary;
	for (i = 0; i < cf->dns.n_secondaries; i++)
		ns[i + 1] = cf->dns.secondaries[i];
	free(cf->dns.secondaries);
	cf->dns.nameservers = ns;
	cf->dns.n_nameservers = cf->dns.n_secondaries + 1;
	cf->dns.secondaries = ns + 1;
}

static void
apply_defaults(struct pctx *p)
{
	struct section *s;
	size_t i;

	for (i = 0; i < p->n; i++) {
		s = &p->secs[i];
		if (s->ignored)
			continue;
		fill_defaults(p, s);
		if (s->kind == SEC_HOST)
			host_defaults(s->obj);
	}
	/* without [dns] nothing is edited, but the TTL is still defined */
	if (p->cf->dns.line == 0)
		p->cf->dns.cutover_ttl = 300;
	dns_nameservers(p->cf);
}

/* ---- load ---- */

static char *
conf_dir(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	char cwd[4096];

	if (path[0] != '/') {
		if (getcwd(cwd, sizeof cwd) == NULL)
			fatal_errno("getcwd");
		strbuf_addstr(&sb, cwd);
		if (slash)
			strbuf_addch(&sb, '/');
	}
	if (slash)
		strbuf_add(&sb, path, (size_t)(slash - path) + (slash == path));
	return strbuf_detach(&sb);
}

static void
pctx_free(struct pctx *p)
{
	size_t i, j;

	flush_msgs(p);
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->secs[i].n; j++)
			free(p->secs[i].e[j].value);
		free(p->secs[i].e);
		free(p->secs[i].name);
	}
	free(p->secs);
	free(p->sec_index);
}

static FILE *
open_config(struct pctx *p, const char *path)
{
	struct stat st;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		error_errno("%s: cannot read", path);
		return NULL;
	}
	/* anyone who can edit it can run commands as root on every host */
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & S_IWOTH))
		conf_error(p, 1, "the file is writable by everyone (chmod o-w %s)", path);
	return fp;
}

/* both entry points: fp is read and closed */
static int
config_read(struct config *cf, struct pctx *p, FILE *fp, const char *path)
{
	int rd = read_lines(p, fp);

	fclose(fp);
	if (rd < 0) {
		pctx_free(p);
		return error_errno("%s: read error", path);
	}
	make_objects(p);
	read_values(p);
	apply_defaults(p);
	conf_check_all(p);
	pctx_free(p);
	return p->errors ? -1 : 0;
}

int
config_load(struct config *cf, const char *path)
{
	struct pctx p = { 0 };
	FILE *fp;

	memset(cf, 0, sizeof *cf);
	cf->path = xstrdup(path);
	cf->dir = conf_dir(path);
	p.cf = cf;
	p.path = path;
	if ((fp = open_config(&p, path)) == NULL)
		return -1;
	return config_read(cf, &p, fp, path);
}

int
config_parse_text(struct config *cf, const char *path, const char *text, size_t len)
{
	struct pctx p = { 0 };
	FILE *fp;

	memset(cf, 0, sizeof *cf);
	cf->path = xstrdup(path);
	cf->dir = conf_dir(path);
	p.cf = cf;
	p.path = path;
	/* fmemopen refuses a zero size; "" reads as an empty file all the same */
	if ((fp = fmemopen((void *)(len ? text : ""), len ? len : 1, "r")) == NULL)
		return error_errno("%s: fmemopen", path);
	if (len == 0)
		getc(fp);
	return config_read(cf, &p, fp, path);
}
