/*
 * remote-file.c: moving file contents on hosts through three constant
 * scripts (read, stat, write atomically), each given the path as "$1":
 * the path is a word, never part of the script.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "remote.h"
#include "remote-int.h"

#define FILE_TIMEOUT_MS		300000
#define MISSING_STATUS		3	/* the constant scripts' "no such file" */

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
