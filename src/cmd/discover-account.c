/*
 * discover-account.c: one account's services from what the old host showed
 * (discover-model.c decides first whose each zone and VirtualHost is): its
 * web names, its mail (local or forwarded), its TinyMUX game, cron jobs,
 * processes and the owner's address.
 */
#include <stdlib.h>
#include <string.h>

#include "discover-int.h"

void
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

void
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

void
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

void
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
