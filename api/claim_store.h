#ifndef FAIRRATE_API_CLAIM_STORE_H
#define FAIRRATE_API_CLAIM_STORE_H

#include <stdint.h>

#include <libpq-fe.h>

/*
 * The claims table (migrations/0011): domain-control claims that end with a company
 * key. Each function runs on conn outside any transaction; database errors are logged
 * here and returned as CLAIM_STORE_ERROR.
 */

#define CLAIM_TTL_SECS (7 * 86400)       /* a claim expires a week after it is made */
#define CLAIM_MAX_ATTEMPTS 10            /* verification attempts per claim */
#define CLAIM_PER_DOMAIN_HOUR 5          /* claims made per domain in any hour */

enum claim_store_result {
	CLAIM_STORE_OK = 0,
	CLAIM_STORE_ERROR = -1,
	CLAIM_STORE_NOT_FOUND = 1,       /* no claim with that id and secret (404) */
	CLAIM_STORE_LIMITED = 2,         /* too many claims or attempts (429) */
	CLAIM_STORE_EXPIRED = 3,         /* 410 */
	CLAIM_STORE_VERIFIED = 4,        /* verified already (409) */
	CLAIM_STORE_NO_COMPANY = 5       /* no rated company has the domain (422) */
};

/* claim_store_create: record a claim on domain with token and the SHA-256 (hex) of
 * its secret, made at now and expiring CLAIM_TTL_SECS later. Sets *id. LIMITED when
 * CLAIM_PER_DOMAIN_HOUR claims on the domain were made in the hour before now. */
enum claim_store_result claim_store_create(PGconn *conn, const char *domain,
    const char *token, const char *secret_sha256, int64_t now, int64_t *id);

/* claim_store_attempt: count one verification attempt of claim id presented with the
 * secret whose SHA-256 is secret_sha256, at now. On OK, domain (size 254) and token
 * (size 48) are filled. NOT_FOUND (no such claim, or another secret), EXPIRED,
 * VERIFIED, LIMITED (CLAIM_MAX_ATTEMPTS made already). */
enum claim_store_result claim_store_attempt(PGconn *conn, int64_t id,
    const char *secret_sha256, int64_t now, char domain[254], char token[48]);

/* claim_store_note: record the outcome of the latest attempt (a short word). 0 or -1. */
int claim_store_note(PGconn *conn, int64_t id, const char *result);

/* claim_store_win: the token was found: find the rated company that holds domain as
 * an attached asset and mark claim id verified at now for it, once: of two attempts
 * that both found the token, only one gets OK. Sets company_slug (size 64).
 * NO_COMPANY, VERIFIED, OK. */
enum claim_store_result claim_store_win(PGconn *conn, int64_t id, const char *domain,
    int64_t now, char company_slug[64]);

/* claim_store_unwin: undo claim_store_win (the key could not be made). 0 or -1. */
int claim_store_unwin(PGconn *conn, int64_t id);

/* claim_store_set_key: record the key issued for claim id. 0 or -1. */
int claim_store_set_key(PGconn *conn, int64_t id, int64_t key_id);

#endif
