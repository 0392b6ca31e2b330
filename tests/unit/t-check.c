/*
 * t-check.c: `ferry check` on two "local" hosts (the probe script runs
 * through sh here exactly as over ssh), with a config built by hand.
 * Asserts the findings and the ok lines, and the exit status.  No DNS
 * section: nameserver queries are only sent from inside the lab.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry.h"
#include "unit.h"

static char dir[] = "/tmp/t-check-XXXXXX";
static struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

static void
slurp(const char *path, struct strbuf *sb)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	strbuf_reset(sb);
	while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(sb, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
}

/* runs check with argv, its stdout and stderr into out and err */
static int
run_check(struct ferry *f, int argc, const char **argv)
{
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	int so = dup(1), se = dup(2), fo, fe, st;

	strbuf_addf(&o, "%s/stdout", dir);
	strbuf_addf(&e, "%s/stderr", dir);
	fflush(stdout);
	fo = open(o.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(e.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	st = cmd_check_entry.exec(f, argc, (char **)argv);
	fflush(stdout);
	dup2(so, 1);
	dup2(se, 2);
	close(fo);
	close(fe);
	close(so);
	close(se);
	slurp(o.buf, &out);
	slurp(e.buf, &err);
	strbuf_release(&o);
	strbuf_release(&e);
	return st;
}

static int
has(const struct strbuf *sb, const char *fmt, const char *arg)
{
	struct strbuf want = STRBUF_INIT;
	int r;

	strbuf_addf(&want, fmt, arg);
	r = strstr(sb->buf, want.buf) != NULL;
	if (!r)
		printf("# missing [%s] in:\n%s", want.buf, sb->buf);
	strbuf_release(&want);
	return r;
}

static char *
path(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", dir, name);
	return strbuf_detach(&sb);
}

static void
make_host(struct host *h, const char *name)
{
	memset(h, 0, sizeof *h);
	h->name = (char *)name;
	h->ssh = "local";
	h->local = 1;
	h->home = path("home");
	h->mta = MTA_SENDMAIL;
	h->virtusertable = path("virtusertable");
	h->mta_domains = path("no-local-host-names");
	h->mail_spool = path("spool");
	h->rsync_to = "root@127.0.0.1";
	strlist_push(&h->mta_reload, "/nonexistent/ferry-reload");
}

int
main(void)
{
	struct host hosts[2];
	struct account accts[2];
	struct config cf;
	struct ferry f = { 0 };
	const char *all[] = { "check", NULL };
	const char *ghost[] = { "check", "nosuchuser0", NULL };
	const char *unknown[] = { "check", "nobody-configured", NULL };
	size_t i;
	char *p;

	if (mkdtemp(dir) == NULL)
		return 1;
	mkdir(p = path("home"), 0755);
	free(p);
	mkdir(p = path("spool"), 0755);
	free(p);
	close(open(p = path("virtusertable"), O_WRONLY | O_CREAT, 0644));
	free(p);
	make_host(&hosts[0], "old");
	make_host(&hosts[1], "new");
	memset(accts, 0, sizeof accts);
	accts[0].name = "daemon";	/* home /usr/sbin: quiet, unlike /root */
	accts[0].services = SVC_MAIL;
	accts[1].name = "nosuchuser0";
	memset(&cf, 0, sizeof cf);
	cf.path = "ferry.conf";
	cf.from = &hosts[0];
	cf.to = &hosts[1];
	cf.hosts = hosts;
	cf.n_hosts = 2;
	cf.accounts = accts;
	cf.n_accounts = 2;
	f.cf = &cf;

	CHECK_INT(run_check(&f, 1, all), EXIT_FAIL);
	CHECK(has(&out, "ok config: %s\n", "ferry.conf"));
	CHECK(has(&out, "ok %s: local\n", "old"));
	CHECK(has(&out, "ok %s: local\n", "new"));
	CHECK(has(&out, "ok old: configured paths exist (3)%s", "\n"));
	CHECK(has(&err, "ferry: check: old: mta-domains %s does not exist\n", hosts[0].mta_domains));
	CHECK(has(&err, "ferry: check: new: mta-reload: program %s not found\n",
	    "/nonexistent/ferry-reload"));
	CHECK(has(&err, "ferry: check: old: ssh to %s (for rsync) failed: ", "root@127.0.0.1"));
	CHECK(has(&err, "ferry: check: old: no user %s\n", "nosuchuser0"));
	/* daemon's home on the new host is the same directory: nothing left to copy
	   (root's was measured twice while something wrote there: a flaky test) */
	CHECK(has(&out, "ok new: %s has ", hosts[1].home));
	CHECK(has(&out, "KiB free, the homes need 0 KiB%s", "\n"));
	CHECK(strstr(out.buf, "ok old: programs") != NULL);

	CHECK_INT(run_check(&f, 2, ghost), EXIT_FAIL);
	CHECK(has(&err, "ferry: check: old: no user %s\n", "nosuchuser0"));
	CHECK(strstr(err.buf, "virtusertable") == NULL);	/* no mail account checked */

	log_level = LOG_QUIET;
	CHECK_INT(run_check(&f, 2, ghost), EXIT_FAIL);
	CHECK_INT(out.len, 0);
	CHECK(has(&err, "ferry: check: old: no user %s\n", "nosuchuser0"));
	log_level = LOG_NORMAL;

	CHECK_INT(run_check(&f, 2, unknown), EXIT_USAGE);
	CHECK(has(&err, "no [account %s]", "nobody-configured"));

	remote_close_all(&f.tr);
	for (i = 0; i < 2; i++) {
		free(hosts[i].home);
		free(hosts[i].virtusertable);
		free(hosts[i].mta_domains);
		free(hosts[i].mail_spool);
		strlist_clear(&hosts[i].mta_reload);
	}
	{
		const char *rm[] = { "rm", "-rf", dir, NULL };

		run_simple(rm, NULL);
	}
	strbuf_release(&out);
	strbuf_release(&err);
	UNIT_DONE("check");
}
