/* remote.h: commands and files on a host, over one ssh ControlMaster per host. */
#ifndef FERRY_REMOTE_H
#define FERRY_REMOTE_H

#include <stddef.h>

#include "run-command.h"
#include "strbuf.h"

struct host;
struct remote_conn;

/*
 * The connections to the hosts: one ssh ControlMaster per host, their
 * sockets in a private 0700 directory made on first use.  Zero it, set
 * ssh_config, and end it with remote_close_all().
 */
struct transport {
	const char *ssh_config;		/* ssh -F for ferry's own connections, or NULL */
	char *ctl_dir;
	struct remote_conn *conns;
	size_t n_conns;
};

/* POSIX sh single-quoting of one word: abc -> 'abc', it's -> 'it'\''s' */
void shell_quote(struct strbuf *out, const char *word);

/*
 * Runs c->argv on host h: directly when h is "local", else through
 * ssh [-F cfg] -o BatchMode=yes -o ControlPath=... -- DEST 'w1' 'w2' ...
 * (every word through shell_quote).  The first use of a host starts its
 * ControlMaster.  -v prints the command as sent.  Returns c->status.
 * c->env and c->dir apply on the remote side (env NAME=v ..., cd DIR).
 * Exit 255 from ssh is a connection failure, printed as "HOST: ssh: why".
 * A timeout kills the local ssh; the remote command may outlive it.
 */
int remote_run(struct transport *t, const struct host *h, struct child *c);
/* argv on h, stdout into out (may be NULL); stderr kept in err (may be NULL) */
int remote_capture(struct transport *t, const struct host *h, const char *const *argv,
    struct strbuf *out, struct strbuf *err);
/* same, with stdin bytes */
int remote_capture_in(struct transport *t, const struct host *h, const char *const *argv,
    const char *in, size_t in_len, struct strbuf *out, struct strbuf *err);

/* the file's bytes: 0 ok, 1 it does not exist, -1 error (reported) */
int remote_read_file(struct transport *t, const struct host *h, const char *path,
    struct strbuf *out);
/* owner, group, mode of path: 0 ok, 1 missing, -1 error */
int remote_stat(struct transport *t, const struct host *h, const char *path,
    unsigned *mode, unsigned *uid, unsigned *gid);
/*
 * Writes data to path atomically: PATH.ferry-new with the old file's owner
 * and mode (or mode given when new), then rename.  0 ok, -1 error.
 */
int remote_write_file(struct transport *t, const struct host *h, const char *path,
    const char *data, size_t len, unsigned mode_if_new);

/*
 * Ends every ControlMaster this process started (ssh -O exit) and removes
 * the ControlPath directory.  A forked child leaves them to its parent.
 */
void remote_close_all(struct transport *t);

/* argv's words, each through shell_quote(), joined by spaces: what ssh sends */
void remote_command_line(struct strbuf *out, const char *const *argv);

/*
 * The ssh argv remote_run() uses for one remote line (exposed for tests):
 * ssh [-F ssh_config] -o BatchMode=yes -o StrictHostKeyChecking=yes ...
 * -o ControlPath=CTL_DIR/%C -o ControlMaster=auto -T -- DEST LINE
 */
void remote_ssh_argv(struct strlist *out, const char *ssh_config, const char *ctl_dir,
    const char *dest, const char *line);

/*
 * Starts h's ControlMaster unless it runs (nothing for a local host).
 * 0 ok; -1 with ssh's reason in why (may be NULL), nothing printed.  A
 * host that failed once is not tried again in this run.
 */
int remote_connect(struct transport *t, const struct host *h, struct strbuf *why);
/*
 * Every ssh host's master, started all at once (run --jobs, before the jobs
 * fork: their key exchanges overlap).  0 all up, -1 some failed (each
 * later use says why, as after remote_connect).
 */
int remote_connect_all(struct transport *t, const struct host *hosts, size_t n);

#endif
