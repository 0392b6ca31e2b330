/*
 * config-value.c: one reader per key type, into the typed fields of
 * config.h.  The validators they call and the checks every value passes
 * first are in config-valid.c, % expansion in config-expand.c.  A name
 * holding ';', '$', quotes or blanks, or anything starting with '-', never
 * gets past here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-int.h"
#include "log.h"

/* ---- readers ---- */

static int
bad(struct val *x, const char *word, const char *what)
{
	conf_error(x->p, x->line, "%s: '%s' is not %s", x->k->name, word, what);
	return -1;
}

static void
set_str(struct val *x, const char *s)
{
	char **f = x->field;

	free(*f);
	*f = xstrdup(s);
}

static int
rd_hostref(struct val *x)
{
	struct host *h;

	if (!valid_host_word(x->v))
		return bad(x, x->v, "a host name");
	if ((h = config_host(x->p->cf, x->v)) == NULL) {
		conf_error(x->p, x->line, "%s: no [host %s] section", x->k->name, x->v);
		return -1;
	}
	*(struct host **)x->field = h;
	return 0;
}

static int
rd_hostrefs(struct val *x)
{
	struct dns_conf *dns = x->obj;
	struct strlist w = STRLIST_INIT;
	struct val one = *x;
	struct host *h;
	size_t i, j;
	int rc = 0;

	strlist_split(&w, x->v);
	dns->secondaries = xcalloc(w.n + 1, sizeof *dns->secondaries);
	one.field = &h;
	for (i = 0; i < w.n; i++) {
		one.v = w.v[i];
		if (rd_hostref(&one) < 0) {
			rc = -1;
			continue;
		}
		for (j = 0; j < dns->n_secondaries && dns->secondaries[j] != h; j++)
			;
		if (j < dns->n_secondaries) {
			conf_error(x->p, x->line, "%s: '%s' is listed twice", x->k->name, w.v[i]);
			rc = -1;
		} else
			dns->secondaries[dns->n_secondaries++] = h;
	}
	strlist_clear(&w);
	return rc;
}

static int
rd_ssh(struct val *x)
{
	if (strcmp(x->v, "local") != 0 && !valid_dest(x->v))
		return bad(x, x->v, "an ssh destination ([user@]host or local)");
	set_str(x, x->v);
	return 0;
}

static int
rd_dest(struct val *x)
{
	if (!valid_dest(x->v))
		return bad(x, x->v, "an ssh destination ([user@]host)");
	set_str(x, x->v);
	return 0;
}

static int
rd_ipv4(struct val *x)
{
	if (!valid_ipv4(x->v))
		return bad(x, x->v, "an IPv4 address");
	set_str(x, x->v);
	return 0;
}

static int
rd_domain(struct val *x)
{
	if (!valid_domain_name(x->v))
		return bad(x, x->v, "a valid domain name");
	set_str(x, x->v);
	return 0;
}

static int
rd_email(struct val *x)
{
	if (!valid_email(x->v))
		return bad(x, x->v, "a valid email address");
	set_str(x, x->v);
	return 0;
}

static int
rd_hostport(struct val *x)
{
	long port;

	if (!valid_hostport(x->v, &port))
		return bad(x, x->v, "host:port with a port from 1 to 65535");
	set_str(x, x->v);
	return 0;
}

static int
rd_url(struct val *x)
{
	if (!valid_url(x->v))
		return bad(x, x->v, "an http:// or https:// URL");
	set_str(x, x->v);
	return 0;
}

static int
rd_lpath(struct val *x)
{
	struct strbuf sb = STRBUF_INIT;

	if (!only(x->v, PATH_CHARS))
		return bad(x, x->v, "a valid path");
	if (x->v[0] != '/') {
		strbuf_addstr(&sb, x->p->cf->dir);
		if (sb.len == 0 || sb.buf[sb.len - 1] != '/')
			strbuf_addch(&sb, '/');
	}
	strbuf_addstr(&sb, x->v);
	set_str(x, sb.buf);
	strbuf_release(&sb);
	return 0;
}

/* absolute once expanded: try it with sample values for the allowed escapes */
static int
is_absolute(const char *tmpl)
{
	static const struct expand sample = { "user", "example.test", "example.test", "/f" };
	struct strbuf sb = STRBUF_INIT;
	int ok = expand_template(&sb, tmpl, &sample) == 0 && sb.buf[0] == '/';

	strbuf_release(&sb);
	return ok;
}

static int
check_rpath(struct val *x, const char *w)
{
	if (!only(w, PATH_CHARS))
		return bad(x, w, "a valid path");
	if (x->k->esc ? !is_absolute(w) : w[0] != '/')
		return bad(x, w, "an absolute path");
	return 0;
}

static int
rd_rpath(struct val *x)
{
	if (check_rpath(x, x->v) < 0)
		return -1;
	set_str(x, x->v);
	return 0;
}

static int
rd_subpath(struct val *x)
{
	if (!only(x->v, PATH_CHARS))
		return bad(x, x->v, "a valid path");
	if (x->v[0] == '/' || leaves_dir(x->v))
		return bad(x, x->v, "a relative path inside its directory");
	set_str(x, x->v);
	return 0;
}

static int
check_urlpath(struct val *x, const char *w)
{
	if (w[0] != '/' || !only(w, URL_CHARS))
		return bad(x, w, "a path on the site (/...)");
	return 0;
}

static int
check_pattern(struct val *x, const char *w)
{
	if (!only(w, PATTERN_CHARS))
		return bad(x, w, "a valid rsync pattern");
	return 0;
}

static int
check_domain(struct val *x, const char *w)
{
	if (!valid_domain_name(w))
		return bad(x, w, "a valid domain name");
	return 0;
}

/* "VAR=x cmd" is a shell's; later words may hold '=' */
static int
check_cmd_word(struct val *x, const char *w, int first)
{
	if (strpbrk(w, SHELL_CHARS) || (first && strchr(w, '='))) {
		conf_error(x->p, x->line, "%s: '%s' is shell syntax; commands run without a shell "
		    "(name a script instead)", x->k->name, w);
		return -1;
	}
	return 0;
}

/* the word at *s (blanks skipped) into w; 0 at the end of the value */
static int
next_word(const char **s, struct strbuf *w)
{
	size_t n;

	*s += strspn(*s, " \t");
	if (**s == '\0')
		return 0;
	n = strcspn(*s, " \t");
	strbuf_reset(w);
	strbuf_add(w, *s, n);
	*s += n;
	return 1;
}

/* a list: every word checked, kept in order; repeats are an error */
static int
rd_list(struct val *x, int (*check)(struct val *, const char *))
{
	struct strbuf w = STRBUF_INIT;
	struct strlist *out = x->field;
	const char *s = x->v;
	int rc = 0;

	while (next_word(&s, &w)) {
		if (check(x, w.buf) < 0)
			rc = -1;
		else if (strlist_has(out, w.buf)) {
			conf_error(x->p, x->line, "%s: '%s' is listed twice", x->k->name, w.buf);
			rc = -1;
		} else
			strlist_push(out, w.buf);
	}
	strbuf_release(&w);
	return rc;
}

/* argv template: words as written, repeats allowed ("a -x b -x") */
static int
rd_cmd(struct val *x)
{
	struct strlist w = STRLIST_INIT, *out = x->field;
	size_t i;
	int rc = 0;

	strlist_split(&w, x->v);
	for (i = 0; i < w.n; i++)
		if (check_cmd_word(x, w.v[i], i == 0) < 0)
			rc = -1;
	for (i = 0; rc == 0 && i < w.n; i++)
		strlist_push(out, w.v[i]);
	strlist_clear(&w);
	return rc;
}

static int
rd_int(struct val *x)
{
	long v;

	if (parse_long(x->v, x->k->lo, x->k->hi, &v) < 0) {
		conf_error(x->p, x->line, "%s: '%s' is not a number from %ld to %ld", x->k->name,
		    x->v, x->k->lo, x->k->hi);
		return -1;
	}
	*(int *)x->field = (int)v;
	return 0;
}

static int
rd_enum(struct val *x)
{
	struct strbuf sb = STRBUF_INIT;
	const char *const *w;
	int rc;

	for (w = x->k->words; *w; w++)
		if (**w && strcmp(*w, x->v) == 0) {
			*(int *)x->field = (int)(w - x->k->words);
			return 0;
		}
	strbuf_addstr(&sb, "one of:");
	for (w = x->k->words; *w; w++)
		if (**w)
			strbuf_addf(&sb, " %s", *w);
	rc = bad(x, x->v, sb.buf);
	strbuf_release(&sb);
	return rc;
}

static int
rd_bool(struct val *x)
{
	if (strcmp(x->v, "yes") != 0 && strcmp(x->v, "no") != 0)
		return bad(x, x->v, "yes or no");
	*(int *)x->field = x->v[0] == 'y';
	return 0;
}

static int
rd_services(struct val *x)
{
	static const char *const names[] = { "web", "mail", "mush" };
	static const unsigned bits[] = { SVC_WEB, SVC_MAIL, SVC_MUSH };
	struct strbuf w = STRBUF_INIT;
	const char *s = x->v;
	unsigned svc = 0;
	size_t j;
	int rc = 0;

	while (next_word(&s, &w)) {
		for (j = 0; j < 3 && strcmp(w.buf, names[j]) != 0; j++)
			;
		if (j < 3)
			svc |= bits[j];
		else
			rc = bad(x, w.buf, "a service (web mail mush)");
	}
	strbuf_release(&w);
	/* half a list would only bring errors about the other services' keys */
	if (rc == 0)
		*(unsigned *)x->field = svc;
	return rc;
}

static int rd_domains(struct val *x) { return rd_list(x, check_domain); }
static int rd_rpaths(struct val *x) { return rd_list(x, check_rpath); }
static int rd_urlpaths(struct val *x) { return rd_list(x, check_urlpath); }
static int rd_patterns(struct val *x) { return rd_list(x, check_pattern); }

static const struct {
	int (*read)(struct val *);
	int list;		/* blanks separate words */
} readers[] = {
	[K_HOSTREF] = { rd_hostref, 0 },
	[K_HOSTREFS] = { rd_hostrefs, 1 },
	[K_SSH] = { rd_ssh, 0 },
	[K_DEST] = { rd_dest, 0 },
	[K_IPV4] = { rd_ipv4, 0 },
	[K_DOMAIN] = { rd_domain, 0 },
	[K_DOMAINS] = { rd_domains, 1 },
	[K_EMAIL] = { rd_email, 0 },
	[K_HOSTPORT] = { rd_hostport, 0 },
	[K_URL] = { rd_url, 0 },
	[K_LPATH] = { rd_lpath, 0 },
	[K_RPATH] = { rd_rpath, 0 },
	[K_RPATHS] = { rd_rpaths, 1 },
	[K_SUBPATH] = { rd_subpath, 0 },
	[K_URLPATHS] = { rd_urlpaths, 1 },
	[K_PATTERNS] = { rd_patterns, 1 },
	[K_CMD] = { rd_cmd, 1 },
	[K_INT] = { rd_int, 0 },
	[K_ENUM] = { rd_enum, 0 },
	[K_BOOL] = { rd_bool, 0 },
	[K_SERVICES] = { rd_services, 1 },
};
int
conf_parse_value(struct pctx *p, void *obj, const struct key_def *k, const char *v, int line)
{
	struct val x = { p, k, obj, (char *)obj + k->off, v, line };
	struct strbuf lit = STRBUF_INIT;
	int rc;

	if (has_control(v)) {
		conf_error(p, line, "%s: control character in the value", k->name);
		return -1;
	}
	if (check_escapes(&x) < 0 || check_words(&x, readers[k->type].list) < 0)
		return -1;
	/* a key without escapes holds its final text (%% is %); commands stay templates */
	if (k->esc == NULL && !k->pct_literal && k->type != K_CMD && strchr(v, '%')) {
		expand_template(&lit, v, NULL);
		x.v = lit.buf;
	}
	rc = readers[k->type].read(&x);
	strbuf_release(&lit);
	return rc;
}
