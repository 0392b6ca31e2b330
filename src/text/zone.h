/* zone.h: read a BIND zone file and edit it without touching anything else. */
#ifndef FERRY_ZONE_H
#define FERRY_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * A zone file is parsed into records that remember where they came from
 * (lines and bytes), so an edit rewrites only the tokens it changes and every
 * other byte -- comments, blank lines, alignment, CRLF -- stays as it was.
 * Names are kept absolute, lower case, without the final dot
 * ("www.alice.test"); the apex is the origin itself.  Messages go into an
 * err strbuf (no "ferry: " prefix) so the caller can put its own in front;
 * parse errors read "FILE:LINE: message".
 */

struct zone_span {
	size_t off, len;		/* bytes in zone.text */
};

struct zone_rr {
	char *owner;			/* absolute, lower case, no final dot */
	char *type;			/* upper case: "A", "MX", "SOA" */
	char *rclass;			/* upper case, "IN" when not written */
	char *rdata;			/* canonical: single-spaced, names absolute
					   with a final dot, SOA timers in seconds */
	long ttl;			/* effective TTL in seconds */
	int has_ttl;			/* an explicit TTL field is written */
	int ttl_inherited;		/* no field, no $TTL: the previous record's */
	int under_dollar_ttl;		/* a $TTL is in effect at the record */
	int line, end_line;		/* 1-based; a parenthesised record spans lines */
	size_t start, end;		/* its lines, final newline included */
	char *origin;			/* $ORIGIN in effect (for writing names) */
	/* token positions, for editing */
	struct zone_span owner_tok;	/* len 0: blank owner (= previous owner) */
	struct zone_span ttl_tok;	/* len 0: no TTL field */
	struct zone_span class_tok;	/* len 0: no class field */
	struct zone_span type_tok;
	struct zone_span *rd;		/* the rdata tokens as written */
	size_t n_rd;
};

struct zone {
	char *label;			/* file name for messages */
	char *origin;			/* as given, canonical */
	char *text;			/* a private copy, NUL-terminated */
	size_t len;
	struct zone_rr *rr;
	size_t n;
	int crlf;			/* the first line ends in CRLF */
	char *end_origin;		/* $ORIGIN in effect at the end of the file */
};

#define ZONE_INIT { 0 }

/* Parses text (len bytes).  $INCLUDE and $GENERATE are refused. 0 or -1. */
int zone_parse(struct zone *z, const char *label, const char *origin,
    const char *text, size_t len, struct strbuf *err);
void zone_release(struct zone *z);

/* -- queries -- */

/* canonical absolute form of NAME: "@" is the origin, a final dot is dropped,
   a name without one is taken as absolute too (names in ferry.conf are) */
void zone_name_abs(const struct zone *z, const char *name, struct strbuf *out);
/* NAME relative to the zone origin: "@", "www", or "other.test." */
void zone_name_rel(const char *origin, const char *name, struct strbuf *out);
/* 1 if NAME (absolute) is the origin or below it */
int zone_name_in(const char *origin, const char *name);
/* index of the first record >= from with that owner and type (NULL: any),
   -1 when none */
int zone_find(const struct zone *z, const char *name, const char *type, int from);
int zone_count(const struct zone *z, const char *name, const char *type);
/* the highest effective TTL of NAME's records of TYPE (NULL: any); -1 none */
long zone_ttl_of(const struct zone *z, const char *name, const char *type);
/* the apex SOA serial: 0 or -1 (no SOA) */
int zone_soa_serial(const struct zone *z, uint32_t *serial);
/* an MX rdata's host ("mail.alice.test."), or NULL */
const char *zone_mx_host(const struct zone_rr *rr);
/* follows CNAMEs of NAME inside the zone (at most 8): 1 and the final name in
   out, 0 when the chain leaves the zone (out: where), -1 on a loop */
int zone_resolve_cname(const struct zone *z, const char *name, struct strbuf *out);

/* -- serial numbers (RFC 1982) -- */

/* a is greater than b in serial arithmetic */
int serial_gt(uint32_t a, uint32_t b);
/* YYYYMMDDnn with a plausible date */
int serial_is_date(uint32_t s);

struct zone_bump {
	unsigned today;			/* YYYYMMDD (UTC) for date-style serials;
					   0: every serial just counts up */
	int have_served;		/* highest_served is known */
	uint32_t highest_served;	/* highest serial any nameserver has served */
	uint32_t new_serial;		/* out: what zone_edit wrote */
};

/*
 * The next serial after cur: greater than cur and than highest_served in
 * serial arithmetic.  A date-style cur stays date-style (today's nn=00 when
 * that is greater, else +1); anything else is +1, wrapping at 2^32.
 */
uint32_t zone_serial_next(uint32_t cur, const struct zone_bump *b);
/* new text with the apex SOA serial replaced */
int zone_set_serial(const struct zone *z, uint32_t serial, struct strbuf *out,
    struct strbuf *err);

/* -- edits -- */

enum zone_op {
	ZONE_SET_A,	/* name's A record (the one holding old, or the only one) := value */
	ZONE_ADD,	/* a name/type/value record, with a TTL field when ttl > 0 */
	ZONE_DEL,	/* name's type records (holding old; NULL: all of them) */
	ZONE_SET_TTL,	/* name's type records (holding old; NULL: all): TTL := ttl;
			   ZONE_TTL_DEFAULT drops the explicit field */
	ZONE_SET_MX,	/* name's MX naming host old -> MX pref value (pref < 0: keep) */
};

#define ZONE_TTL_DEFAULT (-1L)

struct zone_change {
	enum zone_op op;
	const char *name;		/* absolute, "@" = origin */
	const char *type;		/* ADD, DEL, SET_TTL (NULL for SET_A/SET_MX) */
	const char *old;		/* rdata or MX host to match, or NULL */
	const char *value;		/* new address / rdata / MX host */
	long ttl;			/* ADD: > 0 written, else none; SET_TTL */
	int pref;			/* SET_MX */
};

/*
 * 1 when the change is already in place in z (a resumed run must not edit
 * or bump again), 0 when it is still to do, -1 when it cannot apply (err).
 */
int zone_change_in_place(const struct zone *z, const struct zone_change *c,
    struct strbuf *err);

/*
 * Applies the changes not yet in place to z's text, all at once, into out.
 * With b, the serial is bumped once (b->new_serial says to what); without,
 * the SOA is left alone.  The result is checked with zone_check_edit()
 * before it is returned.  Returns how many changes were applied: 0 means
 * everything was in place and out is the original text, unbumped.  -1: err.
 */
int zone_edit(const struct zone *z, const struct zone_change *c, size_t n,
    struct zone_bump *b, struct strbuf *out, struct strbuf *err);

/* one-change conveniences over zone_edit */
int zone_set_a(const struct zone *z, const char *name, const char *addr,
    struct zone_bump *b, struct strbuf *out, struct strbuf *err);
int zone_add(const struct zone *z, const char *name, const char *type,
    const char *value, long ttl, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err);
int zone_remove(const struct zone *z, const char *name, const char *type,
    const char *value, struct zone_bump *b, struct strbuf *out, struct strbuf *err);
/* sets the TTL; *old_ttl (if non-NULL) gets the old effective TTL */
int zone_set_ttl(const struct zone *z, const char *name, const char *type,
    long ttl, long *old_ttl, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err);
int zone_set_mx(const struct zone *z, const char *name, const char *old_host,
    const char *new_host, int pref, struct zone_bump *b, struct strbuf *out,
    struct strbuf *err);

/*
 * "DNS edits change only the planned records": parses both texts and
 * refuses (-1, err says which record) a new text whose records differ from
 * the old ones in any record no change names, whose SOA differs in anything
 * but a serial that went forward, whose records changed without the serial
 * going forward, whose apex lacks SOA or NS, or where a change is not in
 * place.  0 when the edit is sound.
 */
int zone_check_edit(const char *label, const char *origin, const char *old_text,
    size_t old_len, const char *new_text, size_t new_len,
    const struct zone_change *c, size_t n, struct strbuf *err);

/*
 * The same for undoing: new_text may differ from old_text only in records
 * the changes name (they go back to what they were before the changes), and
 * the serial must go forward; the changes need not be in place.
 */
int zone_check_revert(const char *label, const char *origin, const char *old_text,
    size_t old_len, const char *new_text, size_t new_len,
    const struct zone_change *c, size_t n, struct strbuf *err);

/* -- records that lead to an address (zone-refs.c) -- */

/*
 * One record that resolves to the address: an A/AAAA holding it (wildcard
 * owners such as "*.alice.test" included), or an MX, SRV or CNAME whose
 * target is an in-zone name -- through CNAMEs inside the zone -- that holds
 * it.  holder is the name whose A record holds the address: moving that A
 * moves the record (an MX keeps its preference and its target name).
 */
struct zone_ref {
	size_t index;			/* in zone.rr */
	char *owner, *type, *rdata;	/* as the parser keeps them */
	char *holder;			/* the owner of the A holding the address */
	int line;
};

struct zone_refs {
	struct zone_ref *v;
	size_t n;
};

/* every record of z leading to addr (as written: "192.0.2.10"), in file order; how many */
int zone_refs_to(const struct zone *z, const char *addr, struct zone_refs *refs);
/* 1 when a ref (of via_type, NULL: any) leads through holder */
int zone_refs_has_holder(const struct zone_refs *refs, const char *holder, const char *via_type);
void zone_refs_release(struct zone_refs *refs);

/* TTL text ("3600", "1h30m", "1w") to seconds; -1 when not a TTL */
long zone_parse_ttl(const char *s, size_t len);

#endif
