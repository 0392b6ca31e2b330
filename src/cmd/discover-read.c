/*
 * discover-read.c: the old host's sections (discover-parse.c's stream)
 * read into discover's picture: the MTA and its map, the primary zones and
 * the template new zones follow, the VirtualHosts as Apache reads them,
 * UserDir; section_num for the sizes measured per user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover-int.h"
#include "web-apache.h"

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
void
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
void
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

void
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

void
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

long
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
