#ifndef FAIRRATE_API_CLAIM_STORE_H
#define FAIRRATE_API_CLAIM_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "api/auth.h"
#include "api/claim_rules.h"

/*
 * The claims table (migrations/0011, 0019): domain-control claims that end with a
 * company key, their verification queue and the confirmation by the company. Each
 * function runs on conn outside any transaction and makes its own when it writes
 * more than one row; database errors are logged here. Functions returning int give
 * 1 done or found, 0 not found or nothing to do, -1 on a database error. Every
 * change a claim makes is written to audit_log with the actor "claim:<id>"; a
 * decision with the deciding key's "<role>:<key id>".
 */

#define CLAIM_TTL_SECS (7 * 86400)       /* a claim expires a week after it is made */
#define CLAIM_PER_DOMAIN_HOUR 5          /* claims made per domain in any hour */

enum claim_store_result {
	CLAIM_STORE_OK = 0,
	CLAIM_STORE_ERROR = -1,
	CLAIM_STORE_LIMITED = 2          /* CLAIM_PER_DOMAIN_HOUR reached (429) */
};

/* What a claim's reader is shown. Times are epoch seconds, 0 when unset. */
struct claim_status {
	int64_t id;
	char domain[254];
	enum claim_state state;
	int expired;
	char reason[201];                /* the last check's outcome; "" none */
	int attempts;
	char company[64];                /* "" until control was shown */
	int64_t key_id;                  /* 0 until the key was collected */
	int64_t created_at, expires_at, verified_at, decided_at, key_issued_at;
	char decided_by[101];
};

/* claim_status_json: st as the Claim status object of docs/openapi.yaml. NULL on no
 * memory. */
json_t *claim_status_json(const struct claim_status *st);

/* claim_store_create: record a claim on domain with token and the SHA-256 (hex) of
 * its secret, made at now and expiring CLAIM_TTL_SECS later. Sets *id. LIMITED when
 * CLAIM_PER_DOMAIN_HOUR claims on the domain were made in the hour before now: the
 * count and the insert run under a lock on the domain, so parallel requests cannot
 * pass the limit together. */
enum claim_store_result claim_store_create(PGconn *conn, const char *domain,
    const char *token, const char *secret_sha256, int64_t now, int64_t *id);

/* claim_store_request: a verification of claim id presented with the secret whose
 * SHA-256 is secret_sha256, at now, from client (an address): judge it by
 * claim_rules_admit under s and, on CLAIM_ADMIT_QUEUE, queue the check (state
 * pending, one attempt counted). The judgement and the queueing hold one lock, so
 * the caps hold under parallel requests. *admit says what happened and *st is the
 * claim afterwards. 1, 0 (no claim with that id and secret) or -1. */
int claim_store_request(PGconn *conn, int64_t id, const char *secret_sha256,
    int64_t now, const char *client, const struct claim_settings *s,
    enum claim_admit *admit, struct claim_status *st);

/* claim_store_status: claim id, when secret_sha256 is its secret's, into *st, as at
 * now. 1, 0 or -1. */
int claim_store_status(PGconn *conn, int64_t id, const char *secret_sha256, int64_t now,
    struct claim_status *st);

/* claim_store_collect: make the company key of verified claim id, once, at now (not
 * past the claim's expiry): the key into key, its id into *key_id, with the claim
 * and the audit log in the same transaction. 1 made; 0 nothing to make (not
 * verified, collected already, expired); -1. */
int claim_store_collect(PGconn *conn, int64_t id, int64_t now, char key[AUTH_KEY_SIZE],
    int64_t *key_id);

/* A queued check, as a worker leased it. */
struct claim_job {
	int64_t id;
	char domain[254];
	char token[48];
	char lease[48];                  /* the lease's end, as PostgreSQL wrote it */
	int expired;
};

/* claim_store_lease: lease the oldest queued check (or one whose worker's lease ran
 * out) for lease_secs, skipping rows other workers are leasing. 1 and *job, 0 when
 * none is due, -1. */
int claim_store_lease(PGconn *conn, int lease_secs, int64_t now, struct claim_job *job);

/* claim_store_fail: the leased check failed for reason (a short word): state failed.
 * 1, 0 when the lease was lost, -1. */
int claim_store_fail(PGconn *conn, const struct claim_job *job, const char *reason);

/* claim_store_release: give a leased check back to the queue unchecked (the worker
 * stops). 1, 0, -1. */
int claim_store_release(PGconn *conn, const struct claim_job *job);

/* claim_store_settle: the token was found on job's domain: find the companies that
 * hold the domain (attached, confidence >= min_confidence), and settle the claim by
 * claim_rules_match: verified, awaiting_confirmation (the company's webhook is told
 * by a trigger) or failed with the match's reason. *match says which. 1, 0 when the
 * lease was lost, -1. */
int claim_store_settle(PGconn *conn, const struct claim_job *job, double min_confidence,
    int64_t now, enum claim_match *match);

/* claim_store_list: up to limit claims with id > after_id in id order as a JSON
 * array of claim_status_json objects: of company company_id only (0: every company's),
 * in state (NULL: any; "expired" is not a state). NULL on error. */
json_t *claim_store_list(PGconn *conn, int64_t company_id, const char *state,
    int64_t after_id, unsigned limit, int64_t now);

enum claim_decide_result {
	CLAIM_DECIDE_OK = 0,
	CLAIM_DECIDE_ERROR = -1,
	CLAIM_DECIDE_NOT_FOUND = 1,      /* no such claim (for this company) */
	CLAIM_DECIDE_NOT_AWAITING = 2,   /* not awaiting confirmation (409) */
	CLAIM_DECIDE_EXPIRED = 3         /* 410 */
};

/* claim_store_decide: confirm (verified: its key can be collected) or reject claim
 * id, which must be awaiting confirmation, at now. company_id: the deciding company
 * key's company (the claim must be on it), or 0 for staff. The actor is
 * "<role>:<actor_key_id>"; rationale may be NULL. */
enum claim_decide_result claim_store_decide(PGconn *conn, int64_t id, int64_t company_id,
    int confirm, const char *rationale, const char *role, int64_t actor_key_id,
    int64_t now, struct claim_status *st);

#endif
