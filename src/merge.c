/*
 * merge.c: an undo that keeps the edits made after it.  Rollback of one
 * account must not take back another account's later edit of the same
 * vhost file or virtusertable; diff3 -m carries "after -> before" into the
 * live text and says when the two overlap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge.h"
#include "log.h"
#include "run-command.h"

static int
write_file(const char *dir, const char *name, const struct strbuf *text, struct strbuf *path)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", dir, name);
	fd = open(path->buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return error_errno("%s", path->buf);
	while (off < text->len) {
		n = write(fd, text->buf + off, text->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_errno("%s", path->buf);
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return close(fd) < 0 ? error_errno("%s", path->buf) : 0;
}

static void
remove_dir(const char *dir)
{
	static const char *const names[] = { "live", "after", "before" };
	struct strbuf p = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 3; i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir, names[i]);
		unlink(p.buf);
	}
	rmdir(dir);
	strbuf_release(&p);
}

/* diff3 -m -E LIVE AFTER BEFORE: 0 clean, 1 overlaps, 2 trouble */
static int
run_diff3(const char *dir, struct strbuf *out)
{
	struct strbuf live = STRBUF_INIT, after = STRBUF_INIT, before = STRBUF_INIT;
	/* -E: a change both sides made alike merges cleanly (the default -A
	   brackets it as a conflict) */
	const char *argv[] = { "diff3", "-m", "-E", "-a", "--", NULL, NULL, NULL, NULL };
	struct child c = CHILD_INIT;
	int r;

	strbuf_addf(&live, "%s/live", dir);
	strbuf_addf(&after, "%s/after", dir);
	strbuf_addf(&before, "%s/before", dir);
	argv[5] = live.buf;
	argv[6] = after.buf;
	argv[7] = before.buf;
	c.argv = argv;
	r = run_command(&c);
	if (r == 0)
		strbuf_add(out, c.out.buf, c.out.len);
	else if (r != 1)
		error("diff3 exited %d: %s", r, c.err.buf);
	child_release(&c);
	strbuf_release(&live);
	strbuf_release(&after);
	strbuf_release(&before);
	return r == 0 ? 0 : r == 1 ? 1 : -1;
}

/* the bytes after inserted into before as one block of whole lines, at *at;
   0 when after is not before plus one such block */
static size_t
inserted_block(const struct strbuf *before, const struct strbuf *after, size_t *at)
{
	size_t pre = 0, n;

	if (after->len <= before->len)
		return 0;
	n = after->len - before->len;
	while (pre < before->len && before->buf[pre] == after->buf[pre])
		pre++;
	while (pre > 0 && before->buf[pre - 1] != '\n')
		pre--;
	if (memcmp(before->buf + pre, after->buf + pre + n, before->len - pre) != 0 ||
	    after->buf[pre + n - 1] != '\n')
		return 0;
	*at = pre;
	return n;
}

/* where block (whole lines) stands in text, if exactly once; -1 if not */
static long
only_place(const struct strbuf *text, const char *block, size_t n)
{
	long found = -1;
	size_t i;

	for (i = 0; i + n <= text->len; i++) {
		if ((i > 0 && text->buf[i - 1] != '\n') || memcmp(text->buf + i, block, n))
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

/*
 * A step that only added a block (a marked account section appended to the
 * new host's table or vhost file): that block goes, wherever later edits
 * moved it.  diff3 would call an account appended right after it a conflict.
 */
static int
remove_inserted(const struct strbuf *live, const struct strbuf *after,
    const struct strbuf *before, struct strbuf *out)
{
	size_t at, n = inserted_block(before, after, &at);
	long where;

	if (n == 0 || (where = only_place(live, after->buf + at, n)) < 0)
		return -1;
	strbuf_add(out, live->buf, (size_t)where);
	strbuf_add(out, live->buf + where + n, live->len - (size_t)where - n);
	return 0;
}

int
merge_undo(const struct strbuf *live, const struct strbuf *after,
    const struct strbuf *before, struct strbuf *out)
{
	const char *base = getenv("TMPDIR");
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT, merged = STRBUF_INIT;
	int r = -1;

	/* nothing edited since: the old bytes as they were, no diff3 needed */
	if (live->len == after->len && !memcmp(live->buf, after->buf, live->len)) {
		strbuf_add(out, before->buf, before->len);
		return 0;
	}
	if (remove_inserted(live, after, before, out) == 0)
		return 0;
	strbuf_addf(&dir, "%s/ferry-merge-XXXXXX", base && *base == '/' ? base : "/tmp");
	if (mkdtemp(dir.buf) == NULL) {
		error_errno("mkdtemp %s", dir.buf);
		goto done;
	}
	if (write_file(dir.buf, "live", live, &path) == 0 &&
	    write_file(dir.buf, "after", after, &path) == 0 &&
	    write_file(dir.buf, "before", before, &path) == 0)
		r = run_diff3(dir.buf, &merged);
	if (r == 0)
		strbuf_add(out, merged.buf, merged.len);
	remove_dir(dir.buf);
done:
	strbuf_release(&dir);
	strbuf_release(&path);
	strbuf_release(&merged);
	return r;
}
