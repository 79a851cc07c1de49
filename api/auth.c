#include "api/auth.h"

#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/sha256.h"

static const struct {
	const char *name;
	enum auth_role role;
} auth_roles[] = {
	{"public", AUTH_ROLE_PUBLIC},
	{"investor", AUTH_ROLE_INVESTOR},
	{"company", AUTH_ROLE_COMPANY},
	{"analyst", AUTH_ROLE_ANALYST},
	{"admin", AUTH_ROLE_ADMIN},
};

int
auth_role_parse(const char *s, enum auth_role *out)
{
	size_t i;

	for (i = 1; i < sizeof(auth_roles) / sizeof(auth_roles[0]); i++)
		if (s != NULL && strcmp(s, auth_roles[i].name) == 0) {
			*out = auth_roles[i].role;
			return (0);
		}
	return (-1);
}

const char *
auth_role_name(enum auth_role role)
{
	size_t i;

	for (i = 0; i < sizeof(auth_roles) / sizeof(auth_roles[0]); i++)
		if (auth_roles[i].role == role)
			return (auth_roles[i].name);
	return ("?");
}

int
auth_key_generate(char key[AUTH_KEY_SIZE], char prefix[AUTH_PREFIX_LEN + 1],
    char hash[AUTH_HASH_SIZE])
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[AUTH_PREFIX_LEN + AUTH_SECRET_LEN / 2];
	char secret[AUTH_SECRET_LEN + 1];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return (-1);
	/* 252 = 7 * 36: rejecting nothing would bias; taking mod 36 of a byte below 252
	 * is uniform, and a byte of 252 or more is redrawn. */
	for (i = 0; i < AUTH_PREFIX_LEN; i++) {
		while (rnd[i] >= 252)
			if (RAND_bytes(&rnd[i], 1) != 1)
				return (-1);
		prefix[i] = alnum[rnd[i] % 36];
	}
	prefix[AUTH_PREFIX_LEN] = '\0';
	for (i = 0; i < AUTH_SECRET_LEN / 2; i++) {
		secret[2 * i] = hex[rnd[AUTH_PREFIX_LEN + i] >> 4];
		secret[2 * i + 1] = hex[rnd[AUTH_PREFIX_LEN + i] & 15];
	}
	secret[AUTH_SECRET_LEN] = '\0';
	memcpy(key, "fr_", 3);
	memcpy(key + 3, prefix, AUTH_PREFIX_LEN);
	key[3 + AUTH_PREFIX_LEN] = '_';
	memcpy(key + 4 + AUTH_PREFIX_LEN, secret, AUTH_SECRET_LEN + 1);
	i = sha256_hex(secret, AUTH_SECRET_LEN, hash) == 0 ? 0 : 1;
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return (i == 0 ? 0 : -1);
}

/* Whether the n bytes at s are all lowercase letters or digits (hex: a-f only). */
static int
auth_all_of(const char *s, size_t n, int hex)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= (hex ? 'f' : 'z'))))
			return (0);
	}
	return (1);
}

int
auth_key_split(const char *key, char prefix[AUTH_PREFIX_LEN + 1])
{
	if (key == NULL || strlen(key) != AUTH_KEY_SIZE - 1 || strncmp(key, "fr_", 3) != 0)
		return (-1);
	if (!auth_all_of(key + 3, AUTH_PREFIX_LEN, 0) || key[3 + AUTH_PREFIX_LEN] != '_' ||
	    !auth_all_of(key + AUTH_SECRET_OFFSET, AUTH_SECRET_LEN, 1))
		return (-1);
	memcpy(prefix, key + 3, AUTH_PREFIX_LEN);
	prefix[AUTH_PREFIX_LEN] = '\0';
	return (0);
}

int
auth_key_parse(const char *key, char prefix[AUTH_PREFIX_LEN + 1], char hash[AUTH_HASH_SIZE])
{
	if (auth_key_split(key, prefix) != 0)
		return (-1);
	return (sha256_hex(key + AUTH_SECRET_OFFSET, AUTH_SECRET_LEN, hash) == 0 ? 0 : -1);
}

int
auth_bearer(const char *header, char key[AUTH_KEY_SIZE])
{
	size_t n;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return (-1);
	header += 7;
	while (*header == ' ')
		header++;
	n = strlen(header);
	while (n > 0 && header[n - 1] == ' ')
		n--;
	if (n == 0 || n >= AUTH_KEY_SIZE)
		return (-1);
	memcpy(key, header, n);
	key[n] = '\0';
	return (0);
}

int
auth_hash_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL || strlen(a) != AUTH_HASH_SIZE - 1 ||
	    strlen(b) != AUTH_HASH_SIZE - 1)
		return (0);
	return (CRYPTO_memcmp(a, b, AUTH_HASH_SIZE - 1) == 0);
}
