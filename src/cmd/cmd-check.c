/*
 * cmd-check.c: preflight.  Every host is reached over ssh; each host then
 * gets ONE round trip: a constant probe script whose arguments are tagged
 * items ("p:rsync", "f:/home", ...), answering one line per finding.  DNS
 * is asked from here, one nameserver at a time, as the cut-over will be.
 * Findings are "ferry: check: HOST: problem"; what passes is "ok HOST: what".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-world.h"
#include "ferry.h"
#include "probe.h"
#include "steps.h"

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

struct item {
	int kind;		/* the tag letter */
	char *arg;
	char *what;		/* for messages: "virtusertable", "zone file of alice.test" */
	const struct account *a;
	int seen;		/* the probe answered a line for it */
	long long num;		/* KiB, or an exit status */
	struct strbuf text;	/* module list, ssh's words, nouser/nohome */
};

struct probe {
	const struct host *h;
	int up;			/* reachable, and the probe ran */
	struct item *items;
	size_t n;
};

struct check {
	struct ferry *f;
	struct account **accts;
	size_t n_accts;
	unsigned services;	/* of the accounts checked */
	int userdir;
	struct probe *probes;
	size_t n_probes;
	int failed;
};

static void __attribute__((format(printf, 2, 3)))
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

static void __attribute__((format(printf, 3, 4)))
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

static struct probe *
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

static struct item *
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

static struct item *
find_item(const struct probe *p, int kind, const struct account *a)
{
	size_t i;

	for (i = 0; p && i < p->n; i++)
		if (p->items[i].kind == kind && p->items[i].a == a)
			return &p->items[i];
	return NULL;
}

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

static void
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

static void
report_programs_paths(struct check *ck, const struct probe *p)
{
	struct strbuf progs = STRBUF_INIT, daemons = STRBUF_INIT;
	size_t i, n_paths = 0;

	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if (it->kind == 'p' && it->seen)
			check_bad(ck, p->h, "%s: program %s not found", it->what, it->arg);
		else if (it->kind == 'p')
			strbuf_addf(&progs, " %s", it->arg);
		else if (it->kind == 'f' && it->seen)
			check_bad(ck, p->h, "%s %s does not exist", it->what, it->arg);
		else if (it->kind == 'f')
			n_paths++;
		else if (it->kind == 'd' && it->seen)
			check_bad(ck, p->h, "%s: no %s process is running", it->what, it->arg);
		else if (it->kind == 'd')
			strbuf_addf(&daemons, " %s", it->arg);
	}
	if (progs.len)
		check_ok(p->h, "programs%s", progs.buf);
	if (n_paths)
		check_ok(p->h, "configured paths exist (%zu)", n_paths);
	if (daemons.len)
		check_ok(p->h, "running%s", daemons.buf);
	strbuf_release(&progs);
	strbuf_release(&daemons);
}

static int
has_module(const struct item *m, const char *name)
{
	const char *s = m->text.buf;
	size_t n = strlen(name);

	while ((s = strstr(s, name)) != NULL) {
		if ((s == m->text.buf || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return 1;
		s += n;
	}
	return 0;
}

static void
need_module(struct check *ck, const struct probe *p, const struct item *m,
    const char *mod, const char *why)
{
	if (has_module(m, mod))
		check_ok(p->h, "apache module %s (%s)", mod, why);
	else
		check_bad(ck, p->h, "apache module %s is not loaded (needed for %s)", mod, why);
}

/* a module ferry's own step enables when it needs it: a change, not a failure */
static void
step_module(const struct probe *p, const struct item *m, const char *mod, const char *step)
{
	size_t n = strlen(mod) - strlen("_module");

	if (has_module(m, mod))
		check_ok(p->h, "apache module %s (%s)", mod, step);
	else
		check_ok(p->h, "apache module %s is off: %s will enable it (a2enmod %.*s)", mod,
		    step, (int)n, mod);
}

/* the old Apache runs CGI (its own module list says so, not a grep of the vhosts) */
static int
uses_cgi(const struct item *mo)
{
	return mo && (has_module(mo, "cgi_module") || has_module(mo, "cgid_module"));
}

static void
report_modules(struct check *ck, const struct probe *old, const struct probe *new)
{
	const struct item *mo = find_item(old, 'm', NULL), *mn = find_item(new, 'm', NULL);

	if (!(ck->services & SVC_WEB))
		return;
	if (mo && old->up && mo->num != 0)
		check_bad(ck, old->h, "%s -M failed: %s", mo->arg, mo->text.buf);
	else if (mo && old->up) {
		step_module(old, mo, "proxy_module", "phase2.proxy");
		step_module(old, mo, "proxy_http_module", "phase2.proxy");
	}
	if (mn && new->up && mn->num != 0)
		check_bad(ck, new->h, "%s -M failed: %s", mn->arg, mn->text.buf);
	else if (mn && new->up) {
		if (ck->userdir)
			step_module(new, mn, "userdir_module", "prep.4");
		if (old->up && uses_cgi(mo) && !has_module(mn, "cgi_module"))
			need_module(ck, new, mn, "cgid_module", "the old Apache runs CGI");
	}
}

static void
report_rsync(struct check *ck, const struct probe *old)
{
	const struct item *r = find_item(old, 'r', NULL);

	if (r == NULL || !old->up)
		return;
	if (!r->seen)
		check_bad(ck, old->h, "ssh to %s (for rsync) could not be tried", r->arg);
	else if (r->num != 0)
		check_bad(ck, old->h, "ssh to %s (for rsync) failed: %s", r->arg, r->text.buf);
	else
		check_ok(old->h, "ssh to %s (for rsync)", r->arg);
}

/* the old homes must exist; the new host's disk must hold what is not there yet */
static void
report_space(struct check *ck, const struct probe *old, const struct probe *new)
{
	const struct item *df = find_item(new, 's', NULL);
	long long need = 0, have;
	size_t i;

	if (!old->up)
		return;
	for (i = 0; i < ck->n_accts; i++) {
		const struct item *uo = find_item(old, 'u', ck->accts[i]);
		const struct item *un = new->up ? find_item(new, 'u', ck->accts[i]) : NULL;

		if (uo == NULL || !uo->seen || strcmp(uo->text.buf, "nouser") == 0) {
			check_bad(ck, old->h, "no user %s", ck->accts[i]->name);
			continue;
		}
		if (strcmp(uo->text.buf, "nohome") == 0) {
			check_bad(ck, old->h, "the home directory of %s is missing", ck->accts[i]->name);
			continue;
		}
		have = un && un->num > 0 ? un->num : 0;
		need += uo->num > have ? uo->num - have : 0;
	}
	if (!new->up || df == NULL)
		return;
	if (!df->seen || df->text.len == 0)
		check_bad(ck, new->h, "cannot tell the free space in %s", df->arg);
	else if (df->num < need)
		check_bad(ck, new->h, "%s has %lld KiB free, the homes need %lld KiB", df->arg,
		    df->num, need);
	else
		check_ok(new->h, "%s has %lld KiB free, the homes need %lld KiB", df->arg, df->num, need);
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

static void
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
