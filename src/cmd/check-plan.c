/*
 * check-plan.c: what ferry check asks each host, in ONE round trip: the
 * items of the programs, paths, daemons, modules, sizes and ssh reach the
 * accounts need, handed as tagged arguments to a constant probe script,
 * and its answer lines read back into the items.
 */
#include <stdlib.h>
#include <string.h>

#include "check-int.h"

/*
 * Each argument is KIND:VALUE; the answer lines are "KIND INDEX [DATA]":
 * p program missing, f path missing, d daemon not running,
 * m apache modules (status, list),
 * u home size in KiB (or nouser / nohome), s free KiB,
 * r ssh from this host as svc-files' rsync -e runs it (status, ssh's last words).
 */
static const char probe_script[] =
	"i=0\n"
	"for a do\n"
	"  i=$((i+1)); v=${a#?:}\n"
	"  case $a in\n"
	"  p:*) command -v \"$v\" >/dev/null 2>&1 || echo \"p $i\";;\n"
	"  f:*) [ -e \"$v\" ] || echo \"f $i\";;\n"
	"  d:*) pgrep -x -- \"$v\" >/dev/null 2>&1 || echo \"d $i\";;\n"
	"  m:*) o=$(\"$v\" -M 2>&1); s=$?; echo \"m $i $s $(printf '%s' \"$o\" | tr '\\n' ' ')\";;\n"
	"  u:*) h=$(getent passwd \"$v\" | cut -d: -f6)\n"
	"    if [ -z \"$h\" ]; then echo \"u $i nouser\"\n"
	"    elif [ ! -d \"$h\" ]; then echo \"u $i nohome\"\n"
	"    else echo \"u $i $(du -sk -- \"$h\" 2>/dev/null | cut -f1)\"; fi;;\n"
	"  s:*) echo \"s $i $(df -Pk -- \"$v\" 2>/dev/null | awk 'NR==2 {print $4}')\";;\n"
	"  r:*) o=$(ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -- \"$v\" true 2>&1 </dev/null); s=$?\n"
	"    echo \"r $i $s $(printf '%s\\n' \"$o\" | tail -n 1)\";;\n"
	"  esac\n"
	"done\n";

static const char *
argv0(const struct strlist *tmpl, const char *dflt)
{
	return tmpl->n ? tmpl->v[0] : dflt;
}

static void
add_path(struct probe *p, const char *path, const char *what)
{
	if (path)
		add_item(p, 'f', path, what, NULL);
}

/* what the old and the new host need for the services being moved */
static void
plan_mover(struct check *ck, const struct host *h, int is_old)
{
	struct probe *p = probe_of(ck, h);
	size_t i;

	add_item(p, 'p', "rsync", "rsync", NULL);
	add_path(p, h->home, "home");
	if (ck->services & SVC_WEB) {
		add_item(p, 'p', argv0(&h->apache_check, "apache2ctl"), "apache-check", NULL);
		add_item(p, 'p', argv0(&h->apache_reload, "apache2ctl"), "apache-reload", NULL);
		add_item(p, 'm', argv0(&h->apache_check, "apache2ctl"), "apache modules", NULL);
		add_item(p, 'd', strstr(argv0(&h->apache_check, "apache2ctl"), "apache2") ?
		    "apache2" : "httpd", "web", NULL);
		for (i = 0; i < h->apache_vhosts.n; i++)
			add_path(p, h->apache_vhosts.v[i], "apache-vhosts");
	}
	if (ck->services & SVC_MAIL) {
		add_item(p, 'p', h->mta == MTA_POSTFIX ? "postfix" : "sendmail", "mta", NULL);
		add_item(p, 'p', h->mta == MTA_POSTFIX ? "postmap" : "makemap", "mta", NULL);
		/* the spool moves under the dotlock procmail honours */
		add_item(p, 'p', "lockfile", "mail spool", NULL);
		add_item(p, 'd', h->mta == MTA_POSTFIX ? "master" : "sendmail|sendmail-mta", "mta",
		    NULL);
		if (h->mta_reload.n)
			add_item(p, 'p', h->mta_reload.v[0], "mta-reload", NULL);
		add_path(p, h->virtusertable, "virtusertable");
		add_path(p, h->mta_domains, "mta-domains");
		add_path(p, h->mail_spool, "mail-spool");
	}
	for (i = 0; i < ck->n_accts; i++)
		add_item(p, 'u', ck->accts[i]->name, "home of", ck->accts[i]);
	if (is_old)
		add_item(p, 'r', config_rsync_dest(ck->f->cf), "rsync-to", NULL);
	else if (!is_old && h->home)
		add_item(p, 's', h->home, "home", NULL);
}

static void
plan_zone_files(struct check *ck, struct probe *p)
{
	const struct dns_conf *d = &ck->f->cf->dns;
	struct strbuf path = STRBUF_INIT, what = STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < ck->n_accts; i++) {
		for (k = 0; k < ck->accts[i]->domains.n; k++) {
			const char *zone = ck->accts[i]->domains.v[k];
			struct expand e = { .z = zone };

			strbuf_reset(&path);
			strbuf_reset(&what);
			if (d->zone_file == NULL || expand_template(&path, d->zone_file, &e) < 0)
				continue;
			strbuf_addf(&what, "zone file of %s", zone);
			add_path(p, path.buf, what.buf);
		}
	}
	strbuf_release(&path);
	strbuf_release(&what);
}

static void
plan_dns(struct check *ck)
{
	const struct dns_conf *d = &ck->f->cf->dns;
	struct probe *p;
	size_t i;

	if (d->primary == NULL)
		return;
	p = probe_of(ck, d->primary);
	add_item(p, 'p', argv0(&d->zone_check, "named-checkzone"), "zone-check", NULL);
	add_item(p, 'p', argv0(&d->reload, "rndc"), "reload", NULL);
	plan_zone_files(ck, p);
	for (i = 0; i < d->n_secondaries; i++) {
		p = probe_of(ck, d->secondaries[i]);
		add_item(p, 'p', argv0(&d->reload, "rndc"), "reload", NULL);
		add_item(p, 'p', argv0(&d->retransfer, "rndc"), "retransfer", NULL);
	}
}

/* "KIND INDEX DATA" */
static void
parse_answer(struct probe *p, const char *line)
{
	char *end;
	long idx;
	struct item *it;

	if (line[0] == '\0' || line[1] != ' ')
		return;
	idx = strtol(line + 2, &end, 10);
	if (idx < 1 || (size_t)idx > p->n || p->items[idx - 1].kind != line[0])
		return;
	it = &p->items[idx - 1];
	it->seen = 1;
	if (*end == ' ')
		end++;
	if (it->kind == 'm' || it->kind == 'r')
		it->num = strtol(end, &end, 10);
	else if (it->kind == 'u' || it->kind == 's')
		it->num = strtoll(end, NULL, 10);
	while (*end == ' ')
		end++;
	strbuf_addstr(&it->text, end);
	strbuf_rtrim(&it->text);
}

void
run_probe(struct check *ck, struct probe *p)
{
	struct strlist av = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *line, *next;
	size_t i;
	int st;

	strlist_push(&av, "sh");
	strlist_push(&av, "-c");
	strlist_push(&av, probe_script);
	strlist_push(&av, "sh");
	for (i = 0; i < p->n; i++)
		strlist_pushf(&av, "%c:%s", p->items[i].kind, p->items[i].arg);
	st = remote_capture(&ck->f->tr, p->h, (const char *const *)av.v, &out, &err);
	if (st != 0) {
		strbuf_rtrim(&err);
		check_bad(ck, p->h, "the probe failed (exit %d): %s", st, err.buf);
	} else {
		p->up = 1;
		for (line = out.buf; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			parse_answer(p, line);
		}
	}
	strlist_clear(&av);
	strbuf_release(&out);
	strbuf_release(&err);
}

void
plan_probes(struct check *ck)
{
	struct config *cf = ck->f->cf;
	size_t i;

	for (i = 0; i < ck->n_accts; i++) {
		ck->services |= ck->accts[i]->services;
		ck->userdir |= ck->accts[i]->userdir;
	}
	plan_mover(ck, cf->from, 1);
	plan_mover(ck, cf->to, 0);
	plan_dns(ck);
}
