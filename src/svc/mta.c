/*
 * mta.c: the MTA behind a host (mta.h), and the three things the mail
 * driver asks of it: check a candidate map, rebuild the live one, look an
 * address up in what was built; and the account's entries in its queue,
 * listed and delivered now.
 */
#include <string.h>

#include "edit.h"
#include "mail-queue.h"
#include "mta.h"

extern const struct mta_ops mta_sendmail, mta_postfix;

const struct mta_ops *
mta_of(const struct host *h)
{
	return h->mta == MTA_POSTFIX ? &mta_postfix : &mta_sendmail;
}

void
mta_check_argv(const struct host *h, struct strlist *check)
{
	strlist_push(check, "sh");
	strlist_push(check, "-c");
	strlist_push(check, mta_of(h)->check_script);
	strlist_push(check, "sh");
	strlist_push(check, "%f");
}

int
mta_build(struct step_ctx *ctx, const struct host *h)
{
	const char *args[] = { h->virtusertable, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = 0;

	if (host_sh(ctx, h, mta_of(h)->build_script, args, &out) != 0)
		r = step_error(ctx, "%s: %s could not build %s: %s", h->name, mta_of(h)->name,
		    h->virtusertable, out.buf);
	strbuf_release(&out);
	return r;
}

static int
lookup_key(struct step_ctx *ctx, const struct host *h, const char *key, struct strbuf *out)
{
	const char *args[] = { h->virtusertable, key, NULL };
	int r;

	strbuf_reset(out);
	r = host_sh(ctx, h, mta_of(h)->query_script, args, out);
	strbuf_rtrim(out);
	if (r == 0)
		return 1;
	if (r == 1)
		return 0;
	return step_error(ctx, "%s: looking %s up in %s: %s", h->name, key, h->virtusertable,
	    out->buf);
}

int
mta_lookup(struct step_ctx *ctx, const struct host *h, const char *addr, struct strbuf *out)
{
	const char *at = strchr(addr, '@');
	int r = lookup_key(ctx, h, addr, out);

	if (r == 0 && at && at != addr)
		r = lookup_key(ctx, h, at, out);
	return r;
}

int
mta_queue_ids(struct step_ctx *ctx, const struct host *h, struct strlist *ids,
    struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT;
	int r = 0;

	if (host_sh(ctx, h, mta_of(h)->queue_script, NULL, &q) != 0) {
		strbuf_add(err, q.buf, q.len);
		r = -1;
	} else
		mail_queue_ids(q.buf, ctx->a->name, &ctx->a->domains, ids);
	strbuf_release(&q);
	return r;
}

int
mta_flush(struct step_ctx *ctx, const struct host *h, const struct strlist *ids)
{
	struct strlist args = STRLIST_INIT;
	size_t i;
	int r;

	/* the IDs come from the host's own listing: only plain words go on */
	for (i = 0; i < ids->n; i++)
		if (mail_queue_id_ok(ids->v[i]))
			strlist_push(&args, ids->v[i]);
	r = args.n ? host_sh(ctx, h, mta_of(h)->flush_script, (const char *const *)args.v, NULL) : 0;
	strlist_clear(&args);
	return r == 0 ? 0 : -1;
}
