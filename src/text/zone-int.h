/* zone-int.h: what the zone*.c files share; not for other modules. */
#ifndef FERRY_ZONE_INT_H
#define FERRY_ZONE_INT_H

#include "zone.h"

/* a change with its name and rdata in the parser's canonical form */
struct prep {
	const struct zone_change *c;
	char *name, *type, *old, *value;
};

extern const char *const zone_op_names[];

struct prep *zone_prep_all(const struct zone *z, const struct zone_change *c, size_t n,
    struct strbuf *err);
void zone_prep_free(struct prep *p, size_t n);
/* the change may alter rr */
int zone_names_rr(const struct prep *p, const struct zone_rr *rr);
/* 1 in place, 0 to do, -1 cannot apply */
int zone_in_place(const struct zone *z, const struct prep *p, struct strbuf *err);
int zone_check_texts(const char *label, const char *origin, const char *old_text,
    size_t old_len, const char *new_text, size_t new_len, const struct zone_change *c,
    size_t n, int flags, struct strbuf *err);
#define ZONE_CHECK_BUMP		0x1	/* changed records need a serial gone forward */
#define ZONE_CHECK_IN_PLACE	0x2	/* every change must be in place */

/* -- the lexer (zone-lex.c) and the parser (zone.c) -- */

struct zline {
	struct zone_span *t;
	size_t n, alloc;
	size_t start, end;
	int line, end_line;
	int blank_owner;
};

struct zparse {
	struct zone *z;
	struct strbuf *err;
	size_t pos;
	int line;
	char *origin;			/* current $ORIGIN */
	long default_ttl;		/* $TTL, -1 unset */
	long last_ttl;			/* last explicit TTL, -1 none (RFC 1035) */
	char *prev_owner;
};

/* "LABEL:LINE: " and the message into p->err; returns -1 */
int zone_perr(struct zparse *p, int line, const char *fmt, const char *arg);
/* the next logical line from p->pos, at a line start: 1 read, 0 end, -1 err */
int zone_lex_line(struct zparse *p, struct zline *l);

/* -- splices (zone-splice.c) -- */

/* replace del bytes at off with ins; seq keeps inserts at one offset in order */
struct splice {
	size_t off, del;
	char *ins;
	size_t seq;
};

struct edits {
	struct splice *v;
	size_t n, alloc;
	/* per record: deleted; its TTL field written; what follows it no longer
	   inherits its TTL (no $TTL, RFC 1035 style) */
	unsigned char *deleted, *ttl_set, *ttl_break;
};

void zone_edits_init(struct edits *e, const struct zone *z);
void zone_edits_add(struct edits *e, size_t off, size_t del, const char *ins);
int zone_edits_apply(const struct zone *z, struct edits *e, struct strbuf *out, struct strbuf *err);
void zone_edits_release(struct edits *e);
/* a new record for p's name (after its last record) holding value */
void zone_add_record(const struct zone *z, const struct prep *p, long ttl, const char *value,
    struct edits *e);
void zone_del_record(const struct zone *z, size_t i, struct edits *e);
/* one token replaced by text, a blank kept on a side it abuts */
void zone_set_token(const struct zone *z, struct edits *e, const struct zone_span *t,
    const char *text);
void zone_set_ttl_field(const struct zone *z, const struct zone_rr *rr, long ttl, struct edits *e);
void zone_fix_blank_owners(const struct zone *z, struct edits *e);
void zone_pin_inherited_ttls(const struct zone *z, struct edits *e);
int zone_soa_index(const struct zone *z, struct strbuf *err);
int zone_splice_serial(const struct zone *z, uint32_t serial, struct edits *e, struct strbuf *err);

/* -- matching records (zone-prep.c) -- */

int zone_rd_is(const struct zone_rr *rr, const char *rdata);
int zone_mx_is(const struct zone_rr *rr, const char *host);
/* p's name and type records for which pred(rr, arg) holds (pred NULL: all) */
int zone_count_where(const struct zone *z, const struct prep *p,
    int (*pred)(const struct zone_rr *, const char *), const char *arg);

#endif
