/*
 * web-userdir.c: phase2.6, ~user on the old host redirects to the new one.
 * The block edited is the one Apache gives userdir-domain to: the block
 * naming it, else the default vhost of the old address:port (on stock
 * Debian, 000-default.conf without a ServerName); its edit is as checked
 * and undoable as any other.
 */
#include <string.h>

#include "probe.h"
#include "web-apache.h"
#include "web-priv.h"

const char *const userdir_mods[] = { "userdir", NULL };

static int
userdir_file(struct step_ctx *ctx, struct vfile *v, long *block)
{
	const struct host *old = ctx->f->cf->from;
	struct apache_conf ac = APACHE_CONF_INIT;
	long i;
	int r = -1;

	/* Apache's choice: by name, else the default vhost of the address:port */
	if (apache_host_load(ctx->f, old, &ac) < 0)
		step_error(ctx, "%s: cannot read Apache's configuration", old->name);
	else if ((i = apache_host_serving(&ac, old, ctx->f->cf->userdir_domain, NULL)) < 0)
		step_error(ctx, "%s: no VirtualHost on %s:80 serves %s (the main server does)",
		    old->name, old->address, ctx->f->cf->userdir_domain);
	else if (vfile_load(ctx, old, ac.vhosts[i].file, v) == 0) {
		if (ac.vhosts[i].index < v->vf.nblocks) {
			*block = (long)ac.vhosts[i].index;
			r = 0;
		} else {
			vfile_release(v);
			step_error(ctx, "%s: %s changed while read", old->name, ac.vhosts[i].file);
		}
	}
	apache_conf_release(&ac);
	return r;
}

static void
redirect_target(struct step_ctx *ctx, struct strbuf *out)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };

	expand_template(out, ctx->f->cf->userdir_redirect, &ex);
	while (out->len && out->buf[out->len - 1] == '/')
		strbuf_setlen(out, out->len - 1);
}

static int
redirect_step(struct step_ctx *ctx, int apply, int undo)
{
	struct vfile v = { .loaded = 0 };
	struct strbuf target = STRBUF_INIT, text = STRBUF_INIT;
	long b = -1;
	int r;

	if (ctx->f->cf->userdir_domain == NULL || ctx->f->cf->userdir_redirect == NULL) {
		ctx->skip_reason = "userdir-domain and userdir-redirect are not set";
		return PROBE_SKIP;
	}
	if (userdir_file(ctx, &v, &b) < 0)
		return PROBE_ERROR;
	redirect_target(ctx, &target);
	if (undo)
		r = vhost_userdir_unredirect(&v.vf, (size_t)b, ctx->a->name, &text);
	else
		r = vhost_userdir_redirect(&v.vf, (size_t)b, ctx->a->name, target.buf, &text);
	if (r < 0)
		r = PROBE_ERROR;
	else if (r == 0 && apply)
		r = apache_reload_owed(ctx, ctx->f->cf->from) < 0 ? PROBE_ERROR : PROBE_DONE;
	else if (r == 0)
		r = edit_reload_owed(ctx, ctx->f->cf->from, "apache") ? PROBE_TODO : PROBE_DONE;
	else if (apply || ctx->dry_run)
		r = apache_commit(ctx, ctx->f->cf->from, &v, text.buf) < 0 ? PROBE_ERROR : PROBE_TODO;
	else
		r = PROBE_TODO;
	vfile_release(&v);
	strbuf_release(&target);
	strbuf_release(&text);
	return r;
}

int
redirect_probe(struct step_ctx *ctx)
{
	if (!ctx->a->userdir) {
		ctx->skip_reason = "no ~user pages (userdir = no)";
		return PROBE_SKIP;
	}
	return redirect_step(ctx, 0, 0);
}

int
redirect_apply(struct step_ctx *ctx)
{
	return redirect_step(ctx, 1, 0) == PROBE_ERROR ? -1 : 0;
}

int
redirect_undo(struct step_ctx *ctx)
{
	return redirect_step(ctx, 1, 1) == PROBE_ERROR ? -1 : 0;
}

/* /~USER/x on the old host answers 301 to userdir-redirect/x */
int
redirect_verify(struct step_ctx *ctx)
{
	struct http_response h;
	struct strbuf path = STRBUF_INIT, want = STRBUF_INIT;
	int r = 0;

	strbuf_addf(&path, "/~%s/ferry-check.html", ctx->a->name);
	redirect_target(ctx, &want);
	strbuf_addstr(&want, "/ferry-check.html");
	if (http_fetch(ctx->f->cf->userdir_domain, ctx->f->cf->from->address, 80, path.buf, &h,
	    NULL) < 0 || h.status != 301 || h.location == NULL || strcmp(h.location, want.buf) != 0)
		r = step_error(ctx, "http://%s%s on %s: want 301 to %s, got %ld %s",
		    ctx->f->cf->userdir_domain, path.buf, ctx->f->cf->from->name, want.buf, h.status,
		    h.location ? h.location : "");
	else
		strbuf_addf(&ctx->detail, "/~%s redirects to %s", ctx->a->name, want.buf);
	http_response_release(&h);
	strbuf_release(&path);
	strbuf_release(&want);
	return r;
}

