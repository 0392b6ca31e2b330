/*
 * discover-write.c: the ferry.conf `ferry discover` writes.  Every key
 * whose value is a guess carries a "# guessed: why" comment on the line
 * above it, so an admin reading the file sees what to check before a run.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discover-int.h"
#include "xmalloc.h"

static void
key(struct strbuf *o, const char *k, const char *v)
{
	if (v && *v)
		strbuf_addf(o, "%s = %s\n", k, v);
}

static void
key_list(struct strbuf *o, const char *k, const struct strlist *l)
{
	size_t i;

	if (!l->n)
		return;
	strbuf_addf(o, "%s =", k);
	for (i = 0; i < l->n; i++)
		strbuf_addf(o, " %s", l->v[i]);
	strbuf_addch(o, '\n');
}

static unsigned
all_services(const struct dsc *d)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < d->n_acc; i++)
		s |= d->acc[i].services;
	return s;
}

static int
any_userdir(const struct dsc *d)
{
	size_t i;

	for (i = 0; i < d->n_acc; i++)
		if (d->acc[i].userdir && (d->acc[i].services & SVC_WEB))
			return 1;
	return 0;
}

/* the common parent of the accounts' homes ("/home") */
static void
home_base(const struct dsc *d, struct strbuf *out)
{
	const char *h = d->n_acc ? d->acc[0].u->home : "/home";
	const char *sl = strrchr(h, '/');

	strbuf_reset(out);
	strbuf_add(out, h, sl && sl != h ? (size_t)(sl - h) : 1);
}

static void
write_host(const struct dsc *d, const struct dsc_host *dh, int is_new, struct strbuf *o)
{
	unsigned svc = all_services(d);
	struct strbuf hb = STRBUF_INIT;

	strbuf_addf(o, "\n[host %s]\n", dh->h.name);
	if (is_new)
		strbuf_addstr(o, "# guessed: paths as on the old host (the same layout); "
		    "`ferry check` verifies them here\n");
	key(o, "ssh", dh->h.ssh);
	key(o, "address", dh->address);
	key(o, "name", dh->fqdn);
	home_base(d, &hb);
	key(o, "home", hb.buf);
	if ((svc & SVC_MAIL) && d->mta != MTA_NONE) {
		key(o, "mta", d->mta == MTA_SENDMAIL ? "sendmail" : "postfix");
		key(o, "virtusertable", d->virtusertable);
		key(o, "mta-domains", d->mta_domains);
		key(o, "mail-spool", d->spool);
		key(o, "mta-reload", d->mta == MTA_SENDMAIL ? "/etc/init.d/sendmail reload" :
		    "postfix reload");
	}
	if (svc & SVC_WEB) {
		if (is_new && d->new_vhost_files.n) {
			strbuf_addf(o, "# apache-vhosts: %s\n", d->new_vhost_why);
			key_list(o, "apache-vhosts", &d->new_vhost_files);
		} else
			key_list(o, "apache-vhosts", &d->vhost_files);
		key(o, "apache-check", "apache2ctl -t");
		key(o, "apache-reload", "apache2ctl graceful");
	}
	strbuf_release(&hb);
}

static void
write_migration(const struct dsc *d, struct strbuf *o)
{
	char when[32];
	time_t now = time(NULL);
	struct strbuf s = STRBUF_INIT;

	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	strbuf_addf(o, "# ferry.conf written by `ferry discover` from %s (%s) on %s.\n"
	    "# Lines after \"# guessed:\" are guesses: read them before `ferry run`.\n\n",
	    d->old.h.name, d->old.h.ssh, when);
	strbuf_addstr(o, "[migration]\n");
	key(o, "from", d->old.h.name);
	key(o, "to", d->new.h.name);
	key(o, "journal", d->journal);
	strbuf_addstr(o, "# guessed: the SOA contact of the old host's own zone\n");
	key(o, "admin", d->admin);
	strbuf_addstr(o, "# guessed: the old host's MTA, which delivers the owners' mail today\n");
	strbuf_addf(&s, "%s:25", d->old.address);
	key(o, "smtp", s.buf);
	if (any_userdir(d)) {
		strbuf_addstr(o, "# guessed: the shortest name of the VirtualHost that serves "
		    "the old host's own name\n");
		key(o, "userdir-domain", d->userdir_domain);
		strbuf_reset(&s);
		strbuf_addf(&s, "http://%s/~%%u", d->new.fqdn);
		key(o, "userdir-redirect", s.buf);
	}
	key(o, "watch-seconds", "600");
	strbuf_release(&s);
}

static void
write_dns(const struct dsc *d, struct strbuf *o)
{
	struct strbuf sec = STRBUF_INIT, t = STRBUF_INIT;
	size_t i, k;
	int new_too = 0;

	if (!d->zone_template)
		return;
	for (i = 0; i < d->n_zones; i++)
		for (k = 0; k < d->zones[i].notify.n; k++)
			if (strcmp(d->zones[i].notify.v[k], d->new.address) == 0)
				new_too = 1;
	if (new_too)
		strbuf_addf(&sec, "%s", d->new.h.name);
	for (i = 0; i < d->n_ns; i++)
		strbuf_addf(&sec, "%s%s", sec.len ? " " : "", d->ns[i].h.name);
	strbuf_addstr(o, "\n[dns]\n");
	key(o, "primary", d->old.h.name);
	if (sec.len)
		strbuf_addstr(o, "# the secondaries named.conf notifies (also-notify)\n");
	key(o, "secondaries", sec.buf);
	key(o, "zone-file", d->zone_template);
	strbuf_addf(&t, "%d", d->cutover_ttl);
	key(o, "cutover-ttl", t.buf);
	strbuf_release(&sec);
	strbuf_release(&t);
}

static void
write_services(const struct dsc_acct *a, struct strbuf *o)
{
	struct strbuf s = STRBUF_INIT;

	if (a->services & SVC_WEB)
		strbuf_addstr(&s, " web");
	if (a->services & SVC_MAIL)
		strbuf_addstr(&s, " mail");
	if (a->services & SVC_MUSH)
		strbuf_addstr(&s, " mush");
	if (s.len)
		key(o, "services", s.buf + 1);
	strbuf_release(&s);
}

/* test-name: test.ZONE, or test2.ZONE ... when that name is taken */
static void
test_name(const struct dsc *d, const struct dsc_acct *a, struct strbuf *out)
{
	const char *zone = dsc_zone_of(a->zones.v, a->zones.n, a->web.v[0]);
	size_t z;
	int n, taken;

	for (n = 1; n < 100; n++) {
		strbuf_reset(out);
		if (n == 1)
			strbuf_addf(out, "test.%s", zone);
		else
			strbuf_addf(out, "test%d.%s", n, zone);
		taken = 0;
		for (z = 0; z < d->n_pz; z++)
			if (d->zdata[z].origin && zone_find(&d->zdata[z], out->buf, NULL, 0) >= 0)
				taken = 1;
		if (!taken)
			return;
	}
}

static void
write_mush(const struct dsc *d, const struct dsc_acct *a, struct strbuf *o)
{
	struct strbuf s = STRBUF_INIT;

	key(o, "mush-dir", a->mush_dir);
	strbuf_addf(&s, "%d", a->mush_port);
	key(o, "mush-port", s.buf);
	if (!a->mush_startmux)
		strbuf_addstr(o, "# guessed: no executable Startmux in the game directory\n");
	key(o, "mush-start", "./Startmux");
	key(o, "mush-pidfile", "netmux.pid");
	key(o, "mush-save", "data");
	if (!a->mush_name)
		strbuf_addstr(o, "# mush-name: no mush/mux/game A record in its zones; "
		    "name the game's record here\n");
	key(o, "mush-name", a->mush_name);
	key(o, "mush-freeze", "stop");
	/* the game admin's connect line stays on the admin's machine: ACCOUNT.connect beside the file */
	strbuf_reset(&s);
	strbuf_addf(&s, "%s/%s.connect", d->out_dir, a->u->name);
	if (access(s.buf, R_OK) == 0) {
		strbuf_reset(&s);
		strbuf_addf(&s, "%s.connect", a->u->name);
		key(o, "mush-admin", s.buf);
	}
	strbuf_release(&s);
}

static void
write_account(const struct dsc *d, const struct dsc_acct *a, struct strbuf *o)
{
	struct strbuf t = STRBUF_INIT;
	size_t i;

	strbuf_addf(o, "\n[account %s]\n", a->u->name);
	for (i = 0; i < a->guesses.n; i++)
		strbuf_addf(o, "# guessed: %s\n", a->guesses.v[i]);
	key(o, "owner", a->owner);
	write_services(a, o);
	key_list(o, "domains", &a->zones);
	if (a->services & SVC_WEB) {
		key_list(o, "web", &a->web);
		test_name(d, a, &t);
		strbuf_addstr(o, "# guessed: a name free in the zone, added at prep.3\n");
		key(o, "test-name", t.buf);
		key(o, "userdir", a->userdir ? "yes" : "no");
	}
	if (a->services & SVC_MAIL) {
		if (a->forward)
			strbuf_addf(o, "# ~/.forward: %s\n", a->forward);
		key(o, "mail", "auto");
	}
	if (a->services & SVC_MUSH)
		write_mush(d, a, o);
	if (a->cron_jobs)
		strbuf_addf(o, "# crontab: %d job%s (moved by prep.cron and phase1.cron)\n",
		    a->cron_jobs, a->cron_jobs == 1 ? "" : "s");
	strbuf_release(&t);
}

void
dsc_write_conf(const struct dsc *d, struct strbuf *o)
{
	size_t i;

	write_migration(d, o);
	write_host(d, &d->old, 0, o);
	write_host(d, &d->new, 1, o);
	for (i = 0; i < d->n_ns; i++) {
		strbuf_addf(o, "\n[host %s]\n", d->ns[i].h.name);
		key(o, "ssh", d->ns[i].h.ssh);
		key(o, "address", d->ns[i].address);
	}
	write_dns(d, o);
	for (i = 0; i < d->n_acc; i++)
		write_account(d, &d->acc[i], o);
}
