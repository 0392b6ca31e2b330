/* diff.h: unified diffs of small line-based texts (zones, vhosts, virtusertable). */
#ifndef FERRY_DIFF_H
#define FERRY_DIFF_H

#include "strbuf.h"

/* cells of the LCS table past which the changed middle is shown as one
   delete-then-add block: still a correct diff, only not a minimal one */
#define DIFF_LCS_CAP ((size_t)4 << 20)
#define DIFF_CONTEXT 3

/*
 * Appends to out "--- LABEL", "+++ LABEL" and the hunks turning old_text
 * into new_text, 3 lines of context, "\ No newline at end of file" where due.
 * Returns 1 if the texts differ, 0 if not (nothing appended).
 */
int diff_unified(const char *label, const char *old_text, const char *new_text,
    struct strbuf *out);

/*
 * A three-way merge of x and y, both edits of base, by lines (as diff3 -m):
 * 0 with the result appended to out; 1 when x and y change the same or
 * adjoining lines differently (out untouched).  Changes made alike by both
 * merge once.  Any bytes, NUL included; texts of a few thousand lines.
 */
int diff_merge3(const struct strbuf *base, const struct strbuf *x,
    const struct strbuf *y, struct strbuf *out);

#endif
