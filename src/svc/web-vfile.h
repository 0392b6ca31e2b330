/*
 * web-vfile.h: a host's VirtualHost file read for an edit, and what of the
 * account's VirtualHosts the other drivers need (web-vfile.c; no driver).
 */
#ifndef FERRY_WEB_VFILE_H
#define FERRY_WEB_VFILE_H

#include "edit.h"
#include "ferry.h"
#include "vhost.h"

/* a vhost file of a host, read for an edit */
struct vfile {
	struct file_edit e;
	struct vhost_file vf;
	int loaded;
};

int vfile_load(struct step_ctx *ctx, const struct host *h, const char *path, struct vfile *v);
void vfile_release(struct vfile *v);

/* calls fn on each of the account's VirtualHost blocks in h's vhost files, each file read once */
int vfile_each_account_block(struct step_ctx *ctx, const struct host *h,
    void (*fn)(struct vfile *, size_t, void *), void *arg);

/* DocumentRoots of the account's VirtualHosts on the old host that lie outside its home */
int web_docroots_outside_home(struct step_ctx *ctx, struct strlist *out);

#endif
