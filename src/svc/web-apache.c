/*
 * web-apache.c: a host's Apache as it sees itself (web-apache.h).  The
 * configuration under ServerRoot comes in one round trip (every file and
 * directory, sites-enabled symlinks followed); a file included from outside
 * ServerRoot is read on demand.  Modules are asked of apache2ctl -M, never
 * read off mods-enabled's names.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "journal.h"
#include "log.h"
#include "remote.h"
#include "service.h"
#include "web-apache.h"

/* R root, C conf, then D dir / F size path + bytes + newline, for every entry under root */
static const char dump_script[] =
	"root=/etc/apache2 conf=apache2.conf; "
	"if v=$(apache2ctl -V 2>/dev/null); then "
	"  r=$(printf '%s\\n' \"$v\" | sed -n 's/.*HTTPD_ROOT=\"\\(.*\\)\"/\\1/p'); "
	"  c=$(printf '%s\\n' \"$v\" | sed -n 's/.*SERVER_CONFIG_FILE=\"\\(.*\\)\"/\\1/p'); "
	"  [ -n \"$r\" ] && root=$r; [ -n \"$c\" ] && conf=$c; fi; "
	"printf 'R %s\\nC %s\\n' \"$root\" \"$conf\"; "
	"find \"$root\" -type l | while IFS= read -r l; do "
	"  printf 'L %s\\n%s\\n' \"$l\" \"$(readlink -f -- \"$l\")\"; done; "
	"find -L \"$root\" -mindepth 1 \\( -type d -printf 'D %p\\n' \\) -o "
	"  \\( -type f -size -1024k -printf 'F %s %p\\n' -exec cat {} \\; -printf '\\n' \\)";

/* expands $1 as the shell would a path pattern: the matches, one a line */
static const char glob_script[] =
	"IFS='\n'; for p in $1; do [ -e \"$p\" ] && printf '%s\\n' \"$p\"; done; exit 0";

struct host_fs {
	struct ferry *f;
	const struct host *h;
	char *root;
	struct strlist dirs, files;	/* under root; files[i]'s bytes in texts[i] */
	struct strlist links;		/* symlink, its target, symlink, ... */
	struct strbuf *texts;
};

static int
under_root(const struct host_fs *hf, const char *path)
{
	size_t n = strlen(hf->root);

	return strncmp(path, hf->root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int
hf_read(void *data, const char *path, struct strbuf *out)
{
	struct host_fs *hf = data;
	size_t i;

	for (i = 0; i < hf->files.n; i++)
		if (strcmp(hf->files.v[i], path) == 0) {
			strbuf_add(out, hf->texts[i].buf, hf->texts[i].len);
			return 0;
		}
	if (under_root(hf, path))
		return -1;
	return remote_read_file(&hf->f->tr, hf->h, path, out) == 0 ? 0 : -1;
}

static void
match_list(const struct strlist *l, const char *pattern, struct strlist *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (fnmatch(pattern, l->v[i], FNM_PATHNAME | FNM_PERIOD) == 0)
			strlist_push(out, l->v[i]);
}

static int
hf_glob(void *data, const char *pattern, struct strlist *out)
{
	struct host_fs *hf = data;
	const char *args[] = { pattern, NULL };
	struct strlist argv = STRLIST_INIT;
	struct strbuf res = STRBUF_INIT;
	char *line, *save = NULL;
	int r;

	if (under_root(hf, pattern)) {
		match_list(&hf->dirs, pattern, out);
		match_list(&hf->files, pattern, out);
		qsort(out->v, out->n, sizeof(*out->v), strp_cmp);
		return 0;
	}
	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, glob_script);
	strlist_push(&argv, "sh");
	strlist_push(&argv, args[0]);
	r = remote_capture(&hf->f->tr, hf->h, (const char *const *)argv.v, &res, NULL);
	for (line = strtok_r(res.buf, "\n", &save); r == 0 && line; line = strtok_r(NULL, "\n", &save))
		strlist_push(out, line);
	strlist_clear(&argv);
	strbuf_release(&res);
	return r == 0 ? 0 : -1;
}

static int
hf_is_dir(void *data, const char *path)
{
	struct host_fs *hf = data;
	const char *argv[] = { "test", "-d", path, NULL };

	if (under_root(hf, path))
		return strlist_has(&hf->dirs, path) || strcmp(path, hf->root) == 0;
	return remote_capture(&hf->f->tr, hf->h, argv, NULL, NULL) == 0;
}

/* the dump's entries into hf; conf gets the config file's name */
static int
parse_dump(struct host_fs *hf, const struct strbuf *d, struct strbuf *conf)
{
	const char *p = d->buf, *end = d->buf + d->len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		char *line = xstrndup(p, (size_t)(nl - p));
		char *sp;
		unsigned long size;

		p = nl + 1;
		if (line[0] == 'R' && line[1] == ' ')
			hf->root = xstrdup(line + 2);
		else if (line[0] == 'C' && line[1] == ' ')
			strbuf_addstr(conf, line + 2);
		else if (line[0] == 'L' && line[1] == ' ' && (nl = memchr(p, '\n', (size_t)(end - p)))) {
			strlist_push(&hf->links, line + 2);
			strlist_pushf(&hf->links, "%.*s", (int)(nl - p), p);
			p = nl + 1;
		} else if (line[0] == 'D' && line[1] == ' ')
			strlist_push(&hf->dirs, line + 2);
		else if (line[0] == 'F' && (size = strtoul(line + 2, &sp, 10), *sp == ' ') &&
		    (size_t)(end - p) > size) {
			hf->texts = xreallocarray(hf->texts, hf->files.n + 1, sizeof(*hf->texts));
			strbuf_init(&hf->texts[hf->files.n]);
			strbuf_add(&hf->texts[hf->files.n], p, size);
			strlist_push(&hf->files, sp + 1);
			p += size + 1;
		} else {
			free(line);
			return -1;
		}
		free(line);
	}
	return hf->root ? 0 : -1;
}

int
apache_host_load(struct ferry *f, const struct host *h, struct apache_conf *ac)
{
	struct host_fs hf = { f, h, NULL, STRLIST_INIT, STRLIST_INIT, STRLIST_INIT, NULL };
	struct apache_fs fs = { hf_read, hf_glob, hf_is_dir, &hf };
	const char *argv[] = { "sh", "-c", dump_script, NULL };
	struct strbuf dump = STRBUF_INIT, conf = STRBUF_INIT;
	size_t i;
	int r = -1;

	if (remote_capture(&f->tr, h, argv, &dump, NULL) != 0 || parse_dump(&hf, &dump, &conf) < 0)
		error("%s: cannot read Apache's configuration", h->name);
	else
		r = apache_conf_load(ac, hf.root, conf.buf, &fs);
	/* a block in sites-enabled/x.conf is edited in the file the link names */
	for (i = 0; r == 0 && i < ac->nvhosts; i++) {
		size_t k;

		for (k = 0; k + 1 < hf.links.n; k += 2)
			if (strcmp(hf.links.v[k], ac->vhosts[i].file) == 0) {
				free(ac->vhosts[i].file);
				ac->vhosts[i].file = xstrdup(hf.links.v[k + 1]);
				break;
			}
	}
	for (i = 0; i < hf.files.n; i++)
		strbuf_release(&hf.texts[i]);
	free(hf.texts);
	free(hf.root);
	strlist_clear(&hf.dirs);
	strlist_clear(&hf.files);
	strlist_clear(&hf.links);
	strbuf_release(&dump);
	strbuf_release(&conf);
	return r;
}

long
apache_host_serving(const struct apache_conf *ac, const struct host *h, const char *name,
    int *by_name)
{
	return apache_conf_serving(ac, h->address, 80, name, by_name);
}

int
apache_host_modules(struct ferry *f, const struct host *h, struct strlist *out,
    struct strbuf *why)
{
	const char *argv[] = { "apache2ctl", "-M", NULL };
	struct strbuf res = STRBUF_INIT;
	char *line, *save = NULL, *suffix;

	/* a configuration Apache refuses lists no modules: its own words say why */
	if (remote_capture(&f->tr, h, argv, &res, why) != 0) {
		strbuf_rtrim(why);
		strbuf_release(&res);
		return -1;
	}
	/* " proxy_module (shared)" -> "proxy" */
	for (line = strtok_r(res.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if ((suffix = strstr(line, "_module ")) != NULL) {
			*suffix = '\0';
			strlist_push(out, line);
		}
	}
	strbuf_release(&res);
	return 0;
}

static void
module_key(struct strbuf *key, const struct host *h, const char *mod)
{
	strbuf_reset(key);
	strbuf_addf(key, "apache-module:%s:%s", h->name, mod);
}

/* a2enmod or a2dismod mods, apache-check (undone on failure), apache-reload */
static int
switch_modules(struct step_ctx *ctx, const struct host *h, const struct strlist *mods, int on)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strlist argv = STRLIST_INIT, back = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t i;
	int r = 0;

	strlist_push(&argv, on ? "a2enmod" : "a2dismod");
	strlist_push(&back, on ? "a2dismod" : "a2enmod");
	strlist_push(&argv, "-q");
	strlist_push(&back, "-q");
	/* a module listed after another may depend on it (proxy_http on proxy):
	 * enable in the order given, disable in reverse, or a2dismod refuses */
	for (i = 0; i < mods->n; i++) {
		const char *fwd = mods->v[i], *rev = mods->v[mods->n - 1 - i];

		strlist_push(&argv, on ? fwd : rev);
		strlist_push(&back, on ? rev : fwd);
	}
	if (remote_capture(&ctx->f->tr, h, (const char *const *)argv.v, &out, &out) != 0)
		r = step_error(ctx, "%s: %s failed: %s", h->name, argv.v[0], out.buf);
	else if (strbuf_reset(&out), host_command(ctx, h, &h->apache_check, &ex, &out) != 0) {
		remote_capture(&ctx->f->tr, h, (const char *const *)back.v, NULL, NULL);
		r = step_error(ctx, "%s: apache-check failed after %s, undone: %s", h->name,
		    argv.v[0], out.buf);
	} else if (strbuf_reset(&out), host_command(ctx, h, &h->apache_reload, &ex, &out) != 0)
		r = step_error(ctx, "%s: apache-reload failed: %s", h->name, out.buf);
	strlist_clear(&argv);
	strlist_clear(&back);
	strbuf_release(&out);
	return r;
}

int
apache_need_modules(struct step_ctx *ctx, const struct host *h, const char *const *mods,
    int apply)
{
	struct strlist have = STRLIST_INIT, missing = STRLIST_INIT;
	struct strbuf key = STRBUF_INIT, why = STRBUF_INIT;
	size_t i;
	int r = 0;

	if (apache_host_modules(ctx->f, h, &have, &why) < 0)
		r = step_error(ctx, "%s: apache2ctl -M failed: %s", h->name, why.buf);
	for (i = 0; r == 0 && mods[i]; i++)
		if (!strlist_has(&have, mods[i]))
			strlist_push(&missing, mods[i]);
	if (r == 0 && missing.n && (!apply || ctx->dry_run)) {
		strbuf_addf(&ctx->diff, "%s: a2enmod", h->name);
		for (i = 0; i < missing.n; i++)
			strbuf_addf(&ctx->diff, " %s", missing.v[i]);
		strbuf_addstr(&ctx->diff, " (then apache-check, apache-reload)\n");
	} else if (r == 0 && missing.n) {
		for (i = 0; i < missing.n && r == 0; i++) {
			module_key(&key, h, missing.v[i]);
			if (journal_kv_set(ctx->f->j, ctx->a->name, key.buf, "enabled") < 0)
				r = -1;
		}
		if (r == 0 && switch_modules(ctx, h, &missing, 1) < 0)
			r = -1;
		for (i = 0; r == 0 && i < missing.n; i++)
			strbuf_addf(&ctx->detail, "%s%s", i ? " " : "a2enmod ", missing.v[i]);
		if (r == 0)
			strbuf_addf(&ctx->detail, " on %s; ", h->name);
	}
	if (r == 0)
		r = (int)missing.n;
	strlist_clear(&have);
	strlist_clear(&missing);
	strbuf_release(&key);
	strbuf_release(&why);
	return r;
}

/* another account whose same step is done and still needs mod: it takes the record */
static int
hand_over(struct step_ctx *ctx, const char *key)
{
	struct config *cf = ctx->f->cf;
	size_t i;

	for (i = 0; i < cf->n_accounts; i++) {
		struct step_record rec;
		int done;

		if (&cf->accounts[i] == ctx->a)
			continue;
		if (journal_step_get(ctx->f->j, cf->accounts[i].name, ctx->def->id, &rec) < 0)
			return -1;
		done = rec.state == STEP_DONE || rec.state == STEP_RUNNING;
		step_record_release(&rec);
		if (done)
			return journal_kv_set(ctx->f->j, cf->accounts[i].name, key, "enabled") < 0 ?
			    -1 : 1;
	}
	return 0;
}

int
apache_undo_modules(struct step_ctx *ctx, const struct host *h, const char *const *mods)
{
	struct strlist off = STRLIST_INIT;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	size_t i;
	int r = 0, k;

	for (i = 0; mods[i] && r == 0; i++) {
		module_key(&key, h, mods[i]);
		strbuf_reset(&val);
		if ((k = journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &val)) < 0)
			r = -1;
		else if (k == 1 && (k = hand_over(ctx, key.buf)) < 0)
			r = -1;
		else if (k == 0 && val.len)
			strlist_push(&off, mods[i]);
	}
	if (r == 0 && off.n)
		r = switch_modules(ctx, h, &off, 0);
	for (i = 0; r == 0 && mods[i]; i++) {
		module_key(&key, h, mods[i]);
		r = journal_kv_del(ctx->f->j, ctx->a->name, key.buf) < 0 ? -1 : 0;
	}
	if (r == 0 && off.n)
		strbuf_addf(&ctx->detail, "; %s disabled on %s again", off.v[0], h->name);
	strlist_clear(&off);
	strbuf_release(&key);
	strbuf_release(&val);
	return r;
}

/* each path as readlink -f has it on h (itself when it cannot be resolved) */
static int
real_paths(struct step_ctx *ctx, const struct host *h, const struct strlist *paths,
    struct strlist *out)
{
	static const char script[] =
		"for p do readlink -f -- \"$p\" || printf '%s\\n' \"$p\"; done";
	struct strbuf res = STRBUF_INIT;
	char *line, *save = NULL;
	int r;

	if (paths->n == 0)
		return 0;
	r = host_sh(ctx, h, script, (const char *const *)paths->v, &res);
	for (line = strtok_r(res.buf, "\n", &save); r == 0 && line;
	    line = strtok_r(NULL, "\n", &save))
		strlist_push(out, line);
	strbuf_release(&res);
	return r == 0 ? 0 : -1;
}

int
apache_account_files(struct step_ctx *ctx, const struct host *h, const struct strlist *names,
    struct strlist *out)
{
	struct apache_conf ac = APACHE_CONF_INIT;
	struct strlist real = STRLIST_INIT;
	size_t i, k;

	for (i = 0; i < h->apache_vhosts.n; i++)
		if (!strlist_has(out, h->apache_vhosts.v[i]))
			strlist_push(out, h->apache_vhosts.v[i]);
	if (real_paths(ctx, h, &h->apache_vhosts, &real) < 0 || apache_host_load(ctx->f, h, &ac) < 0) {
		apache_conf_release(&ac);
		strlist_clear(&real);
		return step_error(ctx, "%s: cannot read Apache's configuration", h->name);
	}
	/* a file apache-vhosts names through a symlink is the same file: once */
	for (i = 0; i < ac.nvhosts; i++)
		for (k = 0; k < names->n; k++)
			if (apache_vhost_names(&ac.vhosts[i], NULL, names->v[k]) &&
			    !strlist_has(&real, ac.vhosts[i].file) &&
			    !strlist_has(out, ac.vhosts[i].file))
				strlist_push(out, ac.vhosts[i].file);
	apache_conf_release(&ac);
	strlist_clear(&real);
	return 0;
}
