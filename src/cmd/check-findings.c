/*
 * check-findings.c: ferry check's verdicts on the probe's answers:
 * programs and paths, Apache modules the vhosts use, rsync's ssh from the
 * old host to the new, free space for the homes.
 */
#include <string.h>

#include "check-int.h"

void
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

void
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

void
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
void
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
