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
 * The sections are read in discover-read.c, each account's services
 * found in discover-account.c; here the claims and the whole build.
 */
#include <stdlib.h>
#include <string.h>

#include "discover-int.h"
#include "web-apache.h"

/* the account whose zones hold name, or NULL */
struct dsc_acct *
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
