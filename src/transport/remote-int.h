/*
 * remote-int.h: what remote.c, remote-master.c and remote-file.c share;
 * no other file includes it.
 */
#ifndef FERRY_REMOTE_INT_H
#define FERRY_REMOTE_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "remote.h"

/* one host's ControlMaster, in struct transport's conns */
struct remote_conn {
	const struct host *h;
	pid_t owner;		/* the process that recorded it: only it ends the masters */
	int state;		/* 0 not tried, 1 up, -1 failed */
	char *why;		/* ssh's reason when failed */
};

/* what every ssh of ferry's carries; command-line -o beats any ssh_config */
void ssh_common(struct strlist *av, const char *ssh_config, const char *ctl_dir);
/* ssh's verdict: the last line of its stderr, or fallback (the caller frees) */
char *last_line(const struct strbuf *err, const char *fallback);
/* argv on h with stdin in, stdout and stderr appended to out and err (may be NULL) */
int capture_timeout(struct transport *t, const struct host *h, const char *const *argv,
    const char *in, size_t in_len, struct strbuf *out, struct strbuf *err, int timeout_ms);

#endif
