/*
 * web-proxy.c: phase 2 of the web driver.  phase2.proxy remembers the old
 * host's answers and makes the old host a reverse proxy to the new one (so a
 * client whose resolver still holds the old address sees the new site);
 * phase2.5 checks the real names through each nameserver's answer and
 * fetches them from the new host against the remembered answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "probe.h"
#include "sha256.h"
#include "vhost.h"
#include "web-apache.h"
#include "web-priv.h"

/* what ferry's own steps need of Apache, enabled by the step that needs it */
static const char *const proxy_mods[] = { "proxy", "proxy_http", NULL };
/* an https site's proxy speaks TLS to the new host */
static const char *const proxy_tls_mods[] = { "proxy", "proxy_http", "ssl", NULL };

static const char *const *
proxy_modules(struct step_ctx *ctx)
{
	return web_port(ctx) == 443 ? proxy_tls_mods : proxy_mods;
}


/* the reference responses phase2.5 compares with: kv web.ref.NAME PATH */
static int
remember_reference(struct step_ctx *ctx, const char *name, const char *path)
{
	struct http_response r;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	char hex[65];
	int rc = -1;

	if (http_fetch(name, ctx->f->cf->from->address, web_port(ctx), path, &r, NULL) == 0) {
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

int
proxy_probe(struct step_ctx *ctx)
{
	int pending, mods;

	/* the modules first: ProxyPass does not pass apache-check without them */
	if ((mods = apache_need_modules(ctx, ctx->f->cf->from, proxy_modules(ctx), 0)) < 0 ||
	    proxy_each_file(ctx, 0, &pending) < 0)
		return PROBE_ERROR;
	pending += mods;
	return pending || edit_reload_owed(ctx, ctx->f->cf->from, "apache") ? PROBE_TODO :
	    PROBE_DONE;
}

/* a mismatch fails here, before any DNS record moves */
int
proxy_apply(struct step_ctx *ctx)
{
	size_t i, k;
	int pending;

	if (compare_site(ctx, NULL) < 0)
		return step_error(ctx, "the new host does not serve what the old one does");
	for (i = 0; i < ctx->a->web.n; i++)
		for (k = 0; k < ctx->a->web_check.n; k++)
			remember_reference(ctx, ctx->a->web.v[i], ctx->a->web_check.v[k]);
	if (apache_need_modules(ctx, ctx->f->cf->from, proxy_modules(ctx), 1) < 0 ||
	    proxy_each_file(ctx, 1, &pending) < 0 || apache_reload_owed(ctx, ctx->f->cf->from) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "%s proxies %zu names to %s", ctx->f->cf->from->name,
	    ctx->a->web.n, ctx->f->cf->to->address);
	return 0;
}

/* pinned to the old address, the answer is now the new host's */
int
proxy_verify(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	size_t i;
	int r = 0;

	for (i = 0; i < ctx->a->web.n && r == 0; i++) {
		struct http_response a, b;

		if (http_fetch(ctx->a->web.v[i], cf->from->address, web_port(ctx), "/", &a, NULL) < 0 ||
		    http_fetch(ctx->a->web.v[i], cf->to->address, web_port(ctx), "/", &b, NULL) < 0)
			r = step_error(ctx, "%s: cannot fetch through the proxy", ctx->a->web.v[i]);
		else
			r = same_response(ctx, ctx->a->web.v[i], &b, &a);
		http_response_release(&a);
		http_response_release(&b);
	}
	return r;
}

int
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
		r = apache_undo_modules(ctx, old, proxy_modules(ctx));
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

		if (http_fetch(name, cf->to->address, web_port(ctx), path, &h, NULL) < 0)
			r = step_error(ctx, "%s%s: no answer from %s", name, path, cf->to->name);
		else {
			sha256_hex(h.body.buf, h.body.len, hex);
			strbuf_addf(&got, "%ld %s %s", h.status, hex, h.content_type ? h.content_type : "-");
			if (strcmp(got.buf, ref.buf) != 0)
				r = step_error(ctx, "%s%s on %s differs from the old host's "
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

int
served_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "check %zu names through each nameserver and fetch them from %s\n",
	    ctx->a->web.n, ctx->f->cf->to->name);
	return PROBE_TODO;
}

int
served_apply(struct step_ctx *ctx)
{
	return 0;
}

int
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
