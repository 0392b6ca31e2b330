/*
 * web-vfile.c: a host's VirtualHost file read for an edit (the web
 * driver's steps), and the DocumentRoots outside the home that the files
 * driver copies too.  A helper under the drivers: it calls none of them.
 */
#include <stdlib.h>
#include <string.h>

#include "web-apache.h"
#include "web-vfile.h"

int
vfile_load(struct step_ctx *ctx, const struct host *h, const char *path, struct vfile *v)
{
	memset(v, 0, sizeof *v);
	if (edit_read(ctx, h, path, &v->e) < 0)
		return -1;
	if (vhost_parse(&v->vf, path, v->e.old.buf, v->e.old.len) < 0) {
		edit_release(&v->e);
		return step_error(ctx, "%s: cannot read %s", h->name, path);
	}
	v->loaded = 1;
	return 0;
}

void
vfile_release(struct vfile *v)
{
	if (!v->loaded)
		return;
	vhost_release(&v->vf);
	edit_release(&v->e);
	v->loaded = 0;
}

int
vfile_each_account_block(struct step_ctx *ctx, const struct host *h,
    void (*fn)(struct vfile *, size_t, void *), void *arg)
{
	struct strlist files = STRLIST_INIT;
	size_t f, i, n, *idx;

	if (apache_account_files(ctx, h, &ctx->a->web, &files) < 0)
		return -1;
	for (f = 0; f < files.n; f++) {
		struct vfile v = { .loaded = 0 };

		if (vfile_load(ctx, h, files.v[f], &v) < 0) {
			strlist_clear(&files);
			return -1;
		}
		idx = xcalloc(v.vf.nblocks + 1, sizeof *idx);
		n = vhost_find(&v.vf, &ctx->a->web, idx);
		for (i = 0; i < n; i++)
			fn(&v, idx[i], arg);
		free(idx);
		vfile_release(&v);
	}
	strlist_clear(&files);
	return 0;
}

struct docroots {
	struct strbuf home;	/* the account's home on the old host, with a slash */
	struct strlist *out;
};

static void
add_docroot_outside_home(struct vfile *v, size_t i, void *arg)
{
	struct docroots *d = arg;
	const char *root = v->vf.blocks[i].document_root;

	if (root && root[0] == '/' && strncmp(root, d->home.buf, d->home.len) != 0 &&
	    strcmp(root, "/") != 0 && !strlist_has(d->out, root))
		strlist_push(d->out, root);
}

int
web_docroots_outside_home(struct step_ctx *ctx, struct strlist *out)
{
	const struct host *old = ctx->f->cf->from;
	struct docroots d = { STRBUF_INIT, out };
	int r;

	if (!(ctx->a->services & SVC_WEB))
		return 0;
	strbuf_addf(&d.home, "%s/%s/", old->home, ctx->a->name);
	r = vfile_each_account_block(ctx, old, add_docroot_outside_home, &d);
	strbuf_release(&d.home);
	return r;
}
