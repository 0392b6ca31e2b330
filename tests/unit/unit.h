/* unit.h: a tiny assertion library for the C unit tests (one file per module). */
#ifndef FERRY_UNIT_H
#define FERRY_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int unit_pass, unit_fail;

#define CHECK(cond) do { \
	if (cond) unit_pass++; \
	else { unit_fail++; printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) unit_pass++; \
	else { unit_fail++; printf("not ok - %s:%d: %s\n  got:  [%s]\n  want: [%s]\n", \
	    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) unit_pass++; \
	else { unit_fail++; printf("not ok - %s:%d: %s = %lld, want %lld\n", \
	    __FILE__, __LINE__, #got, g_, w_); } \
} while (0)

/* the bytes of a test data file; a missing one ends the test */
static inline void
unit_slurp(const char *path, struct strbuf *sb)
{
	char buf[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	strbuf_reset(sb);
	if (!fp) {
		printf("not ok - cannot read %s\n", path);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, n);
	fclose(fp);
}

/* out holds exactly the bytes of the expected file at path */
static inline int
unit_same_as(const struct strbuf *out, const char *path)
{
	struct strbuf want = STRBUF_INIT;
	int same;

	unit_slurp(path, &want);
	same = out->len == want.len && memcmp(out->buf, want.buf, want.len) == 0;
	if (!same)
		printf("# differs from %s:\n%s\n", path, out->buf);
	strbuf_release(&want);
	return same;
}

#define UNIT_DONE(name) do { \
	printf("# %s: %d passed, %d failed\n", (name), unit_pass, unit_fail); \
	return unit_fail ? 1 : 0; \
} while (0)

#endif
