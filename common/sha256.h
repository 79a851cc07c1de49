#ifndef FAIRRATE_SHA256_H
#define FAIRRATE_SHA256_H

#include <stddef.h>

/*
 * SHA-256 over OpenSSL's libcrypto (Debian's libssl-dev): a vetted implementation is
 * better than one of our own for digests that third parties verify.
 */

struct sha256;

/* sha256_new: a fresh hashing context, or NULL on allocation failure. */
struct sha256 *sha256_new(void);

/* sha256_update: hash len more bytes; 0 or -1. */
int sha256_update(struct sha256 *ctx, const void *data, size_t len);

/* sha256_final_hex: finish and write 64 lowercase hex digits and a NUL to out; the
 * context can then only be freed. 0 or -1. */
int sha256_final_hex(struct sha256 *ctx, char out[65]);

/* sha256_free: release ctx; NULL is a no-op. */
void sha256_free(struct sha256 *ctx);

/* sha256_hex: one-shot digest of len bytes into out (64 hex digits and a NUL); 0 or -1. */
int sha256_hex(const void *data, size_t len, char out[65]);

/* hex_encode: write the n bytes at in as 2n lowercase hex digits, most significant
 * nibble first, and a NUL to out (2n + 1 bytes). The one encoder for digests, MACs,
 * fingerprints and random tokens, so that they all spell bytes the same way. Pure. */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif
