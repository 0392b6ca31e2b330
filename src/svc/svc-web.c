/*
 * svc-web.c: the account's VirtualHosts.  prep.4 carries them to the new
 * host with test-name as an alias, prep.5 compares the site through both
 * names, phase2.proxy makes the old host a reverse proxy to the new one
 * (so a client whose resolver still holds the old address sees the new
 * site), phase2.5 checks the real names through each nameserver's answer,
 * phase2.6 redirects ~user on the old host.  Apache has no per-file checker:
 * every edit is swapped in, checked with apache-check, and put back when the
 * check fails, before any reload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "edit.h"
#include "probe.h"
#include "sha256.h"
#include "vhost.h"
#include "web-watch.h"
#include "web-apache.h"
#include "web-priv.h"

/* what ferry's own steps need of Apache, enabled by the step that needs it */
static const char *const proxy_mods[] = { "proxy", "proxy_http", NULL };


/* swap in, apache-check, put back on failure; then apache-reload */
int
apache_commit(struct step_ctx *ctx, const struct host *h, struct vfile *v, const char *text)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	int r;

	if (ctx->dry_run) {
		edit_diff(ctx, &v->e, text);
		return 0;
	}
	if (edit_owe_reload(ctx, h, "apache", 1) < 0 ||
	    edit_commit(ctx, &v->e, text, EDIT_CHECK_LIVE, &h->apache_check, &ex) < 0)
		return -1;
	r = host_command(ctx, h, &h->apache_reload, &ex, &out);
	if (r != 0)
		step_error(ctx, "%s: apache-reload failed: %s", h->name, out.buf);
	strbuf_release(&out);
	return r == 0 ? edit_owe_reload(ctx, h, "apache", 0) : -1;
}

/* the reload a killed run owed h (its file is right already) */
int
apache_reload_owed(struct step_ctx *ctx, const struct host *h)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = 0;

	if (!edit_reload_owed(ctx, h, "apache"))
		return 0;
	if (host_command(ctx, h, &h->apache_reload, &ex, &out) != 0)
		r = step_error(ctx, "%s: apache-reload failed: %s", h->name, out.buf);
	else
		r = edit_owe_reload(ctx, h, "apache", 0);
	strbuf_release(&out);
	return r;
}

static const char *
new_vhost_file(struct step_ctx *ctx)
{
	return ctx->f->cf->to->apache_vhosts.v[0];
}

/* the account's blocks from every vhost file of the old host */
static int
old_blocks(struct step_ctx *ctx, struct strbuf *out, size_t *count)
{
	const struct host *old = ctx->f->cf->from;
	struct strlist files = STRLIST_INIT;
	size_t f, i, n, *idx;

	*count = 0;
	if (apache_account_files(ctx, old, &ctx->a->web, &files) < 0)
		return -1;
	for (f = 0; f < files.n; f++) {
		struct vfile v = { .loaded = 0 };

		if (vfile_load(ctx, old, files.v[f], &v) < 0) {
			strlist_clear(&files);
			return -1;
		}
		idx = xcalloc(v.vf.nblocks + 1, sizeof *idx);
		n = vhost_find(&v.vf, &ctx->a->web, idx);
		for (i = 0; i < n; i++) {
			if (vhost_is_proxy(&v.vf, idx[i], ctx->f->cf->to->address))
				continue;	/* already turned into a proxy by phase2.proxy */
			vhost_block_text(&v.vf, idx[i], out);
			(*count)++;
		}
		free(idx);
		vfile_release(&v);
	}
	strlist_clear(&files);
	return 0;
}

/* the blocks with test-name added to the one serving the first web name */
static int
blocks_with_alias(struct step_ctx *ctx, const char *blocks, struct strbuf *out)
{
	struct vhost_file vf = VHOST_FILE_INIT;
	long i;
	int r;

	if (vhost_parse(&vf, "(account blocks)", blocks, strlen(blocks)) < 0)
		return -1;
	i = vhost_find_one(&vf, ctx->a->web.v[0]);
	if (i < 0)
		i = 0;
	r = vhost_add_alias(&vf, (size_t)i, ctx->a->test_name, out);
	vhost_release(&vf);
	return r < 0 ? -1 : 0;
}

/* the new host's vhost file with the account's section in place */
static int
planned_new_vhosts(struct step_ctx *ctx, struct vfile *v, struct strbuf *text)
{
	struct strbuf blocks = STRBUF_INIT, aliased = STRBUF_INIT;
	size_t n;
	int r = -1;

	if (old_blocks(ctx, &blocks, &n) < 0)
		goto out;
	if (n == 0) {
		step_error(ctx, "%s: no VirtualHost serves %s", ctx->f->cf->from->name,
		    ctx->a->web.v[0]);
		goto out;
	}
	if (blocks_with_alias(ctx, blocks.buf, &aliased) < 0)
		goto out;
	if (vfile_load(ctx, ctx->f->cf->to, new_vhost_file(ctx), v) < 0)
		goto out;
	r = vhost_marked_append(&v->vf, ctx->a->name, aliased.buf, aliased.len, text) < 0 ? -1 : 0;
out:
	strbuf_release(&blocks);
	strbuf_release(&aliased);
	return r;
}

/* ~user is served on the new host when the account has ~user pages there */
static int
wants_userdir(struct step_ctx *ctx)
{
	return ctx->a->userdir && ctx->f->cf->userdir_redirect != NULL;
}

static int
vhosts_probe(struct step_ctx *ctx)
{
	struct vfile v = { .loaded = 0 };
	struct strbuf text = STRBUF_INIT;
	int r, mods = 0;

	if ((wants_userdir(ctx) &&
	    (mods = apache_need_modules(ctx, ctx->f->cf->to, userdir_mods, 0)) < 0) ||
	    planned_new_vhosts(ctx, &v, &text) < 0) {
		vfile_release(&v);
		strbuf_release(&text);
		return PROBE_ERROR;
	}
	r = strcmp(text.buf, v.e.old.buf) == 0 && mods == 0 ? PROBE_DONE : PROBE_TODO;
	if (strcmp(text.buf, v.e.old.buf) != 0)
		edit_diff(ctx, &v.e, text.buf);
	else if (edit_reload_owed(ctx, ctx->f->cf->to, "apache"))
		r = PROBE_TODO;
	vfile_release(&v);
	strbuf_release(&text);
	return r;
}

static int
vhosts_apply(struct step_ctx *ctx)
{
	struct vfile v = { .loaded = 0 };
	struct strbuf text = STRBUF_INIT;
	int r = -1;

	if (wants_userdir(ctx) && apache_need_modules(ctx, ctx->f->cf->to, userdir_mods, 1) < 0)
		return -1;
	if (planned_new_vhosts(ctx, &v, &text) == 0)
		r = apache_commit(ctx, ctx->f->cf->to, &v, text.buf);
	vfile_release(&v);
	strbuf_release(&text);
	if (r == 0)
		strbuf_addf(&ctx->detail, "VirtualHosts on %s with alias %s", ctx->f->cf->to->name,
		    ctx->a->test_name);
	return r;
}

/* the host part of userdir-redirect: where ~user lives after the move */
static void
userdir_host(struct step_ctx *ctx, struct strbuf *host, struct strbuf *path)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf url = STRBUF_INIT;
	const char *p, *slash;

	expand_template(&url, ctx->f->cf->userdir_redirect, &ex);
	p = strstr(url.buf, "://");
	p = p ? p + 3 : url.buf;
	slash = strchr(p, '/');
	strbuf_add(host, p, slash ? (size_t)(slash - p) : strlen(p));
	strbuf_addstr(path, slash ? slash : "/");
	strbuf_release(&url);
}

static int
fetch_ok(struct step_ctx *ctx, const char *name, const char *addr, const char *path,
    long want)
{
	struct http_response r;
	struct strbuf err = STRBUF_INIT;
	int ok;

	ok = http_fetch(name, addr, 80, path, &r, &err) == 0 && r.status == want;
	if (!ok)
		step_error(ctx, "http://%s%s at %s: %s%ld", name, path, addr,
		    err.len ? err.buf : "status ", err.len ? 0L : r.status);
	http_response_release(&r);
	strbuf_release(&err);
	return ok ? 0 : -1;
}

static int
vhosts_verify(struct step_ctx *ctx)
{
	const struct host *to = ctx->f->cf->to;
	struct strbuf out = STRBUF_INIT, host = STRBUF_INIT, path = STRBUF_INIT;
	const char *argv[] = { "apache2ctl", "-S", NULL };
	int r = 0;

	if (remote_capture(&ctx->f->tr, to, argv, &out, NULL) != 0 || strstr(out.buf, ctx->a->test_name) == NULL)
		r = step_error(ctx, "%s: apache2ctl -S does not list %s", to->name, ctx->a->test_name);
	if (r == 0)
		r = fetch_ok(ctx, ctx->a->test_name, to->address, "/", 200);
	if (r == 0 && ctx->a->userdir && ctx->f->cf->userdir_redirect) {
		userdir_host(ctx, &host, &path);
		strbuf_addch(&path, '/');
		r = fetch_ok(ctx, host.buf, to->address, path.buf, 200);
	}
	strbuf_release(&out);
	strbuf_release(&host);
	strbuf_release(&path);
	return r;
}

static int
vhosts_undo(struct step_ctx *ctx)
{
	struct vfile v = { .loaded = 0 };
	struct strbuf text = STRBUF_INIT;
	int r = -1;

	if (vfile_load(ctx, ctx->f->cf->to, new_vhost_file(ctx), &v) == 0 &&
	    vhost_marked_remove(&v.vf, ctx->a->name, &text) >= 0)
		r = strcmp(text.buf, v.e.old.buf) == 0 ? 0 : apache_commit(ctx, ctx->f->cf->to, &v, text.buf);
	if (r == 0)
		r = apache_undo_modules(ctx, ctx->f->cf->to, userdir_mods);
	vfile_release(&v);
	strbuf_release(&text);
	return r;
}

/* ---- comparing the site ---- */

/* the body with the other host name written as the reference's */
static void
normalise(struct strbuf *body, const char *from, const char *to)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = body->buf, *hit;
	size_t fl = strlen(from);

	if (fl == 0)
		return;
	while ((hit = strstr(p, from)) != NULL) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_addstr(&out, to);
		p = hit + fl;
	}
	strbuf_addstr(&out, p);
	strbuf_reset(body);
	strbuf_add(body, out.buf, out.len);
	strbuf_release(&out);
}

static int
same_response(struct step_ctx *ctx, const char *what, struct http_response *a,
    struct http_response *b)
{
	const char *ta = a->content_type ? a->content_type : "";
	const char *tb = b->content_type ? b->content_type : "";

	if (a->status == b->status && strcmp(ta, tb) == 0 &&
	    a->body.len == b->body.len && memcmp(a->body.buf, b->body.buf, a->body.len) == 0)
		return 0;
	step_error(ctx, "%s: old host answers %ld %s, new host %ld %s", what, a->status, ta,
	    b->status, tb);
	strbuf_reset(&ctx->diff);
	diff_unified(what, a->body.buf, b->body.buf, &ctx->diff);
	if (ctx->diff.len)
		fprintf(stderr, "%s", ctx->diff.buf);
	return -1;
}

/* fetches path from old (name, old address) and new (new_name, new address) */
static int
compare_path(struct step_ctx *ctx, const char *name, const char *new_name, const char *path)
{
	struct config *cf = ctx->f->cf;
	struct http_response a, b;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT;
	int r = -1;

	strbuf_addf(&what, "http://%s%s", name, path);
	if (http_fetch(name, cf->from->address, 80, path, &a, &err) < 0)
		step_error(ctx, "%s", err.buf);
	else if (http_fetch(new_name, cf->to->address, 80, path, &b, &err) < 0)
		step_error(ctx, "%s", err.buf);
	else {
		normalise(&b.body, new_name, name);
		r = same_response(ctx, what.buf, &a, &b);
		http_response_release(&b);
	}
	http_response_release(&a);
	strbuf_release(&err);
	strbuf_release(&what);
	return r;
}

static int
compare_site(struct step_ctx *ctx, const char *new_name)
{
	size_t i, k;
	int r = 0;

	/* the test name is an alias of the first name's VirtualHost only; the
	   other names are asked for by their own name, pinned to the new host */
	for (i = 0; i < ctx->a->web.n; i++)
		for (k = 0; k < ctx->a->web_check.n; k++)
			if (compare_path(ctx, ctx->a->web.v[i],
			    new_name && i == 0 ? new_name : ctx->a->web.v[i],
			    ctx->a->web_check.v[k]) < 0)
				r = -1;
	return r;
}

static int
compare_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "compare %zu paths of %s on %s with %s on %s\n",
	    ctx->a->web_check.n, ctx->a->web.v[0], ctx->f->cf->from->name, ctx->a->test_name,
	    ctx->f->cf->to->name);
	return PROBE_TODO;
}

static int
compare_apply(struct step_ctx *ctx)
{
	int r;

	if ((r = compare_site(ctx, ctx->a->test_name)) == 0)
		strbuf_addf(&ctx->detail, "%zu names x %zu paths match", ctx->a->web.n,
		    ctx->a->web_check.n);
	return r;
}

/* ---- phase 2 ---- */

/* the reference responses phase2.5 compares with: kv web.ref.NAME PATH */
static int
remember_reference(struct step_ctx *ctx, const char *name, const char *path)
{
	struct http_response r;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	char hex[65];
	int rc = -1;

	if (http_fetch(name, ctx->f->cf->from->address, 80, path, &r, NULL) == 0) {
		sha256_hex(r.body.buf, r.body.len, hex);
		strbuf_addf(&key, "web.ref.%s %s", name, path);
		strbuf_addf(&val, "%ld %s %s", r.status, hex, r.content_type ? r.content_type : "-");
		rc = journal_kv_set(ctx->f->j, ctx->a->name, key.buf, val.buf);
	}
	http_response_release(&r);
	strbuf_release(&key);
	strbuf_release(&val);
	return rc;
}

static int
proxy_text(struct step_ctx *ctx, struct vfile *v, struct strbuf *text)
{
	size_t *idx = xcalloc(v->vf.nblocks + 1, sizeof *idx), n, i;
	struct strbuf cur = STRBUF_INIT, block = STRBUF_INIT;
	int r = 0;

	strbuf_add(&cur, v->e.old.buf, v->e.old.len);
	n = vhost_find(&v->vf, &ctx->a->web, idx);
	/* from the last block to the first, so earlier offsets stay valid */
	for (i = n; i-- > 0 && r == 0;) {
		struct vhost_file now = VHOST_FILE_INIT;

		strbuf_reset(&block);
		strbuf_reset(text);
		if (vhost_parse(&now, v->e.path, cur.buf, cur.len) < 0 ||
		    vhost_proxy_block(&now, idx[i], ctx->f->cf->to->address, &block) < 0 ||
		    vhost_replace_block(&now, idx[i], block.buf, block.len, text) < 0)
			r = -1;
		vhost_release(&now);
		strbuf_reset(&cur);
		strbuf_add(&cur, text->buf, text->len);
	}
	strbuf_reset(text);
	strbuf_add(text, cur.buf, cur.len);
	free(idx);
	strbuf_release(&cur);
	strbuf_release(&block);
	return r;
}

static int
proxy_each_file(struct step_ctx *ctx, int apply, int *pending)
{
	const struct host *old = ctx->f->cf->from;
	struct strlist files = STRLIST_INIT;
	size_t f;
	int r;

	*pending = 0;
	r = apache_account_files(ctx, old, &ctx->a->web, &files);
	for (f = 0; f < files.n && r == 0; f++) {
		struct vfile v = { .loaded = 0 };
		struct strbuf text = STRBUF_INIT;

		if ((r = vfile_load(ctx, old, files.v[f], &v)) < 0)
			break;
		if (proxy_text(ctx, &v, &text) < 0)
			r = step_error(ctx, "%s: cannot build the proxy blocks", old->name);
		else if (strcmp(text.buf, v.e.old.buf) != 0) {
			(*pending)++;
			if (apply || ctx->dry_run)
				r = apache_commit(ctx, old, &v, text.buf);
		}
		vfile_release(&v);
		strbuf_release(&text);
	}
	strlist_clear(&files);
	return r;
}

static int
proxy_probe(struct step_ctx *ctx)
{
	int pending, mods;

	/* the modules first: ProxyPass does not pass apache-check without them */
	if ((mods = apache_need_modules(ctx, ctx->f->cf->from, proxy_mods, 0)) < 0 ||
	    proxy_each_file(ctx, 0, &pending) < 0)
		return PROBE_ERROR;
	pending += mods;
	return pending || edit_reload_owed(ctx, ctx->f->cf->from, "apache") ? PROBE_TODO :
	    PROBE_DONE;
}

/* a mismatch fails here, before any DNS record moves */
static int
proxy_apply(struct step_ctx *ctx)
{
	size_t i, k;
	int pending;

	if (compare_site(ctx, NULL) < 0)
		return step_error(ctx, "the new host does not serve what the old one does");
	for (i = 0; i < ctx->a->web.n; i++)
		for (k = 0; k < ctx->a->web_check.n; k++)
			remember_reference(ctx, ctx->a->web.v[i], ctx->a->web_check.v[k]);
	if (apache_need_modules(ctx, ctx->f->cf->from, proxy_mods, 1) < 0 ||
	    proxy_each_file(ctx, 1, &pending) < 0 || apache_reload_owed(ctx, ctx->f->cf->from) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "%s proxies %zu names to %s", ctx->f->cf->from->name,
	    ctx->a->web.n, ctx->f->cf->to->address);
	return 0;
}

/* pinned to the old address, the answer is now the new host's */
static int
proxy_verify(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	size_t i;
	int r = 0;

	for (i = 0; i < ctx->a->web.n && r == 0; i++) {
		struct http_response a, b;

		if (http_fetch(ctx->a->web.v[i], cf->from->address, 80, "/", &a, NULL) < 0 ||
		    http_fetch(ctx->a->web.v[i], cf->to->address, 80, "/", &b, NULL) < 0)
			r = step_error(ctx, "%s: cannot fetch through the proxy", ctx->a->web.v[i]);
		else
			r = same_response(ctx, ctx->a->web.v[i], &b, &a);
		http_response_release(&a);
		http_response_release(&b);
	}
	return r;
}

static int
proxy_undo(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strlist files = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t f;
	int r;

	r = apache_account_files(ctx, old, &ctx->a->web, &files);
	for (f = 0; f < files.n && r == 0; f++)
		r = edit_restore(ctx, old, files.v[f], EDIT_CHECK_LIVE, &old->apache_check, &ex);
	if (r == 0 && host_command(ctx, old, &old->apache_reload, &ex, &out) != 0)
		r = step_error(ctx, "%s: apache-reload failed: %s", old->name, out.buf);
	if (r == 0)
		r = apache_undo_modules(ctx, old, proxy_mods);
	strlist_clear(&files);
	strbuf_release(&out);
	return r;
}

/* through each nameserver's answer, the real names reach the new host's site */
static int
served_check(struct step_ctx *ctx, const char *name, const char *path)
{
	struct config *cf = ctx->f->cf;
	struct host **ns;
	size_t n = config_nameservers(cf, &ns), i;
	struct strbuf key = STRBUF_INIT, ref = STRBUF_INIT, got = STRBUF_INIT;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		struct dns_answer a;

		if (dns_query(ns[i]->address, name, "A", &a) < 0 || a.values.n == 0)
			r = step_error(ctx, "%s does not answer %s A", ns[i]->name, name);
		else if (a.values.n != 1 || strcmp(a.values.v[0], cf->to->address) != 0)
			r = step_error(ctx, "%s answers %s A %s, not %s", ns[i]->name, name,
			    a.values.v[0], cf->to->address);
		dns_answer_release(&a);
	}
	strbuf_addf(&key, "web.ref.%s %s", name, path);
	if (r == 0 && journal_kv_get(ctx->f->j, ctx->a->name, key.buf, &ref) == 1) {
		struct http_response h;
		char hex[65];

		if (http_fetch(name, cf->to->address, 80, path, &h, NULL) < 0)
			r = step_error(ctx, "http://%s%s: no answer from %s", name, path, cf->to->name);
		else {
			sha256_hex(h.body.buf, h.body.len, hex);
			strbuf_addf(&got, "%ld %s %s", h.status, hex, h.content_type ? h.content_type : "-");
			if (strcmp(got.buf, ref.buf) != 0)
				r = step_error(ctx, "http://%s%s on %s differs from the old host's "
				    "(status, checksum, type: %s, was %s)", name, path, cf->to->name,
				    got.buf, ref.buf);
		}
		http_response_release(&h);
	}
	strbuf_release(&key);
	strbuf_release(&ref);
	strbuf_release(&got);
	return r;
}

static int
served_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "check %zu names through each nameserver and fetch them from %s\n",
	    ctx->a->web.n, ctx->f->cf->to->name);
	return PROBE_TODO;
}

static int
served_apply(struct step_ctx *ctx)
{
	return 0;
}

static int
served_verify(struct step_ctx *ctx)
{
	size_t i, k;

	for (i = 0; i < ctx->a->web.n; i++)
		for (k = 0; k < ctx->a->web_check.n; k++)
			if (served_check(ctx, ctx->a->web.v[i], ctx->a->web_check.v[k]) < 0)
				return -1;
	strbuf_addf(&ctx->detail, "%zu names served by %s through every nameserver",
	    ctx->a->web.n, ctx->f->cf->to->name);
	return 0;
}

/* ---- done.tidy's web part, and what svc-files needs ---- */

static int
web_tidy(struct step_ctx *ctx)
{
	struct vfile v = { .loaded = 0 };
	struct strbuf text = STRBUF_INIT;
	long i;
	int r = 0;

	if (!(ctx->a->services & SVC_WEB))
		return 0;
	if (vfile_load(ctx, ctx->f->cf->to, new_vhost_file(ctx), &v) < 0)
		return -1;
	while (r == 0 && (i = vhost_find_one(&v.vf, ctx->a->test_name)) >= 0) {
		if ((r = vhost_remove_alias(&v.vf, (size_t)i, ctx->a->test_name, &text)) <= 0)
			break;
		r = apache_commit(ctx, ctx->f->cf->to, &v, text.buf);
		vfile_release(&v);
		if (r == 0 && vfile_load(ctx, ctx->f->cf->to, new_vhost_file(ctx), &v) < 0)
			return -1;
	}
	vfile_release(&v);
	strbuf_release(&text);
	return r < 0 ? -1 : 0;
}

static const struct step_ops web_steps[] = {
	{ "prep.4", vhosts_probe, vhosts_apply, vhosts_verify, vhosts_undo },
	{ "prep.5", compare_probe, compare_apply, NULL, NULL },
	{ "phase2.proxy", proxy_probe, proxy_apply, proxy_verify, proxy_undo },
	{ "phase2.5", served_probe, served_apply, served_verify, NULL },
	{ "phase2.6", redirect_probe, redirect_apply, redirect_verify, redirect_undo },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_web = {
	.name = "web", .steps = web_steps, .around = &web_watch_hook, .tidy = web_tidy
};
