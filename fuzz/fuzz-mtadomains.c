/*
 * fuzz-mtadomains: the MTA's list of local domains (sendmail's
 * local-host-names) through mtadomains_has and mtadomains_add.
 *
 * Input: byte 0 picks the domain (a fixed one, or the first line of the
 * input's rest when odd), the rest is the file.  A refused domain is one
 * with a blank, '#' or control byte, or none; an add keeps every byte of
 * the file in front, then finds the domain, and a second add changes
 * nothing; "already there" leaves the file as it was.
 */
#include "fuzz.h"
#include "log.h"
#include "virtuser.h"

static const char *const fixed[] = {
	"alice.test", "ALICE.test", "neko-base.nekodojo.test", "a", "x.y.z.test", "dave.test"
};

static int
bad_domain(const char *d)
{
	const char *s;

	for (s = d; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '#' || *s == 0x7f)
			return 1;
	return *d == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned op = fuzz_byte(&data, &size);
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	char *own = NULL;
	const char *domain = fixed[(op >> 1) % 6], *text;
	int had, r;
	size_t k;

	log_level = LOG_QUIET;
	if (op & 1) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;

		own = fuzz_cstr(data, n, 256);
		domain = own;
		data += n + (nl != NULL);
		size -= n + (nl != NULL);
	}
	text = (const char *)data;
	had = mtadomains_has(text, size, domain);
	r = mtadomains_add(text, size, domain, &out);
	if (r < 0)
		fuzz_assert(bad_domain(domain));
	else if (r == 0) {
		fuzz_assert(had);
		fuzz_assert(out.len == size && !memcmp(out.buf, text, size));
	} else {
		fuzz_assert(!had && !bad_domain(domain));
		fuzz_assert(out.len > size && !memcmp(out.buf, text, size));
		fuzz_assert(mtadomains_has(out.buf, out.len, domain));
		fuzz_assert(mtadomains_add(out.buf, out.len, domain, &again) == 0);
		fuzz_assert(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
		/* what was there still is */
		for (k = 0; k < 6; k++)
			fuzz_assert(!mtadomains_has(text, size, fixed[k]) ||
			    mtadomains_has(out.buf, out.len, fixed[k]));
	}
	free(own);
	strbuf_release(&out);
	strbuf_release(&again);
	return 0;
}
