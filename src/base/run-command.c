/*
 * run-command.c: fork and exec an argv, feed stdin, capture stdout and
 * stderr, enforce a timeout.  There is no shell anywhere on this path.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "run-command.h"

#define DEFAULT_OUT_CAP ((size_t)64 << 20)

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
child_exec(struct child *c, int in_fd, int out_fd, int err_fd, int report_fd)
{
	size_t i;
	int e;

	if (c->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || (out_fd >= 0 && dup2(out_fd, 1) < 0) ||
	    (err_fd >= 0 && dup2(err_fd, 2) < 0))
		goto fail;
	/* nothing of ferry's leaks into daemons it starts (LAB.md pitfall 9) */
	if (report_fd > 3)
		close_range(3, (unsigned)report_fd - 1, 0);
	close_range((unsigned)report_fd + 1, ~0U, 0);
	if (c->dir && chdir(c->dir) < 0)
		goto fail;
	for (i = 0; c->env && c->env[i]; i++)
		if (putenv((char *)c->env[i]) != 0)
			goto fail;
	execvp(c->argv[0], (char *const *)c->argv);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

/* a pipe pair whose parent end is close-on-exec and non-blocking */
static int
make_pipe(int fds[2], int parent_end)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fcntl(fds[parent_end], F_SETFL, O_NONBLOCK);
	return 0;
}

static int
read_into(int fd, struct strbuf *sb, size_t cap, struct child *c, int is_out)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : 0;
	if (n == 0)
		return 0;
	if (is_out && c->on_stdout)
		c->on_stdout(buf, (size_t)n, c->on_stdout_arg);
	sb->cap = cap;
	if (strbuf_add_capped(sb, buf, (size_t)n) < 0)
		c->truncated = 1;
	return 1;
}

static void
pump(struct child *c, int in_fd, int out_fd, int err_fd)
{
	size_t cap = c->out_cap ? c->out_cap : DEFAULT_OUT_CAP;
	size_t in_off = 0;
	long long deadline = c->timeout_ms ? now_ms() + c->timeout_ms : 0;
	int killed = 0;

	while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
		struct pollfd p[3];
		int np = 0, wait_ms = -1, i;

		if (in_fd >= 0)
			p[np++] = (struct pollfd){ in_fd, POLLOUT, 0 };
		if (out_fd >= 0)
			p[np++] = (struct pollfd){ out_fd, POLLIN, 0 };
		if (err_fd >= 0)
			p[np++] = (struct pollfd){ err_fd, POLLIN, 0 };
		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				kill(c->pid, killed ? SIGKILL : SIGTERM);
				c->status = RUN_TIMEOUT;
				deadline = now_ms() + 2000;
				if (killed++)
					break;
				continue;
			}
			wait_ms = (int)left;
		}
		if (poll(p, (nfds_t)np, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < np; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == in_fd) {
				ssize_t n = write(in_fd, c->in + in_off, c->in_len - in_off);

				if (n > 0)
					in_off += (size_t)n;
				if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
				    in_off >= c->in_len) {
					close(in_fd);
					in_fd = -1;
				}
			} else if (p[i].fd == out_fd) {
				if (!read_into(out_fd, &c->out, cap, c, 1)) {
					close(out_fd);
					out_fd = -1;
				}
			} else if (p[i].fd == err_fd) {
				if (!read_into(err_fd, &c->err, cap, c, 0)) {
					close(err_fd);
					err_fd = -1;
				}
			}
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
}

static int
wait_child(struct child *c)
{
	int st;

	while (waitpid(c->pid, &st, 0) < 0)
		if (errno != EINTR)
			return RUN_NOSTART;
	if (c->status == RUN_TIMEOUT)
		return RUN_TIMEOUT;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int
run_command(struct child *c)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int rep[2], devnull = -1, e = 0;
	ssize_t n;

	/* a child that exits without reading its stdin is EPIPE here, not our death */
	signal(SIGPIPE, SIG_IGN);
	c->status = 0;
	c->truncated = 0;
	if (c->in)
		make_pipe(inp, 1);
	else
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!c->inherit_stdout)
		make_pipe(outp, 0);
	if (!c->inherit_stderr)
		make_pipe(errp, 0);
	if (pipe2(rep, O_CLOEXEC) < 0)
		fatal_errno("pipe");
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0)
		fatal_errno("fork");
	if (c->pid == 0)
		child_exec(c, c->in ? inp[0] : devnull, outp[1], errp[1], rep[1]);
	close(rep[1]);
	if (inp[0] >= 0)
		close(inp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (devnull >= 0)
		close(devnull);
	n = read(rep[0], &e, sizeof e);
	close(rep[0]);
	if (n == (ssize_t)sizeof e) {
		if (inp[1] >= 0)
			close(inp[1]);
		if (outp[0] >= 0)
			close(outp[0]);
		if (errp[0] >= 0)
			close(errp[0]);
		waitpid(c->pid, NULL, 0);
		errno = e;
		c->status = RUN_NOSTART;
		return c->status;
	}
	pump(c, inp[1], outp[0], errp[0]);
	c->status = wait_child(c);
	return c->status;
}

void
child_release(struct child *c)
{
	strbuf_release(&c->out);
	strbuf_release(&c->err);
}

int
run_simple(const char *const *argv, struct strbuf *out)
{
	struct child c = CHILD_INIT;
	int st;

	c.argv = argv;
	c.timeout_ms = 600000;
	st = run_command(&c);
	if (out)
		strbuf_add(out, c.out.buf, c.out.len);
	child_release(&c);
	return st;
}
