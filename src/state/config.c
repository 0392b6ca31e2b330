/*
 * config.c: reads ferry.conf in three passes, after OpenSMTPD's parse.y:
 * every error is printed with its line and counted, and the load fails at
 * the end, so one run shows them all.
 *   1. lines -> sections of (key, value, line), checked against the key
 *      tables below (syntax, unknown, duplicate);
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

#define M(f)	.off = offsetof(struct config, f)
#define H(f)	.off = offsetof(struct host, f)
#define D(f)	.off = offsetof(struct dns_conf, f)
#define A(f)	.off = offsetof(struct account, f)

static const char *const mta_words[] = { "", "sendmail", "postfix", NULL };
static const char *const mail_words[] = { "auto", "local", "forwarded", NULL };
static const char *const freeze_words[] = { "stop", "announce", NULL };

static const struct key_def migration_keys[] = {
	{ "from", K_HOSTREF, 1, M(from) },
	{ "to", K_HOSTREF, 1, M(to) },
	{ "journal", K_LPATH, 0, M(journal), .def = "ferry.db" },
	{ "ssh-config", K_LPATH, 0, M(ssh_config) },
	{ "admin", K_EMAIL, 1, M(admin) },
	{ "smtp", K_HOSTPORT, 1, M(smtp) },
	{ "userdir-domain", K_DOMAIN, 0, M(userdir_domain) },
	{ "userdir-redirect", K_URL, 0, M(userdir_redirect), .esc = "u" },
	{ "watch-seconds", K_INT, 0, M(watch_seconds), .def = "600", .lo = 0, .hi = 604800 },
	{ "presync-until", K_INT, 0, M(presync_until), .def = "1000", .lo = 1, .hi = 1000000000 },
	{ "track-changes", K_BOOL, 0, M(track_changes), .def = "yes" },
	{ .name = NULL }
};

static const struct key_def host_keys[] = {
	{ "ssh", K_SSH, 1, H(ssh) },
	{ "address", K_IPV4, 1, H(address) },
	{ "name", K_DOMAIN, 0, H(fqdn) },
	{ "rsync-to", K_DEST, 0, H(rsync_to) },
	{ "home", K_RPATH, 0, H(home) },
	{ "mta", K_ENUM, 0, H(mta), .words = mta_words },
	{ "virtusertable", K_RPATH, 0, H(virtusertable) },
	{ "mta-domains", K_RPATH, 0, H(mta_domains) },
	{ "mail-spool", K_RPATH, 0, H(mail_spool), .def = "/var/spool/mail" },
	{ "mta-reload", K_CMD, 0, H(mta_reload), .esc = "u" },
	{ "apache-vhosts", K_RPATHS, 0, H(apache_vhosts) },
	{ "apache-check", K_CMD, 0, H(apache_check), .def = "apache2ctl -t", .esc = "f" },
	{ "apache-reload", K_CMD, 0, H(apache_reload), .def = "apache2ctl graceful" },
	{ "firewall", K_RPATH, 0, H(firewall) },
	{ "apache-log", K_RPATH, 0, H(apache_log), .def = "/var/log/apache2/access.log" },
	{ "apache-error-log", K_RPATH, 0, H(apache_error_log),
	  .def = "/var/log/apache2/error.log" },
	{ "mail-log", K_RPATH, 0, H(mail_log), .def = "/var/log/mail.log" },
	{ "auth-log", K_RPATH, 0, H(auth_log), .def = "/var/log/auth.log" },
	{ .name = NULL }
};

static const struct key_def dns_keys[] = {
	{ "primary", K_HOSTREF, 1, D(primary) },
	{ "secondaries", K_HOSTREFS, 0, D(secondaries) },
	{ "zone-file", K_RPATH, 1, D(zone_file), .esc = "z" },
	{ "zone-check", K_CMD, 0, D(zone_check), .def = "named-checkzone %z %f", .esc = "zf" },
	{ "reload", K_CMD, 0, D(reload), .def = "rndc reload %z", .esc = "z" },
	{ "retransfer", K_CMD, 0, D(retransfer), .def = "rndc retransfer %z", .esc = "z" },
	{ "cutover-ttl", K_INT, 0, D(cutover_ttl), .def = "300", .lo = 1, .hi = 604800 },
	{ .name = NULL }
};

static const struct key_def account_keys[] = {
	{ "owner", K_EMAIL, 1, A(owner) },
	{ "services", K_SERVICES, 0, A(services) },
	{ "domains", K_DOMAINS, 0, A(domains) },
	{ "web", K_DOMAINS, 0, A(web) },
	{ "test-name", K_DOMAIN, 0, A(test_name) },
	{ "mail", K_ENUM, 0, A(mail), .words = mail_words },
	{ "userdir", K_BOOL, 0, A(userdir), .def = "no" },
	{ "web-check", K_URLPATHS, 0, A(web_check), .def = "/", .pct_literal = 1 },
	{ "rsync-exclude", K_PATTERNS, 0, A(rsync_exclude) },
	{ "mush-dir", K_SUBPATH, 0, A(mush_dir) },
	{ "mush-port", K_INT, 0, A(mush_port), .lo = 1, .hi = 65535 },
	{ "mush-start", K_CMD, 0, A(mush_start), .esc = "u" },
	{ "mush-pidfile", K_SUBPATH, 0, A(mush_pidfile), .def = "netmux.pid" },
	{ "mush-stop", K_CMD, 0, A(mush_stop), .esc = "u" },
	{ "mush-save", K_SUBPATH, 0, A(mush_save) },
	{ "mush-name", K_DOMAIN, 0, A(mush_name) },
	{ "mush-freeze", K_ENUM, 0, A(mush_freeze), .words = freeze_words },
	{ "mush-admin", K_LPATH, 0, A(mush_admin) },
	{ "dns-leave", K_RECNAMES, 0, A(dns_leave) },
	{ .name = NULL }
};

static const struct sec_def {
	const char *kind;
	enum sec_kind id;
	int named;
	const struct key_def *keys;
} sec_defs[] = {
	{ "migration", SEC_MIGRATION, 0, migration_keys },
	{ "host", SEC_HOST, 1, host_keys },
	{ "dns", SEC_DNS, 0, dns_keys },
	{ "account", SEC_ACCOUNT, 1, account_keys },
};

static const struct sec_def *
sec_def_of(enum sec_kind kind)
{
	return &sec_defs[kind];
}

const struct key_def *
conf_section_keys(enum sec_kind kind)
{
	return sec_def_of(kind)->keys;
}

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

/* ---- pass 1: lines ---- */

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

static int
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
