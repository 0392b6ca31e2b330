/* zone-int.h: what zone-edit.c and zone-check.c share; not for other modules. */
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

#endif
