/*
 * discover-risk.c: what could break the move, from what discover read:
 * names that resolve elsewhere or nowhere, records at the old address no
 * account claims, TTLs longer than the cut-over, certificates near expiry,
 * homes and mail larger than the new host's free space, crontabs and
 * running processes, and listening services ferry does not move.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "discover-int.h"
#include "xmalloc.h"

void
dsc_risk(struct dsc *d, const char *kind, const char *account, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	d->risks = xreallocarray(d->risks, d->n_risks + 1, sizeof *d->risks);
	d->risks[d->n_risks].kind = xstrdup(kind);
	d->risks[d->n_risks].account = account ? xstrdup(account) : NULL;
	d->risks[d->n_risks].text = strbuf_detach(&sb);
	d->n_risks++;
}

/* names some account, the host or the zones themselves stand for */
static int
claimed(const struct dsc *d, const char *name)
{
	size_t i, k;

	if (d->old.fqdn && strcasecmp(name, d->old.fqdn) == 0)
		return 1;
	for (i = 0; i < d->n_acc; i++)
		if (strlist_has(&d->acc[i].web, name) ||
		    (d->acc[i].mush_name && strcmp(d->acc[i].mush_name, name) == 0))
			return 1;
	for (i = 0; i < d->n_pz; i++)
		for (k = 0; d->zdata[i].origin && k < d->zdata[i].n; k++) {
			const struct zone_rr *r = &d->zdata[i].rr[k];
			const char *host = NULL;
			size_t len;

			if (strcmp(r->type, "NS") == 0)
				host = r->rdata;
			else if (strcmp(r->type, "MX") == 0)
				host = zone_mx_host(r);
			if (host && (len = strlen(name)) && strncasecmp(host, name, len) == 0 &&
			    host[len] == '.' && host[len + 1] == '\0')
				return 1;
		}
	return 0;
}

static const char *
zone_account(const struct dsc *d, const char *zone)
{
	size_t i;

	for (i = 0; i < d->n_acc; i++)
		if (strlist_has(&d->acc[i].zones, zone))
			return d->acc[i].u->name;
	return NULL;
}

static void
stray_records(struct dsc *d)
{
	size_t i, k;

	for (i = 0; i < d->n_pz; i++)
		for (k = 0; d->zdata[i].origin && k < d->zdata[i].n; k++) {
			const struct zone_rr *r = &d->zdata[i].rr[k];

			if (strcmp(r->type, "A") != 0 || strcmp(r->rdata, d->old.address) != 0 ||
			    claimed(d, r->owner))
				continue;
			dsc_risk(d, "stray", zone_account(d, d->zone_names[i]),
			    "%s A %s (%s:%d): no account claims it; it stays on the old host",
			    r->owner, r->rdata, d->zdata[i].label, r->line);
		}
}

/* the records ferry will change: web names, the game's name, the apex MX */
static void
long_ttls(struct dsc *d)
{
	size_t i, k;

	for (i = 0; i < d->n_pz; i++) {
		const char *acct = zone_account(d, d->zone_names[i]);

		for (k = 0; acct && d->zdata[i].origin && k < d->zdata[i].n; k++) {
			const struct zone_rr *r = &d->zdata[i].rr[k];
			int moves = 0;
			size_t a;

			for (a = 0; a < d->n_acc; a++)
				if (strcmp(d->acc[a].u->name, acct) == 0)
					moves = (strcmp(r->type, "A") == 0 &&
					    (strlist_has(&d->acc[a].web, r->owner) ||
					    (d->acc[a].mush_name && !strcmp(d->acc[a].mush_name, r->owner)))) ||
					    (strcmp(r->type, "MX") == 0 && (d->acc[a].services & SVC_MAIL));
			if (moves && r->ttl > d->cutover_ttl)
				dsc_risk(d, "ttl", acct, "%s %s has TTL %ld s, longer than cutover-ttl %d s: "
				    "prep.ttl lowers it, and its cut-over waits %ld s after that",
				    r->owner, r->type, r->ttl, d->cutover_ttl, r->ttl);
		}
	}
}

/* web names in the account's zones: no A record, or one elsewhere */
static void
web_names(struct dsc *d)
{
	size_t a, w, z;

	for (a = 0; a < d->n_acc; a++)
		for (w = 0; w < d->acc[a].web.n; w++) {
			const char *n = d->acc[a].web.v[w];
			struct strbuf to = STRBUF_INIT;
			int k;

			for (z = 0; z < d->n_pz; z++) {
				if (!d->zdata[z].origin || !zone_name_in(d->zone_names[z], n) ||
				    strcmp(dsc_zone_of(d->zone_names, d->n_pz, n), d->zone_names[z]))
					continue;
				if (zone_resolve_cname(&d->zdata[z], n, &to) == 0) {
					dsc_risk(d, "name", d->acc[a].u->name, "%s is a CNAME to %s, "
					    "outside the zone: it resolves elsewhere, ferry leaves it", n, to.buf);
				} else if ((k = zone_find(&d->zdata[z], to.buf, "A", 0)) < 0) {
					dsc_risk(d, "name", d->acc[a].u->name, "%s has no A record: "
					    "it resolves nowhere", n);
				} else if (strcmp(d->zdata[z].rr[k].rdata, d->old.address) != 0) {
					dsc_risk(d, "name", d->acc[a].u->name, "%s resolves elsewhere "
					    "(%s), not to the old host", n, d->zdata[z].rr[k].rdata);
				}
			}
			strbuf_release(&to);
		}
}

static void
certs(struct dsc *d)
{
	size_t i;
	time_t now = time(NULL);

	for (i = 0; i < d->old.st.n; i++) {
		const struct dsc_section *s = &d->old.st.s[i];
		const char *p;
		struct tm tm;

		if (strcmp(s->kind, "cert") != 0)
			continue;
		memset(&tm, 0, sizeof tm);
		p = strstr(s->body.buf, "notAfter=");
		if (!p || !strptime(p + 9, "%b %d %H:%M:%S %Y", &tm)) {
			dsc_risk(d, "cert", NULL, "%s: cannot read its expiry", s->arg);
			continue;
		}
		if (timegm(&tm) - now < 30L * 86400)
			dsc_risk(d, "cert", NULL, "%s expires %.24s (in %ld days)", s->arg, p + 9,
			    (long)((timegm(&tm) - now) / 86400));
	}
}

static void
space(struct dsc *d)
{
	long total = 0;
	size_t i;

	if (d->new.free_kb < 0) {
		dsc_risk(d, "space", NULL, "%s: free space in /home unknown", d->new.h.name);
		return;
	}
	for (i = 0; i < d->n_acc; i++) {
		long need = d->acc[i].home_kb + d->acc[i].mail_kb;

		total += need;
		if (need > d->new.free_kb)
			dsc_risk(d, "space", d->acc[i].u->name, "home and mail take %ld KiB, "
			    "more than the %ld KiB free in %s's /home", need, d->new.free_kb,
			    d->new.h.name);
	}
	if (total > d->new.free_kb)
		dsc_risk(d, "space", NULL, "all accounts take %ld KiB, more than the %ld KiB "
		    "free in %s's /home", total, d->new.free_kb, d->new.h.name);
}

static void
activity(struct dsc *d)
{
	size_t i, k;

	for (i = 0; i < d->n_acc; i++) {
		struct dsc_acct *a = &d->acc[i];
		struct strbuf l = STRBUF_INIT;

		if (a->cron_jobs)
			dsc_risk(d, "crontab", a->u->name, "%d crontab job%s: moved by prep.cron "
			    "(disabled) and phase1.cron (enabled on the new host, kept commented "
			    "on the old)", a->cron_jobs, a->cron_jobs == 1 ? "" : "s");
		for (k = 0; k < a->procs.n; k++)
			strbuf_addf(&l, "%s%s", k ? ", " : "", a->procs.v[k]);
		if (a->procs.n)
			dsc_risk(d, "process", a->u->name, "%zu running: %s", a->procs.n, l.buf);
		strbuf_release(&l);
	}
}

/* listening programs ferry neither moves nor needs ("sshd" ...) */
static void
services(struct dsc *d)
{
	static const char *const moved[] = { "sshd", "apache2", "httpd", "sendmail-mta",
	    "sendmail", "master", "netmux", "slave", "stubslave", NULL };
	const struct dsc_section *s = dsc_get(&d->old.st, "listen", NULL);
	struct strlist seen = STRLIST_INIT;
	const char *p;
	size_t i;

	for (p = s ? s->body.buf : ""; (p = strstr(p, "users:((\"")) != NULL; ) {
		char *name;

		p += 9;
		name = xstrndup(p, strcspn(p, "\""));
		for (i = 0; moved[i] && strcmp(moved[i], name) != 0; i++)
			;
		if (!moved[i] && !strlist_has(&seen, name)) {
			strlist_push(&seen, name);
			if (strcmp(name, "named") == 0)
				dsc_risk(d, "service", NULL, "named: the zones stay primary on %s; "
				    "ferry edits them there but does not move the nameserver",
				    d->old.h.name);
			else
				dsc_risk(d, "service", NULL, "%s listens on %s: ferry cannot move it",
				    name, d->old.h.name);
		}
		free(name);
	}
	strlist_clear(&seen);
}

static void
unowned(struct dsc *d)
{
	size_t i;

	for (i = 0; i < d->n_vh; i++)
		if (!d->vh[i].account)
			dsc_risk(d, "vhost", NULL, "VirtualHost %s (%s:%d) is no account's: "
			    "it stays on the old host", d->vh[i].names.n ? d->vh[i].names.v[0] :
			    d->vh[i].addrs, d->vh[i].file, d->vh[i].line);
	for (i = 0; i < d->n_users; i++) {
		size_t k;

		for (k = 0; k < d->n_acc && d->acc[k].u != &d->users[i]; k++)
			;
		if (k == d->n_acc)
			dsc_risk(d, "account", d->users[i].name, "no home directory %s: not moved",
			    d->users[i].home);
	}
}

/* ferry's home key is one directory per host: homes elsewhere are named */
static void
homes(struct dsc *d)
{
	const char *first = d->n_acc ? d->acc[0].u->home : NULL;
	size_t i, n = first && strrchr(first, '/') ? (size_t)(strrchr(first, '/') - first) : 0;

	for (i = 1; i < d->n_acc; i++) {
		const char *h = d->acc[i].u->home;
		const char *sl = strrchr(h, '/');

		if (!sl || (size_t)(sl - h) != n || strncmp(h, first, n) != 0)
			dsc_risk(d, "account", d->acc[i].u->name, "home %s is not in the directory of %s: "
			    "home = is one directory per host; move it or the account by hand",
			    h, first);
	}
}

void
dsc_find_risks(struct dsc *d)
{
	homes(d);
	web_names(d);
	stray_records(d);
	long_ttls(d);
	certs(d);
	space(d);
	activity(d);
	services(d);
	unowned(d);
}

static void
json_list(struct strbuf *o, const char *k, const struct strlist *l)
{
	size_t i;

	strbuf_addf(o, "\"%s\": [", k);
	for (i = 0; i < l->n; i++) {
		if (i)
			strbuf_addstr(o, ", ");
		strbuf_add_json(o, l->v[i]);
	}
	strbuf_addch(o, ']');
}

static void
print_json(const struct dsc *d, const char *conf_path)
{
	struct strbuf o = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&o, "{\"config\": ");
	strbuf_add_json(&o, conf_path);
	strbuf_addstr(&o, ", \"from\": ");
	strbuf_add_json(&o, d->old.h.name);
	strbuf_addstr(&o, ", \"to\": ");
	strbuf_add_json(&o, d->new.h.name);
	strbuf_addf(&o, ", \"new_free_kb\": %ld,\n \"accounts\": [", d->new.free_kb);
	for (i = 0; i < d->n_acc; i++) {
		const struct dsc_acct *a = &d->acc[i];
		struct strlist sv = STRLIST_INIT;

		if (a->services & SVC_WEB)
			strlist_push(&sv, "web");
		if (a->services & SVC_MAIL)
			strlist_push(&sv, "mail");
		if (a->services & SVC_MUSH)
			strlist_push(&sv, "mush");
		strbuf_addstr(&o, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		strbuf_add_json(&o, a->u->name);
		strbuf_addstr(&o, ", ");
		json_list(&o, "services", &sv);
		strbuf_addstr(&o, ", ");
		json_list(&o, "domains", &a->zones);
		strbuf_addf(&o, ", \"home_kb\": %ld, \"mail_kb\": %ld, \"crontab_jobs\": %d, "
		    "\"processes\": %zu}", a->home_kb, a->mail_kb, a->cron_jobs, a->procs.n);
		strlist_clear(&sv);
	}
	strbuf_addstr(&o, "],\n \"risks\": [");
	for (i = 0; i < d->n_risks; i++) {
		strbuf_addstr(&o, i ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
		strbuf_add_json(&o, d->risks[i].kind);
		strbuf_addstr(&o, ", \"account\": ");
		if (d->risks[i].account)
			strbuf_add_json(&o, d->risks[i].account);
		else
			strbuf_addstr(&o, "null");
		strbuf_addstr(&o, ", \"text\": ");
		strbuf_add_json(&o, d->risks[i].text);
		strbuf_addch(&o, '}');
	}
	strbuf_addstr(&o, "]}\n");
	fputs(o.buf, stdout);
	strbuf_release(&o);
}

void
dsc_print_report(const struct dsc *d, const char *conf_path, int json)
{
	size_t i;

	if (json) {
		print_json(d, conf_path);
		return;
	}
	printf("wrote %s: %zu accounts from %s, new host %s\n", conf_path, d->n_acc,
	    d->old.h.name, d->new.h.name);
	for (i = 0; i < d->n_risks; i++)
		printf("risk %s: %s%s%s\n", d->risks[i].kind,
		    d->risks[i].account ? d->risks[i].account : "",
		    d->risks[i].account ? ": " : "", d->risks[i].text);
}
