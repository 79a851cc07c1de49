#ifndef FAIRRATE_WEBHOOK_STORE_H
#define FAIRRATE_WEBHOOK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "dispute/webhook.h"

/*
 * Webhooks and their deliveries in PostgreSQL (migrations/0011). Deliveries are
 * enqueued by triggers in the transaction that changes a dispute or writes a rating;
 * this file configures webhooks and lets the worker lease and settle deliveries.
 * Database errors are logged here.
 */

enum webhook_owner { WEBHOOK_OWNER_COMPANY = 0, WEBHOOK_OWNER_PORTFOLIO };

/* webhook_store_put: set the webhook of a company or a portfolio (owner_id) to url
 * with secret (WEBHOOK_SECRET_LEN hex characters), made by key_id. Replaces any
 * earlier URL and secret; pending deliveries go to the new URL. 0 or -1. */
int webhook_store_put(PGconn *conn, enum webhook_owner owner, int64_t owner_id,
    const char *url, const char *secret, int64_t key_id);

/* webhook_store_get: the webhook of owner_id as {url, created_at, updated_at,
 * deliveries: [the latest 20: id, event, state, attempts, last_status, last_error,
 * idempotency_key, created_at, next_attempt_at, delivered_at]} (never the secret).
 * *found is 0 when none is set (NULL returned). NULL on error too (*found 1). */
json_t *webhook_store_get(PGconn *conn, enum webhook_owner owner, int64_t owner_id,
    int *found);

/* webhook_store_delete: remove the webhook (and its pending deliveries). 1 removed,
 * 0 none was set, -1 on error. */
int webhook_store_delete(PGconn *conn, enum webhook_owner owner, int64_t owner_id);

/* webhook_store_portfolio_owned: 1 when portfolio_id exists and key_id owns it, 0 if
 * not, -1 on error. */
int webhook_store_portfolio_owned(PGconn *conn, int64_t portfolio_id, int64_t key_id);

/* One delivery leased to a worker. */
struct webhook_job {
	int64_t id;
	int attempt;                   /* 1 for the first */
	char url[WEBHOOK_URL_MAX + 1];
	char secret[WEBHOOK_SECRET_LEN + 1];
	char event[32];
	char idempotency_key[40];
	char *payload;                 /* the JSON body; owned */
	size_t payload_len;
};

/* webhook_store_lease: lease at most max due deliveries for lease_secs (by the
 * database's clock), skipping those of a webhook that already has per_receiver
 * deliveries leased (on any instance); the caller sends every one it leases at once.
 * Sets *jobs (webhook_jobs_free) and *n. 0, or -1 after logging. */
int webhook_store_lease(PGconn *conn, int64_t lease_secs, size_t max, int per_receiver,
    struct webhook_job **jobs, size_t *n);

/* webhook_jobs_free: release jobs[0..n); NULL is a no-op. */
void webhook_jobs_free(struct webhook_job *jobs, size_t n);

/* webhook_store_finish: log job's attempt (http_status 0 when no response came,
 * error NULL when none, duration in ms) and settle the delivery: delivered, due
 * again in retry_in seconds, or failed for good when retry_in < 0. One transaction.
 * 0 or -1. */
int webhook_store_finish(PGconn *conn, const struct webhook_job *job, int delivered,
    long http_status, const char *error, long duration_ms, int64_t retry_in);

#endif
