/*
 * web-compare.c: prep.5, the site compared through both names: every
 * web-check path of every name fetched from the old host and from the new
 * one (the first name through test-name), status, type and body alike once
 * the new name in the body is written as the old one.  phase2.proxy runs the
 * same comparison before it turns the old host into a proxy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "probe.h"
#include "web-priv.h"


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

int
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

	strbuf_addf(&what, "%s://%s%s", web_port(ctx) == 443 ? "https" : "http", name, path);
	if (http_fetch(name, cf->from->address, web_port(ctx), path, &a, &err) < 0)
		step_error(ctx, "%s", err.buf);
	else if (http_fetch(new_name, cf->to->address, web_port(ctx), path, &b, &err) < 0)
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

int
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

int
compare_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "compare %zu paths of %s on %s with %s on %s\n",
	    ctx->a->web_check.n, ctx->a->web.v[0], ctx->f->cf->from->name, ctx->a->test_name,
	    ctx->f->cf->to->name);
	return PROBE_TODO;
}

int
compare_apply(struct step_ctx *ctx)
{
	int r;

	if ((r = compare_site(ctx, ctx->a->test_name)) == 0)
		strbuf_addf(&ctx->detail, "%zu names x %zu paths match", ctx->a->web.n,
		    ctx->a->web_check.n);
	return r;
}

