#ifndef FAIRRATE_API_AUTH_H
#define FAIRRATE_API_AUTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * API keys and roles. A key is "fr_<prefix>_<secret>": a 12-character prefix of
 * [a-z0-9] that finds its row, and a 64-hex-digit secret of which only the SHA-256 is
 * stored. Keys are compared by hash in constant time and never logged. The pure parts
 * here do no I/O; auth_authenticate looks the key up through keys_store.
 */

#define AUTH_PREFIX_LEN 12
#define AUTH_SECRET_LEN 64
/* "fr_" + prefix + "_" + secret + NUL */
#define AUTH_KEY_SIZE (3 + AUTH_PREFIX_LEN + 1 + AUTH_SECRET_LEN + 1)
#define AUTH_HASH_SIZE 65

/* Roles, as bits so that a route names every role it admits. */
enum auth_role {
	AUTH_ROLE_PUBLIC = 1 << 0,     /* no key needed */
	AUTH_ROLE_INVESTOR = 1 << 1,
	AUTH_ROLE_COMPANY = 1 << 2,
	AUTH_ROLE_ANALYST = 1 << 3,
	AUTH_ROLE_ADMIN = 1 << 4
};
#define AUTH_ROLES_STAFF (AUTH_ROLE_ANALYST | AUTH_ROLE_ADMIN)
#define AUTH_ROLES_INVESTOR (AUTH_ROLE_INVESTOR | AUTH_ROLES_STAFF)

/* Who made a request: filled by auth_authenticate. */
struct auth_principal {
	int64_t key_id;                /* 0 when no key was given (public route) */
	enum auth_role role;
	int64_t company_id;            /* the company of a company key, else 0 */
};

/* auth_role_parse: "investor", "company", "analyst" or "admin" to its role; -1 (and
 * *out untouched) for anything else, "public" included. */
int auth_role_parse(const char *s, enum auth_role *out);

/* auth_role_name: the name of one role ("public" for AUTH_ROLE_PUBLIC); "?" else. */
const char *auth_role_name(enum auth_role role);

/* auth_key_generate: a new random key (from OpenSSL's RAND_bytes) into key, its
 * prefix into prefix and the SHA-256 hex of its secret into hash. 0 or -1. */
int auth_key_generate(char key[AUTH_KEY_SIZE], char prefix[AUTH_PREFIX_LEN + 1],
    char hash[AUTH_HASH_SIZE]);

/* auth_key_split: whether key has exactly the form above; its prefix into prefix.
 * 0, or -1 for anything malformed. The secret is key + AUTH_SECRET_OFFSET. */
#define AUTH_SECRET_OFFSET (3 + AUTH_PREFIX_LEN + 1)
int auth_key_split(const char *key, char prefix[AUTH_PREFIX_LEN + 1]);

/* auth_key_parse: split a key of exactly the form above into its prefix and the hash
 * of its secret. 0, or -1 for anything malformed (nothing is logged: it is input). */
int auth_key_parse(const char *key, char prefix[AUTH_PREFIX_LEN + 1],
    char hash[AUTH_HASH_SIZE]);

/* auth_bearer: the key in an Authorization header value "Bearer KEY" (scheme
 * case-insensitive), copied into key. 0, or -1 when header is NULL, another scheme,
 * or the key does not fit. */
int auth_bearer(const char *header, char key[AUTH_KEY_SIZE]);

/* auth_hash_equal: whether two 64-hex-digit hashes are equal, in time independent of
 * where they differ (CRYPTO_memcmp). 1 or 0; strings of another length are unequal. */
int auth_hash_equal(const char *a, const char *b);

#endif
