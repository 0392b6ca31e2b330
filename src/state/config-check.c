/*
 * config-check.c: the rules that need the whole file: required keys (a
 * missing key cites its section's header line), the keys a host needs for
 * its role and an account for its services, and names that must lie in
 * the account's own zones.  Cross-checks cite the offending key's line.
 */
#include <stdlib.h>
#include <string.h>

#include "config-int.h"
#include "log.h"

/* keys a service needs in the account that has it */
static const struct svc_need {
	unsigned svc;
	const char *name;
	const char *keys[7];
} svc_needs[] = {
	{ SVC_WEB | SVC_MAIL | SVC_MUSH, "web, mail or mush", { "domains", NULL } },
	{ SVC_WEB, "web", { "web", "test-name", NULL } },
	{ SVC_MUSH, "mush", { "mush-dir", "mush-port", "mush-start", "mush-save", "mush-name",
	  NULL } },
};

/* keys the old and new hosts need when any account has the service (0: always) */
static const struct role_need {
	unsigned svc;
	const char *why;
	const char *keys[5];
} role_needs[] = {
	{ 0, NULL, { "name", "home", NULL } },
	{ SVC_MAIL, "an account has mail", { "mta", "virtusertable", "mta-reload", NULL } },
	{ SVC_WEB, "an account has web", { "apache-vhosts", NULL } },
};

/* keys that only mean something with the service */
static const struct svc_need svc_only[] = {
	{ SVC_WEB, "web", { "web", "test-name", "web-check", NULL } },
	{ SVC_MAIL, "mail", { "mail", NULL } },
	{ SVC_MUSH, "mush", { "mush-dir", "mush-port", "mush-start", "mush-save", "mush-name",
	  "mush-stop", "mush-admin" } },
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static void
missing(struct pctx *p, const struct section *s, const char *key, const char *why)
{
	char buf[128];

	if (why)
		conf_error(p, s->line, "missing '%s' in %s (%s)", key,
		    sec_label(s, buf, sizeof buf), why);
	else
		conf_error(p, s->line, "missing '%s' in %s", key, sec_label(s, buf, sizeof buf));
}

static void
check_required(struct pctx *p, const struct section *s, const struct key_def *keys)
{
	const struct key_def *k;

	for (k = keys; k->name; k++)
		if (k->required && sec_key_line(s, k->name) == 0)
			missing(p, s, k->name, NULL);
}

static void
check_keys_needed(struct pctx *p, const struct section *s, const char *const *keys,
    const char *why)
{
	size_t i;

	for (i = 0; keys[i]; i++)
		if (sec_key_line(s, keys[i]) == 0)
			missing(p, s, keys[i], why);
}

/* ---- accounts ---- */

static void
name_in_zone(struct pctx *p, const struct section *s, const char *key, const char *name)
{
	const struct account *a = s->obj;

	if (name && a->domains.n && account_zone_of(a, name) == NULL)
		conf_error(p, sec_key_line(s, key), "%s: '%s' is in none of the account's domains",
		    key, name);
}

static void
account_names(struct pctx *p, const struct section *s)
{
	const struct account *a = s->obj;
	size_t i;

	for (i = 0; i < a->web.n; i++)
		name_in_zone(p, s, "web", a->web.v[i]);
	name_in_zone(p, s, "test-name", a->test_name);
	name_in_zone(p, s, "mush-name", a->mush_name);
	for (i = 0; i < a->dns_leave.n; i++)
		name_in_zone(p, s, "dns-leave", a->dns_leave.v[i]);
	if (a->test_name && strlist_has(&a->web, a->test_name))
		conf_error(p, sec_key_line(s, "test-name"), "test-name: '%s' is also a web name",
		    a->test_name);
}

static void
account_services(struct pctx *p, const struct section *s)
{
	const struct account *a = s->obj;
	struct strbuf why = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < NELEM(svc_needs); i++) {
		if (!(a->services & svc_needs[i].svc))
			continue;
		strbuf_reset(&why);
		strbuf_addstr(&why, "services has ");
		strbuf_addstr(&why, svc_needs[i].name);
		check_keys_needed(p, s, svc_needs[i].keys, why.buf);
	}
	strbuf_release(&why);
	if (a->mush_freeze == FREEZE_ANNOUNCE && (a->services & SVC_MUSH) &&
	    sec_key_line(s, "mush-admin") == 0)
		missing(p, s, "mush-admin", "mush-freeze = announce");
	/* a refused services line would make every key look out of place */
	for (i = 0; !sec_key_bad(s, "services") && i < NELEM(svc_only); i++)
		for (j = 0; !(a->services & svc_only[i].svc) && j < NELEM(svc_only[i].keys) &&
		    svc_only[i].keys[j]; j++)
			if (sec_key_line(s, svc_only[i].keys[j]))
				conf_warn(p, sec_key_line(s, svc_only[i].keys[j]),
				    "%s is set but services has no %s", svc_only[i].keys[j],
				    svc_only[i].name);
}

/*
 * A zone belongs to one account: its mail and records move with it; a port
 * too.  Sorted owners rather than every pair of accounts: a config of
 * 10,000 accounts is checked in milliseconds (make bench).
 */
struct owner {
	const char *domain;	/* NULL: the entry is a mush port */
	int port;
	size_t idx;		/* the account */
	const char *key;	/* a record name's key (web, test-name, mush-name); NULL: domains */
};

static int
cmp_owner(const void *x, const void *y)
{
	const struct owner *a = x, *b = y;
	int c = a->domain && b->domain ? strcmp(a->domain, b->domain) : a->port - b->port;

	if (c == 0)	/* zones apart from record names */
		c = (a->key != NULL) - (b->key != NULL);
	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int
same_owner_key(const struct owner *a, const struct owner *b)
{
	if (a->domain)
		return strcmp(a->domain, b->domain) == 0 && !a->key == !b->key;
	return a->port == b->port;
}

/* every later account of a run of equal keys against each earlier one */
static void
report_overlaps(struct pctx *p, const struct owner *v, size_t n,
    const struct section *const *sec_of_acct)
{
	const struct account *acc = p->cf->accounts;
	size_t i, j, a, b;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_owner_key(&v[i], &v[j]); j++)
			;
		for (a = i + 1; a < j; a++)
			for (b = i; b < a; b++) {
				const struct section *s = sec_of_acct[v[a].idx];

				if (s == NULL || v[a].idx == v[b].idx)
					continue;
				/*
				 * A zone may be shared by accounts without mail (each
				 * moves its own records; DNS edits change only those):
				 * a zone's MX moves with the one account that has mail.
				 */
				if (v[a].domain && !v[a].key && !(acc[v[a].idx].services & SVC_MAIL) &&
				    !(acc[v[b].idx].services & SVC_MAIL))
					continue;
				if (v[a].key)
					conf_error(p, sec_key_line(s, v[a].key),
					    "%s: '%s' is also a name of [account %s]",
					    v[a].key, v[a].domain, acc[v[b].idx].name);
				else if (v[a].domain)
					conf_error(p, sec_key_line(s, "domains"),
					    "domains: '%s' also belongs to [account %s]",
					    v[a].domain, acc[v[b].idx].name);
				else	/* both games end up on the new host */
					conf_error(p, sec_key_line(s, "mush-port"),
					    "mush-port: %d is also the port of [account %s]",
					    v[a].port, acc[v[b].idx].name);
			}
	}
}

static void
account_overlaps(struct pctx *p)
{
	const struct config *cf = p->cf;
	const struct section **sec_of_acct = xcalloc(cf->n_accounts + 1, sizeof *sec_of_acct);
	struct owner *dom = NULL, *port = NULL;
	size_t n_dom = 0, n_port = 0, i, k;

	for (i = 0; i < p->n; i++)
		if (!p->secs[i].ignored && p->secs[i].kind == SEC_ACCOUNT)
			sec_of_acct[(const struct account *)p->secs[i].obj - cf->accounts] = &p->secs[i];
	for (i = 0; i < cf->n_accounts; i++) {
		const struct account *a = &cf->accounts[i];

		dom = xreallocarray(dom, n_dom + a->domains.n + a->web.n + 3, sizeof *dom);
		for (k = 0; k < a->domains.n; k++)
			dom[n_dom++] = (struct owner){ .domain = a->domains.v[k], .idx = i };
		for (k = 0; k < a->web.n; k++)
			dom[n_dom++] = (struct owner){ .domain = a->web.v[k], .idx = i, .key = "web" };
		if (a->test_name)
			dom[n_dom++] = (struct owner){ .domain = a->test_name, .idx = i,
			    .key = "test-name" };
		if (a->mush_name)
			dom[n_dom++] = (struct owner){ .domain = a->mush_name, .idx = i,
			    .key = "mush-name" };
		if ((a->services & SVC_MUSH) && a->mush_port) {
			port = xreallocarray(port, n_port + 1, sizeof *port);
			port[n_port++] = (struct owner){ .port = a->mush_port, .idx = i };
		}
	}
	/* qsort must not see NULL even for 0 items (UBSan) */
	if (n_dom)
		qsort(dom, n_dom, sizeof *dom, cmp_owner);
	if (n_port)
		qsort(port, n_port, sizeof *port, cmp_owner);
	report_overlaps(p, dom, n_dom, sec_of_acct);
	report_overlaps(p, port, n_port, sec_of_acct);
	free(dom);
	free(port);
	free(sec_of_acct);
}

static void
check_account(struct pctx *p, const struct section *s)
{
	const struct account *a = s->obj, *b;
	struct section *m;

	account_services(p, s);
	account_names(p, s);
	if (!a->userdir)
		return;
	/* said once, for the first account that needs it */
	for (b = p->cf->accounts; b < a && !b->userdir; b++)
		;
	if (b == a && (m = sec_of(p, p->cf)) != NULL) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addf(&why, "[account %s] has userdir = yes", a->name);
		if (sec_key_line(m, "userdir-domain") == 0)
			missing(p, m, "userdir-domain", why.buf);
		if (sec_key_line(m, "userdir-redirect") == 0)
			missing(p, m, "userdir-redirect", why.buf);
		strbuf_release(&why);
	}
}

/* ---- hosts and [dns] ---- */

static unsigned
all_services(const struct config *cf)
{
	unsigned svc = 0;
	size_t i;

	for (i = 0; i < cf->n_accounts; i++)
		svc |= cf->accounts[i].services;
	return svc;
}

static void
check_role(struct pctx *p, const struct host *h)
{
	const struct section *s = sec_of(p, h);
	unsigned svc = all_services(p->cf);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < NELEM(role_needs); i++)
		if (role_needs[i].svc == 0 || (svc & role_needs[i].svc))
			check_keys_needed(p, s, role_needs[i].keys,
			    role_needs[i].why ? role_needs[i].why : "the old and new hosts need it");
	if ((svc & SVC_MAIL) && h->mta == MTA_POSTFIX && h->mta_domains == NULL)
		missing(p, s, "mta-domains", "no default for postfix");
}

static void
check_migration(struct pctx *p)
{
	struct config *cf = p->cf;
	struct section *m = sec_of(p, cf);

	if (m == NULL) {
		conf_error(p, 1, "no [migration] section");
		return;
	}
	if (cf->from && cf->from == cf->to)
		conf_error(p, sec_key_line(m, "to"), "to: the same host as from (%s)",
		    cf->to->name);
	if (cf->from)
		check_role(p, cf->from);
	if (cf->to && cf->to != cf->from)
		check_role(p, cf->to);
}

static void
check_dns(struct pctx *p)
{
	struct dns_conf *dns = &p->cf->dns;
	struct section *s = sec_of(p, dns);
	size_t i;

	if (s == NULL) {
		if (all_services(p->cf))
			conf_error(p, 1, "no [dns] section (an account has web, mail or mush)");
		return;
	}
	if (dns->zone_file && !strstr(dns->zone_file, "%z"))
		conf_error(p, sec_key_line(s, "zone-file"),
		    "zone-file: '%s' has no %%z (one file per zone)", dns->zone_file);
	for (i = 0; i < dns->n_secondaries; i++)
		if (dns->secondaries[i] == dns->primary)
			conf_error(p, sec_key_line(s, "secondaries"),
			    "secondaries: '%s' is the primary", dns->primary->name);
}

void
conf_check_all(struct pctx *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!p->secs[i].ignored)
			check_required(p, &p->secs[i], conf_section_keys(p->secs[i].kind));
	check_migration(p);
	check_dns(p);
	if (p->cf->n_accounts == 0)
		conf_error(p, 1, "no [account NAME] section");
	for (i = 0; i < p->n; i++)
		if (!p->secs[i].ignored && p->secs[i].kind == SEC_ACCOUNT)
			check_account(p, &p->secs[i]);
	account_overlaps(p);
}
