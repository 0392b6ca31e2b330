/*
 * t-remote-ssh.c: remote_run over real ssh, against a private sshd on
 * 127.0.0.1 (its own host key, authorized_keys and pid file in a temporary
 * directory; ssh_config given as ferry's ssh-config).  Skipped unless root
 * with sshd installed.  Checks: one master per host reused, exact words
 * and bytes, exit codes, host key checking that ssh_config cannot turn
 * off, ssh failures as exit 255, a master that died is replaced, and
 * remote_close_all() leaves no master and no directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ferry.h"
#include "unit.h"

static char dir[] = "/tmp/t-rssh-XXXXXX";
static struct strbuf cfg_path = STRBUF_INIT;

static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void
write_text(const char *name, const char *text)
{
	struct strbuf p = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&p, "%s/%s", dir, name);
	fp = fopen(p.buf, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	strbuf_release(&p);
}

static char *
read_text(const char *name)
{
	struct strbuf p = STRBUF_INIT, out = STRBUF_INIT;
	const char *argv[] = { "cat", NULL, NULL };

	strbuf_addf(&p, "%s/%s", dir, name);
	argv[1] = p.buf;
	run_simple(argv, &out);
	strbuf_rtrim(&out);
	strbuf_release(&p);
	return strbuf_detach(&out);
}

static void
keygen(const char *name)
{
	struct strbuf p = STRBUF_INIT;
	const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", NULL, NULL };

	strbuf_addf(&p, "%s/%s", dir, name);
	argv[7] = p.buf;
	run_simple(argv, NULL);
	strbuf_release(&p);
}

/* sshd on port, and an ssh_config naming good, bad-key and closed hosts */
static int
start_sshd(int port, int closed_port)
{
	struct strbuf sb = STRBUF_INIT;
	char *hostpub = read_text("hostkey.pub"), *otherpub = read_text("otherkey.pub");
	char *idpub = read_text("id.pub");
	const char *argv[] = { "/usr/sbin/sshd", "-f", NULL, NULL };
	int st;

	strbuf_addf(&sb, "Port %d\nListenAddress 127.0.0.1\nHostKey %s/hostkey\n"
	    "PidFile %s/sshd.pid\nAuthorizedKeysFile %s/authorized_keys\nStrictModes no\n"
	    "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\nUsePAM no\nUseDNS no\nLogLevel ERROR\n",
	    port, dir, dir, dir);
	write_text("sshd_config", sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Host t-*\n  HostName 127.0.0.1\n  User root\n  IdentityFile %s/id\n"
	    "  IdentitiesOnly yes\n  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n"
	    "Host t-ok\n  Port %d\n  UserKnownHostsFile %s/known_hosts\n"
	    "Host t-badkey\n  Port %d\n  StrictHostKeyChecking no\n  UserKnownHostsFile %s/known_bad\n"
	    "Host t-closed\n  Port %d\n  UserKnownHostsFile %s/known_hosts\n",
	    dir, port, dir, port, dir, closed_port, dir);
	write_text("ssh_config", sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "[127.0.0.1]:%d %s\n", port, hostpub);
	write_text("known_hosts", sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "[127.0.0.1]:%d %s\n", port, otherpub);
	write_text("known_bad", sb.buf);
	write_text("authorized_keys", idpub);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/sshd_config", dir);
	argv[2] = sb.buf;
	st = run_simple(argv, NULL);
	free(hostpub);
	free(otherpub);
	free(idpub);
	strbuf_release(&sb);
	return st;
}

static int
count_sockets(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	int n = 0;

	if (dp == NULL)
		return -1;
	/* the directory also holds the owner's pid file: sockets only */
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.' && de->d_type == DT_SOCK)
			n++;
	closedir(dp);
	return n;
}

/* the pid `ssh -O check` reports for the good host's master, or 0 */
static long
master_pid(struct ferry *f)
{
	struct strbuf opt = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { "ssh", "-F", cfg_path.buf, "-o", NULL, "-O", "check", "t-ok", NULL };
	const char *p;
	long pid = 0;

	if (f->tr.ctl_dir == NULL)
		return 0;
	strbuf_addf(&opt, "ControlPath=%s/%%C", f->tr.ctl_dir);
	argv[4] = opt.buf;
	c.argv = argv;
	c.timeout_ms = 10000;
	if (run_command(&c) == 0 && (p = strstr(c.err.buf, "pid=")) != NULL)
		pid = strtol(p + 4, NULL, 10);
	child_release(&c);
	strbuf_release(&opt);
	return pid;
}

static void
words_and_bytes(struct ferry *f, const struct host *h)
{
	const char *echo[] = { "printf", "%s|", "it's $(touch /tmp/t-rssh-pwned)", "a\nb", "*", NULL };
	const char *cat[] = { "cat", NULL };
	const char *fail7[] = { "sh", "-c", "exit 7", NULL };
	const char bin[] = "\0\1\2'\"\n\xff";
	struct strbuf out = STRBUF_INIT;

	CHECK_INT(remote_capture(&f->tr, h, echo, &out, NULL), 0);
	CHECK_STR(out.buf, "it's $(touch /tmp/t-rssh-pwned)|a\nb|*|");
	CHECK(access("/tmp/t-rssh-pwned", F_OK) != 0);
	strbuf_reset(&out);
	CHECK_INT(remote_capture_in(&f->tr, h, cat, bin, sizeof bin - 1, &out, NULL), 0);
	CHECK(out.len == sizeof bin - 1 && memcmp(out.buf, bin, out.len) == 0);
	CHECK_INT(remote_capture(&f->tr, h, fail7, NULL, NULL), 7);
	strbuf_release(&out);
}

static void
dir_and_env(struct ferry *f, const struct host *h)
{
	const char *argv[] = { "sh", "-c", "pwd; printf '%s\\n' \"$FERRY_T\"", NULL };
	const char *env[] = { "FERRY_T=x 'y'", NULL };
	struct child c = CHILD_INIT;
	struct strbuf want = STRBUF_INIT;

	c.argv = argv;
	c.env = env;
	c.dir = dir;
	CHECK_INT(remote_run(&f->tr, h, &c), 0);
	strbuf_addf(&want, "%s\nx 'y'\n", dir);
	CHECK_STR(c.out.buf, want.buf);
	child_release(&c);
	strbuf_release(&want);
}

static void
files(struct ferry *f, const struct host *h)
{
	struct strbuf path = STRBUF_INIT, got = STRBUF_INIT;
	unsigned mode, uid, gid;

	strbuf_addf(&path, "%s/it's a file", dir);
	CHECK_INT(remote_read_file(&f->tr, h, path.buf, &got), 1);
	CHECK_INT(remote_write_file(&f->tr, h, path.buf, "x\ny\n", 4, 0604), 0);
	CHECK_INT(remote_stat(&f->tr, h, path.buf, &mode, &uid, &gid), 0);
	CHECK_INT(mode, 0604);
	CHECK_INT(remote_read_file(&f->tr, h, path.buf, &got), 0);
	CHECK_STR(got.buf, "x\ny\n");
	strbuf_release(&path);
	strbuf_release(&got);
}

/* -v shows each command as sent, and never what went to stdin */
static void
verbose_line(struct ferry *f, const struct host *h)
{
	const char *argv[] = { "cat", NULL };
	struct strbuf path = STRBUF_INIT;
	int fd, saved = dup(2);
	char *log;

	strbuf_addf(&path, "%s/stderr", dir);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	log_level = LOG_VERBOSE;
	remote_capture_in(&f->tr, h, argv, "$6$secrethash", 13, NULL, NULL);
	log_level = LOG_NORMAL;
	dup2(saved, 2);
	close(fd);
	close(saved);
	log = read_text("stderr");
	CHECK(strstr(log, "ferry: good: 'cat'") != NULL);
	CHECK(strstr(log, "secrethash") == NULL);
	free(log);
	strbuf_release(&path);
}

static void
failures(struct ferry *f, const struct host *bad, const struct host *closed)
{
	const char *argv[] = { "true", NULL };
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;

	CHECK_INT(remote_capture(&f->tr, bad, argv, NULL, &err), 255);
	CHECK(strstr(err.buf, "Host key verification failed") != NULL);
	CHECK_INT(remote_connect(&f->tr, bad, &why), -1);
	CHECK(strstr(why.buf, "Host key verification failed") != NULL);
	strbuf_reset(&err);
	CHECK_INT(remote_capture(&f->tr, closed, argv, NULL, &err), 255);
	CHECK(strstr(err.buf, "refused") != NULL);
	strbuf_release(&err);
	strbuf_release(&why);
}

/* a master that went away (ControlPersist, kill) is replaced by the next command */
static void
master_replaced(struct ferry *f, const struct host *h)
{
	const char *argv[] = { "echo", "again", NULL };
	struct child c = CHILD_INIT;
	long pid = master_pid(f), pid2;
	time_t t0;

	CHECK(pid > 0);
	if (pid > 0)
		kill((pid_t)pid, SIGTERM);
	usleep(300000);
	c.argv = argv;
	c.timeout_ms = 20000;
	t0 = time(NULL);
	CHECK_INT(remote_run(&f->tr, h, &c), 0);
	CHECK(time(NULL) - t0 < 10);	/* no wait on a backgrounded master's pipes */
	CHECK_STR(c.out.buf, "again\n");
	pid2 = master_pid(f);
	CHECK(pid2 > 0 && pid2 != pid);
	child_release(&c);
}

static void
one_master(struct ferry *f, const struct host *h)
{
	const char *argv[] = { "true", NULL };
	struct stat st;
	long pid;
	int i;

	CHECK_INT(remote_capture(&f->tr, h, argv, NULL, NULL), 0);
	CHECK(f->tr.ctl_dir != NULL && strlen(f->tr.ctl_dir) < 40);
	CHECK(f->tr.ctl_dir && stat(f->tr.ctl_dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	pid = master_pid(f);
	CHECK(pid > 0);
	for (i = 0; i < 10; i++)
		CHECK_INT(remote_capture(&f->tr, h, argv, NULL, NULL), 0);
	CHECK_INT(master_pid(f), pid);
	CHECK_INT(count_sockets(f->tr.ctl_dir), 1);
}

/* a zombie waiting for a slow init to reap it counts as gone */
static int
alive(long pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	int r = 0;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, fp) && (p = strrchr(buf, ')')) != NULL)
		r = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(fp);
	return r;
}

static void
close_all(struct ferry *f)
{
	char *ctl = xstrdup(f->tr.ctl_dir ? f->tr.ctl_dir : "/nonexistent");
	long pid = master_pid(f);

	CHECK(pid > 0);
	remote_close_all(&f->tr);
	usleep(300000);
	CHECK(f->tr.ctl_dir == NULL && f->tr.n_conns == 0);
	CHECK(access(ctl, F_OK) != 0);
	CHECK(pid > 0 && !alive(pid));
	free(ctl);
}

static void
run_all(void)
{
	struct config cf = { 0 };
	struct ferry f = { 0 };
	struct host good = { .name = "good", .ssh = "t-ok" };
	struct host bad = { .name = "badkey", .ssh = "t-badkey" };
	struct host closed = { .name = "closed", .ssh = "t-closed" };

	cf.ssh_config = cfg_path.buf;
	f.tr.ssh_config = cf.ssh_config;
	f.cf = &cf;
	one_master(&f, &good);
	words_and_bytes(&f, &good);
	dir_and_env(&f, &good);
	files(&f, &good);
	verbose_line(&f, &good);
	failures(&f, &bad, &closed);
	master_replaced(&f, &good);
	CHECK_INT(count_sockets(f.tr.ctl_dir), 1);
	close_all(&f);
}

int
main(void)
{
	const char *rm[] = { "rm", "-rf", dir, NULL };
	int port, closed;
	char *pid;

	if (getuid() != 0 || access("/usr/sbin/sshd", X_OK) != 0) {
		printf("# skipped: needs root and /usr/sbin/sshd\n");
		UNIT_DONE("remote-ssh");
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	strbuf_addf(&cfg_path, "%s/ssh_config", dir);
	keygen("hostkey");
	keygen("otherkey");
	keygen("id");
	/* sshd's privilege separation directory; left in place afterwards,
	   since another run of this test (make unit beside make unit-asan, or
	   a second checkout) may have an sshd that needs it at that moment */
	mkdir("/run/sshd", 0755);
	port = free_port();
	closed = free_port();
	CHECK_INT(start_sshd(port, closed == port ? port + 1 : closed), 0);
	run_all();
	pid = read_text("sshd.pid");
	if (*pid)
		kill((pid_t)strtol(pid, NULL, 10), SIGTERM);
	free(pid);
	run_simple(rm, NULL);
	strbuf_release(&cfg_path);
	UNIT_DONE("remote-ssh");
}
