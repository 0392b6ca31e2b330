/*
 * mbox.h: a mail spool (mboxo/mboxrd as procmail and mail.local write it)
 * split into messages, for moving a spool (phase1.7) and delivering the
 * mail that reached the old host late (phase1.10).
 *
 * A message starts at a line beginning "From " that opens the text or
 * follows a blank line; ">From " in a body is quoted text, never a
 * separator, and "From " after a non-blank line is body text too.  The blank
 * line before the next "From " separates and is not part of the message.
 */
#ifndef FERRY_MBOX_H
#define FERRY_MBOX_H

#include <stddef.h>

#include "strbuf.h"

struct mbox_msg {
	size_t start;		/* the "From " line */
	size_t end;		/* end of the message: its last newline included, the
				 * separating blank line not */
	size_t next;		/* where the next message (or the text's end) starts */
	int lineno;		/* of the "From " line, from 1 */
	char *message_id;	/* Message-ID's "<...>" (unfolded), NULL when absent */
	char digest[65];	/* SHA-256 (hex) of the message's bytes, "From " line
				 * included, last newline not: its identity */
};

struct mbox {
	char *text;		/* owned copy, NUL-terminated */
	size_t len;
	struct mbox_msg *msgs;
	size_t n;
};

/* empty text is an empty spool; other text must start (after blank lines) with "From " */
int mbox_parse(struct mbox *mb, const char *text, size_t len);
void mbox_release(struct mbox *mb);

/* appends each message's Message-ID (messages without one are left out) */
void mbox_msgids(const struct mbox *mb, struct strlist *ids);
/*
 * Messages are compared by their bytes (digest), never by Message-ID, and
 * counted: when b holds k copies of a message up to and including its
 * message i, 1 when a holds at least k copies of it.
 */
int mbox_contains(const struct mbox *a, const struct mbox *b, size_t i);
/* 1 when message i of b repeats the bytes of an earlier message of b */
int mbox_repeated(const struct mbox *b, size_t i);
/* how many of b's messages a lacks, copies counted (0: every one of them arrived) */
size_t mbox_missing(const struct mbox *a, const struct mbox *b);
/* one digest of the whole spool's messages as a set with copies, in any order */
void mbox_digest(const struct mbox *mb, char hex[65]);

/*
 * Appends message i of in to add, the text that will be appended to spool:
 * first the blank line that spool (followed by add so far) needs before a
 * new message, then the message, its last newline and one blank line.
 */
void mbox_append_message(struct strbuf *add, const struct strbuf *spool,
    const struct mbox *in, size_t i);

/*
 * out = spool with add's messages appended, skipping every message spool
 * already has (as mbox_contains counts copies); spool's bytes are kept and a
 * blank line is put after its last message if it lacks one.  Each appended
 * message ends with its newline and one blank line.  Returns 1 when
 * something was appended, 0 when out equals spool, -1 when either text is
 * not an mbox.  *added (may be NULL) counts the messages appended.
 */
int mbox_merge(const char *spool, size_t len, const char *add, size_t add_len,
    struct strbuf *out, size_t *added);

#endif
