/* merge.h: taking one edit back out of a file that others edited since. */
#ifndef FERRY_MERGE_H
#define FERRY_MERGE_H

#include <stddef.h>

#include "strbuf.h"

/*
 * The live text with the change before -> after taken back out (a
 * three-way merge, as diff3 -m -E): 0 with the result in out, 1 when the change
 * overlaps what was edited since (out untouched), -1 on error.
 */
int merge_undo(const struct strbuf *live, const struct strbuf *after,
    const struct strbuf *before, struct strbuf *out);

#endif
