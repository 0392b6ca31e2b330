/*
 * cmd-discover.c: ferry discover [--from HOST] [--to HOST] [-o FILE] [--force] [--json]
 *
 * Reads the old host (read-only: one sh script over one ssh connection
 * answers everything), the new host's name, address and free space, and
 * each other nameserver's name; works out whose VirtualHosts, zones, mail
 * and games are whose; writes a ferry.conf (discover-write.c) and prints
 * a risk report (discover-risk.c).  HOST is an ssh destination
 * (root@192.0.2.10) or "local"; the host sections take the names the hosts
 * give themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover-int.h"
#include "xmalloc.h"

/* The old host's facts, sections as discover.h says.  Read-only. */
static const char old_script[] =
	"h() { printf '@%s\\n' \"$*\"; }\n"
	"b() { sed 's/^/|/' -- \"$@\" 2>/dev/null; }\n"
	"h host; { hostname; hostname -f 2>/dev/null || hostname; } | b\n"
	"set -- $SSH_CONNECTION; h addr; printf '|%s\\n' \"$3\"\n"
	"h fqdn-addr; getent ahostsv4 \"$(hostname -f 2>/dev/null)\" | b\n"
	"h passwd; getent passwd | b\n"
	"getent passwd | while IFS=: read -r u x uid gid g home sh; do\n"
	"  [ \"$uid\" -ge 1000 ] 2>/dev/null && [ \"$uid\" -le 59999 ] && [ -d \"$home\" ] || continue\n"
	"  h home \"$u\" $(du -sk -- \"$home\" </dev/null | cut -f1)\n"
	"  c=/var/spool/cron/crontabs/$u; if [ -f \"$c\" ]; then h crontab \"$u\"; b \"$c\"; fi\n"
	"  if [ -f \"$home/.forward\" ]; then h forward \"$u\"; b \"$home/.forward\"; fi\n"
	"  if [ -d \"$home/Maildir\" ]; then h maildir \"$u\" $(du -sk -- \"$home/Maildir\" </dev/null | cut -f1); fi\n"
	"  if [ -f \"/var/spool/mail/$u\" ]; then h spool \"$u\" $(du -sk -- \"/var/spool/mail/$u\" </dev/null | cut -f1); fi\n"
	"  h ls \"$u\"; ls -A -- \"$home\" </dev/null 2>/dev/null | b\n"
	"  h procs \"$u\"; ps -o pid=,comm= -u \"$u\" </dev/null 2>/dev/null | b\n"
	"  find \"$home\" -maxdepth 4 -name netmux.conf -type f </dev/null 2>/dev/null | while read -r c; do\n"
	"    d=${c%/*}; h mush \"$u\" \"$d\"; b \"$c\"\n"
	"    if [ -x \"$d/Startmux\" ]; then h startmux \"$d\"; fi\n"
	"    p=$(cat \"$d/netmux.pid\" 2>/dev/null); if [ -n \"$p\" ] && [ -e \"/proc/$p/exe\" ]; then h mushrun \"$d\" \"$p\"; fi\n"
	"  done\n"
	"done\n"
	"h listen; ss -Hltnp 2>/dev/null | b\n"
	"if command -v apache2ctl >/dev/null 2>&1; then\n"
	"  inc=$(apache2ctl -t -D DUMP_INCLUDES 2>/dev/null | sed -n 's/^ *([0-9*]*) //p')\n"
	"  printf '%s\\n' \"$inc\" | while read -r f; do [ -n \"$f\" ] && { h file \"$f\"; b \"$f\"; }; done\n"
	"  h apache-S; apache2ctl -S 2>&1 | b\n"
	"  printf '%s\\n' \"$inc\" | while read -r f; do [ -n \"$f\" ] && sed -n 's/^[ \\t]*SSLCertificateFile[ \\t]*\"*\\([^\" ]*\\).*/\\1/Ip' \"$f\"; done |\n"
	"  sort -u | while read -r c; do h cert \"$c\"; openssl x509 -noout -enddate -in \"$c\" 2>&1 | b; done\n"
	"fi\n"
	"if [ -f /etc/mail/sendmail.cf ]; then\n"
	"  h sendmail-cf; grep -E '^(Kvirtuser|Fw)' /etc/mail/sendmail.cf | b\n"
	"  for f in $(sed -n 's/^Kvirtuser.* \\(\\/[^ ]*\\)$/\\1/p; s/^Fw\\(-o\\)\\{0,1\\} *\\(\\/[^ ]*\\).*/\\2/p' /etc/mail/sendmail.cf); do\n"
	"    f=${f%.db}; h file \"$f\"; b \"$f\"; done\n"
	"fi\n"
	"if command -v postconf >/dev/null 2>&1; then\n"
	"  h postconf; postconf -h virtual_alias_maps mydestination 2>/dev/null | b\n"
	"  for m in $(postconf -h virtual_alias_maps 2>/dev/null | tr ',' ' '); do f=${m#*:}; h file \"$f\"; b \"$f\"; done\n"
	"fi\n"
	"for s in /var/spool/mail /var/mail; do if [ -d \"$s\" ]; then h spool-dir \"$s\"; break; fi; done\n"
	"if command -v named-checkconf >/dev/null 2>&1; then\n"
	"  conf=$(named-checkconf -p 2>/dev/null); h named; printf '%s\\n' \"$conf\" | b\n"
	"  dir=$(printf '%s\\n' \"$conf\" | sed -n 's/^[ \\t]*directory \"\\(.*\\)\";/\\1/p' | head -n 1)\n"
	"  printf '%s\\n' \"$conf\" | sed -n 's/^[ \\t]*file \"\\(.*\\)\";/\\1/p' | while read -r f; do\n"
	"    case $f in /*) ;; *) f=$dir/$f ;; esac; h file \"$f\"; b \"$f\"; done\n"
	"fi\n"
	"h df; df -Pk /home 2>/dev/null | b\n";

/* The new host (and other nameservers): who they are, and room in /home. */
static const char peer_script[] =
	"h() { printf '@%s\\n' \"$*\"; }\n"
	"h host; { hostname; hostname -f 2>/dev/null || hostname; } | sed 's/^/|/'\n"
	"set -- $SSH_CONNECTION; h addr; printf '|%s\\n' \"$3\"\n"
	"h fqdn-addr; getent ahostsv4 \"$(hostname -f 2>/dev/null)\" | sed 's/^/|/'\n"
	"h df; df -Pk /home 2>/dev/null | sed 's/^/|/'\n";

struct discover_args {
	const char *from, *to, *out;
	int force, json;
};

static int
parse_args(int argc, char **argv, struct discover_args *a)
{
	int i;

	a->from = "local";
	a->out = "ferry.conf";
	for (i = 1; i < argc; i++) {
		const char **val = NULL;

		if (strcmp(argv[i], "--from") == 0)
			val = &a->from;
		else if (strcmp(argv[i], "--to") == 0)
			val = &a->to;
		else if (strcmp(argv[i], "-o") == 0)
			val = &a->out;
		else if (strcmp(argv[i], "--force") == 0)
			a->force = 1;
		else if (strcmp(argv[i], "--json") == 0)
			a->json = 1;
		else
			return cmd_usage_error(&cmd_discover_entry, "unexpected '%s'", argv[i]);
		if (val) {
			if (++i == argc || !*argv[i])
				return cmd_usage_error(&cmd_discover_entry, "%s needs a value", argv[i - 1]);
			if (argv[i][0] == '-')
				return cmd_usage_error(&cmd_discover_entry, "%s: '%s' looks like an option",
				    argv[i - 1], argv[i]);
			*val = argv[i];
		}
	}
	if (!a->to)
		return cmd_usage_error(&cmd_discover_entry,
		    "--to names the new host (an ssh destination, or local)");
	return 0;
}

/* the line'th line (from 0) of a section's body, in out; 0 or -1 */
static int
body_line(const struct dsc_section *s, int line, struct strbuf *out)
{
	const char *p = s ? s->body.buf : "";

	strbuf_reset(out);
	for (; line > 0 && p; line--)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (!p || !*p)
		return -1;
	strbuf_add(out, p, strcspn(p, "\n"));
	return 0;
}

/* free KiB on the home file system from df -Pk's second line */
static long
df_free(const struct dsc_section *s)
{
	struct strbuf l = STRBUF_INIT;
	long kb = -1;
	char fs[256];
	long total, used, avail;

	if (body_line(s, 1, &l) == 0 &&
	    sscanf(l.buf, "%255s %ld %ld %ld", fs, &total, &used, &avail) == 4)
		kb = avail;
	strbuf_release(&l);
	return kb;
}

/* runs script on dh and reads who it is; 0 or -1 (printed) */
static int
ask_host(struct ferry *f, struct dsc_host *dh, const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, l = STRBUF_INIT;
	int r;

	r = remote_capture(&f->tr, &dh->h, argv, &out, &err);
	if (r != 0) {
		if (r != 255)
			error("discover: %s: the reading script failed (%d): %s", dh->h.ssh, r, err.buf);
		strbuf_release(&out);
		strbuf_release(&err);
		return -1;
	}
	dsc_split(&dh->st, out.buf, out.len);
	if (body_line(dsc_get(&dh->st, "host", NULL), 0, &l) == 0) {
		free(dh->h.name);
		dh->h.name = xstrndup(l.buf, strcspn(l.buf, "."));
	}
	if (body_line(dsc_get(&dh->st, "host", NULL), 1, &l) == 0)
		dh->fqdn = xstrdup(l.buf);
	/* the address ssh reached it on; a local host: what its name resolves to */
	if (body_line(dsc_get(&dh->st, "addr", NULL), 0, &l) == 0 && l.len)
		dh->address = xstrdup(l.buf);
	else if (body_line(dsc_get(&dh->st, "fqdn-addr", NULL), 0, &l) == 0 && l.len)
		dh->address = xstrndup(l.buf, strcspn(l.buf, " \t"));
	dh->h.address = dh->address;	/* shared, freed once (dsc_host_release) */
	dh->h.fqdn = dh->fqdn;
	dh->free_kb = df_free(dsc_get(&dh->st, "df", NULL));
	strbuf_release(&l);
	strbuf_release(&out);
	strbuf_release(&err);
	if (!dh->address || !dh->fqdn)
		return error("discover: %s: cannot tell its address and name", dh->h.ssh);
	return 0;
}

static void
host_init(struct dsc_host *dh, const char *dest, const char *label)
{
	memset(dh, 0, sizeof *dh);
	dh->h.name = xstrdup(label);
	dh->h.ssh = xstrdup(dest);
	dh->h.local = strcmp(dest, "local") == 0;
	dh->free_kb = -1;
}

void
dsc_host_release(struct dsc_host *dh)
{
	free(dh->h.name);
	free(dh->h.ssh);
	free(dh->fqdn);
	free(dh->address);
	dsc_stream_release(&dh->st);
}

/* "user@" of dest, for the nameservers reached the same way ("" for none) */
static void
dest_user(const char *dest, struct strbuf *out)
{
	const char *at = strchr(dest, '@');

	strbuf_reset(out);
	if (at)
		strbuf_add(out, dest, (size_t)(at - dest + 1));
	else if (strcmp(dest, "local") == 0)
		strbuf_addstr(out, "root@");
}

/* every secondary the old host notifies that is not the new host: asked for its name */
static void
ask_nameservers(struct dsc *d)
{
	struct strbuf u = STRBUF_INIT, label = STRBUF_INIT;
	size_t i, k;

	dest_user(d->old.h.ssh, &u);
	for (i = 0; i < d->n_zones; i++) {
		if (!d->zones[i].type || strcmp(d->zones[i].type, "primary") != 0)
			continue;
		for (k = 0; k < d->zones[i].notify.n; k++) {
			const char *a = d->zones[i].notify.v[k];
			struct strbuf dest = STRBUF_INIT;
			size_t j;

			if (strcmp(a, d->new.address) == 0 || strcmp(a, d->old.address) == 0)
				continue;
			for (j = 0; j < d->n_ns && strcmp(d->ns[j].address, a) != 0; j++)
				;
			if (j < d->n_ns)
				continue;
			strbuf_addf(&dest, "%s%s", u.buf, a);
			strbuf_addf(&label, "ns-%s", a);
			for (j = 0; j < label.len; j++)
				if (label.buf[j] == '.' || label.buf[j] == ':')
					label.buf[j] = '-';
			d->ns = xreallocarray(d->ns, d->n_ns + 1, sizeof *d->ns);
			host_init(&d->ns[d->n_ns], dest.buf, label.buf);
			if (ask_host(d->f, &d->ns[d->n_ns], peer_script) < 0) {
				dsc_risk(d, "nameserver", NULL, "secondary %s: no ssh as %s: "
				    "written as %s, fix its ssh", a, dest.buf, label.buf);
				free(d->ns[d->n_ns].address);
				d->ns[d->n_ns].address = xstrdup(a);
				d->ns[d->n_ns].h.address = d->ns[d->n_ns].address;
			}
			strbuf_reset(&label);
			d->n_ns++;
			strbuf_release(&dest);
		}
	}
	strbuf_release(&u);
	strbuf_release(&label);
}

/* writes text to path: never over an existing file unless force; 0 or -1 */
static int
write_conf_file(const char *path, const struct strbuf *text, int force)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, r = 0;

	strbuf_addf(&tmp, "%s.ferry-new.%ld", path, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, text->buf, text->len) != (ssize_t)text->len ||
	    fsync(fd) < 0) {
		r = error_errno("discover: cannot write %s", tmp.buf);
	} else if (force ? rename(tmp.buf, path) < 0 : link(tmp.buf, path) < 0) {
		if (errno == EEXIST)
			r = error("discover: %s exists; --force replaces it", path);
		else
			r = error_errno("discover: cannot write %s", path);
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp.buf);
	strbuf_release(&tmp);
	return r;
}

/* an existing FILE without --force is refused before any host is asked */
static int
force_ok(const char *path, int force)
{
	if (!force && access(path, F_OK) == 0) {
		error("discover: %s exists; --force replaces it", path);
		return 0;
	}
	return 1;
}

/* the journal beside FILE: disc.conf -> disc.db, so two configs keep apart */
static char *
journal_of(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);
	struct strbuf j = STRBUF_INIT;

	if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
		n -= 5;
	strbuf_add(&j, base, n);
	strbuf_addstr(&j, ".db");
	return strbuf_detach(&j);
}

static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		return xstrdup(".");
	return sl == path ? xstrdup("/") : xstrndup(path, (size_t)(sl - path));
}

static int
discover_exec(struct ferry *f, int argc, char **argv)
{
	struct discover_args a = { 0 };
	struct dsc d;
	struct strbuf conf = STRBUF_INIT;
	struct config check;
	int r;

	if ((r = parse_args(argc, argv, &a)) != 0)
		return r;
	if (!force_ok(a.out, a.force))
		return EXIT_USAGE;
	memset(&d, 0, sizeof d);
	d.f = f;
	d.cutover_ttl = 300;
	host_init(&d.old, a.from, "old");
	host_init(&d.new, a.to, "new");
	d.out_dir = dir_of(a.out);
	d.journal = journal_of(a.out);
	if (ask_host(f, &d.old, old_script) < 0 || ask_host(f, &d.new, peer_script) < 0) {
		dsc_release(&d);
		return EXIT_FAIL;
	}
	if (strcmp(d.old.h.name, d.new.h.name) == 0)
		r = error("discover: old and new host both call themselves %s", d.old.h.name);
	dsc_build(&d);
	ask_nameservers(&d);
	dsc_find_risks(&d);
	dsc_write_conf(&d, &conf);
	if (r == 0)
		r = write_conf_file(a.out, &conf, a.force);
	if (r == 0) {
		/* what was written must load as it is (the promise to check and plan) */
		memset(&check, 0, sizeof check);
		if (config_load(&check, a.out) < 0)
			r = error("discover: %s does not load: a bug in discover", a.out);
		config_free(&check);
	}
	if (r == 0)
		dsc_print_report(&d, a.out, a.json);
	strbuf_release(&conf);
	dsc_release(&d);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cmd_entry cmd_discover_entry = {
	"discover", "[--from HOST] [--to HOST] [-o FILE] [--force] [--json]", 0, discover_exec,
};
