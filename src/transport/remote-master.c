/*
 * remote-master.c: one ssh ControlMaster per host, started on first use
 * (or all at once, in parallel) in a private 0700 directory;
 * ControlPersist bounds its life if ferry dies without remote_close_all(),
 * and the next ferry closes what a killed one left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "remote.h"
#include "remote-int.h"

#define MASTER_TIMEOUT_MS	30000
#define EXIT_TIMEOUT_MS		10000

/* the master: authenticates, then forks into the background (-f) */
static void
master_argv(struct strlist *out, const char *ssh_config, const char *ctl_dir,
    const char *dest)
{
	ssh_common(out, ssh_config, ctl_dir);
	strlist_push(out, "-o");
	strlist_push(out, "ControlMaster=yes");
	strlist_push(out, "-N");
	strlist_push(out, "-f");
	strlist_push(out, "--");
	strlist_push(out, dest);
}

static void ctl_dir_clear(const char *dir);

/*
 * 1 when the process that wrote DIR/pid is gone (a killed ferry leaves its
 * masters behind).  A reused pid only delays the cleanup to ControlPersist.
 */
static int
owner_gone(const char *dir)
{
	struct strbuf path = STRBUF_INIT;
	char buf[32];
	long pid = 0;
	FILE *fp;

	strbuf_addf(&path, "%s/pid", dir);
	if ((fp = fopen(path.buf, "r")) != NULL) {
		if (fgets(buf, sizeof buf, fp) != NULL)
			pid = strtol(buf, NULL, 10);
		fclose(fp);
	}
	strbuf_release(&path);
	return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* the masters of ferries that were killed: closed now rather than at ControlPersist */
static void
reap_orphans(const char *base)
{
	struct strbuf dir = STRBUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(base);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "ferry-", 6) != 0 || strlen(de->d_name) != 12)
			continue;
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/%s", base, de->d_name);
		if (lstat(dir.buf, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
		    !owner_gone(dir.buf))
			continue;
		debug("closing the ssh masters a killed ferry left in %s", dir.buf);
		ctl_dir_clear(dir.buf);
		rmdir(dir.buf);
	}
	closedir(d);
	strbuf_release(&dir);
}

/* who made the directory, for reap_orphans() of a later ferry */
static void
ctl_dir_mark(const char *dir)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&path, "%s/pid", dir);
	if ((fp = fopen(path.buf, "w")) != NULL) {
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	strbuf_release(&path);
}

/* a short path: sockets must fit sun_path (108) with ssh's temporary suffix */
static int
ctl_dir_make(struct transport *t)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct strbuf sb = STRBUF_INIT;

	if (t->ctl_dir)
		return 0;
	if (base == NULL || *base != '/' || strlen(base) > 32 || strpbrk(base, " \t\n\"'\\"))
		base = "/tmp";
	strbuf_addf(&sb, "%s/ferry-XXXXXX", base);
	if (mkdtemp(sb.buf) == NULL && strcmp(base, "/tmp") != 0) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "/tmp/ferry-XXXXXX");
		if (mkdtemp(sb.buf) == NULL) {
			strbuf_release(&sb);
			return error_errno("cannot make a directory for ssh connections");
		}
	}
	t->ctl_dir = strbuf_detach(&sb);
	ctl_dir_mark(t->ctl_dir);
	return 0;
}

static struct remote_conn *
conn_of(struct transport *t, const struct host *h)
{
	size_t i;

	/* a forked child shares its parent's masters through their sockets */
	for (i = 0; i < t->n_conns; i++)
		if (t->conns[i].h == h)
			return &t->conns[i];
	t->conns = xreallocarray(t->conns, t->n_conns + 1, sizeof *t->conns);
	t->conns[t->n_conns] = (struct remote_conn){ .h = h, .owner = getpid() };
	return &t->conns[t->n_conns++];
}

static int
master_start(struct transport *t, struct remote_conn *rc)
{
	struct strlist av = STRLIST_INIT;
	struct child c = CHILD_INIT;

	master_argv(&av, t->ssh_config, t->ctl_dir, rc->h->ssh);
	debug("%s: starting the ssh master", rc->h->name);
	c.argv = (const char *const *)av.v;
	c.timeout_ms = MASTER_TIMEOUT_MS;
	if (run_command(&c) == 0)
		rc->state = 1;
	else {
		rc->state = -1;
		if (c.status == RUN_NOSTART)
			rc->why = xstrdup(strerror(errno));
		else if (c.status == RUN_TIMEOUT)
			rc->why = xstrdup("connection timed out");
		else
			rc->why = last_line(&c.err, "connection failed");
	}
	child_release(&c);
	strlist_clear(&av);
	return rc->state > 0 ? 0 : -1;
}

int
remote_connect(struct transport *t, const struct host *h, struct strbuf *why)
{
	struct remote_conn *rc;

	if (h->local)
		return 0;
	if (h->ssh == NULL || *h->ssh == '\0') {
		if (why)
			strbuf_addstr(why, "no ssh destination");
		return -1;
	}
	if (ctl_dir_make(t) < 0) {
		if (why)
			strbuf_addstr(why, "no directory for the connection");
		return -1;
	}
	rc = conn_of(t, h);
	if (rc->state == 0)
		master_start(t, rc);
	if (rc->state < 0 && why)
		strbuf_addstr(why, rc->why);
	return rc->state > 0 ? 0 : -1;
}

/*
 * One master's start in a forked helper: it reports "state why" on fd.  The
 * masters themselves (ssh -f) live on without it.
 */
static pid_t
master_start_async(struct transport *t, struct remote_conn *rc, int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		FILE *out = fdopen(p[1], "w");

		close(p[0]);
		/* only the report pipe: a copy of ferry's run lock kept here
		 * kept a resumed run out after ferry was killed */
		if (p[1] > 3)
			close_range(3, (unsigned)p[1] - 1, 0);
		close_range((unsigned)p[1] + 1, ~0U, 0);
		master_start(t, rc);
		if (out)
			fprintf(out, "%d %s", rc->state, rc->why ? rc->why : "");
		_exit(out && fclose(out) == 0 ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* what the helper said (nothing said: it failed before ssh could say why) */
static void
master_collect(struct remote_conn *rc, int fd, pid_t pid)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[512], *end;
	ssize_t n;
	long st;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(&sb, buf, (size_t)n);
	close(fd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	st = strtol(sb.buf, &end, 10);
	rc->state = st == 1 ? 1 : -1;
	if (rc->state < 0)
		rc->why = xstrdup(end != sb.buf && *end == ' ' ? end + 1 : "connection failed");
	strbuf_release(&sb);
}

int
remote_connect_all(struct transport *t, const struct host *hosts, size_t n)
{
	size_t i;
	struct remote_conn **rcs = xcalloc(n, sizeof *rcs);
	pid_t *pids = xcalloc(n, sizeof *pids);
	int *fds = xcalloc(n, sizeof *fds), r = 0;

	for (i = 0; i < n; i++) {
		const struct host *h = &hosts[i];

		if (!h->local && h->ssh && *h->ssh && ctl_dir_make(t) == 0)
			conn_of(t, h);
	}
	/* t->conns stays where it is from here on */
	for (i = 0; i < n; i++) {
		const struct host *h = &hosts[i];

		if (h->local || h->ssh == NULL || *h->ssh == '\0' || t->ctl_dir == NULL)
			continue;
		rcs[i] = conn_of(t, h);
		if (rcs[i]->state == 0 && (pids[i] = master_start_async(t, rcs[i], &fds[i])) < 0)
			pids[i] = 0;
	}
	for (i = 0; i < n; i++) {
		if (pids[i] > 0)
			master_collect(rcs[i], fds[i], pids[i]);
		if (rcs[i] && rcs[i]->state == 0)
			master_start(t, rcs[i]);	/* no helper: the slow way */
		if (rcs[i] && rcs[i]->state < 0)
			r = -1;
	}
	free(rcs);
	free(pids);
	free(fds);
	return r;
}

/* asks the master behind one socket to exit; the destination is a placeholder */
static void
master_exit(const char *sock)
{
	struct strbuf opt = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { "ssh", "-F", "/dev/null", "-o", NULL, "-O", "exit", "--",
		"ferry-master", NULL };

	strbuf_addf(&opt, "ControlPath=%s", sock);
	argv[4] = opt.buf;
	c.argv = argv;
	c.timeout_ms = EXIT_TIMEOUT_MS;
	run_command(&c);
	debug("ssh -O exit %s: %d %s", sock, c.status, c.err.buf);
	child_release(&c);
	strbuf_release(&opt);
}

/* every socket in the directory: masters ssh restarted on its own count too */
static void
ctl_dir_clear(const char *dir)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path.buf, &st) == 0 && S_ISSOCK(st.st_mode))
			master_exit(path.buf);
		unlink(path.buf);
	}
	closedir(d);
	strbuf_release(&path);
}

/* every ferry on its way out closes what killed ones left, in both places ctl_dir_make uses */
static void
reap_all_orphans(void)
{
	const char *base = getenv("XDG_RUNTIME_DIR");

	if (base && *base == '/' && strcmp(base, "/tmp") != 0)
		reap_orphans(base);
	reap_orphans("/tmp");
}

void
remote_close_all(struct transport *t)
{
	/* the directory is made just before the first connection is recorded */
	int mine = t->n_conns > 0 && t->conns[0].owner == getpid();
	size_t i;

	for (i = 0; i < t->n_conns; i++)
		free(t->conns[i].why);
	if (t->ctl_dir && mine) {
		ctl_dir_clear(t->ctl_dir);
		if (rmdir(t->ctl_dir) < 0)
			warn("cannot remove %s: %s", t->ctl_dir, strerror(errno));
	}
	if (mine || t->n_conns == 0)
		reap_all_orphans();
	free(t->conns);
	free(t->ctl_dir);
	t->conns = NULL;
	t->n_conns = 0;
	t->ctl_dir = NULL;
}
