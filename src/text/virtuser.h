/*
 * virtuser.h: sendmail's virtusertable and postfix's virtual map as text
 * ("KEY<blanks>VALUE" lines, '#' comments, blank lines), and the MTA's list
 * of local domains (sendmail's local-host-names).
 *
 * Keys are "user@dom" or "@dom"; values a local user, "user@other",
 * "%1@other" or "error:nouser ...".  Keys compare case-insensitively (makemap
 * and postmap fold them).  A line that starts with blanks continues the
 * entry above it (postfix's rule; sendmail tables have none).
 *
 * Edits write the whole new text to out (reset first) and return 1 when it
 * changed, 0 when it already was as asked (out holds the same bytes), -1 on
 * error (printed).  Lines ferry appends follow a "# ferry: account NAME"
 * line; rollback takes the step's change back out (edit.c, merge.c).
 */
#ifndef FERRY_VIRTUSER_H
#define FERRY_VIRTUSER_H

#include <stddef.h>

#include "strbuf.h"

enum vu_kind { VU_BLANK, VU_COMMENT, VU_ENTRY };

/* where a value sends mail, seen from the host whose table it is */
enum vu_dest {
	VU_LOCAL,	/* a user (or program, file) here, or an address in a local domain */
	VU_REMOTE,	/* every address is in a domain that is not local */
	VU_ERROR	/* error:... (rejected) */
};

enum vu_mode { VU_MODE_LOCAL, VU_MODE_FORWARDED };

struct vu_line {
	size_t start, end;	/* raw bytes, newline included (continuations too) */
	size_t eol;		/* bytes of the last newline: 0, 1 or 2 */
	size_t value_from, value_to; /* the value's raw bytes (entries) */
	int lineno;		/* from 1 */
	enum vu_kind kind;
	char *key;		/* entries: as written */
	char *value;		/* entries: continuation lines joined by one blank */
};

struct virtuser {
	char *name;		/* for messages */
	char *text;		/* owned copy, NUL-terminated */
	size_t len;
	struct vu_line *lines;
	size_t n;
};

/* an entry without a value is an error ("NAME:LINE: ...") */
int virtuser_parse(struct virtuser *vt, const char *name, const char *text, size_t len);
void virtuser_release(struct virtuser *vt);

/* "dom" of "user@dom" or "@dom"; NULL for a key without '@' */
const char *virtuser_key_domain(const char *key);
/* 1 when domain is one of domains or below one (case-insensitive): an
 * account's zones */
int virtuser_domain_in(const char *domain, const struct strlist *domains);
/* see enum vu_dest; local_domains: the names this host delivers, matched
 * exactly as sendmail's class w is (may be NULL) */
enum vu_dest virtuser_classify(const char *value, const struct strlist *local_domains);

/*
 * The account's lines (CONTRACT.md): entries whose key is in one of its
 * domains, or whose value is its login ("alice", or "alice@D" with D local).
 */
int virtuser_is_account_line(const struct vu_line *l, const char *login,
    const struct strlist *domains, const struct strlist *local_domains);
/* their indexes into idx (room for vt->n); returns how many */
size_t virtuser_account_lines(const struct virtuser *vt, const char *login,
    const struct strlist *domains, const struct strlist *local_domains, size_t *idx);
/* mail = auto: forwarded when none of the account's lines delivers here and
 * at least one sends mail elsewhere; local otherwise */
enum vu_mode virtuser_mail_mode(const struct virtuser *vt, const char *login,
    const struct strlist *domains, const struct strlist *local_domains);

/*
 * What the new host's table needs for the account, from the old host's:
 * every account line, forwarding ones unchanged, "user@D" with D in
 * local_domains (give both hosts' local domains) reduced to "user" so it
 * delivers to the local user there.  Appends to keys and values.
 */
void virtuser_wanted_new(const struct virtuser *old, const char *login,
    const struct strlist *domains, const struct strlist *local_domains,
    struct strlist *keys, struct strlist *values);
/*
 * Makes keys[k] map to values[k]: a key present takes the value in place
 * (later lines with the same key go, so no key is ever doubled); missing
 * ones are appended in the account's section, which is created at the end.
 */
int virtuser_set(const struct virtuser *vt, const char *account,
    const struct strlist *keys, const struct strlist *values, struct strbuf *out);
/*
 * Old host: every local address in the account's lines becomes target with
 * %u replaced by its user ("%u@neko-base.nekodojo.test").  Lines that
 * already forward are left alone, so a second run changes nothing.
 */
int virtuser_forward(const struct virtuser *vt, const char *login,
    const struct strlist *domains, const struct strlist *local_domains,
    const char *target, struct strbuf *out);
/* removes the account's section: its marker and the entries right after it */
int virtuser_remove_marked(const struct virtuser *vt, const char *account,
    struct strbuf *out);

/* local-host-names: one or more domains per line, '#' comments */
int mtadomains_has(const char *text, size_t len, const char *domain);
/* appends "domain\n" (after a newline if the text lacks its last one) */
int mtadomains_add(const char *text, size_t len, const char *domain, struct strbuf *out);

#endif
