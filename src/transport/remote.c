/*
 * remote.c: running commands and moving file contents on hosts.  A remote
 * command is an argv like a local one: every word goes through
 * shell_quote() and the words are joined into the one line ssh hands to
 * the remote shell, which therefore sees exactly those words.  Each host
 * gets one ssh ControlMaster, started on first use in a private 0700
 * directory; ControlPersist bounds its life if ferry dies without
 * remote_close_all().
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

#define MASTER_TIMEOUT_MS	30000
#define FILE_TIMEOUT_MS		300000
#define EXIT_TIMEOUT_MS		10000
#define MISSING_STATUS		3	/* the constant scripts' "no such file" */

struct remote_conn {
	const struct host *h;
	pid_t owner;		/* the process that recorded it: only it ends the masters */
	int state;		/* 0 not tried, 1 up, -1 failed */
	char *why;		/* ssh's reason when failed */
};

/* stdout of the file; exit 3 when it does not exist */
static const char read_script[] =
	"[ -e \"$1\" ] || exit 3; exec cat -- \"$1\"";
/* mode (octal), uid, gid of the file a path names (through symlinks) */
static const char stat_script[] =
	"[ -e \"$1\" ] || exit 3; exec stat -L -c '%a %u %g' -- \"$1\"";
/*
 * stdin to $1.ferry-new (owner and mode of $1 when it exists, else mode $2),
 * flushed, then renamed over $1; a symlink is followed so that it stays one.
 * The temporary file is removed on any failure.
 */
static const char write_script[] =
	"set -e; p=$1; "
	"if [ -L \"$p\" ]; then p=$(readlink -f -- \"$p\"); fi; "
	"t=$p.ferry-new; trap 'rm -f -- \"$t\"' EXIT; rm -f -- \"$t\"; "
	"(umask 077; cat > \"$t\"); "
	"if [ -e \"$p\" ]; then chown --reference=\"$p\" -- \"$t\"; "
	"chmod --reference=\"$p\" -- \"$t\"; else chmod \"$2\" -- \"$t\"; fi; "
	"sync -- \"$t\" 2>/dev/null || :; mv -f -- \"$t\" \"$p\"";
/* runs "$@" in directory $1 (struct child's dir, on the remote side) */
static const char chdir_script[] = "cd -- \"$1\" || exit 126; shift; exec \"$@\"";

void
shell_quote(struct strbuf *out, const char *word)
{
	const char *p;

	strbuf_addch(out, '\'');
	for (p = word; *p; p++) {
		if (*p == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '\'');
}

void
remote_command_line(struct strbuf *out, const char *const *argv)
{
	size_t i;

	for (i = 0; argv[i]; i++) {
		if (i)
			strbuf_addch(out, ' ');
		shell_quote(out, argv[i]);
	}
}

/* ssh expands %-tokens in ControlPath, so a literal % is doubled */
static void
add_ctl_path(struct strlist *av, const char *ctl_dir)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	strbuf_addstr(&sb, "ControlPath=");
	for (p = ctl_dir ? ctl_dir : "/nonexistent"; *p; p++) {
		if (*p == '%')
			strbuf_addch(&sb, '%');
		strbuf_addch(&sb, *p);
	}
	strbuf_addstr(&sb, "/%C");
	strlist_push(av, "-o");
	strlist_push(av, sb.buf);
	strbuf_release(&sb);
}

/* what every ssh of ferry's carries; command-line -o beats any ssh_config */
static void
ssh_common(struct strlist *av, const char *ssh_config, const char *ctl_dir)
{
	static const char *const opts[] = {
		"BatchMode=yes", "StrictHostKeyChecking=yes", "ControlPersist=60",
		"ServerAliveInterval=5", "ServerAliveCountMax=3", "ConnectTimeout=10",
	};
	size_t i;

	strlist_push(av, "ssh");
	if (ssh_config) {
		strlist_push(av, "-F");
		strlist_push(av, ssh_config);
	}
	for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		strlist_push(av, "-o");
		strlist_push(av, opts[i]);
	}
	add_ctl_path(av, ctl_dir);
}

void
remote_ssh_argv(struct strlist *out, const char *ssh_config, const char *ctl_dir,
    const char *dest, const char *line)
{
	ssh_common(out, ssh_config, ctl_dir);
	strlist_push(out, "-o");
	strlist_push(out, "ControlMaster=auto");
	strlist_push(out, "-T");
	strlist_push(out, "--");
	strlist_push(out, dest);
	strlist_push(out, line);
}

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

/*
 * ssh's own words: the last line of its stderr, where it puts the verdict
 * ("Host key verification failed." follows a banner of warnings)
 */
static char *
last_line(const struct strbuf *err, const char *fallback)
{
	size_t end = err->len, start;
	struct strbuf sb = STRBUF_INIT;

	while (end > 0 && strchr("\r\n \t", err->buf[end - 1]))
		end--;
	start = end;
	while (start > 0 && err->buf[start - 1] != '\n')
		start--;
	if (start == end)
		return xstrdup(fallback);
	if (end - start > 5 && strncmp(err->buf + start, "ssh: ", 5) == 0)
		start += 5;
	strbuf_add(&sb, err->buf + start, end - start);
	return strbuf_detach(&sb);
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

/* remote words: env and dir of the child become part of the argv */
static void
remote_words(struct strlist *w, const struct child *c)
{
	size_t i;

	if (c->env && c->env[0]) {
		strlist_push(w, "env");
		for (i = 0; c->env[i]; i++)
			strlist_push(w, c->env[i]);
	}
	if (c->dir) {
		strlist_push(w, "sh");
		strlist_push(w, "-c");
		strlist_push(w, chdir_script);
		strlist_push(w, "sh");
		strlist_push(w, c->dir);
	}
	for (i = 0; c->argv[i]; i++)
		strlist_push(w, c->argv[i]);
}

static int
run_local(const struct host *h, struct child *c)
{
	struct strbuf line = STRBUF_INIT;

	if (log_level >= LOG_VERBOSE) {
		remote_command_line(&line, c->argv);
		verbose("%s: %s", h->name, line.buf);
	}
	if (run_command(c) == RUN_NOSTART)
		error_errno("%s: cannot run %s", h->name, c->argv[0]);
	strbuf_release(&line);
	return c->status;
}

/* runs ssh with the child's own settings, then gives the child back its argv */
static void
run_ssh(struct transport *t, const struct host *h, struct child *c, const char *line)
{
	struct strlist av = STRLIST_INIT;
	const char *const *argv = c->argv, *const *env = c->env;
	const char *dir = c->dir;
	int dwp = c->die_with_parent;

	remote_ssh_argv(&av, t->ssh_config, t->ctl_dir, h->ssh, line);
	c->argv = (const char *const *)av.v;
	c->env = NULL;
	c->dir = NULL;
	c->die_with_parent = 1;
	if (run_command(c) == RUN_NOSTART)
		error_errno("%s: cannot run ssh", h->name);
	c->argv = argv;
	c->env = env;
	c->dir = dir;
	c->die_with_parent = dwp;
	strlist_clear(&av);
}

int
remote_run(struct transport *t, const struct host *h, struct child *c)
{
	struct strlist words = STRLIST_INIT;
	struct strbuf line = STRBUF_INIT, why = STRBUF_INIT;
	char *msg;

	if (c->argv == NULL || c->argv[0] == NULL) {
		c->status = RUN_NOSTART;
		return error("%s: no command to run", h->name);
	}
	if (h->local)
		return run_local(h, c);
	remote_words(&words, c);
	remote_command_line(&line, (const char *const *)words.v);
	verbose("%s: %s", h->name, line.buf);
	if (remote_connect(t, h, &why) < 0) {
		error("%s: ssh: %s", h->name, why.buf);
		strbuf_add(&c->err, why.buf, why.len);
		c->status = 255;
	} else {
		run_ssh(t, h, c, line.buf);
		if (c->status == 255) {
			msg = last_line(&c->err, "connection failed (exit 255)");
			error("%s: ssh: %s", h->name, msg);
			free(msg);
		}
	}
	strlist_clear(&words);
	strbuf_release(&line);
	strbuf_release(&why);
	return c->status;
}

static int
capture_timeout(struct transport *t, const struct host *h, const char *const *argv,
    const char *in, size_t in_len, struct strbuf *out, struct strbuf *err, int timeout_ms)
{
	struct child c = CHILD_INIT;

	c.argv = argv;
	c.in = in;
	c.in_len = in_len;
	c.timeout_ms = timeout_ms;
	remote_run(t, h, &c);
	if (out)
		strbuf_add(out, c.out.buf, c.out.len);
	if (err)
		strbuf_add(err, c.err.buf, c.err.len);
	if (c.truncated && c.status == 0) {
		error("%s: %s: output over its cap", h->name, argv[0]);
		c.status = 1;
	}
	child_release(&c);
	return c.status;
}

int
remote_capture(struct transport *t, const struct host *h, const char *const *argv,
    struct strbuf *out, struct strbuf *err)
{
	return capture_timeout(t, h, argv, NULL, 0, out, err, 0);
}

int
remote_capture_in(struct transport *t, const struct host *h, const char *const *argv,
    const char *in, size_t in_len, struct strbuf *out, struct strbuf *err)
{
	return capture_timeout(t, h, argv, in ? in : "", in_len, out, err, 0);
}

/* "HOST: what PATH: reason" unless ssh already said why */
static int
file_error(const struct host *h, int status, const char *what, const char *path,
    const struct strbuf *err)
{
	char *msg;

	if (status == 255 && !h->local)
		return -1;
	msg = last_line(err, status == RUN_TIMEOUT ? "timed out" : "failed");
	error("%s: cannot %s %s: %s", h->name, what, path, msg);
	free(msg);
	return -1;
}

/* "644 0 0" */
static int
parse_stat(const char *s, unsigned *mode, unsigned *uid, unsigned *gid)
{
	unsigned long v[3];
	char *end;
	int i, base;

	for (i = 0; i < 3; i++) {
		base = i == 0 ? 8 : 10;
		errno = 0;
		v[i] = strtoul(s, &end, base);
		if (end == s || errno || v[i] > 0xffffffffUL || (*end != ' ' && *end != '\n'))
			return -1;
		s = end + 1;
	}
	*mode = (unsigned)v[0];
	*uid = (unsigned)v[1];
	*gid = (unsigned)v[2];
	return 0;
}

int
remote_read_file(struct transport *t, const struct host *h, const char *path,
    struct strbuf *out)
{
	const char *argv[] = { "sh", "-c", read_script, "sh", path, NULL };
	struct strbuf err = STRBUF_INIT;
	int st, r = 0;

	st = capture_timeout(t, h, argv, NULL, 0, out, &err, FILE_TIMEOUT_MS);
	if (st == MISSING_STATUS)
		r = 1;
	else if (st != 0)
		r = file_error(h, st, "read", path, &err);
	strbuf_release(&err);
	return r;
}

int
remote_stat(struct transport *t, const struct host *h, const char *path,
    unsigned *mode, unsigned *uid, unsigned *gid)
{
	const char *argv[] = { "sh", "-c", stat_script, "sh", path, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int st, r = 0;

	st = capture_timeout(t, h, argv, NULL, 0, &out, &err, FILE_TIMEOUT_MS);
	if (st == MISSING_STATUS)
		r = 1;
	else if (st != 0)
		r = file_error(h, st, "stat", path, &err);
	else if (parse_stat(out.buf, mode, uid, gid) < 0)
		r = error("%s: stat %s: cannot parse '%s'", h->name, path, out.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	return r;
}

int
remote_write_file(struct transport *t, const struct host *h, const char *path,
    const char *data, size_t len, unsigned mode_if_new)
{
	char mode[16];
	const char *argv[] = { "sh", "-c", write_script, "sh", path, mode, NULL };
	struct strbuf err = STRBUF_INIT;
	int st;

	snprintf(mode, sizeof mode, "%o", mode_if_new & 07777);
	st = capture_timeout(t, h, argv, data ? data : "", len, NULL, &err, FILE_TIMEOUT_MS);
	if (st != 0)
		file_error(h, st, "write", path, &err);
	strbuf_release(&err);
	return st == 0 ? 0 : -1;
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
