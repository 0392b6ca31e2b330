/*
 * cmd-check.c: preflight.  Every host is reached over ssh; each host then
 * gets ONE round trip: a constant probe script whose arguments are tagged
 * items ("p:rsync", "f:/home", ...), answering one line per finding.  DNS
 * is asked from here, one nameserver at a time, as the cut-over will be.
 * Findings are "ferry: check: HOST: problem"; what passes is "ok HOST: what".
 * What is asked: check-plan.c; the verdicts on the answers:
 * check-findings.c; here reach, DNS and the command.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check-int.h"
#include "check-world.h"
#include "probe.h"

void __attribute__((format(printf, 2, 3)))
check_ok(const struct host *h, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	info("ok %s: %s", h ? h->name : "config", sb.buf);
	strbuf_release(&sb);
}

void __attribute__((format(printf, 3, 4)))
check_bad(struct check *ck, const struct host *h, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("check: %s: %s", h->name, sb.buf);
	strbuf_release(&sb);
	ck->failed = 1;
}

struct probe *
probe_of(struct check *ck, const struct host *h)
{
	size_t i;

	for (i = 0; i < ck->n_probes; i++)
		if (ck->probes[i].h == h)
			return &ck->probes[i];
	ck->probes = xreallocarray(ck->probes, ck->n_probes + 1, sizeof *ck->probes);
	ck->probes[ck->n_probes] = (struct probe){ .h = h };
	return &ck->probes[ck->n_probes++];
}

struct item *
add_item(struct probe *p, int kind, const char *arg, const char *what, const struct account *a)
{
	struct item *it;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->items[i].kind == kind && strcmp(p->items[i].arg, arg) == 0 &&
		    p->items[i].a == a)
			return &p->items[i];
	p->items = xreallocarray(p->items, p->n + 1, sizeof *p->items);
	it = &p->items[p->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->arg = xstrdup(arg);
	it->what = xstrdup(what);
	it->a = a;
	strbuf_init(&it->text);
	return it;
}

struct item *
find_item(const struct probe *p, int kind, const struct account *a)
{
	size_t i;

	for (i = 0; p && i < p->n; i++)
		if (p->items[i].kind == kind && p->items[i].a == a)
			return &p->items[i];
	return NULL;
}

/* one nameserver's answer for zone: 0 good (serial in *serial), -1 reported */
static int
ask_nameserver(struct check *ck, const struct host *ns, const char *zone, unsigned *serial)
{
	struct dns_answer ans;
	int r = -1;

	memset(&ans, 0, sizeof ans);
	if (ns->address == NULL)
		check_bad(ck, ns, "%s: no address to ask", zone);
	else if (dns_query(ns->address, zone, "SOA", &ans) < 0)
		check_bad(ck, ns, "%s: no answer from %s", zone, ns->address);
	else if (ans.rcode != 0)
		check_bad(ck, ns, "%s: %s answered rcode %d", zone, ns->address, ans.rcode);
	else if (!ans.aa || ans.values.n == 0 || !ans.has_serial)
		check_bad(ck, ns, "%s: %s does not answer authoritatively", zone, ns->address);
	else {
		*serial = ans.serial;
		r = 0;
	}
	dns_answer_release(&ans);
	return r;
}

static void
check_zone(struct check *ck, struct host **ns, size_t n_ns, const char *zone)
{
	unsigned *serial = xcalloc(n_ns ? n_ns : 1, sizeof *serial);
	int *good = xcalloc(n_ns ? n_ns : 1, sizeof *good);
	size_t i, ref = n_ns;

	for (i = 0; i < n_ns; i++) {
		good[i] = ask_nameserver(ck, ns[i], zone, &serial[i]) == 0;
		if (good[i] && ref == n_ns)
			ref = i;	/* the primary when it answers, it comes first */
	}
	for (i = 0; i < n_ns; i++) {
		if (!good[i])
			continue;
		if (serial[i] != serial[ref])
			check_bad(ck, ns[i], "%s: serial %u, but %s has %u", zone, serial[i],
			    ns[ref]->name, serial[ref]);
		else
			check_ok(ns[i], "%s authoritative, serial %u", zone, serial[i]);
	}
	free(serial);
	free(good);
}

static void
check_dns(struct check *ck)
{
	struct host **ns = NULL;
	size_t n_ns = config_nameservers(ck->f->cf, &ns), i, k;
	struct strlist done = STRLIST_INIT;

	for (i = 0; i < ck->n_accts; i++) {
		for (k = 0; k < ck->accts[i]->domains.n; k++) {
			const char *zone = ck->accts[i]->domains.v[k];

			if (strlist_has(&done, zone))
				continue;
			strlist_push(&done, zone);
			check_zone(ck, ns, n_ns, zone);
		}
	}
	strlist_clear(&done);	/* ns belongs to the config */
}

static void
check_reach(struct check *ck, const struct host *h, int *up)
{
	const char *argv[] = { "true", NULL };
	struct strbuf why = STRBUF_INIT;

	*up = 0;
	if (remote_connect(&ck->f->tr, h, &why) < 0)
		check_bad(ck, h, "ssh %s: %s", h->ssh, why.buf);
	else if (remote_capture(&ck->f->tr, h, argv, NULL, NULL) != 0)
		check_bad(ck, h, "ssh %s: true did not succeed", h->ssh);
	else {
		check_ok(h, h->local ? "local" : "ssh %s", h->ssh);
		*up = 1;
	}
	strbuf_release(&why);
}

static void
release_check(struct check *ck)
{
	size_t i, k;

	for (i = 0; i < ck->n_probes; i++) {
		for (k = 0; k < ck->probes[i].n; k++) {
			free(ck->probes[i].items[k].arg);
			free(ck->probes[i].items[k].what);
			strbuf_release(&ck->probes[i].items[k].text);
		}
		free(ck->probes[i].items);
	}
	free(ck->probes);
	free(ck->accts);
}

static int
cmd_check_exec(struct ferry *f, int argc, char **argv)
{
	struct check ck = { .f = f };
	struct config *cf = f->cf;
	int *up;
	size_t i, k;

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0)
		return cmd_usage_error(&cmd_check_entry, "unknown option %s", argv[1]);
	k = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
	if (select_accounts(f, &cmd_check_entry, argv + k, argc - (int)k, 0, &ck.accts,
	    &ck.n_accts) < 0)
		return EXIT_USAGE;
	up = xcalloc(cf->n_hosts + 1, sizeof *up);
	check_ok(NULL, "%s", cf->path);
	plan_probes(&ck);
	for (i = 0; i < cf->n_hosts; i++) {
		check_reach(&ck, &cf->hosts[i], &up[i]);
		for (k = 0; k < ck.n_probes; k++)
			if (ck.probes[k].h == &cf->hosts[i] && up[i])
				run_probe(&ck, &ck.probes[k]);
	}
	for (k = 0; k < ck.n_probes; k++)
		if (ck.probes[k].up)
			report_programs_paths(&ck, &ck.probes[k]);
	report_rsync(&ck, probe_of(&ck, cf->from));
	report_modules(&ck, probe_of(&ck, cf->from), probe_of(&ck, cf->to));
	report_space(&ck, probe_of(&ck, cf->from), probe_of(&ck, cf->to));
	check_dns(&ck);
	if (up[cf->from - cf->hosts] && up[cf->to - cf->hosts] && check_world(f, ck.accts, ck.n_accts) < 0)
		ck.failed = 1;
	release_check(&ck);
	free(up);
	return ck.failed ? EXIT_FAIL : EXIT_OK;
}

const struct cmd_entry cmd_check_entry = {
	"check", "[ACCOUNT...]", CMD_NEEDS_CONFIG, cmd_check_exec
};
