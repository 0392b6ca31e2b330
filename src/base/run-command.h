/* run-command.h: the one way to run a local program (after git's run-command.h). */
#ifndef FERRY_RUN_COMMAND_H
#define FERRY_RUN_COMMAND_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

#define RUN_TIMEOUT	(-2)	/* the child was killed for its timeout */
#define RUN_NOSTART	(-1)	/* it could not be started (errno kept) */

struct child {
	/* argv[0] is looked up in PATH; NULL-terminated; never a shell line */
	const char *const *argv;
	/* extra "NAME=value" entries on top of ferry's environment, NULL-terminated */
	const char *const *env;
	const char *dir;		/* working directory, or NULL */
	const char *in;			/* bytes for stdin; NULL means /dev/null */
	size_t in_len;
	int timeout_ms;			/* 0: none; else TERM, 2 s later KILL */
	int inherit_stderr;		/* the child's stderr goes to ours, not to err */
	int inherit_stdout;		/* the child's stdout goes to ours, not to out */
	int die_with_parent;		/* PR_SET_PDEATHSIG(SIGTERM) in the child */
	size_t out_cap;			/* cap on captured bytes (0: 64 MiB) */
	/* called with each chunk as it arrives on stdout (out is still filled) */
	void (*on_stdout)(const char *buf, size_t len, void *arg);
	void *on_stdout_arg;

	/* results */
	struct strbuf out;
	struct strbuf err;
	int status;	/* exit code, 128+signal, RUN_TIMEOUT or RUN_NOSTART */
	int truncated;	/* out or err hit its cap */
	pid_t pid;
};

#define CHILD_INIT { .out = STRBUF_INIT, .err = STRBUF_INIT }

/* Runs to completion; returns c->status. */
int run_command(struct child *c);
/* Frees out and err. */
void child_release(struct child *c);
/* Convenience: run argv with no stdin; returns status, output in *out if non-NULL. */
int run_simple(const char *const *argv, struct strbuf *out);

#endif
