/* t-mbox.c: splitting a spool on "From " lines, Message-IDs, merging late mail by content. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbox.h"
#include "strbuf.h"
#include "unit.h"

#define DATA "tests/unit/data/mbox/"

static int
parse_str(struct mbox *mb, const char *s)
{
	return mbox_parse(mb, s, strlen(s));
}

static void
test_split(const struct strbuf *spool)
{
	struct mbox mb;
	struct strlist ids = STRLIST_INIT;
	const char *t;

	CHECK_INT(mbox_parse(&mb, spool->buf, spool->len), 0);
	t = mb.text;
	/* neither "From the desk" (no blank line before) nor ">From" splits */
	CHECK_INT(mb.n, 3);
	CHECK_INT(mb.msgs[0].lineno, 1);
	CHECK_INT(mb.msgs[1].lineno, 13);
	CHECK_INT(mb.msgs[2].lineno, 22);
	CHECK(strncmp(t + mb.msgs[1].start, "From bob@", 9) == 0);
	CHECK(strncmp(t + mb.msgs[0].end - 10, "procmail.\n", 10) == 0);
	CHECK_INT(mb.msgs[0].next, mb.msgs[1].start);
	CHECK_INT(mb.msgs[0].next - mb.msgs[0].end, 1);
	/* the spool's final blank line separates, it is not the body's */
	CHECK_INT(mb.msgs[2].end, spool->len - 1);
	CHECK_INT(mb.msgs[2].next, spool->len);
	CHECK_STR(mb.msgs[0].message_id, "<one@example.net>");
	CHECK_STR(mb.msgs[1].message_id, "<two.folded@example.net>");
	/* a Message-ID line in the body is not the header's */
	CHECK(mb.msgs[2].message_id == NULL);
	mbox_msgids(&mb, &ids);
	CHECK_INT(ids.n, 2);
	CHECK_STR(ids.v[1], "<two.folded@example.net>");
	strlist_clear(&ids);
	mbox_release(&mb);
}

static void
test_shapes(void)
{
	struct mbox mb;

	CHECK_INT(parse_str(&mb, ""), 0);
	CHECK_INT(mb.n, 0);
	mbox_release(&mb);
	CHECK_INT(parse_str(&mb, "\nFrom a  Mon\nSubject: x\n\nbody"), 0);
	CHECK_INT(mb.n, 1);
	CHECK_INT(mb.msgs[0].lineno, 2);
	CHECK_INT(mb.msgs[0].end, mb.len);
	mbox_release(&mb);
	/* CRLF blank lines separate too; a header name must end at its colon */
	CHECK_INT(parse_str(&mb, "From a  Mon\r\nMessage-IDx: <no>\r\n\r\nb\r\n\r\n"
	    "From c  Tue\r\nMessage-ID:<c@x>\r\n\r\nd\r\n"), 0);
	CHECK_INT(mb.n, 2);
	CHECK(mb.msgs[0].message_id == NULL);
	CHECK_STR(mb.msgs[1].message_id, "<c@x>");
	mbox_release(&mb);
	CHECK_INT(parse_str(&mb, "Subject: not an mbox\n\nFrom a  Mon\n"), -1);
}

static void
test_merge(const struct strbuf *spool)
{
	struct strbuf late = STRBUF_INIT, out = STRBUF_INIT, again = STRBUF_INIT;
	struct mbox a, b, m;
	size_t added = 99;

	unit_slurp(DATA "late", &late);
	CHECK_INT(mbox_parse(&a, spool->buf, spool->len), 0);
	CHECK_INT(mbox_parse(&b, late.buf, late.len), 0);
	CHECK_INT(b.n, 5);
	CHECK(!mbox_contains(&a, &b, 0));	/* same Message-ID, other bytes: another message */
	CHECK(mbox_contains(&a, &b, 1));	/* same bytes */
	CHECK(!mbox_contains(&a, &b, 2));
	CHECK(!mbox_contains(&a, &b, 3));	/* its second copy: both move */
	CHECK_INT(mbox_missing(&a, &b), 4);
	CHECK_INT(mbox_merge(spool->buf, spool->len, late.buf, late.len, &out, &added), 1);
	CHECK_INT(added, 4);
	CHECK(unit_same_as(&out, DATA "expect-merged"));
	CHECK_INT(mbox_parse(&m, out.buf, out.len), 0);
	CHECK_INT(m.n, 7);
	CHECK_INT(mbox_missing(&m, &b), 0);
	CHECK_INT(mbox_missing(&m, &a), 0);
	/* merging again adds nothing and keeps every byte */
	CHECK_INT(mbox_merge(out.buf, out.len, late.buf, late.len, &again, &added), 0);
	CHECK_INT(added, 0);
	CHECK(again.len == out.len && memcmp(again.buf, out.buf, out.len) == 0);
	mbox_release(&a);
	mbox_release(&b);
	mbox_release(&m);
	strbuf_release(&late);
	strbuf_release(&out);
	strbuf_release(&again);
}

static void
test_merge_tails(void)
{
	struct strbuf out = STRBUF_INIT;
	const char *msg = "From z  Wed\nSubject: z\n\nzz\n";
	size_t added;

	/* a spool whose last message lacks the blank line, or even its newline */
	CHECK_INT(mbox_merge("From a  Mon\n\nx\n", 15, msg, strlen(msg), &out, &added), 1);
	CHECK_STR(out.buf, "From a  Mon\n\nx\n\nFrom z  Wed\nSubject: z\n\nzz\n\n");
	CHECK_INT(mbox_merge("From a  Mon\n\nx", 14, msg, strlen(msg), &out, &added), 1);
	CHECK_STR(out.buf, "From a  Mon\n\nx\n\nFrom z  Wed\nSubject: z\n\nzz\n\n");
	/* an empty spool gets the message alone */
	CHECK_INT(mbox_merge("", 0, msg, strlen(msg), &out, &added), 1);
	CHECK_STR(out.buf, "From z  Wed\nSubject: z\n\nzz\n\n");
	/* nothing to add: the spool's bytes stay, missing blank line and all */
	CHECK_INT(mbox_merge("From a  Mon\n\nx", 14, "", 0, &out, &added), 0);
	CHECK_STR(out.buf, "From a  Mon\n\nx");
	CHECK_INT(mbox_merge("junk\n", 5, msg, strlen(msg), &out, &added), -1);
	CHECK_INT(mbox_merge(msg, strlen(msg), "junk\n", 5, &out, &added), -1);
	strbuf_release(&out);
}

/* the driver's way: text to append under the spool's lock */
static void
test_append_message(const struct strbuf *spool)
{
	struct strbuf late = STRBUF_INIT, cur = STRBUF_INIT, add = STRBUF_INIT;
	struct mbox have, in, m;
	size_t i;

	unit_slurp(DATA "late", &late);
	strbuf_add(&cur, spool->buf, spool->len - 1);	/* no blank line at its end */
	CHECK_INT(mbox_parse(&have, cur.buf, cur.len), 0);
	CHECK_INT(mbox_parse(&in, late.buf, late.len), 0);
	CHECK(!mbox_repeated(&in, 2));
	CHECK(mbox_repeated(&in, 3));
	for (i = 0; i < in.n; i++)
		if (!mbox_contains(&have, &in, i))
			mbox_append_message(&add, &cur, &in, i);
	CHECK(strncmp(add.buf, "\nFrom bob@", 10) == 0);
	CHECK(strstr(add.buf, ">From quoted\n\nFrom erin@") != NULL);
	CHECK(add.len > 3 && strcmp(add.buf + add.len - 3, "e\n\n") == 0);
	strbuf_add(&cur, add.buf, add.len);
	CHECK(unit_same_as(&cur, DATA "expect-merged"));
	CHECK_INT(mbox_parse(&m, cur.buf, cur.len), 0);
	CHECK_INT(mbox_missing(&m, &in), 0);
	mbox_release(&have);
	mbox_release(&in);
	mbox_release(&m);
	strbuf_release(&late);
	strbuf_release(&cur);
	strbuf_release(&add);
}

/* issue 15: a cross-posted copy shares the Message-ID of a message already moved */
static void
test_same_id_two_messages(void)
{
	const char *spool = "From a@x  Mon Nov 23 10:00:00 2026\nMessage-ID: <dup@x>\n"
	    "To: alice@alice.test\n\nfirst copy\n\n";
	const char *late = "From a@x  Mon Nov 23 10:00:01 2026\nMessage-ID: <dup@x>\n"
	    "To: list@alice.test\n\nsecond copy, through the list\n\n";
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct mbox a, b, m;
	char d1[65], d2[65];
	size_t added = 0;

	CHECK_INT(mbox_merge(spool, strlen(spool), late, strlen(late), &out, &added), 1);
	CHECK_INT(added, 1);
	CHECK_INT(parse_str(&m, out.buf), 0);
	CHECK_INT(m.n, 2);
	CHECK_STR(m.msgs[0].message_id, m.msgs[1].message_id);
	CHECK(strcmp(m.msgs[0].digest, m.msgs[1].digest) != 0);
	/* merged again: nothing more, so a resumed move doubles nothing */
	CHECK_INT(mbox_merge(out.buf, out.len, late, strlen(late), &again, &added), 0);
	CHECK_INT(added, 0);
	/* copies are counted: the spool holds one, the moved text two, one goes */
	strbuf_reset(&again);
	strbuf_addstr(&again, late);
	strbuf_addstr(&again, late);
	CHECK_INT(parse_str(&a, out.buf), 0);
	CHECK_INT(parse_str(&b, again.buf), 0);
	CHECK_INT(mbox_missing(&a, &b), 1);
	CHECK(mbox_contains(&a, &b, 0));
	CHECK(!mbox_contains(&a, &b, 1));
	CHECK(mbox_repeated(&b, 1));
	/* the spool's digest: the same messages in another order, the same digest */
	strbuf_reset(&again);
	strbuf_addstr(&again, late);
	strbuf_addstr(&again, spool);
	mbox_release(&b);
	CHECK_INT(parse_str(&b, again.buf), 0);
	mbox_digest(&m, d1);
	mbox_digest(&b, d2);
	CHECK_STR(d1, d2);
	mbox_digest(&a, d2);
	CHECK_STR(d1, d2);
	mbox_release(&b);
	CHECK_INT(parse_str(&b, spool), 0);
	mbox_digest(&b, d2);
	CHECK(strcmp(d1, d2) != 0);
	mbox_release(&a);
	mbox_release(&b);
	mbox_release(&m);
	strbuf_release(&out);
	strbuf_release(&again);
}

int
main(void)
{
	struct strbuf spool = STRBUF_INIT;

	unit_slurp(DATA "spool", &spool);
	test_split(&spool);
	test_shapes();
	test_merge(&spool);
	test_merge_tails();
	test_append_message(&spool);
	test_same_id_two_messages();
	strbuf_release(&spool);
	UNIT_DONE("mbox");
}
