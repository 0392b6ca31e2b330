/*
 * merge.c: an undo that keeps the edits made after it.  Rollback of one
 * account must not take back another account's later edit of the same
 * vhost file or virtusertable; a three-way merge (diff.c) carries
 * "after -> before" into the live text and says when the two overlap.
 * Pure: text in, text out, no files, no programs.
 */
#include <string.h>

#include "diff.h"
#include "merge.h"

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
	/* nothing edited since: the old bytes as they were */
	if (live->len == after->len && !memcmp(live->buf, after->buf, live->len)) {
		strbuf_add(out, before->buf, before->len);
		return 0;
	}
	if (remove_inserted(live, after, before, out) == 0)
		return 0;
	/* after is the common ancestor: the later edits (live) and the undo
	   (before) merged around each other */
	return diff_merge3(after, live, before, out);
}
