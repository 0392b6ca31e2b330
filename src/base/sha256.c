/* sha256.c: ferry's names for libldns's SHA-256 (see sha256.h). */
#include "sha256.h"

void
sha256_init(struct sha256 *s)
{
	ldns_sha256_init(&s->ctx);
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	ldns_sha256_update(&s->ctx, data, len);
}

void
sha256_final(struct sha256 *s, unsigned char digest[32])
{
	ldns_sha256_final(digest, &s->ctx);
}

void
sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[LDNS_SHA256_DIGEST_LENGTH];
	struct sha256 s;
	int i;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	for (i = 0; i < LDNS_SHA256_DIGEST_LENGTH; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}
