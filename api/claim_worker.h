#ifndef FAIRRATE_API_CLAIM_WORKER_H
#define FAIRRATE_API_CLAIM_WORKER_H

#include <libpq-fe.h>

#include "api/claim_rules.h"
#include "collector/outbound.h"

/*
 * The claim checks, away from the HTTP threads. POST /v1/claims/{id}/verify only
 * queues a check in PostgreSQL (api/claim_store); here FAIRRATE_CLAIM_WORKERS threads
 * (each with its own connection) lease queued checks with FOR UPDATE SKIP LOCKED,
 * fetch the verification file through collector/claim_fetch and settle the claim. A
 * slow or silent claimant's host holds one of these threads for at most the outbound
 * time limit, never a request thread. Several server processes share the queue; a
 * check whose worker died is leased again when its lease runs out.
 * Settings: those of api/claim_rules.h, the FAIRRATE_OUTBOUND_* ones of
 * collector/outbound.h, and FAIRRATE_CLAIM_WORKER=off (no worker in this process).
 */

/* claim_worker_run_once: lease one queued check on conn (outside a transaction) and
 * settle it under s, fetching with out. 1 when one was settled, 0 when none was due
 * (or the lease was lost), -1 on a database error (logged). */
int claim_worker_run_once(PGconn *conn, const struct claim_settings *s,
    const struct outbound_config *out);

/* claim_worker_start: start the threads against the database conninfo (copied),
 * unless FAIRRATE_CLAIM_WORKER is "off" or they run already. They stop when
 * claim_worker_stop is called, and at the latest at process exit. 0, or -1 after
 * logging. */
int claim_worker_start(const char *conninfo);

/* claim_worker_wake: tell an idle thread that a check was queued (no-op when none
 * runs in this process: another process's worker finds it when it polls). */
void claim_worker_wake(void);

/* claim_worker_stop: stop the threads, cutting fetches under way short (their checks
 * go back to the queue), and join them. No-op when none runs. */
void claim_worker_stop(void);

#endif
