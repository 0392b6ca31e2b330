/* t-merge: one step's change taken back out around later edits (an in-process diff3 -m). */
#include "unit.h"
#include "merge.h"

static void
set(struct strbuf *sb, const char *s)
{
	strbuf_reset(sb);
	strbuf_addstr(sb, s);
}

int
main(void)
{
	struct strbuf live = STRBUF_INIT, after = STRBUF_INIT, before = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	/* alice's line came in; dave's came in after it: only alice's goes */
	set(&before, "@base.test base\n@other.test other\n");
	set(&after, "@alice.test alice@neko\n@base.test base\n@other.test other\n");
	set(&live, "@alice.test alice@neko\n@base.test base\n@other.test other\n@dave.test dave@neko\n");
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "@base.test base\n@other.test other\n@dave.test dave@neko\n");
	/* nothing edited since: the old bytes exactly, no newline added */
	set(&before, "one\ntwo");
	set(&after, "one\nthree");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&after, &after, &before, &out), 0);
	CHECK_STR(out.buf, "one\ntwo");
	/* a later edit of the very line this step wrote: refused, out untouched */
	set(&before, "a\nServerAlias www.alice.test\nc\n");
	set(&after, "a\nServerAlias www.alice.test test.alice.test\nc\n");
	set(&live, "a\nServerAlias www.alice.test test.alice.test www.dave.test\nc\n");
	set(&out, "kept");
	CHECK_INT(merge_undo(&live, &after, &before, &out), 1);
	CHECK_STR(out.buf, "kept");
	/* an edit far from this step's is kept, bytes and all */
	set(&before, "x\n\n# a\n\n\n\ny\n");
	set(&after, "x\nadded\n\n# a\n\n\n\ny\n");
	set(&live, "x\nadded\n\n# a\n\n\n\ny\r\nz\t$(no)\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "x\n\n# a\n\n\n\ny\r\nz\t$(no)\n");
	/* a line this step added that is already gone from the live text */
	set(&before, "a\nc\nd\ne\nf\ng\n");
	set(&after, "a\nb\nc\nd\ne\nF\ng\n");
	set(&live, "a\nc\nd\ne\nF\ng\nh\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "a\nc\nd\ne\nf\ng\nh\n");
	/* alice's section appended, then dave's right after it: only alice's goes */
	set(&before, "# table\nroot@x.test root\n");
	set(&after, "# table\nroot@x.test root\n# ferry: account alice\n@alice.test alice\n");
	set(&live, "# table\nroot@x.test root\n# ferry: account alice\n@alice.test alice\n"
	    "# ferry: account dave\n@dave.test dave\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "# table\nroot@x.test root\n# ferry: account dave\n@dave.test dave\n");
	/* the same block twice in the live text: not guessed at, diff3 decides */
	set(&live, "# table\nroot@x.test root\n# ferry: account alice\n@alice.test alice\n"
	    "# ferry: account alice\n@alice.test alice\n");
	set(&out, "kept");
	CHECK_INT(merge_undo(&live, &after, &before, &out), 1);
	CHECK_STR(out.buf, "kept");
	/* a block inserted in the middle, found where later edits moved it */
	set(&before, "a\nb\n");
	set(&after, "a\nnew1\nnew2\nb\n");
	set(&live, "z\na\nnew1\nnew2\nb2\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "z\na\nb2\n");
	/* both sides made the same change: merged once, not refused */
	set(&before, "a\nb\nc\nd\ne\n");
	set(&after, "a\nB\nc\nd\nE\n");
	set(&live, "a\nb\nc\nd\nE2\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 1);
	set(&live, "0\na\nb\nc\nd\nE\n");
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_STR(out.buf, "0\na\nb\nc\nd\ne\n");
	/* a later edit right beside this step's line: adjoining counts as overlap */
	set(&before, "1\n2\n3\n4\n");
	set(&after, "1\ntwo\n3\n4\n");
	set(&live, "1\ntwo\nthree\n4\n");
	set(&out, "kept");
	CHECK_INT(merge_undo(&live, &after, &before, &out), 1);
	CHECK_STR(out.buf, "kept");
	/* bytes the C string functions would stop at are merged like any other */
	strbuf_reset(&before);
	strbuf_add(&before, "x\0y\nk\nz\n", 8);
	strbuf_reset(&after);
	strbuf_add(&after, "x\0y\nK\nz\n", 8);
	strbuf_reset(&live);
	strbuf_add(&live, "x\0y\nK\nz\n\0\n", 10);
	strbuf_reset(&out);
	CHECK_INT(merge_undo(&live, &after, &before, &out), 0);
	CHECK_INT(out.len, 10);
	CHECK(memcmp(out.buf, "x\0y\nk\nz\n\0\n", 10) == 0);
	strbuf_release(&live);
	strbuf_release(&after);
	strbuf_release(&before);
	strbuf_release(&out);
	UNIT_DONE("merge");
}
