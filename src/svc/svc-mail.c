/*
 * svc-mail.c: the mail driver, phase1.6 to phase1.10 in the seed's order,
 * with no message lost or doubled.  Here: which mail is the account's
 * (phase1.6 decides whether it is local or forwarded), the maps both hosts
 * hold, and the step table.  phase1.8 switches the address map
 * (mail-switch.c), phase1.9 sends tagged messages through both hosts
 * (mail-test.c), the spool steps phase1.7 and phase1.10 are in
 * mail-spool.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "mail-int.h"
#include "mail-spool.h"
#include "virtuser.h"

void
mail_maps_release(struct maps *m)
{
	if (!m->loaded)
		return;
	edit_release(&m->vt);
	edit_release(&m->dom);
	virtuser_release(&m->v);
	strlist_clear(&m->local);
	m->loaded = 0;
}

static void
local_domains(const char *text, struct strlist *out)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		strlist_split(out, line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
mail_maps_load(struct step_ctx *ctx, const struct host *h, struct maps *m)
{
	memset(m, 0, sizeof *m);
	if (edit_read(ctx, h, h->virtusertable, &m->vt) < 0)
		return -1;
	if (edit_read(ctx, h, h->mta_domains, &m->dom) < 0) {
		edit_release(&m->vt);
		return -1;
	}
	if (virtuser_parse(&m->v, h->virtusertable, m->vt.old.buf, m->vt.old.len) < 0) {
		edit_release(&m->vt);
		edit_release(&m->dom);
		return step_error(ctx, "%s: cannot read %s", h->name, h->virtusertable);
	}
	local_domains(m->dom.old.buf, &m->local);
	strlist_push(&m->local, h->fqdn);
	m->loaded = 1;
	return 0;
}

/* forwarded or local, as the config says or (auto) as the old host's table and ~/.forward say */
int
mail_mode(struct step_ctx *ctx, enum mail_mode *mode)
{
	struct maps m;
	struct strbuf fwd = STRBUF_INIT, path = STRBUF_INIT;
	int r;

	*mode = ctx->a->mail;
	if (*mode != MAIL_AUTO)
		return 0;
	/* decided once at phase1.6: after phase1.8 the old table forwards everything */
	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, "mail.mode", &fwd) == 1) {
		*mode = strcmp(fwd.buf, "forwarded") == 0 ? MAIL_FORWARDED : MAIL_LOCAL;
		strbuf_release(&fwd);
		return 0;
	}
	if (mail_maps_load(ctx, ctx->f->cf->from, &m) < 0)
		return -1;
	*mode = virtuser_mail_mode(&m.v, ctx->a->name, &ctx->a->domains, &m.local) ==
	    VU_MODE_FORWARDED ? MAIL_FORWARDED : MAIL_LOCAL;
	strbuf_addf(&path, "%s/%s/.forward", ctx->f->cf->from->home, ctx->a->name);
	r = remote_read_file(&ctx->f->tr, ctx->f->cf->from, path.buf, &fwd);
	if (*mode == MAIL_LOCAL && r == 0 && fwd.len &&
	    virtuser_classify(fwd.buf, &m.local) == VU_REMOTE)
		*mode = MAIL_FORWARDED;
	mail_maps_release(&m);
	strbuf_release(&fwd);
	strbuf_release(&path);
	return 0;
}

int
mail_skip_if_forwarded(struct step_ctx *ctx)
{
	enum mail_mode mode;

	if (mail_mode(ctx, &mode) < 0)
		return PROBE_ERROR;
	if (mode == MAIL_FORWARDED) {
		ctx->skip_reason = "mail is forwarded (phase1.6)";
		return PROBE_SKIP;
	}
	return PROBE_TODO;
}

/* phase1.6: says which way this account's mail goes */
static int
mode_probe(struct step_ctx *ctx)
{
	enum mail_mode mode;

	if (mail_mode(ctx, &mode) < 0)
		return PROBE_ERROR;
	if (!ctx->dry_run && ctx->f->j)
		journal_kv_set(ctx->f->j, ctx->a->name, "mail.mode",
		    mode == MAIL_FORWARDED ? "forwarded" : "local");
	strbuf_addstr(&ctx->detail, mode == MAIL_FORWARDED ?
	    "mail is forwarded: the spool steps are skipped, the forwarding lines move" :
	    "mail is delivered locally: the spool moves");
	return PROBE_DONE;
}

static int
mode_apply(struct step_ctx *ctx)
{
	return 0;
}

/* the journal's list of those addresses, taken when phase1.8 switched them */
void
mail_saved_addresses(struct step_ctx *ctx, struct strlist *out)
{
	struct strbuf v = STRBUF_INIT;

	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, "mail.addresses", &v) == 1)
		strlist_split(out, v.buf);
	strbuf_release(&v);
}

/* an address of the account to test with: its first full key, or ferry-test@DOMAIN */
void
mail_test_address(struct step_ctx *ctx, struct maps *m, struct strbuf *out)
{
	size_t *idx = xcalloc(m->v.n + 1, sizeof *idx);
	size_t n = virtuser_account_lines(&m->v, ctx->a->name, &ctx->a->domains, &m->local, idx);
	size_t i;

	for (i = 0; i < n; i++)
		if (m->v.lines[idx[i]].key[0] != '@' &&
		    virtuser_domain_in(virtuser_key_domain(m->v.lines[idx[i]].key), &ctx->a->domains)) {
			strbuf_addstr(out, m->v.lines[idx[i]].key);
			break;
		}
	if (out->len == 0)
		strbuf_addf(out, "%s@%s", ctx->a->name, ctx->a->domains.v[0]);
	free(idx);
}

/* 1 when the account's mail is forwarded (config, or auto from the old host's table) */
static int
mail_is_forwarded(struct step_ctx *ctx)
{
	enum mail_mode mode;

	return mail_mode(ctx, &mode) == 0 && mode == MAIL_FORWARDED;
}

static const struct step_ops mail_steps[] = {
	{ "phase1.6", mode_probe, mode_apply, NULL, NULL },
	{ "phase1.7", mail_spool_probe, mail_spool_apply, mail_spool_verify, mail_spool_back },
	{ "phase1.8", mail_switch_probe, mail_switch_apply, mail_switch_verify, mail_switch_undo },
	{ "phase1.9", mail_test_probe, mail_test_apply, NULL, NULL },
	{ "phase1.10", mail_spool_probe, mail_spool_apply, mail_spool_verify, mail_late_back },
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct service_answer mail_answers[] = {
	{ "mail.forwarded", mail_is_forwarded }, { NULL, NULL }
};

const struct service svc_mail = { .name = "mail", .steps = mail_steps, .answers = mail_answers };
