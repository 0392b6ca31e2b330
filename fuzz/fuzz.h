/*
 * fuzz.h: what every fuzz target shares.  A target is a libFuzzer entry
 * point; a property that fails calls fuzz_fail(), which aborts so that
 * libFuzzer keeps the input as a crash.
 */
#ifndef FERRY_FUZZ_H
#define FERRY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

/* stderr as it was before libFuzzer's -close_fd_mask closed it */
static int fuzz_errfd = 2;

__attribute__((constructor)) static void
fuzz_keep_stderr(void)
{
	fuzz_errfd = dup(2);
}

#define fuzz_fail(...) do { \
	dprintf(fuzz_errfd, "fuzz property failed at %s:%d: ", __FILE__, __LINE__); \
	dprintf(fuzz_errfd, __VA_ARGS__); \
	dprintf(fuzz_errfd, "\n"); \
	abort(); \
} while (0)

#define fuzz_assert(cond) do { \
	if (!(cond)) \
		fuzz_fail("%s", #cond); \
} while (0)

/* a control byte from the front of the input (0 when it is used up) */
static inline unsigned
fuzz_byte(const uint8_t **data, size_t *size)
{
	unsigned c;

	if (*size == 0)
		return 0;
	c = **data;
	(*data)++;
	(*size)--;
	return c;
}

/*
 * The entry point of a target with two kinds of input: the first byte's low
 * bit picks built (an input made from parts whose meaning the property
 * knows) or raw (the bytes as they are).
 */
#define FUZZ_RAW_OR_BUILT(raw, built) \
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
int \
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) \
{ \
	if (fuzz_byte(&data, &size) & 1) \
		built(data, size); \
	else \
		raw(data, size); \
	return 0; \
}

/* a NUL-terminated copy of at most max bytes, cut at the first NUL */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size, size_t max)
{
	size_t n = size < max ? size : max;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
