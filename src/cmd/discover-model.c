/*
 * discover-model.c: from the old host's sections to accounts.  Whose is
 * what, in the order of the evidence's strength:
 *  - a VirtualHost is an account's when its DocumentRoot lies in the home;
 *  - a zone is an account's when a name of one of its VirtualHosts lies in
 *    it, or when the zone's catch-all (@zone) delivers to the account, or
 *    (a guess, said so in the config) when the zone is named after it;
 *  - a VirtualHost whose names all lie in one account's zones is that
 *    account's (a DocumentRoot outside the home, /srv/www/...).
 * Whatever stays unclaimed is reported (discover-risk.c), never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover-int.h"
#include "web-apache.h"
#include "xmalloc.h"

static const char *
file_body(const struct dsc *d, const char *path)
{
	const struct dsc_section *s = path ? dsc_get(&d->old.st, "file", path) : NULL;

	return s ? s->body.buf : NULL;
}

/* "http://www.a.test:80" -> "www.a.test" */
static void
add_host_name(struct strlist *l, const char *name)
{
	const char *p = strstr(name, "://");
	char *n;

	p = p ? p + 3 : name;
	n = xstrndup(p, strcspn(p, ":/"));
	if (*n && !strlist_has(l, n))
		strlist_push(l, n);
	free(n);
}

/*
 * The VirtualHosts in Apache's order, read by Apache's rules (Includes,
 * sites-enabled, the default vhost: web-apache.c, shared with check).
 */
static void
read_vhosts(struct dsc *d)
{
	size_t i, j;

	if (!dsc_get(&d->old.st, "apache-S", NULL))
		return;		/* no Apache on the old host */
	if (apache_host_load(d->f, &d->old.h, &d->ac) < 0) {
		dsc_risk(d, "vhost", NULL, "%s: Apache's configuration could not be read: "
		    "no account gets web", d->old.h.name);
		return;
	}
	d->have_ac = 1;
	for (i = 0; i < d->ac.nvhosts; i++) {
		const struct apache_vhost *b = &d->ac.vhosts[i];
		struct dsc_vhost *v;

		d->vh = xreallocarray(d->vh, d->n_vh + 1, sizeof *d->vh);
		v = &d->vh[d->n_vh++];
		memset(v, 0, sizeof *v);
		v->file = xstrdup(b->file);
		v->line = b->line;
		v->addrs = xstrdup(b->addrs.n ? b->addrs.v[0] : "");
		if (b->server_name)
			add_host_name(&v->names, b->server_name);
		for (j = 0; j < b->aliases.n; j++)
			add_host_name(&v->names, b->aliases.v[j]);
		v->docroot = b->document_root ? xstrdup(b->document_root) : NULL;
	}
}

/* UserDir's directory name from any Apache file ("UserDir www"), NULL when off */
static void
read_userdir(struct dsc *d)
{
	size_t i;

	for (i = 0; i < d->old.st.n && !d->userdir; i++) {
		const struct dsc_section *s = &d->old.st.s[i];
		const char *p = s->body.buf;

		if (strcmp(s->kind, "file") != 0)
			continue;
		while (p && *p && !d->userdir) {
			const char *l = p + strspn(p, " \t");
			char w[256];

			if (strncasecmp(l, "UserDir", 7) == 0 && (l[7] == ' ' || l[7] == '\t') &&
			    sscanf(l + 7, "%255s", w) == 1 && strcasecmp(w, "disabled") != 0 &&
			    strcasecmp(w, "enabled") != 0 && w[0] != '/')
				d->userdir = xstrdup(w);
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
	}
}

static void
read_mta(struct dsc *d)
{
	const struct dsc_section *s;
	const char *text;

	if ((s = dsc_get(&d->old.st, "sendmail-cf", NULL)) != NULL) {
		d->mta = MTA_SENDMAIL;
		dsc_parse_sendmail_cf(s->body.buf, &d->virtusertable, &d->mta_domains);
	} else if ((s = dsc_get(&d->old.st, "postconf", NULL)) != NULL) {
		const char *c = strchr(s->body.buf, ':');

		d->mta = MTA_POSTFIX;
		if (c)
			d->virtusertable = xstrndup(c + 1, strcspn(c + 1, " ,\n"));
	}
	if ((s = dsc_get(&d->old.st, "spool-dir", NULL)) != NULL)
		d->spool = xstrdup(s->arg);
	text = file_body(d, d->virtusertable);
	if (text)
		virtuser_parse(&d->vt, d->virtusertable, text, strlen(text));
}

/* zones ferry can move: forward zones this host is primary for */
static int
movable_zone(const struct dsc_zone *z)
{
	size_t n = strlen(z->name);

	if (!z->type || strcmp(z->type, "primary") != 0 || !z->file)
		return 0;
	if (strcmp(z->name, "localhost") == 0 || strcmp(z->name, ".") == 0)
		return 0;
	return !(n >= 5 && strcasecmp(z->name + n - 5, ".arpa") == 0);
}

/* zone-file as one template: PREFIX%zSUFFIX when every zone's file fits it */
static void
zone_template(struct dsc *d, const char *dir)
{
	size_t i;
	const char *f0, *at;
	struct strbuf t = STRBUF_INIT, e = STRBUF_INIT;

	if (!d->n_pz)
		return;
	f0 = d->zones[0].file;
	for (i = 0; i < d->n_zones; i++)
		if (d->zones[i].name == d->zone_names[0])
			f0 = d->zones[i].file;
	if ((at = strstr(f0, d->zone_names[0])) == NULL)
		return;
	if (*f0 != '/')
		strbuf_addf(&t, "%s/", dir ? dir : "");
	strbuf_add(&t, f0, (size_t)(at - f0));
	strbuf_addstr(&t, "%z");
	strbuf_addstr(&t, at + strlen(d->zone_names[0]));
	d->zone_template = strbuf_detach(&t);
	for (i = 0; i < d->n_zones; i++) {
		struct expand x = { NULL, NULL, NULL, NULL };
		struct strbuf f = STRBUF_INIT;

		if (!movable_zone(&d->zones[i]))
			continue;
		x.z = d->zones[i].name;
		expand_template(&e, d->zone_template, &x);
		if (*d->zones[i].file != '/')
			strbuf_addf(&f, "%s/", dir ? dir : "");
		strbuf_addstr(&f, d->zones[i].file);
		if (strcmp(e.buf, f.buf) != 0)
			dsc_risk(d, "dns", NULL, "zone %s's file %s does not follow zone-file = %s: "
			    "ferry edits only files named by that one template", d->zones[i].name,
			    f.buf, d->zone_template);
		strbuf_reset(&e);
		strbuf_release(&f);
	}
	strbuf_release(&e);
}

static void
read_zones(struct dsc *d)
{
	const struct dsc_section *s = dsc_get(&d->old.st, "named", NULL);
	char *dir = NULL;
	size_t i;

	if (!s)
		return;
	dsc_parse_named(s->body.buf, &d->zones, &d->n_zones, &dir);
	d->zone_names = xcalloc(d->n_zones + 1, sizeof *d->zone_names);
	d->zdata = xcalloc(d->n_zones + 1, sizeof *d->zdata);
	for (i = 0; i < d->n_zones; i++) {
		struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
		const char *text;

		if (!movable_zone(&d->zones[i]))
			continue;
		if (*d->zones[i].file != '/')
			strbuf_addf(&path, "%s/", dir ? dir : "");
		strbuf_addstr(&path, d->zones[i].file);
		d->zone_names[d->n_pz] = d->zones[i].name;
		text = file_body(d, path.buf);
		if (!text || zone_parse(&d->zdata[d->n_pz], path.buf, d->zones[i].name, text,
		    strlen(text), &err) < 0) {
			zone_release(&d->zdata[d->n_pz]);
			memset(&d->zdata[d->n_pz], 0, sizeof d->zdata[d->n_pz]);
			dsc_risk(d, "dns", NULL, "zone %s: cannot read %s%s%s", d->zones[i].name,
			    path.buf, err.len ? ": " : "", err.buf);
		}
		d->n_pz++;
		strbuf_release(&path);
		strbuf_release(&err);
	}
	zone_template(d, dir);
	free(dir);
}

static long
section_num(const struct dsc *d, const char *kind, const char *user)
{
	size_t i;

	for (i = 0; i < d->old.st.n; i++) {
		const struct dsc_section *s = &d->old.st.s[i];
		const char *sp = strchr(s->arg, ' ');

		if (strcmp(s->kind, kind) == 0 && sp && (size_t)(sp - s->arg) == strlen(user) &&
		    strncmp(s->arg, user, strlen(user)) == 0)
			return strtol(sp + 1, NULL, 10);
	}
	return -1;
}

/* the account whose zones hold name, or NULL */
static struct dsc_acct *
zone_owner(struct dsc *d, const char *zone)
{
	size_t i;

	for (i = 0; zone && i < d->n_acc; i++)
		if (strlist_has(&d->acc[i].zones, zone))
			return &d->acc[i];
	return NULL;
}

static void
claim_zone(struct dsc *d, struct dsc_acct *a, const char *zone, const char *why)
{
	struct dsc_acct *o = zone_owner(d, zone);

	if (!zone || o == a)
		return;
	if (o) {
		dsc_risk(d, "dns", a->u->name, "zone %s is %s's (%s) but %s too", zone,
		    o->u->name, "claimed first", why);
		return;
	}
	strlist_push(&a->zones, zone);
	if (strstr(why, "named after"))
		strlist_pushf(&a->guesses, "domains: %s %s", zone, why);
}

/* the catch-all @zone delivers to login (login, login@elsewhere) */
static int
catchall_is(const struct dsc *d, const char *zone, const char *login)
{
	size_t i, n = strlen(login);

	for (i = 0; i < d->vt.n; i++) {
		const struct vu_line *l = &d->vt.lines[i];

		if (l->kind != VU_ENTRY || l->key[0] != '@' || strcasecmp(l->key + 1, zone) != 0)
			continue;
		if (strcmp(l->value, login) == 0 ||
		    (strncmp(l->value, login, n) == 0 && l->value[n] == '@'))
			return 1;
	}
	return 0;
}

static void
assign_zones(struct dsc *d)
{
	size_t i, k, j;

	for (i = 0; i < d->n_vh; i++)
		for (k = 0; k < d->n_acc; k++)
			if (d->vh[i].docroot && dsc_path_below(d->vh[i].docroot, d->acc[k].u->home))
				d->vh[i].account = d->acc[k].u->name;
	for (k = 0; k < d->n_acc; k++) {
		struct dsc_acct *a = &d->acc[k];

		for (i = 0; i < d->n_vh; i++)
			for (j = 0; d->vh[i].account == a->u->name && j < d->vh[i].names.n; j++)
				claim_zone(d, a, dsc_zone_of(d->zone_names, d->n_pz,
				    d->vh[i].names.v[j]), "its VirtualHost's name is in it");
		for (i = 0; i < d->n_pz; i++)
			if (catchall_is(d, d->zone_names[i], a->u->name))
				claim_zone(d, a, d->zone_names[i], "its catch-all delivers to it");
	}
	for (k = 0; k < d->n_acc; k++)
		for (i = 0; i < d->n_pz; i++) {
			size_t n = strlen(d->acc[k].u->name);

			if (strncmp(d->zone_names[i], d->acc[k].u->name, n) == 0 &&
			    d->zone_names[i][n] == '.' && !zone_owner(d, d->zone_names[i]))
				claim_zone(d, &d->acc[k], d->zone_names[i],
				    "named after the account, nothing else claims it");
		}
}

/* unowned VirtualHosts whose names all lie in one account's zones become its */
static void
assign_vhosts(struct dsc *d)
{
	size_t i, j;

	for (i = 0; i < d->n_vh; i++) {
		struct dsc_acct *o = NULL;

		if (d->vh[i].account || !d->vh[i].names.n)
			continue;
		for (j = 0; j < d->vh[i].names.n; j++) {
			struct dsc_acct *a = zone_owner(d, dsc_zone_of(d->zone_names, d->n_pz,
			    d->vh[i].names.v[j]));

			if (!a || (o && o != a))
				break;
			o = a;
		}
		if (o && j == d->vh[i].names.n)
			d->vh[i].account = o->u->name;
	}
}

static void
account_web(struct dsc *d, struct dsc_acct *a)
{
	size_t i, j;

	for (i = 0; i < d->n_vh; i++) {
		if (d->vh[i].account != a->u->name)
			continue;
		if (!strlist_has(&d->vhost_files, d->vh[i].file))
			strlist_push(&d->vhost_files, d->vh[i].file);
		for (j = 0; j < d->vh[i].names.n; j++) {
			const char *n = d->vh[i].names.v[j];

			if (zone_owner(d, dsc_zone_of(d->zone_names, d->n_pz, n)) == a) {
				if (!strlist_has(&a->web, n))
					strlist_push(&a->web, n);
			} else {
				dsc_risk(d, "name", a->u->name, "%s (VirtualHost %s:%d) is in no zone "
				    "of %s on this host: left out of web, its DNS is not ferry's to move",
				    n, d->vh[i].file, d->vh[i].line, a->u->name);
			}
		}
	}
	if (a->web.n)
		a->services |= SVC_WEB;
}

static void
account_mail(struct dsc *d, struct dsc_acct *a)
{
	const struct dsc_section *s;
	size_t i;
	long kb;

	for (i = 0; i < d->vt.n; i++) {
		const char *dom = d->vt.lines[i].kind == VU_ENTRY ?
		    virtuser_key_domain(d->vt.lines[i].key) : NULL;

		if (dom && virtuser_domain_in(dom, &a->zones))
			a->services |= SVC_MAIL;
	}
	if ((s = dsc_get(&d->old.st, "forward", a->u->name)) != NULL) {
		a->forward = xstrndup(s->body.buf, strcspn(s->body.buf, "\n"));
		if (strchr(a->forward, '@') && valid_email(a->forward))
			a->owner = xstrdup(a->forward);
	}
	a->mail_kb = 0;
	if ((kb = section_num(d, "spool", a->u->name)) > 0)
		a->mail_kb += kb;
	if ((kb = section_num(d, "maildir", a->u->name)) > 0)
		a->mail_kb += kb;
	for (i = 0; !a->owner && i < d->vt.n; i++) {
		const struct vu_line *l = &d->vt.lines[i];
		const char *dom = l->kind == VU_ENTRY ? virtuser_key_domain(l->key) : NULL;

		if (dom && virtuser_domain_in(dom, &a->zones) && strchr(l->value, '@') &&
		    valid_email(l->value) && !virtuser_domain_in(strchr(l->value, '@') + 1,
		    &a->zones))
			a->owner = xstrdup(l->value);	/* mail already goes there */
	}
}

/* whether name is served by one of the old host's VirtualHosts, or is a
   nameserver or mail exchanger some zone names */
static int
name_in_use(const struct dsc *d, const char *name)
{
	struct strbuf dotted = STRBUF_INIT;
	size_t i, k, z;
	int used = 0;

	strbuf_addf(&dotted, "%s.", name);
	for (i = 0; i < d->n_vh && !used; i++)
		for (k = 0; k < d->vh[i].names.n && !used; k++)
			used = !strcasecmp(d->vh[i].names.v[k], name);
	for (z = 0; z < d->n_pz && !used; z++)
		for (k = 0; k < d->zdata[z].n && !used; k++) {
			const struct zone_rr *rr = &d->zdata[z].rr[k];
			const char *mx = zone_mx_host(rr);

			used = (!strcmp(rr->type, "NS") && !strcmp(rr->rdata, dotted.buf)) ||
			    (mx && !strcmp(mx, dotted.buf));
		}
	strbuf_release(&dotted);
	return used;
}

/* a game whose record has none of the usual names (play.bob.test): the one
   A record at the old address in the account's zones that nothing else
   uses, taken as a guess the config says so */
static void
game_name_by_elimination(struct dsc *d, struct dsc_acct *a)
{
	const char *found = NULL;
	size_t i, z, k, n = 0;

	if (!d->old.address)
		return;
	for (i = 0; i < a->zones.n; i++)
		for (z = 0; z < d->n_pz; z++) {
			if (strcmp(d->zone_names[z], a->zones.v[i]) != 0 || !d->zdata[z].origin)
				continue;
			for (k = 0; k < d->zdata[z].n; k++) {
				const struct zone_rr *rr = &d->zdata[z].rr[k];

				if (strcmp(rr->type, "A") || strcmp(rr->rdata, d->old.address) ||
				    (found && !strcmp(found, rr->owner)) || name_in_use(d, rr->owner))
					continue;
				found = rr->owner;
				n++;
			}
		}
	if (found == NULL)
		return;
	a->mush_name = xstrdup(found);
	strlist_pushf(&a->guesses, "mush-name: %s, %s at the old address that no site, "
	    "nameserver or MX uses", found, n == 1 ? "the one name" : "the first of the names");
}

static void
account_mush(struct dsc *d, struct dsc_acct *a)
{
	size_t i, n = strlen(a->u->home);

	for (i = 0; i < d->old.st.n && !a->mush_dir; i++) {
		const struct dsc_section *s = &d->old.st.s[i];
		const char *dir = strchr(s->arg, ' ');

		if (strcmp(s->kind, "mush") != 0 || !dir || (size_t)(dir - s->arg) !=
		    strlen(a->u->name) || strncmp(s->arg, a->u->name, strlen(a->u->name)) != 0)
			continue;
		dir++;
		if (!dsc_path_below(dir, a->u->home) || strlen(dir) <= n + 1)
			continue;
		a->mush_dir = xstrdup(dir + n + 1);
		a->mush_port = dsc_parse_mux_port(s->body.buf);
		a->mush_startmux = dsc_get(&d->old.st, "startmux", dir) != NULL;
		a->services |= SVC_MUSH;
	}
	if (!a->mush_dir)
		return;
	/* the game's name: mush.ZONE / mux.ZONE / game.ZONE in its zones, else
	   the one name there at the old address no site, NS or MX uses */
	for (i = 0; i < a->zones.n && !a->mush_name; i++) {
		static const char *const labels[] = { "mush", "mux", "moo", "game", NULL };
		size_t k, z;

		for (z = 0; z < d->n_pz; z++) {
			if (strcmp(d->zone_names[z], a->zones.v[i]) != 0 || !d->zdata[z].origin)
				continue;
			for (k = 0; labels[k] && !a->mush_name; k++) {
				struct strbuf nm = STRBUF_INIT;

				strbuf_addf(&nm, "%s.%s", labels[k], a->zones.v[i]);
				if (zone_find(&d->zdata[z], nm.buf, "A", 0) >= 0)
					a->mush_name = strbuf_detach(&nm);
				strbuf_release(&nm);
			}
		}
	}
	if (!a->mush_name)
		game_name_by_elimination(d, a);
}

static void
account_misc(struct dsc *d, struct dsc_acct *a)
{
	const struct dsc_section *s;
	const char *p;

	if ((s = dsc_get(&d->old.st, "crontab", a->u->name)) != NULL)
		a->cron_jobs = dsc_crontab_jobs(s->body.buf);
	if ((s = dsc_get(&d->old.st, "procs", a->u->name)) != NULL)
		for (p = s->body.buf; *p; p += strcspn(p, "\n") + 1) {
			char *l = xstrndup(p, strcspn(p, "\n"));

			strlist_push(&a->procs, l + strspn(l, " "));
			free(l);
			if (!p[strcspn(p, "\n")])
				break;
		}
	if (d->userdir && (s = dsc_get(&d->old.st, "ls", a->u->name)) != NULL) {
		struct strbuf hay = STRBUF_INIT, needle = STRBUF_INIT;

		strbuf_addf(&hay, "\n%s", s->body.buf);
		strbuf_addf(&needle, "\n%s\n", d->userdir);
		a->userdir = strstr(hay.buf, needle.buf) != NULL;
		strbuf_release(&hay);
		strbuf_release(&needle);
	}
	if (!a->owner) {
		struct strbuf o = STRBUF_INIT;

		strlist_pushf(&a->guesses, "owner: no .forward or off-host address found; "
		    "put the owner's own address here");
		strbuf_addf(&o, "%s@%s", a->u->name, a->zones.n ? a->zones.v[0] : d->old.fqdn);
		a->owner = strbuf_detach(&o);
	}
}

/*
 * The name ~user pages are served under: the shortest name of the
 * VirtualHost that names the old host itself, else of Apache's default
 * vhost (the first block, files in Apache's reading order), else the old
 * host's own name (a default vhost without ServerName answers for it).
 */
static void
userdir_domain(struct dsc *d)
{
	const struct dsc_vhost *v = NULL;
	long k = d->have_ac ? apache_host_serving(&d->ac, &d->old.h, d->old.fqdn, NULL) : -1;
	size_t i;

	if (k >= 0 && (size_t)k < d->n_vh)
		v = &d->vh[k];
	if (!v || !v->names.n) {
		d->userdir_domain = xstrdup(d->old.fqdn);
		return;
	}
	for (i = 0; i < v->names.n; i++)
		if (!d->userdir_domain || strlen(v->names.v[i]) < strlen(d->userdir_domain)) {
			free(d->userdir_domain);
			d->userdir_domain = xstrdup(v->names.v[i]);
		}
}

/* the admin: the SOA contact of the zone holding the old host's name */
static void
find_admin(struct dsc *d)
{
	const char *z = dsc_zone_of(d->zone_names, d->n_pz, d->old.fqdn);
	size_t i;
	int k;

	for (i = 0; z && i < d->n_pz && !d->admin; i++) {
		char *r, *dot;

		if (d->zone_names[i] != z || !d->zdata[i].origin ||
		    (k = zone_find(&d->zdata[i], z, "SOA", 0)) < 0)
			continue;
		r = xstrdup(strchr(d->zdata[i].rr[k].rdata, ' ') + 1);
		r[strcspn(r, " ")] = '\0';
		if ((dot = strchr(r, '.')) != NULL && dot[1]) {
			*dot = '@';
			if (r[strlen(r) - 1] == '.')
				r[strlen(r) - 1] = '\0';
			if (valid_email(r))
				d->admin = r;
		}
		if (!d->admin)
			free(r);
	}
	if (!d->admin) {
		struct strbuf a = STRBUF_INIT;

		strbuf_addf(&a, "root@%s", d->old.fqdn);
		d->admin = strbuf_detach(&a);
	}
}

/* the same file by its name: the files read are listed as included
   (sites-enabled/X), the blocks by the symlink's target (sites-available/X) */
static int
same_file_name(const char *a, const char *b)
{
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');

	return !strcmp(a, b) || !strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b);
}

/* whether some block of ac stands in file */
static int
file_has_vhost(const struct apache_conf *ac, const char *file)
{
	size_t i;

	for (i = 0; i < ac->nvhosts; i++)
		if (same_file_name(ac->vhosts[i].file, file))
			return 1;
	return 0;
}

/*
 * Where the accounts' blocks go on the new host: a file of its own Apache
 * configuration, not the old host's paths by assumption.  The old host's
 * files when the new host's Apache reads them too; else a site file it
 * reads that holds no block yet (one the admin made for the hosted sites),
 * else one that is not its default vhost's.  Nothing readable: the old
 * paths, which `ferry check` then verifies.
 */
static void
new_vhost_files(struct dsc *d)
{
	struct apache_conf nac = APACHE_CONF_INIT;
	const char *pick = NULL, *dflt;
	size_t i;

	if (d->vhost_files.n == 0 || apache_host_load(d->f, &d->new.h, &nac) < 0) {
		apache_conf_release(&nac);
		return;
	}
	for (i = 0; i < d->vhost_files.n; i++)
		if (strlist_has(&nac.files, d->vhost_files.v[i]))
			strlist_push(&d->new_vhost_files, d->vhost_files.v[i]);
	if (d->new_vhost_files.n) {
		d->new_vhost_why = xstrdup("the old host's files, which the new host's Apache reads too");
		apache_conf_release(&nac);
		return;
	}
	dflt = nac.nvhosts ? nac.vhosts[0].file : "";
	for (i = 0; i < nac.files.n && !pick; i++)
		if (strstr(nac.files.v[i], "/sites-") && !file_has_vhost(&nac, nac.files.v[i]))
			pick = nac.files.v[i];
	for (i = 0; i < nac.files.n && !pick; i++)
		if (strstr(nac.files.v[i], "/sites-") && !same_file_name(nac.files.v[i], dflt))
			pick = nac.files.v[i];
	if (pick) {
		strlist_push(&d->new_vhost_files, pick);
		d->new_vhost_why = xstrdup(file_has_vhost(&nac, pick) ?
		    "a site file the new host's Apache reads, not its default vhost's" :
		    "a site file the new host's Apache reads that holds no VirtualHost yet");
	}
	apache_conf_release(&nac);
}

void
dsc_build(struct dsc *d)
{
	const struct dsc_section *s = dsc_get(&d->old.st, "passwd", NULL);
	struct dsc_user *all = NULL;
	size_t n = 0, i;

	if (s)
		dsc_parse_passwd(s->body.buf, &all, &n);
	d->users = all;
	d->n_users = n;
	d->acc = xcalloc(n + 1, sizeof *d->acc);
	for (i = 0; i < n; i++) {
		struct dsc_acct *a;

		if (section_num(d, "home", all[i].name) < 0)
			continue;	/* no home directory on this host */
		a = &d->acc[d->n_acc++];
		a->u = &all[i];
		a->home_kb = section_num(d, "home", all[i].name);
	}
	read_mta(d);
	read_zones(d);
	read_vhosts(d);
	read_userdir(d);
	assign_zones(d);
	assign_vhosts(d);
	for (i = 0; i < d->n_acc; i++) {
		account_web(d, &d->acc[i]);
		account_mail(d, &d->acc[i]);
		account_mush(d, &d->acc[i]);
		account_misc(d, &d->acc[i]);
	}
	userdir_domain(d);
	find_admin(d);
	new_vhost_files(d);
}

void
dsc_release(struct dsc *d)
{
	size_t i;

	for (i = 0; i < d->n_acc; i++) {
		struct dsc_acct *a = &d->acc[i];

		strlist_clear(&a->zones);
		strlist_clear(&a->web);
		strlist_clear(&a->guesses);
		strlist_clear(&a->procs);
		free(a->owner);
		free(a->mush_dir);
		free(a->mush_name);
		free(a->forward);
	}
	free(d->acc);
	for (i = 0; i < d->n_vh; i++) {
		free(d->vh[i].file);
		free(d->vh[i].addrs);
		free(d->vh[i].docroot);
		strlist_clear(&d->vh[i].names);
	}
	free(d->vh);
	apache_conf_release(&d->ac);
	for (i = 0; i < d->n_pz; i++)
		zone_release(&d->zdata[i]);
	free(d->zdata);
	free(d->zone_names);
	dsc_zones_free(d->zones, d->n_zones);
	dsc_users_free(d->users, d->n_users);
	for (i = 0; i < d->n_ns; i++)
		dsc_host_release(&d->ns[i]);
	free(d->ns);
	dsc_host_release(&d->old);
	dsc_host_release(&d->new);
	for (i = 0; i < d->n_risks; i++) {
		free(d->risks[i].kind);
		free(d->risks[i].account);
		free(d->risks[i].text);
	}
	free(d->risks);
	strlist_clear(&d->vhost_files);
	strlist_clear(&d->new_vhost_files);
	free(d->new_vhost_why);
	virtuser_release(&d->vt);
	free(d->zone_template);
	free(d->userdir);
	free(d->userdir_domain);
	free(d->virtusertable);
	free(d->mta_domains);
	free(d->spool);
	free(d->admin);
	free(d->out_dir);
	free(d->journal);
}
