/*
 * check-world.c: what `check` learns of the world before any change, so a
 * run does not stop halfway on something that was there from the start:
 *   - rsync on both hosts new enough for ferry's options;
 *   - the ports the users log in at (the old host's sshd -T), listened on by
 *     the new host's sshd and answering with an SSH banner from here;
 *   - each account's home: the old passwd entry against the old `home`, and
 *     where it lands on the new host (the new `home`; prep.1 sets passwd so);
 *   - supplementary groups the new host lacks (reported: prep.1 skips them);
 *   - the map ferry edits for mail is the one each host's MTA reads, asked
 *     of the MTA (postconf -x; sendmail -bt -d38.2 names the file it opens);
 *   - every zone ferry will edit, read by ferry's parser and asked of named
 *     (dns-check.c: static, dynamic, inline-signed; signed elsewhere refused),
 *     and the records at the old host each account moves or leaves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "check-world.h"
#include "dns-check.h"
#include "log.h"
#include "mta.h"
#include "remote.h"
#include "text.h"
#include "web-apache.h"

/* ferry's rsync options: --mkpath is the youngest (rsync 3.2.3) */
#define RSYNC_NEED "3.2.3"

/* rsync version -- sshd ports -- per user "name:home:groups" */
static const char host_script[] =
	"rsync --version 2>/dev/null | sed -n '1s/^rsync *version \\([0-9.]*\\).*/\\1/p'; echo --; "
	"sshd -T 2>/dev/null | sed -n 's/^port //p'; echo --; "
	"for u do p=$(getent passwd \"$u\") || { echo \"$u::\"; continue; }; "
	"h=${p#*:*:*:*:*:}; h=${h%%:*}; echo \"$u:$h:$(id -Gn \"$u\" 2>/dev/null)\"; done";

static const char groups_script[] =
	"for g do getent group \"$g\" >/dev/null || echo \"$g\"; done; exit 0";

struct host_facts {
	char *rsync;
	struct strlist ports;
	struct strlist users;	/* "name:home:g1 g2" */
};

static int
version_ge(const char *have, const char *need)
{
	while (*have || *need) {
		long a = strtol(have, (char **)&have, 10), b = strtol(need, (char **)&need, 10);

		if (a != b)
			return a > b;
		have += *have == '.';
		need += *need == '.';
	}
	return 1;
}

static int
read_facts(struct ferry *f, const struct host *h, struct account **accts, size_t n,
    struct host_facts *hf)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	char *line, *save = NULL;
	int part = 0, r;
	size_t i;

	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, host_script);
	strlist_push(&argv, "sh");
	for (i = 0; i < n; i++)
		strlist_push(&argv, accts[i]->name);
	r = remote_capture(&f->tr, h, (const char *const *)argv.v, &out, NULL);
	for (line = strtok_r(out.buf, "\n", &save); r == 0 && line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "--") == 0)
			part++;
		else if (part == 0 && !hf->rsync)
			hf->rsync = xstrdup(line);
		else if (part == 1)
			strlist_push(&hf->ports, line);
		else if (part == 2)
			strlist_push(&hf->users, line);
	}
	strlist_clear(&argv);
	strbuf_release(&out);
	return r == 0 ? 0 : error("check: %s: cannot read rsync, sshd and passwd facts", h->name);
}

static void
facts_release(struct host_facts *hf)
{
	free(hf->rsync);
	strlist_clear(&hf->ports);
	strlist_clear(&hf->users);
}

/* "name:home:groups" of user in hf, split in place into a copy (free *line) */
static int
user_fact(const struct host_facts *hf, const char *user, char **line, char **home, char **groups)
{
	size_t i, n = strlen(user);

	for (i = 0; i < hf->users.n; i++)
		if (strncmp(hf->users.v[i], user, n) == 0 && hf->users.v[i][n] == ':') {
			*line = xstrdup(hf->users.v[i]);
			*home = *line + n + 1;
			*groups = strchr(*home, ':');
			if (*groups)
				*(*groups)++ = '\0';
			else
				*groups = *home + strlen(*home);
			return 1;
		}
	return 0;
}

static int
check_rsync(const struct host *h, const struct host_facts *hf)
{
	if (!hf->rsync || !hf->rsync[0])
		return error("check: %s: rsync is missing (ferry needs %s or later)", h->name,
		    RSYNC_NEED);
	if (!version_ge(hf->rsync, RSYNC_NEED))
		return error("check: %s: rsync %s is too old: ferry's --mkpath needs %s or later",
		    h->name, hf->rsync, RSYNC_NEED);
	info("ok %s: rsync %s (ferry needs %s or later)", h->name, hf->rsync, RSYNC_NEED);
	return 0;
}

/* every port users reach the old host at, listened on and answering on the new */
static int
check_ports(const struct config *cf, const struct host_facts *old, const struct host_facts *new)
{
	struct strbuf why = STRBUF_INIT;
	size_t i;
	int bad = 0;

	if (old->ports.n == 0)
		bad = error("check: %s: sshd -T names no port", cf->from->name);
	for (i = 0; i < old->ports.n; i++) {
		strbuf_reset(&why);
		if (!strlist_has(&new->ports, old->ports.v[i]))
			bad = error("check: %s: sshd does not listen on port %s, where %s's users log in",
			    cf->to->name, old->ports.v[i], cf->from->name);
		else if (access_banner(cf->to->address, text_port(old->ports.v[i]), &why) < 0)
			bad = error("check: %s: ssh at %s port %s, measured from here: %s",
			    cf->to->name, cf->to->address, old->ports.v[i], why.buf);
		else
			info("ok %s: sshd answers at %s port %s (users' port on %s)", cf->to->name,
			    cf->to->address, old->ports.v[i], cf->from->name);
	}
	strbuf_release(&why);
	return bad;
}

/* groups of the user's on the old host the new host lacks: reported, not failed */
static void
report_groups(struct ferry *f, const struct config *cf, const char *user, const char *groups)
{
	struct strlist argv = STRLIST_INIT, words = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t i;

	strlist_split(&words, groups);
	if (words.n <= 1)
		goto out;
	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, groups_script);
	strlist_push(&argv, "sh");
	for (i = 1; i < words.n; i++)	/* the first is the primary group: prep.1 makes it */
		strlist_push(&argv, words.v[i]);
	if (remote_capture(&f->tr, cf->to, (const char *const *)argv.v, &out, NULL) == 0 && out.len) {
		strbuf_rtrim(&out);
		for (i = 0; i < out.len; i++)
			if (out.buf[i] == '\n')
				out.buf[i] = ' ';
		warn("check: %s: %s's groups missing there (prep.1 leaves them out): %s",
		    cf->to->name, user, out.buf);
	}
out:
	strlist_clear(&argv);
	strlist_clear(&words);
	strbuf_release(&out);
}

static int
check_homes(struct ferry *f, struct account **accts, size_t n, const struct host_facts *old,
    const struct host_facts *new)
{
	const struct config *cf = f->cf;
	struct strbuf want = STRBUF_INIT;
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		char *line = NULL, *home, *groups, *nline = NULL, *nhome, *ngroups;

		if (!user_fact(old, accts[i]->name, &line, &home, &groups) || !home[0]) {
			bad = error("check: %s: there is no user %s", cf->from->name, accts[i]->name);
			free(line);
			continue;
		}
		strbuf_reset(&want);
		strbuf_addf(&want, "%s/%s", cf->from->home, accts[i]->name);
		if (strcmp(home, want.buf) != 0)
			bad = error("check: %s: %s's home is %s, not %s (`home`): prep.2 syncs the latter",
			    cf->from->name, accts[i]->name, home, want.buf);
		strbuf_reset(&want);
		strbuf_addf(&want, "%s/%s", cf->to->home, accts[i]->name);
		if (user_fact(new, accts[i]->name, &nline, &nhome, &ngroups) && nhome[0] &&
		    strcmp(nhome, want.buf) != 0)
			info("ok %s: %s's home there is %s: prep.1 sets it to %s", cf->to->name,
			    accts[i]->name, nhome, want.buf);
		else
			info("ok %s: %s's home lands in %s", cf->to->name, accts[i]->name, want.buf);
		report_groups(f, cf, accts[i]->name, groups);
		free(line);
		free(nline);
	}
	strbuf_release(&want);
	return bad;
}

/*
 * Apache's default vhost of ADDR:80 by apache2ctl -S, as "REALPATH:LINE":
 * the "default server" line of a NameVirtualHost address, or the one line
 * "ADDR NAME (FILE:LINE)" of an address with a single block
 */
static const char default_script[] =
	"apache2ctl -S 2>/dev/null | awk -v a=\"$1:80\" '"
	"/^[^ \\t]/ { cur = $1; one = (NF == 3 && $NF ~ /^\\(.*:[0-9]+\\)$/) } "
	"(one || /default server/) && (cur == a || (cur == \"*:80\" && !d)) { "
	"  l = $NF; gsub(/[()]/, \"\", l); one = 0; "
	"  if (cur == a) e = l; else d = l } "
	"END { print (e != \"\" ? e : d) }' | { IFS=: read -r f l; "
	"[ -n \"$f\" ] && printf '%s:%s\\n' \"$(readlink -f -- \"$f\")\" \"$l\"; }";

/*
 * The old host's configuration as ferry reads it, cross-checked with
 * Apache's own: the default vhost of its address on port 80 is the one
 * apache2ctl -S names; and which block serves userdir-domain.
 */
static int
check_apache(struct ferry *f)
{
	const struct config *cf = f->cf;
	const struct host *h = cf->from;
	const char *argv[] = { "sh", "-c", default_script, "sh", h->address, NULL };
	struct apache_conf ac = APACHE_CONF_INIT;
	struct strbuf out = STRBUF_INIT, mine = STRBUF_INIT;
	long d, u;
	int bad = 0, by = 0;

	if (apache_host_load(f, h, &ac) < 0) {
		apache_conf_release(&ac);
		return error("check: %s: ferry cannot read Apache's configuration", h->name);
	}
	if ((d = apache_conf_serving(&ac, h->address, 80, "", NULL)) >= 0)
		strbuf_addf(&mine, "%s:%d", ac.vhosts[d].file, ac.vhosts[d].line);
	if (remote_capture(&f->tr, h, argv, &out, NULL) != 0)
		bad = error("check: %s: apache2ctl -S failed", h->name);
	strbuf_rtrim(&out);
	if (!bad && strcmp(out.buf, mine.buf) != 0)
		bad = error("check: %s: default vhost of %s:80: apache2ctl -S says %s, ferry read %s",
		    h->name, h->address, out.len ? out.buf : "none", mine.len ? mine.buf : "none");
	else if (!bad)
		info("ok %s: %zu VirtualHosts in %zu files; default of %s:80 %s, as apache2ctl -S says",
		    h->name, ac.nvhosts, ac.files.n, h->address, mine.len ? mine.buf : "none");
	if (!bad && cf->userdir_domain) {
		u = apache_conf_serving(&ac, h->address, 80, cf->userdir_domain, &by);
		if (u < 0)
			bad = error("check: %s: no VirtualHost serves %s (userdir-domain)", h->name,
			    cf->userdir_domain);
		else
			info("ok %s: %s (userdir-domain) is served by %s:%d (%s)", h->name,
			    cf->userdir_domain, ac.vhosts[u].file, ac.vhosts[u].line,
			    by ? "by name" : "the default vhost");
	}
	apache_conf_release(&ac);
	strbuf_release(&out);
	strbuf_release(&mine);
	return bad;
}

/*
 * The virtusertable ferry edits on h is the map h's MTA reads, by the MTA's
 * own answer: an edit of a file the MTA never reads would switch nothing.
 */
static int
check_mail_map(struct ferry *f, const struct host *h)
{
	const struct mta_ops *m = mta_of(h);
	const char *argv[] = { "sh", "-c", m->reads_script, "sh", h->virtusertable, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = remote_capture(&f->tr, h, argv, &out, NULL), bad = 0;

	strbuf_rtrim(&out);
	if (r == 0)
		info("ok %s: %s reads %s (%s)", h->name, m->name, h->virtusertable, out.buf);
	else if (r == 1)
		bad = error("check: %s: %s does not read %s (virtusertable in ferry.conf): %s",
		    h->name, m->name, h->virtusertable, out.buf);
	else
		bad = error("check: %s: asking %s which map it reads failed: %s", h->name, m->name,
		    out.buf);
	strbuf_release(&out);
	return bad;
}

int
check_world(struct ferry *f, struct account **accts, size_t n)
{
	const struct config *cf = f->cf;
	struct host_facts old = { 0 }, new = { 0 };
	size_t i;
	int bad = 0;

	if (read_facts(f, cf->from, accts, n, &old) < 0 || read_facts(f, cf->to, accts, n, &new) < 0) {
		facts_release(&old);
		facts_release(&new);
		return -1;
	}
	bad |= check_rsync(cf->from, &old);
	bad |= check_rsync(cf->to, &new);
	bad |= check_ports(cf, &old, &new);
	bad |= check_homes(f, accts, n, &old, &new);
	for (i = 0; i < n; i++)
		if (accts[i]->services & SVC_WEB)
			break;
	if (i < n && cf->from->address)
		bad |= check_apache(f);
	for (i = 0; i < n; i++)
		if (accts[i]->services & SVC_MAIL)
			break;
	if (i < n) {
		bad |= check_mail_map(f, cf->from);
		bad |= check_mail_map(f, cf->to);
	}
	if (cf->dns.primary)
		bad |= dns_check_zones(f, accts, n);
	facts_release(&old);
	facts_release(&new);
	return bad ? -1 : 0;
}
