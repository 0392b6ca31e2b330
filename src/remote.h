/* remote.h: commands and files on a host, over one ssh ControlMaster per host. */
#ifndef FERRY_REMOTE_H
#define FERRY_REMOTE_H

#include <stddef.h>

#include "run-command.h"
#include "strbuf.h"

struct ferry;
struct host;

/* POSIX sh single-quoting of one word: abc -> 'abc', it's -> 'it'\''s' */
void shell_quote(struct strbuf *out, const char *word);

/*
 * Runs c->argv on host h: directly when h is "local", else through
 * ssh [-F cfg] -o BatchMode=yes -o ControlPath=... -- DEST 'w1' 'w2' ...
 * (every word through shell_quote).  The first use of a host starts its
 * ControlMaster.  -v prints the command as sent.  Returns c->status.
 */
int remote_run(struct ferry *f, const struct host *h, struct child *c);
/* argv on h, stdout into out (may be NULL); stderr kept in err (may be NULL) */
int remote_capture(struct ferry *f, const struct host *h, const char *const *argv,
    struct strbuf *out, struct strbuf *err);
/* same, with stdin bytes */
int remote_capture_in(struct ferry *f, const struct host *h, const char *const *argv,
    const char *in, size_t in_len, struct strbuf *out, struct strbuf *err);

/* the file's bytes: 0 ok, 1 it does not exist, -1 error (reported) */
int remote_read_file(struct ferry *f, const struct host *h, const char *path,
    struct strbuf *out);
/* owner, group, mode of path: 0 ok, 1 missing, -1 error */
int remote_stat(struct ferry *f, const struct host *h, const char *path,
    unsigned *mode, unsigned *uid, unsigned *gid);
/*
 * Writes data to path atomically: PATH.ferry-new with the old file's owner
 * and mode (or mode given when new), then rename.  0 ok, -1 error.
 */
int remote_write_file(struct ferry *f, const struct host *h, const char *path,
    const char *data, size_t len, unsigned mode_if_new);

/* -o options for an ssh a host runs itself (rsync's -e), sharing host key checks */
void remote_close_all(struct ferry *f);

#endif
