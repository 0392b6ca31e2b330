/*
 * firewall.c: prep.6's only change.  When a users' ssh port is measurably
 * blocked (the new host's sshd listens there, yet no banner reaches ferry)
 * and the host has a `firewall` script, one line per blocked port is added
 * to it, checked with sh -n, the script run, and the port measured again;
 * if it still does not answer, the old script is put back and run.  The
 * line inserts an ACCEPT at the head of INPUT, so flushes and DROP policies
 * earlier in the script cannot hide it.  An nft-only script is not edited
 * (its table and chain names are its author's): the message says so.
 * The edit is journaled like any other; rollback restores and reruns it.
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "edit.h"
#include "journal.h"
#include "log.h"
#include "text.h"

#define MARK "# ferry prep.6: ssh for the users"

/* runs the script as its host would: itself when executable, else through sh */
static const char run_script[] =
	"if [ -x \"$1\" ]; then \"$1\"; else sh \"$1\"; fi 2>&1";

/* the ports users log in at that sshd listens on and no banner reaches from here */
static int
blocked_ports(struct step_ctx *ctx, struct strlist *out)
{
	struct strlist old = STRLIST_INIT, new = STRLIST_INIT;
	struct strbuf why = STRBUF_INIT;
	size_t i;
	int r;

	r = access_ssh_ports(ctx, ctx->f->cf->from, &old);
	if (r == 0)
		r = access_ssh_ports(ctx, ctx->f->cf->to, &new);
	for (i = 0; r == 0 && i < old.n; i++) {
		strbuf_reset(&why);
		if (strlist_has(&new, old.v[i]) &&
		    access_banner(ctx->f->cf->to->address, text_port(old.v[i]), &why) < 0)
			strlist_push(out, old.v[i]);
	}
	strlist_clear(&old);
	strlist_clear(&new);
	strbuf_release(&why);
	return r;
}

/* the script with an ACCEPT line per port, before a final top-level exit */
static int
adjusted(const struct strbuf *old, const struct strlist *ports, struct strbuf *out)
{
	const char *text = old->buf, *last, *p;
	size_t cut = old->len, i;

	if (strstr(text, "iptables") == NULL && strstr(text, "nft") != NULL)
		return -1;
	/* the last non-blank line: when it is "exit ...", the lines go before it */
	p = text + old->len;
	while (p > text && (p[-1] == '\n' || p[-1] == ' ' || p[-1] == '\t'))
		p--;
	last = p;
	while (last > text && last[-1] != '\n')
		last--;
	if (strncmp(last, "exit", 4) == 0 && (last[4] == ' ' || last[4] == '\n' || last[4] == '\0'))
		cut = (size_t)(last - text);
	strbuf_add(out, text, cut);
	if (out->len && out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
	strbuf_addstr(out, MARK "\n");
	for (i = 0; i < ports->n; i++)
		strbuf_addf(out, "iptables -I INPUT -p tcp --dport %s -j ACCEPT\n", ports->v[i]);
	strbuf_add(out, text + cut, old->len - cut);
	return 0;
}

static int
run_firewall(struct step_ctx *ctx, const struct host *h)
{
	const char *args[] = { h->firewall, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = 0;

	if (host_sh(ctx, h, run_script, args, &out) != 0)
		r = step_error(ctx, "%s: %s failed: %s", h->name, h->firewall, out.buf);
	strbuf_release(&out);
	return r;
}

static int
commit_and_measure(struct step_ctx *ctx, struct file_edit *e, const char *text,
    const struct strlist *ports)
{
	const struct host *h = ctx->f->cf->to;
	struct strlist check = STRLIST_INIT, still = STRLIST_INIT;
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	int r;

	strlist_push(&check, "sh");
	strlist_push(&check, "-n");
	strlist_push(&check, "%f");
	if (journal_kv_set(ctx->f->j, ctx->a->name, "firewall-adjusted", h->firewall) < 0 ||
	    edit_commit(ctx, e, text, EDIT_CHECK_NEW, &check, &ex) < 0) {
		strlist_clear(&check);
		return -1;
	}
	r = run_firewall(ctx, h);
	if (r == 0 && blocked_ports(ctx, &still) == 0 && still.n) {
		step_error(ctx, "%s: ssh port %s still does not answer after adjusting %s: put back",
		    h->name, still.v[0], h->firewall);
		edit_restore(ctx, h, h->firewall, EDIT_CHECK_NONE, NULL, &ex);
		run_firewall(ctx, h);
		r = -1;
	} else if (r == 0)
		strbuf_addf(&ctx->detail, "%s admits ssh port%s %s now", h->firewall,
		    ports->n > 1 ? "s" : "", ports->v[0]);
	strlist_clear(&check);
	strlist_clear(&still);
	return r;
}

int
firewall_adjust(struct step_ctx *ctx)
{
	const struct host *h = ctx->f->cf->to;
	struct strlist ports = STRLIST_INIT;
	struct strbuf text = STRBUF_INIT;
	struct file_edit e;
	int r = 0;

	if (h->firewall == NULL)
		return 0;	/* prep.6's check says what it measured */
	if (blocked_ports(ctx, &ports) < 0)
		return -1;
	if (ports.n == 0)
		goto out;
	if (edit_read(ctx, h, h->firewall, &e) < 0) {
		r = -1;
		goto out;
	}
	if (adjusted(&e.old, &ports, &text) < 0)
		r = step_error(ctx, "%s: ssh port %s is blocked and %s uses nft only: "
		    "add an accept rule by hand", h->name, ports.v[0], h->firewall);
	else if (ctx->dry_run)
		edit_diff(ctx, &e, text.buf);
	else
		r = commit_and_measure(ctx, &e, text.buf, &ports);
	edit_release(&e);
out:
	strlist_clear(&ports);
	strbuf_release(&text);
	return r;
}

int
firewall_undo(struct step_ctx *ctx)
{
	const struct host *h = ctx->f->cf->to;
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strbuf val = STRBUF_INIT;
	int r = 0, k;

	if ((k = journal_kv_get(ctx->f->j, ctx->a->name, "firewall-adjusted", &val)) < 0)
		r = -1;
	else if (k == 1 && h->firewall && strcmp(val.buf, h->firewall) == 0) {
		r = edit_restore(ctx, h, h->firewall, EDIT_CHECK_NONE, NULL, &ex);
		if (r == 0)
			r = run_firewall(ctx, h);
		if (r == 0)
			strbuf_addf(&ctx->detail, "%s on %s as before", h->firewall, h->name);
	}
	if (r == 0 && k == 1)
		r = journal_kv_del(ctx->f->j, ctx->a->name, "firewall-adjusted") < 0 ? -1 : 0;
	strbuf_release(&val);
	return r;
}
