/*
 * svc-web.c: the account's VirtualHosts.  prep.4 carries them to the new
 * host with test-name as an alias (here), prep.5 compares the site through
 * both names (web-compare.c), phase2.proxy makes the old host a reverse
 * proxy to the new one and phase2.5 checks the real names through each
 * nameserver's answer (web-proxy.c), phase2.6 redirects ~user on the old
 * host (web-userdir.c).  Apache has no per-file checker:
 * every edit is swapped in, checked with apache-check, and put back when the
 * check fails, before any reload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "probe.h"
#include "vhost.h"
#include "web-watch.h"
#include "web-apache.h"
#include "web-priv.h"


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

struct old_blocks {
	const char *new_address;
	struct strbuf *out;
	size_t count;
};

static void
add_unproxied_block(struct vfile *v, size_t i, void *arg)
{
	struct old_blocks *b = arg;

	if (vhost_is_proxy(&v->vf, i, b->new_address))
		return;		/* already turned into a proxy by phase2.proxy */
	vhost_block_text(&v->vf, i, b->out);
	b->count++;
}

/* the account's blocks from every vhost file of the old host */
static int
old_blocks(struct step_ctx *ctx, struct strbuf *out, size_t *count)
{
	struct old_blocks b = { ctx->f->cf->to->address, out, 0 };
	int r = vfile_each_account_block(ctx, ctx->f->cf->from, add_unproxied_block, &b);

	*count = b.count;
	return r;
}

/* the blocks with test-name added to those serving the first web name (its
   :80 and its :443 block), or to the first block when none does */
static int
blocks_with_alias(struct step_ctx *ctx, const char *blocks, struct strbuf *out)
{
	struct vhost_file vf = VHOST_FILE_INIT;
	struct strbuf cur = STRBUF_INIT;
	size_t i, n, added = 0;
	int r = 0;

	strbuf_addstr(&cur, blocks);
	if (vhost_parse(&vf, "(account blocks)", cur.buf, cur.len) < 0)
		return -1;
	n = vf.nblocks;
	vhost_release(&vf);
	/* from the last block to the first: an edit moves only the bytes after it */
	for (i = n; i-- > 0 && r >= 0;) {
		if (vhost_parse(&vf, "(account blocks)", cur.buf, cur.len) < 0)
			r = -1;
		else if (vhost_block_serves(&vf.blocks[i], ctx->a->web.v[0]) ||
		    (i == 0 && added == 0)) {
			if ((r = vhost_add_alias(&vf, i, ctx->a->test_name, out)) >= 0) {
				strbuf_reset(&cur);
				strbuf_add(&cur, out->buf, out->len);
				added++;
			}
		}
		vhost_release(&vf);
	}
	strbuf_reset(out);
	strbuf_add(out, cur.buf, cur.len);
	strbuf_release(&cur);
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

/* an https site needs mod_ssl where it is served */
static const char *const tls_mods[] = { "ssl", NULL };

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
	int r, mods = 0, tls = 0, files = 0;

	/* the TLS files and mod_ssl first: the new blocks need them to pass apache-check */
	if ((wants_userdir(ctx) &&
	    (mods = apache_need_modules(ctx, ctx->f->cf->to, userdir_mods, 0)) < 0) ||
	    (web_port(ctx) == 443 &&
	    ((tls = apache_need_modules(ctx, ctx->f->cf->to, tls_mods, 0)) < 0 ||
	    (files = tls_probe(ctx)) < 0))) {
		strbuf_release(&text);
		return PROBE_ERROR;
	}
	mods += tls + files;
	if (planned_new_vhosts(ctx, &v, &text) < 0) {
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
	if (web_port(ctx) == 443 && (tls_carry(ctx) < 0 ||
	    apache_need_modules(ctx, ctx->f->cf->to, tls_mods, 1) < 0))
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
fetch_ok(struct step_ctx *ctx, const char *name, const char *addr, int port,
    const char *path, long want)
{
	struct http_response r;
	struct strbuf err = STRBUF_INIT;
	int ok;

	ok = http_fetch(name, addr, port, path, &r, &err) == 0 && r.status == want;
	if (!ok)
		step_error(ctx, "%s://%s%s at %s: %s%ld", port == 443 ? "https" : "http", name, path, addr,
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
		r = fetch_ok(ctx, ctx->a->test_name, to->address, web_port(ctx), "/", 200);
	if (r == 0 && ctx->a->userdir && ctx->f->cf->userdir_redirect) {
		userdir_host(ctx, &host, &path);
		strbuf_addch(&path, '/');
		r = fetch_ok(ctx, host.buf, to->address, 80, path.buf, 200);
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
	if (r == 0 && web_port(ctx) == 443)
		r = apache_undo_modules(ctx, ctx->f->cf->to, tls_mods);
	if (r == 0)
		r = tls_undo(ctx);
	vfile_release(&v);
	strbuf_release(&text);
	return r;
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
