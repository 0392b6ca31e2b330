/*
 * remote.c: running commands on hosts.  A remote command is an argv like
 * a local one: every word goes through shell_quote() and the words are
 * joined into the one line ssh hands to the remote shell, which therefore
 * sees exactly those words.  Each host gets one ssh ControlMaster
 * (remote-master.c); file contents move through remote-file.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "remote.h"
#include "remote-int.h"

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
void
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

/*
 * ssh's own words: the last line of its stderr, where it puts the verdict
 * ("Host key verification failed." follows a banner of warnings)
 */
char *
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

int
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
