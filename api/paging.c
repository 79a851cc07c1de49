#include "api/paging.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define PAGING_TAG_LEN 16
#define PAGING_BIND_LEN 8
/* The longest list name: a route's path. */
#define PAGING_LIST_MAX 1024

static unsigned char paging_secret[64];
static size_t paging_secret_len;

static const char paging_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
paging_set_secret(const void *key, size_t len)
{
	if (key == NULL || len < 16 || len > sizeof(paging_secret))
		return (-1);
	memcpy(paging_secret, key, len);
	paging_secret_len = len;
	return (0);
}

int
paging_set_random_secret(void)
{
	unsigned char k[32];

	if (RAND_bytes(k, sizeof(k)) != 1)
		return (-1);
	return (paging_set_secret(k, sizeof(k)));
}

int
paging_limit(const char *s, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (s == NULL) {
		*out = PAGING_DEFAULT_LIMIT;
		return (0);
	}
	if (s[0] == '\0' || strlen(s) > 3)
		return (-1);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > PAGING_MAX_LIMIT)
		return (-1);
	*out = v;
	return (0);
}

/* The first len bytes of HMAC-SHA256(secret, data) into out. */
static int
paging_mac(const unsigned char *data, size_t dlen, unsigned char *out, size_t len)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	if (paging_secret_len == 0 ||
	    HMAC(EVP_sha256(), paging_secret, (int)paging_secret_len, data, dlen, mac,
	    &maclen) == NULL || maclen < len)
		return (-1);
	memcpy(out, mac, len);
	return (0);
}

/* The binding of a list and a caller: a MAC of both, so that it names them without
 * showing them. -1 for no list or one past PAGING_LIST_MAX bytes. */
static int
paging_bind(const char *list, int64_t caller, unsigned char bind[PAGING_BIND_LEN])
{
	char data[PAGING_LIST_MAX + 32];
	int n;

	if (list == NULL || list[0] == '\0' || strlen(list) > PAGING_LIST_MAX)
		return (-1);
	n = snprintf(data, sizeof(data), "%s|%lld", list, (long long)caller);
	return (paging_mac((const unsigned char *)data, (size_t)n, bind, PAGING_BIND_LEN));
}

int
paging_cursor_encode(const char *list, int64_t caller, const char *position, char *out,
    size_t outn)
{
	unsigned char raw[PAGING_BIND_LEN + PAGING_POSITION_MAX + PAGING_TAG_LEN];
	size_t len = position ? strlen(position) : 0, n, i, o = 0;

	if (len == 0 || len > PAGING_POSITION_MAX || outn < PAGING_CURSOR_MAX ||
	    paging_bind(list, caller, raw) != 0)
		return (-1);
	memcpy(raw + PAGING_BIND_LEN, position, len);
	n = PAGING_BIND_LEN + len;
	if (paging_mac(raw, n, raw + n, PAGING_TAG_LEN) != 0)
		return (-1);
	n += PAGING_TAG_LEN;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)raw[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= raw[i + 2];
		out[o++] = paging_b64[(v >> 18) & 63];
		out[o++] = paging_b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = paging_b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = paging_b64[v & 63];
	}
	out[o] = '\0';
	return (0);
}

static int
paging_b64_value(char c)
{
	const char *p = c ? strchr(paging_b64, c) : NULL;

	return (p ? (int)(p - paging_b64) : -1);
}

enum paging_cursor_result
paging_cursor_decode(const char *list, int64_t caller, const char *cursor, char *position,
    size_t posn)
{
	unsigned char raw[PAGING_BIND_LEN + PAGING_POSITION_MAX + PAGING_TAG_LEN + 3];
	unsigned char tag[PAGING_TAG_LEN], bind[PAGING_BIND_LEN];
	size_t clen = cursor ? strlen(cursor) : 0, i, n = 0, len;
	unsigned acc = 0;
	int bits = 0, v;

	if (clen == 0 || clen >= PAGING_CURSOR_MAX || clen % 4 == 1)
		return (PAGING_CURSOR_INVALID);
	for (i = 0; i < clen; i++) {
		if ((v = paging_b64_value(cursor[i])) < 0)
			return (PAGING_CURSOR_INVALID);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero, so that each cursor has one spelling. */
	if (acc != 0 || n <= PAGING_BIND_LEN + PAGING_TAG_LEN)
		return (PAGING_CURSOR_INVALID);
	len = n - PAGING_BIND_LEN - PAGING_TAG_LEN;
	if (len > PAGING_POSITION_MAX || len + 1 > posn ||
	    paging_mac(raw, n - PAGING_TAG_LEN, tag, PAGING_TAG_LEN) != 0 ||
	    CRYPTO_memcmp(tag, raw + n - PAGING_TAG_LEN, PAGING_TAG_LEN) != 0 ||
	    memchr(raw + PAGING_BIND_LEN, '\0', len) != NULL)
		return (PAGING_CURSOR_INVALID);
	/* Genuine: now whether it was made for this list and this caller. */
	if (paging_bind(list, caller, bind) != 0 ||
	    CRYPTO_memcmp(bind, raw, PAGING_BIND_LEN) != 0)
		return (PAGING_CURSOR_FOREIGN);
	memcpy(position, raw + PAGING_BIND_LEN, len);
	position[len] = '\0';
	return (PAGING_CURSOR_OK);
}
