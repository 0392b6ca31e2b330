/*
 * apache-conf.c: the whole Apache configuration, Includes followed, and
 * Apache's rule for which VirtualHost serves a name (apache-conf.h).  The
 * text of each file is read by vhost_parse(), the same parser ferry's
 * edits use, so a block found here is the block an edit changes.
 */
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "apache-conf.h"
#include "log.h"
#include "text.h"
#include "vhost-priv.h"
#include "vhost.h"
#include "xmalloc.h"

/* Apache refuses more nesting than this (AP_MAX_INCLUDE_DEPTH) */
#define MAX_DEPTH 128

struct reader {
	struct apache_conf *ac;
	const struct apache_fs *fs;
	struct strlist stack;	/* files being read: a loop is an error */
};

static int read_file(struct reader *rd, const char *path);

static char *
absolute(const struct apache_conf *ac, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (path[0] == '/')
		return xstrdup(path);
	strbuf_addstr(&sb, ac->server_root);
	if (sb.len && sb.buf[sb.len - 1] != '/')
		strbuf_addch(&sb, '/');
	strbuf_addstr(&sb, path);
	return strbuf_detach(&sb);
}

/* a ServerName's scheme and port are not part of the name */
static char *
bare_name(const char *s)
{
	const char *p = strstr(s, "://");
	char *r, *colon;

	r = xstrdup(p ? p + 3 : s);
	if ((colon = strrchr(r, ':')) != NULL && r[0] != '[')
		*colon = '\0';
	return r;
}

static void
add_vhost(struct reader *rd, const struct vhost_file *vf, size_t i, const char *path)
{
	const struct vhost_block *b = &vf->blocks[i];
	struct apache_conf *ac = rd->ac;
	struct apache_vhost *v;
	size_t k;

	ac->vhosts = xreallocarray(ac->vhosts, ac->nvhosts + 1, sizeof(*v));
	v = &ac->vhosts[ac->nvhosts++];
	memset(v, 0, sizeof(*v));
	v->file = xstrdup(path);
	v->index = i;
	v->line = b->line_first;
	strlist_split(&v->addrs, b->addrs);
	v->server_name = b->server_name ? bare_name(b->server_name) : NULL;
	for (k = 0; k < b->aliases.n; k++)
		strlist_push(&v->aliases, b->aliases.v[k]);
	v->document_root = b->document_root ? xstrdup(b->document_root) : NULL;
}

/* every file under dir, sorted, recursing into directories (Apache's way) */
static int
include_dir(struct reader *rd, const char *dir)
{
	struct strlist found = STRLIST_INIT;
	struct strbuf pat = STRBUF_INIT;
	size_t i;
	int r;

	strbuf_addf(&pat, "%s/*", dir);
	r = rd->fs->glob(rd->fs->data, pat.buf, &found);
	for (i = 0; r == 0 && i < found.n; i++)
		r = rd->fs->is_dir(rd->fs->data, found.v[i]) ? include_dir(rd, found.v[i]) :
		    read_file(rd, found.v[i]);
	strlist_clear(&found);
	strbuf_release(&pat);
	return r;
}

static int
include(struct reader *rd, const char *file, int line, const char *arg, int optional)
{
	char *path = absolute(rd->ac, arg);
	struct strlist found = STRLIST_INIT;
	size_t i;
	int r = 0;

	if (strpbrk(path, "*?[") == NULL) {
		if (rd->fs->is_dir(rd->fs->data, path))
			r = include_dir(rd, path);
		else if (rd->fs->glob(rd->fs->data, path, &found) == 0 && found.n == 1)
			r = read_file(rd, path);
		else if (!optional)
			r = error("%s:%d: Include %s: no such file", file, line, path);
	} else if (rd->fs->glob(rd->fs->data, path, &found) < 0) {
		r = error("%s:%d: Include %s: cannot list", file, line, path);
	} else if (found.n == 0 && !optional) {
		r = error("%s:%d: Include %s matches no file (IncludeOptional would allow it)",
		    file, line, path);
	} else {
		for (i = 0; r == 0 && i < found.n; i++)
			r = rd->fs->is_dir(rd->fs->data, found.v[i]) ?
			    include_dir(rd, found.v[i]) : read_file(rd, found.v[i]);
	}
	strlist_clear(&found);
	free(path);
	return r;
}

/* one directive outside every VirtualHost */
static int
main_directive(struct reader *rd, const char *file, const struct vhost_line *l)
{
	struct strlist w = STRLIST_INIT;
	struct apache_conf *ac = rd->ac;
	int r = 0;

	vh_split_words(l->text, &w);
	if (w.n < 2)
		;
	else if (!strcasecmp(w.v[0], "Include") || !strcasecmp(w.v[0], "IncludeOptional"))
		r = include(rd, file, l->lineno, w.v[1], !strcasecmp(w.v[0], "IncludeOptional"));
	else if (!strcasecmp(w.v[0], "ServerRoot")) {
		free(ac->server_root);
		ac->server_root = xstrdup(w.v[1]);
	} else if (!strcasecmp(w.v[0], "ServerName")) {
		free(ac->server_name);
		ac->server_name = bare_name(w.v[1]);
	} else if (!strcasecmp(w.v[0], "Listen"))
		strlist_push(&ac->listen, w.v[1]);
	strlist_clear(&w);
	return r;
}

static int
walk(struct reader *rd, const char *path, const struct vhost_file *vf)
{
	size_t i, b = 0;
	int r = 0;

	for (i = 0; i < vf->nlines && r == 0; i++) {
		const struct vhost_line *l = &vf->lines[i];

		if (b < vf->nblocks && vf->blocks[b].open == i) {
			add_vhost(rd, vf, b, path);
			i = vf->blocks[b++].close;
		} else if (!vh_is_ignorable(l->text) && l->text[0] != '<')
			r = main_directive(rd, path, l);
	}
	return r;
}

static int
read_file(struct reader *rd, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	struct vhost_file vf = VHOST_FILE_INIT;
	int r;

	if (strlist_has(&rd->stack, path))
		return error("%s: included again from inside itself", path);
	if (rd->stack.n >= MAX_DEPTH)
		return error("%s: Includes nested deeper than %d", path, MAX_DEPTH);
	if (rd->fs->read(rd->fs->data, path, &text) < 0) {
		strbuf_release(&text);
		return error("%s: cannot read it", path);
	}
	strlist_push(&rd->ac->files, path);
	strlist_push(&rd->stack, path);
	r = vhost_parse(&vf, path, text.buf, text.len);
	if (r == 0)
		r = walk(rd, path, &vf);
	free(rd->stack.v[--rd->stack.n]);
	rd->stack.v[rd->stack.n] = NULL;
	vhost_release(&vf);
	strbuf_release(&text);
	return r;
}

int
apache_conf_load(struct apache_conf *ac, const char *server_root, const char *conf,
    const struct apache_fs *fs)
{
	struct reader rd = { ac, fs, STRLIST_INIT };
	char *path;
	int r;

	ac->server_root = xstrdup(server_root);
	path = absolute(ac, conf);
	r = read_file(&rd, path);
	free(path);
	strlist_clear(&rd.stack);
	return r;
}

void
apache_conf_release(struct apache_conf *ac)
{
	size_t i;

	for (i = 0; i < ac->nvhosts; i++) {
		free(ac->vhosts[i].file);
		strlist_clear(&ac->vhosts[i].addrs);
		free(ac->vhosts[i].server_name);
		strlist_clear(&ac->vhosts[i].aliases);
		free(ac->vhosts[i].document_root);
	}
	free(ac->vhosts);
	free(ac->server_root);
	free(ac->server_name);
	strlist_clear(&ac->listen);
	strlist_clear(&ac->files);
	memset(ac, 0, sizeof(*ac));
}

/*
 * Splits "addr:port" (addr may be [v6]) and says how it matches the
 * connection: 2 exactly (the address itself), 1 as a wildcard ("*",
 * "_default_"), 0 not at all.
 */
static int
addr_match(const char *spec, const char *addr, int port)
{
	const char *colon = strrchr(spec, ':'), *close = strchr(spec, ']');
	size_t alen = strlen(spec);
	char *a;
	int m;

	if (colon && (!close || colon > close)) {
		const char *p = colon + 1;

		alen = (size_t)(colon - spec);
		if (strcmp(p, "*") != 0 && text_port(p) != port)
			return 0;
	}
	a = xstrndup(spec, alen);
	if (a[0] == '[' && alen >= 2 && a[alen - 1] == ']') {
		memmove(a, a + 1, alen - 2);
		a[alen - 2] = '\0';
	}
	if (!strcmp(a, "*") || !strcasecmp(a, "_default_"))
		m = 1;
	else
		m = strcasecmp(a, addr) == 0 ? 2 : 0;
	free(a);
	return m;
}

/* the best match of any of v's addresses */
static int
vhost_addr_match(const struct apache_vhost *v, const char *addr, int port)
{
	size_t i;
	int best = 0, m;

	for (i = 0; i < v->addrs.n; i++)
		if ((m = addr_match(v->addrs.v[i], addr, port)) > best)
			best = m;
	return best;
}

int
apache_vhost_names(const struct apache_vhost *v, const char *main_name, const char *host)
{
	const char *sn = v->server_name;
	size_t i;

	if (sn && strcasecmp(sn, host) == 0)
		return 1;
	for (i = 0; i < v->aliases.n; i++)
		if (fnmatch(v->aliases.v[i], host, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

long
apache_conf_serving(const struct apache_conf *ac, const char *addr, int port,
    const char *name, int *by_name)
{
	long first = -1;
	size_t i;
	int want = 2;

	/* exact address matches win over wildcards; only when none, wildcards */
	for (i = 0; i < ac->nvhosts; i++)
		if (vhost_addr_match(&ac->vhosts[i], addr, port) == 2)
			break;
	if (i == ac->nvhosts)
		want = 1;
	for (i = 0; i < ac->nvhosts; i++) {
		if (vhost_addr_match(&ac->vhosts[i], addr, port) != want)
			continue;
		if (first < 0)
			first = (long)i;
		if (apache_vhost_names(&ac->vhosts[i], NULL, name)) {
			if (by_name)
				*by_name = 1;
			return (long)i;
		}
	}
	if (by_name)
		*by_name = 0;
	return first;
}

/* the local file system */
static int
local_read(void *data, const char *path, struct strbuf *out)
{
	FILE *fp = fopen(path, "rb");
	char buf[8192];
	size_t n;

	if (fp == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(out, buf, n);
	n = ferror(fp);
	fclose(fp);
	return n ? -1 : 0;
}

static int
local_glob(void *data, const char *pattern, struct strlist *out)
{
	glob_t g;
	size_t i;
	int r = glob(pattern, 0, NULL, &g);

	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return -1;
	for (i = 0; i < g.gl_pathc; i++)
		strlist_push(out, g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

static int
local_is_dir(void *data, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const struct apache_fs apache_fs_local = { local_read, local_glob, local_is_dir, NULL };
