/* sha256.h: SHA-256 for backup checksums in the journal and page digests,
 * from libldns (already linked for DNS queries) rather than written here. */
#ifndef FERRY_SHA256_H
#define FERRY_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/sha2.h>

struct sha256 {
	ldns_sha256_CTX ctx;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* the digest of data as 64 lowercase hex digits and a NUL */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
