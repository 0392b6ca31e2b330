/* unit.h: a tiny assertion library for the C unit tests (one file per module). */
#ifndef FERRY_UNIT_H
#define FERRY_UNIT_H

#include <stdio.h>
#include <string.h>

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

#define UNIT_DONE(name) do { \
	printf("# %s: %d passed, %d failed\n", (name), unit_pass, unit_fail); \
	return unit_fail ? 1 : 0; \
} while (0)

#endif
