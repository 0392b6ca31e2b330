/*
 * fuzz-merge: rollback's merge_undo, which takes one step's edit back out
 * of a file others edited since (another account's lines, an admin's).
 *
 * Input: byte 0 and 1 pick places, the rest is split at its first two NUL
 * bytes into BEFORE, a BLOCK of lines and LATER lines.  The step's edit
 * inserted BLOCK into BEFORE at a line start (AFTER); LATER lines were then
 * added at another line start outside the block (LIVE).  Properties:
 *  - nothing edited since: merge_undo(AFTER, AFTER, BEFORE) gives BEFORE;
 *  - the block found once in LIVE: the undo gives BEFORE with the later
 *    lines where they were put, every byte of them kept;
 *  - otherwise (the in-process three-way merge, every input) it merges
 *    keeping every byte of the later lines and none of the block's, or
 *    says the edits overlap, and never fails.
 */
#include "fuzz.h"
#include "log.h"
#include "merge.h"

/* the offset of the k-th line start of t (k modulo their number) */
static size_t
line_start(const struct strbuf *t, unsigned k)
{
	size_t i, n = 1, seen = 0;

	for (i = 0; i < t->len; i++)
		n += t->buf[i] == '\n' && i + 1 < t->len;
	if (t->len && t->buf[t->len - 1] == '\n')
		n++;	/* the end, after the last newline */
	k %= (unsigned)n;
	if (k == 0)
		return 0;
	for (i = 0; i < t->len; i++)
		if (t->buf[i] == '\n' && ++seen == k)
			return i + 1;
	return t->len;
}

/* the piece up to the next NUL (or the end), made whole lines */
static void
piece(struct strbuf *sb, const uint8_t **data, size_t *size, int lines)
{
	const uint8_t *nul = memchr(*data, '\0', *size);
	size_t n = nul ? (size_t)(nul - *data) : *size;

	strbuf_add(sb, (const char *)*data, n);
	*data += n + (nul != NULL);
	*size -= n + (nul != NULL);
	if (lines && sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(sb, '\n');
}

/* where the block stands in text at line starts: how many times */
static size_t
places(const struct strbuf *text, const struct strbuf *block)
{
	size_t i, n = 0;

	for (i = 0; block->len && i + block->len <= text->len; i++)
		if ((i == 0 || text->buf[i - 1] == '\n') &&
		    !memcmp(text->buf + i, block->buf, block->len))
			n++;
	return n;
}

/*
 * The block as merge.c must see it: after differs from before first at
 * some byte; from the start of that line, after holds the inserted lines
 * and then the rest of before.
 */
static int
canonical_block(const struct strbuf *before, const struct strbuf *after, size_t *at)
{
	size_t pre = 0, n = after->len - before->len;

	while (pre < before->len && before->buf[pre] == after->buf[pre])
		pre++;
	while (pre > 0 && before->buf[pre - 1] != '\n')
		pre--;
	*at = pre;
	return n > 0 && after->buf[pre + n - 1] == '\n' &&
	    !memcmp(before->buf + pre, after->buf + pre + n, before->len - pre);
}

static void
insert(struct strbuf *out, const struct strbuf *t, size_t at, const struct strbuf *what)
{
	strbuf_add(out, t->buf, at);
	strbuf_add(out, what->buf, what->len);
	strbuf_add(out, t->buf + at, t->len - at);
}

static void
undo(const uint8_t *data, size_t size)
{
	unsigned pb = fuzz_byte(&data, &size), pl = fuzz_byte(&data, &size);
	struct strbuf before = STRBUF_INIT, block = STRBUF_INIT, later = STRBUF_INIT;
	struct strbuf after = STRBUF_INIT, live = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT, cb = STRBUF_INIT;
	size_t at, ca, q;
	int r, fast;

	piece(&before, &data, &size, 0);
	piece(&block, &data, &size, 1);
	piece(&later, &data, &size, 1);
	at = line_start(&before, pb);
	if (at > 0 && before.buf[at - 1] != '\n')
		at = before.len;	/* not a line start: the text lacks its last newline */
	if (at == before.len && before.len && before.buf[before.len - 1] != '\n')
		strbuf_addch(&before, '\n');
	insert(&after, &before, at, &block);

	fuzz_assert(merge_undo(&after, &after, &before, &out) == 0);
	fuzz_assert(out.len == before.len && !memcmp(out.buf, before.buf, before.len));
	strbuf_reset(&out);
	if (block.len == 0)
		goto done;

	/* the later lines at a line start of after outside the block merge.c finds */
	fast = canonical_block(&before, &after, &ca);
	strbuf_add(&cb, after.buf + ca, block.len);
	q = line_start(&after, pl);
	if (q > ca && q < ca + block.len)
		q = ca + block.len;
	insert(&live, &after, q, &later);
	insert(&want, &before, q <= ca ? q : q - block.len, &later);
	fast = fast && places(&live, &cb) == 1;
	r = merge_undo(&live, &after, &before, &out);
	if (fast) {
		if (r != 0 || out.len != want.len || memcmp(out.buf, want.buf, want.len))
			fuzz_fail("undo of an inserted block lost or changed other lines (r %d)", r);
	} else {
		/* the three-way merge: after -> live only inserts, after -> before
		   only deletes, so a clean merge keeps every byte of the later
		   lines and drops the block's: want's length, if not its order
		   among repeated lines */
		fuzz_assert(r == 0 || r == 1);
		fuzz_assert(r == 0 || out.len == 0);
		fuzz_assert(r == 1 || out.len == want.len);
	}
done:
	strbuf_release(&before);
	strbuf_release(&block);
	strbuf_release(&later);
	strbuf_release(&after);
	strbuf_release(&live);
	strbuf_release(&want);
	strbuf_release(&out);
	strbuf_release(&cb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_level = LOG_QUIET;
	undo(data, size);
	return 0;
}
