#ifndef FAIRRATE_API_KEYS_STORE_H
#define FAIRRATE_API_KEYS_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "api/auth.h"

/*
 * The api_keys table. Only the SHA-256 of each secret is stored; the key itself exists
 * once, in keys_store_create's output. Creating and revoking a key writes audit_log in
 * the same transaction.
 */

struct db_pool;

struct keys_record {
	int64_t id;
	char secret_sha256[AUTH_HASH_SIZE];
	enum auth_role role;
	int64_t company_id;            /* 0 unless a company key */
	int revoked;
	int use_stale;                 /* last_used_at is unset or over a minute old */
};

enum keys_store_result {
	KEYS_STORE_OK = 0,
	KEYS_STORE_ERROR = -1,         /* database error, logged */
	KEYS_STORE_UNKNOWN_COMPANY = -2,
	KEYS_STORE_BAD_SCOPE = -3      /* a company key without a company, or another
	                                  role with one */
};

/* keys_store_register: register the statements the server's hot path uses with pool.
 * 0 or -1. */
int keys_store_register(struct db_pool *pool);

/* keys_store_find: the key whose prefix is prefix, through a connection of pool (the
 * statements above). 1 and *out filled; 0 when no key has that prefix; -1 on a
 * database error (logged), with *conn_lost set when the connection is gone. */
int keys_store_find(struct db_pool *pool, PGconn *conn, const char *prefix,
    struct keys_record *out, int *conn_lost);

/* keys_store_touch: set last_used_at of key id to now. 0 or -1 (logged). */
int keys_store_touch(struct db_pool *pool, PGconn *conn, int64_t id);

/* keys_store_create: make a new key of role for company_slug (required for company
 * keys, refused for others) named name (NULL: ""), recorded as made by actor_key_id
 * (0: the command line). The key goes to key, its id to *id. */
enum keys_store_result keys_store_create(PGconn *conn, enum auth_role role,
    const char *company_slug, const char *name, int64_t actor_key_id,
    char key[AUTH_KEY_SIZE], int64_t *id);

/* keys_store_list: up to limit keys with id > after_id in id order, as a JSON array of
 * {id, prefix, role, company, name, created_at, revoked_at, last_used_at} (never a
 * secret or hash). NULL on error (logged). The caller json_decrefs it. */
json_t *keys_store_list(PGconn *conn, int64_t after_id, unsigned limit);

/* keys_store_revoke: revoke key id, recorded as done by actor_key_id (0: the command
 * line). 1 revoked; 0 when no such key or it was revoked already; -1 on error. */
int keys_store_revoke(PGconn *conn, int64_t id, int64_t actor_key_id);

#endif
