/*
 * mail-switch.c: phase1.8 of the mail driver (svc-mail.c).  The address
 * map (virtusertable or postfix's virtual, through the MTA layer of mta.c)
 * is switched on the new host first, then the old one forwards; verified
 * by what a sending MTA sees (SMTP RCPT) and by lookups in the databases
 * the MTAs built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "mail-addr.h"
#include "mail-int.h"
#include "mta.h"
#include "probe.h"
#include "virtuser.h"

/* the planned texts of both maps on h; changed says whether any differs */
static int
plan_new_host(struct step_ctx *ctx, struct maps *old, struct maps *new,
    struct strbuf *vt, struct strbuf *dom)
{
	struct strlist keys = STRLIST_INIT, values = STRLIST_INIT, both = STRLIST_INIT;
	struct strbuf cur = STRBUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < old->local.n; i++)
		strlist_push(&both, old->local.v[i]);
	for (i = 0; i < new->local.n; i++)
		strlist_push(&both, new->local.v[i]);
	virtuser_wanted_new(&old->v, ctx->a->name, &ctx->a->domains, &both, &keys, &values);
	if (virtuser_set(&new->v, ctx->a->name, &keys, &values, vt) < 0)
		r = -1;
	strbuf_add(&cur, new->dom.old.buf, new->dom.old.len);
	for (i = 0; r == 0 && i < ctx->a->domains.n; i++) {
		if (mtadomains_add(cur.buf, cur.len, ctx->a->domains.v[i], dom) < 0)
			r = -1;
		strbuf_reset(&cur);
		strbuf_add(&cur, dom->buf, dom->len);
	}
	strbuf_reset(dom);
	strbuf_add(dom, cur.buf, cur.len);
	strlist_clear(&keys);
	strlist_clear(&values);
	strlist_clear(&both);
	strbuf_release(&cur);
	return r;
}

/*
 * The addresses h delivers to the account's mailbox with no map line of
 * their own (mail-addr.h), as h's map and aliases file are now; for an
 * account whose mail is delivered locally (a forwarded one's local mailbox
 * is not moved either).
 */
static int
implicit_addresses(struct step_ctx *ctx, const struct host *h, struct maps *m,
    struct strlist *out)
{
	struct strlist names = STRLIST_INIT;
	struct strbuf text = STRBUF_INIT;
	enum mail_mode mode;
	int r;

	if (mail_mode(ctx, &mode) < 0)
		return -1;
	if (mode != MAIL_LOCAL)
		return 0;
	if ((r = remote_read_file(&ctx->f->tr, h, mta_of(h)->aliases, &text)) < 0)
		return -1;
	mail_alias_names(text.buf, ctx->a->name, &names);
	mail_implicit_addresses(&m->v, &m->local, &ctx->a->domains, ctx->a->name, &names, out);
	strlist_clear(&names);
	strbuf_release(&text);
	return 0;
}

/*
 * The lines keys[k] values[k] right after the account's last line in vt
 * (a section of its own at the end when it has none): beside its own lines,
 * not at the end where the next account's additions would touch them, so
 * that rolling one account back (diff3, merge.c) keeps the other's.
 */
static int
insert_after_account(struct step_ctx *ctx, const struct virtuser *vt,
    const struct strlist *local, const struct strlist *keys, const struct strlist *values,
    struct strbuf *out)
{
	size_t *idx = xcalloc(vt->n + 1, sizeof *idx);
	size_t n = virtuser_account_lines(vt, ctx->a->name, &ctx->a->domains, local, idx), i, at;
	const struct vu_line *last;

	if (n == 0) {
		free(idx);
		return virtuser_set(vt, ctx->a->name, keys, values, out);
	}
	last = &vt->lines[idx[n - 1]];
	at = last->end;
	strbuf_reset(out);
	strbuf_add(out, vt->text, at);
	if (last->eol == 0)
		strbuf_addch(out, '\n');
	for (i = 0; i < keys->n; i++)
		strbuf_addf(out, "%s\t%s\n", keys->v[i], values->v[i]);
	strbuf_add(out, vt->text + at, vt->len - at);
	free(idx);
	return 1;
}

/* old host: the account's lines forward to the new host, and so do its implicit addresses */
static int
plan_old_host(struct step_ctx *ctx, struct maps *old, struct strbuf *vt)
{
	struct strbuf target = STRBUF_INIT, joined = STRBUF_INIT;
	struct strlist implicit = STRLIST_INIT, values = STRLIST_INIT;
	struct virtuser fwd;
	size_t i;
	int r;

	strbuf_addf(&target, "%%u@%s", ctx->f->cf->to->fqdn);
	r = virtuser_forward(&old->v, ctx->a->name, &ctx->a->domains, &old->local, target.buf, vt);
	if (r >= 0)
		r = implicit_addresses(ctx, ctx->f->cf->from, old, &implicit);
	if (r >= 0 && implicit.n) {
		for (i = 0; i < implicit.n; i++) {
			strlist_pushf(&values, "%s@%s", ctx->a->name, ctx->f->cf->to->fqdn);
			strbuf_addf(&joined, "%s%s", i ? " " : "", implicit.v[i]);
		}
		strbuf_addf(&ctx->diff, "%s delivers to %s with no line of its own: %s\n",
		    ctx->f->cf->from->name, ctx->a->name, joined.buf);
		if (ctx->f->j && !ctx->dry_run)
			journal_kv_set(ctx->f->j, ctx->a->name, "mail.addresses", joined.buf);
		if ((r = virtuser_parse(&fwd, ctx->f->cf->from->virtusertable, vt->buf, vt->len)) == 0) {
			r = insert_after_account(ctx, &fwd, &old->local, &implicit, &values, vt);
			virtuser_release(&fwd);
		}
	}
	strlist_clear(&implicit);
	strlist_clear(&values);
	strbuf_release(&target);
	strbuf_release(&joined);
	return r < 0 ? -1 : 0;
}

/* commits whichever of the two files changed, then mta-reload */
static int
commit_maps(struct step_ctx *ctx, const struct host *h, struct maps *m, const char *vt,
    const char *dom, int *changed)
{
	struct strlist check = STRLIST_INIT;
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = 0;

	*changed = strcmp(vt, m->vt.old.buf) != 0 || (dom && strcmp(dom, m->dom.old.buf) != 0);
	if (ctx->dry_run) {
		if (strcmp(vt, m->vt.old.buf) != 0)
			edit_diff(ctx, &m->vt, vt);
		if (dom && strcmp(dom, m->dom.old.buf) != 0)
			edit_diff(ctx, &m->dom, dom);
		return 0;
	}
	mta_check_argv(h, &check);
	if (edit_owe_reload(ctx, h, "mta", 1) < 0)
		r = -1;
	if (r == 0 && dom && strcmp(dom, m->dom.old.buf) != 0)
		r = edit_commit(ctx, &m->dom, dom, EDIT_CHECK_NONE, NULL, &ex);
	if (r == 0 && strcmp(vt, m->vt.old.buf) != 0)
		r = edit_commit(ctx, &m->vt, vt, EDIT_CHECK_NEW, &check, &ex);
	/* the live database from the live text, before the reload; the old text back if it fails */
	if (r == 0 && mta_build(ctx, h) < 0) {
		if (edit_restore(ctx, h, h->virtusertable, EDIT_CHECK_NEW, &check, &ex) == 0)
			mta_build(ctx, h);
		r = -1;
	}
	if (r == 0 && host_command(ctx, h, &h->mta_reload, &ex, &out) != 0)
		r = step_error(ctx, "%s: mta-reload failed: %s", h->name, out.buf);
	if (r == 0)
		r = edit_owe_reload(ctx, h, "mta", 0);
	strlist_clear(&check);
	strbuf_release(&out);
	return r;
}

static int
switch_maps(struct step_ctx *ctx, int apply, int *pending)
{
	struct config *cf = ctx->f->cf;
	struct maps old, new;
	struct strbuf vt = STRBUF_INIT, dom = STRBUF_INIT;
	int r = -1, c1 = 0, c2 = 0;

	if (mail_maps_load(ctx, cf->from, &old) < 0)
		return -1;
	if (mail_maps_load(ctx, cf->to, &new) < 0)
		goto out;
	if (plan_new_host(ctx, &old, &new, &vt, &dom) < 0)
		goto out;
	if (apply || ctx->dry_run) {
		if (commit_maps(ctx, cf->to, &new, vt.buf, dom.buf, &c1) < 0)
			goto out;
	} else
		c1 = strcmp(vt.buf, new.vt.old.buf) != 0 || strcmp(dom.buf, new.dom.old.buf) != 0;
	strbuf_reset(&vt);
	/* the old host forwards only once the new one accepts */
	if (plan_old_host(ctx, &old, &vt) < 0)
		goto out;
	if (apply && !ctx->dry_run && smtp_greets(cf->to->address, 25) != 1) {
		step_error(ctx, "%s: the MTA does not answer on %s:25; %s keeps delivering locally",
		    cf->to->name, cf->to->address, cf->from->name);
		goto out;
	}
	if (apply || ctx->dry_run) {
		if (commit_maps(ctx, cf->from, &old, vt.buf, NULL, &c2) < 0)
			goto out;
	} else
		c2 = strcmp(vt.buf, old.vt.old.buf) != 0;
	/* a run killed between a table's write and mta-reload */
	*pending = c1 + c2 + edit_reload_owed(ctx, cf->to, "mta") +
	    edit_reload_owed(ctx, cf->from, "mta");
	r = 0;
out:
	mail_maps_release(&old);
	mail_maps_release(&new);
	strbuf_release(&vt);
	strbuf_release(&dom);
	return r;
}

int
mail_switch_probe(struct step_ctx *ctx)
{
	int pending = 0;

	/* in a dry run this one call also writes both hosts' diffs */
	if (switch_maps(ctx, 0, &pending) < 0)
		return PROBE_ERROR;
	return pending ? PROBE_TODO : PROBE_DONE;
}

int
mail_switch_apply(struct step_ctx *ctx)
{
	int pending = 0;

	if (switch_maps(ctx, 1, &pending) < 0)
		return -1;
	strbuf_addf(&ctx->detail, "virtusertable switched on %s, then %s", ctx->f->cf->to->name,
	    ctx->f->cf->from->name);
	return 0;
}

/* what an outsider sees: h's MTA takes mail for addr (RCPT TO answered 2xx) */
static int
rcpt_accepted(struct step_ctx *ctx, const struct host *h, const char *addr)
{
	struct strbuf reply = STRBUF_INIT;
	int code = smtp_rcpt(h->address, 25, "ferry.invalid", ctx->f->cf->admin, addr, &reply);

	if (code < 200 || code > 299)
		step_error(ctx, "%s: RCPT TO:<%s> answered %d: %s", h->name, addr, code, reply.buf);
	strbuf_release(&reply);
	return code >= 200 && code <= 299 ? 0 : -1;
}

/* each address phase1.8 found delivering with no line of its own: the old
   host takes it (RCPT) and its built map sends it to the new host */
static int
implicit_forwarded(struct step_ctx *ctx)
{
	const struct host *old = ctx->f->cf->from;
	struct strlist addrs = STRLIST_INIT;
	struct strbuf v = STRBUF_INIT;
	size_t i;
	int r = 0;

	mail_saved_addresses(ctx, &addrs);
	for (i = 0; r == 0 && i < addrs.n; i++) {
		if (rcpt_accepted(ctx, old, addrs.v[i]) < 0)
			r = -1;
		else if (mta_lookup(ctx, old, addrs.v[i], &v) != 1 ||
		    strstr(v.buf, ctx->f->cf->to->fqdn) == NULL)
			r = step_error(ctx, "%s: %s's map gives %s \"%s\": it still delivers here",
			    old->name, mta_of(old)->name, addrs.v[i], v.buf);
	}
	if (r == 0 && addrs.n)
		strbuf_addf(&ctx->detail, "%s%zu more addresses forwarded by %s",
		    ctx->detail.len ? "; " : "", addrs.n, old->name);
	strlist_clear(&addrs);
	strbuf_release(&v);
	return r;
}

/*
 * Both MTAs take mail for the test address over SMTP, and the databases
 * they built (makemap -u / postmap -q, not the text) agree with the
 * switch: the new host delivers it here (local mode), the old one sends it
 * to the new host.
 */
int
mail_switch_verify(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	struct maps m;
	struct strbuf addr = STRBUF_INIT, nv = STRBUF_INIT, ov = STRBUF_INIT;
	enum mail_mode mode;
	int r = -1, fn, fo;

	if (mail_mode(ctx, &mode) < 0 || mail_maps_load(ctx, cf->to, &m) < 0)
		return -1;
	mail_test_address(ctx, &m, &addr);
	if (rcpt_accepted(ctx, cf->to, addr.buf) < 0 || rcpt_accepted(ctx, cf->from, addr.buf) < 0)
		goto out;
	if ((fn = mta_lookup(ctx, cf->to, addr.buf, &nv)) < 0 ||
	    (fo = mta_lookup(ctx, cf->from, addr.buf, &ov)) < 0)
		goto out;
	if (mode == MAIL_LOCAL && (fn == 0 || virtuser_classify(nv.buf, &m.local) != VU_LOCAL)) {
		step_error(ctx, "%s: %s's map gives %s \"%s\", not a local user", cf->to->name,
		    mta_of(cf->to)->name, addr.buf, fn ? nv.buf : "(nothing)");
		goto out;
	}
	if (mode == MAIL_LOCAL && (fo == 0 || strstr(ov.buf, cf->to->fqdn) == NULL)) {
		step_error(ctx, "%s: %s's map gives %s \"%s\": it still delivers here", cf->from->name,
		    mta_of(cf->from)->name, addr.buf, fo ? ov.buf : "(nothing)");
		goto out;
	}
	if (mode == MAIL_LOCAL && implicit_forwarded(ctx) < 0)
		goto out;
	strbuf_addf(&ctx->detail, "%sRCPT %s 250 at both; %s maps it to %s, %s to %s",
	    ctx->detail.len ? "; " : "", addr.buf, cf->to->name, fn ? nv.buf : "(none)", cf->from->name, fo ? ov.buf : "(none)");
	r = 0;
out:
	mail_maps_release(&m);
	strbuf_release(&addr);
	strbuf_release(&nv);
	strbuf_release(&ov);
	return r;
}

/* both tables byte for byte as they were, and both maps rebuilt */
int
mail_switch_undo(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	const struct host *hosts[] = { cf->from, cf->to };
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < 2 && r == 0; i++) {
		struct strlist check = STRLIST_INIT;

		mta_check_argv(hosts[i], &check);
		r = edit_restore(ctx, hosts[i], hosts[i]->virtusertable, EDIT_CHECK_NEW, &check, &ex);
		if (r == 0)
			r = edit_restore(ctx, hosts[i], hosts[i]->mta_domains, EDIT_CHECK_NONE, NULL, &ex);
		if (r == 0)
			r = mta_build(ctx, hosts[i]);
		if (r == 0 && host_command(ctx, hosts[i], &hosts[i]->mta_reload, &ex, &out) != 0)
			r = step_error(ctx, "%s: mta-reload failed: %s", hosts[i]->name, out.buf);
		strlist_clear(&check);
	}
	strbuf_release(&out);
	return r;
}
