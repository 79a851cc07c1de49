#ifndef FAIRRATE_SHARE_STORE_H
#define FAIRRATE_SHARE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * Second-party sharing grants in PostgreSQL (migrations/0031_company_pages_and_grants
 * .sql). Views are JSON as docs/openapi.yaml describes them (ShareGrant, ShareRead).
 * Grants are read from the database on every check, never cached, so that an
 * expired or revoked grant stops at once on every instance. Errors are logged here.
 */

enum share_store_result {
	SHARE_STORE_ERROR = -1,
	SHARE_STORE_OK = 0,
	SHARE_STORE_NOT_FOUND = 1,     /* no such grant of this company (404) */
	SHARE_STORE_BAD_GRANTEE = 2,   /* no usable investor key or company by that name,
	                                  or the company itself (422) */
	SHARE_STORE_LAPSED = 3         /* check: the grant expired or was revoked (403) */
};

/* What a new grant holds; the caller has checked scope (1 to 3 known names), the
 * expiry and the note. Exactly one of grantee_key_id (> 0) and grantee_company (a
 * slug) names the counterpart. */
struct share_grant_new {
	int64_t grantee_key_id;
	const char *grantee_company;
	const char *const *scope;
	size_t nscope;
	const char *note;              /* NULL: none */
	int64_t expires_at;
};

/* share_store_create: grant g from company_id by key key_id at now, audited
 * (share.grant); sets *id. BAD_GRANTEE when the key is unknown, revoked or not an
 * investor key, or the company is unknown or company_id itself; OK; ERROR. */
enum share_store_result share_store_create(PGconn *conn, int64_t company_id,
    int64_t key_id, const struct share_grant_new *g, int64_t now, int64_t *id);

/* share_store_get: grant id of company_id with its status at now into *out. */
enum share_store_result share_store_get(PGconn *conn, int64_t company_id, int64_t id,
    int64_t now, json_t **out);

/* share_store_list: up to limit + 1 grants of company_id with id > after, by id, every
 * status. A new array, NULL on error. */
json_t *share_store_list(PGconn *conn, int64_t company_id, int64_t after, size_t limit,
    int64_t now);

/* share_store_revoke: revoke grant id of company_id at now by key_id (audited as
 * share.revoke; a grant already revoked stays as it was). OK, NOT_FOUND, ERROR. */
enum share_store_result share_store_revoke(PGconn *conn, int64_t company_id,
    int64_t key_id, int64_t id, int64_t now);

/* share_store_reads: up to limit + 1 reads made under grant id of company_id, by
 * audit id > after: [{id, at, grantee_key_id, scope, path}]. A new array, NULL on
 * error (and for a grant not the company's: an empty array). */
json_t *share_store_reads(PGconn *conn, int64_t company_id, int64_t id, int64_t after,
    size_t limit);

/* share_store_open_read: may the caller (key key_id, of company caller_company when a
 * company key, else 0) read scope of company slug at now? When a grant in force
 * allows it, writes the audit row (share.read, with path) in the same statement and
 * sets *company_id: OK. LAPSED when the caller's only grants for that scope expired
 * or were revoked; NOT_FOUND when it never had one (or no such company); ERROR. */
enum share_store_result share_store_open_read(PGconn *conn, const char *slug,
    const char *scope, int64_t key_id, int64_t caller_company, const char *path,
    int64_t now, int64_t *company_id);

/* share_store_received: the grants in force at now to the caller (key key_id, or its
 * company caller_company when > 0): [{id, company, scope, expires_at}]. A new array,
 * NULL on error. */
json_t *share_store_received(PGconn *conn, int64_t key_id, int64_t caller_company,
    int64_t now);

#endif
