/*
 * t-remote.c: remote_run and the file helpers on a "local" host (the same
 * argv as over ssh, without ssh), and the ssh argv remote_run builds.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry.h"
#include "unit.h"

static struct host here = { .name = "here", .ssh = "local", .local = 1 };

static void
run_and_capture(struct ferry *f)
{
	const char *echo[] = { "printf", "%s|%s", "a b", "it's", NULL };
	const char *fail7[] = { "sh", "-c", "echo oops >&2; exit 7", NULL };
	const char *cat[] = { "cat", NULL };
	const char *nope[] = { "/nonexistent/ferry-prog", NULL };
	const char bin[] = "line\0with nul\n";
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	CHECK_INT(remote_capture(&f->tr, &here, echo, &out, NULL), 0);
	CHECK_STR(out.buf, "a b|it's");
	strbuf_reset(&out);
	CHECK_INT(remote_capture(&f->tr, &here, fail7, &out, &err), 7);
	CHECK_STR(err.buf, "oops\n");
	CHECK_INT(out.len, 0);
	CHECK_INT(remote_capture_in(&f->tr, &here, cat, bin, sizeof bin - 1, &out, NULL), 0);
	CHECK(out.len == sizeof bin - 1 && memcmp(out.buf, bin, out.len) == 0);
	CHECK_INT(remote_capture(&f->tr, &here, nope, NULL, NULL), RUN_NOSTART);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
run_with_dir_env(struct ferry *f, const char *dir)
{
	const char *argv[] = { "sh", "-c", "pwd; printf '%s\\n' \"$FERRY_T\"", NULL };
	const char *env[] = { "FERRY_T=x y", NULL };
	struct child c = CHILD_INIT;
	struct strbuf want = STRBUF_INIT;

	c.argv = argv;
	c.env = env;
	c.dir = dir;
	CHECK_INT(remote_run(&f->tr, &here, &c), 0);
	strbuf_addf(&want, "%s\nx y\n", dir);
	CHECK_STR(c.out.buf, want.buf);
	CHECK(c.argv == argv && c.env == env && c.dir == dir);
	child_release(&c);
	strbuf_release(&want);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
new_file(struct ferry *f, const char *dir)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT, got = STRBUF_INIT;
	const char data[] = "bin\0ary\n";
	unsigned mode, uid, gid;

	strbuf_addf(&path, "%s/new.conf", dir);
	strbuf_addf(&tmp, "%s.ferry-new", path.buf);
	CHECK_INT(remote_read_file(&f->tr, &here, path.buf, &got), 1);
	CHECK_INT(remote_stat(&f->tr, &here, path.buf, &mode, &uid, &gid), 1);
	CHECK_INT(remote_write_file(&f->tr, &here, path.buf, data, sizeof data - 1, 0640), 0);
	CHECK_INT(remote_stat(&f->tr, &here, path.buf, &mode, &uid, &gid), 0);
	CHECK_INT(mode, 0640);
	CHECK_INT(uid, getuid());
	CHECK_INT(gid, getgid());
	CHECK_INT(remote_read_file(&f->tr, &here, path.buf, &got), 0);
	CHECK(got.len == sizeof data - 1 && memcmp(got.buf, data, got.len) == 0);
	CHECK(!exists(tmp.buf));
	strbuf_release(&path);
	strbuf_release(&tmp);
	strbuf_release(&got);
}

/* the old file's owner and mode survive; the inode is new (a rename) */
static void
replace_file(struct ferry *f, const char *dir)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT, got = STRBUF_INIT;
	struct stat before, after;
	unsigned mode, uid, gid, want_uid = getuid() == 0 ? 65534 : getuid();

	strbuf_addf(&path, "%s/old.conf", dir);
	strbuf_addf(&tmp, "%s.ferry-new", path.buf);
	CHECK_INT(remote_write_file(&f->tr, &here, path.buf, "old\n", 4, 0600), 0);
	if (getuid() == 0)
		CHECK_INT(chown(path.buf, 65534, 65533), 0);
	CHECK_INT(chmod(path.buf, 04751), 0);	/* after chown, which clears set-uid */
	CHECK_INT(stat(path.buf, &before), 0);
	CHECK_INT(remote_write_file(&f->tr, &here, path.buf, "new\n", 4, 0600), 0);
	CHECK_INT(stat(path.buf, &after), 0);
	CHECK(before.st_ino != after.st_ino);
	CHECK_INT(remote_stat(&f->tr, &here, path.buf, &mode, &uid, &gid), 0);
	CHECK_INT(mode, 04751);
	CHECK_INT(uid, want_uid);
	if (getuid() == 0)
		CHECK_INT(gid, 65533);
	CHECK_INT(remote_read_file(&f->tr, &here, path.buf, &got), 0);
	CHECK_STR(got.buf, "new\n");
	CHECK(!exists(tmp.buf));
	strbuf_release(&path);
	strbuf_release(&tmp);
	strbuf_release(&got);
}

/* a symlink stays a symlink; its target gets the bytes */
static void
through_symlink(struct ferry *f, const char *dir)
{
	struct strbuf target = STRBUF_INIT, link = STRBUF_INIT, got = STRBUF_INIT;
	struct stat st;

	strbuf_addf(&target, "%s/real", dir);
	strbuf_addf(&link, "%s/link", dir);
	CHECK_INT(remote_write_file(&f->tr, &here, target.buf, "one", 3, 0644), 0);
	CHECK_INT(symlink(target.buf, link.buf), 0);
	CHECK_INT(remote_write_file(&f->tr, &here, link.buf, "two", 3, 0644), 0);
	CHECK(lstat(link.buf, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_INT(remote_read_file(&f->tr, &here, target.buf, &got), 0);
	CHECK_STR(got.buf, "two");
	strbuf_release(&target);
	strbuf_release(&link);
	strbuf_release(&got);
}

static void
write_errors(struct ferry *f, const char *dir)
{
	struct strbuf path = STRBUF_INIT, got = STRBUF_INIT;

	strbuf_addf(&path, "%s/no/such/dir/file", dir);
	CHECK_INT(remote_write_file(&f->tr, &here, path.buf, "x", 1, 0644), -1);
	CHECK_INT(remote_read_file(&f->tr, &here, dir, &got), -1);	/* a directory */
	strbuf_release(&path);
	strbuf_release(&got);
}

static int
argv_has(const struct strlist *av, const char *s)
{
	return strlist_has(av, s);
}

static long
argv_index(const struct strlist *av, const char *s)
{
	size_t i;

	for (i = 0; i < av->n; i++)
		if (strcmp(av->v[i], s) == 0)
			return (long)i;
	return -1;
}

static void
ssh_argv(void)
{
	struct strlist av = STRLIST_INIT;
	struct strbuf line = STRBUF_INIT;
	const char *words[] = { "cat", "--", "/etc/it's here", NULL };
	size_t i;

	remote_command_line(&line, words);
	remote_ssh_argv(&av, "/etc/ferry/ssh config", "/run/ferry-ab%c", "root@192.0.2.10", line.buf);
	CHECK_STR(av.v[0], "ssh");
	CHECK_INT(argv_index(&av, "-F"), 1);
	CHECK_STR(av.v[2], "/etc/ferry/ssh config");
	CHECK(argv_has(&av, "BatchMode=yes"));
	CHECK(argv_has(&av, "StrictHostKeyChecking=yes"));
	CHECK(argv_has(&av, "ControlMaster=auto"));
	CHECK(argv_has(&av, "ControlPath=/run/ferry-ab%%c/%C"));
	for (i = 0; i < av.n; i++) {
		CHECK(strncmp(av.v[i], "StrictHostKeyChecking=no", 24) != 0);
		CHECK(strstr(av.v[i], "UserKnownHostsFile") == NULL);
	}
	CHECK_STR(av.v[av.n - 1], "'cat' '--' '/etc/it'\\''s here'");
	CHECK_STR(av.v[av.n - 2], "root@192.0.2.10");
	CHECK_STR(av.v[av.n - 3], "--");
	CHECK_INT(argv_index(&av, "--"), (long)av.n - 3);
	CHECK(av.v[av.n] == NULL);
	strlist_clear(&av);
	remote_ssh_argv(&av, NULL, "/tmp/x", "-oProxyCommand=evil", "'true'");
	CHECK_INT(argv_index(&av, "-F"), -1);
	CHECK_STR(av.v[av.n - 3], "--");
	strlist_clear(&av);
	strbuf_release(&line);
}

int
main(void)
{
	struct ferry f = { 0 };
	char dir[] = "/tmp/t-remote-XXXXXX";
	const char *rm[] = { "rm", "-rf", dir, NULL };

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	run_and_capture(&f);
	run_with_dir_env(&f, dir);
	new_file(&f, dir);
	replace_file(&f, dir);
	through_symlink(&f, dir);
	write_errors(&f, dir);
	ssh_argv();
	CHECK(f.tr.ctl_dir == NULL && f.tr.n_conns == 0);	/* local hosts need no ssh */
	remote_close_all(&f.tr);
	run_simple(rm, NULL);
	UNIT_DONE("remote");
}
