#ifndef FAIRRATE_WEBHOOK_WORKER_H
#define FAIRRATE_WEBHOOK_WORKER_H

#include <libpq-fe.h>

#include "collector/outbound.h"

/*
 * The background delivery of webhooks: sender threads (each with its own connection)
 * that lease one due delivery at a time from PostgreSQL (dispute/webhook_store), so
 * that every leased delivery is being sent and none outlives its lease waiting, POST
 * each signed body through
 * collector/outbound (the claim fetch's address rules; no redirects followed) and
 * settles it: delivered on 2xx, else tried again after webhook_backoff, and failed
 * after WEBHOOK_MAX_ATTEMPTS attempts. Settings (environment):
 *   FAIRRATE_WEBHOOK_POLL_MS       how often to look for due deliveries (1000)
 *   FAIRRATE_WEBHOOK_BACKOFF_SECS  the first retry delay, doubled each time (30)
 *   FAIRRATE_WEBHOOK_SENDERS       deliveries sent at once by this process (4)
 *   FAIRRATE_WEBHOOK_PER_RECEIVER  deliveries of one webhook in flight at once, on all
 *                                  instances together (2)
 *   FAIRRATE_WEBHOOK_WORKER=off    no worker in this process
 * and the FAIRRATE_OUTBOUND_* settings of collector/outbound.h.
 */

struct webhook_worker_settings {
	long poll_ms;
	long backoff_secs;
	long lease_secs;                /* a delivery's lease: longer than a request */
	int senders;                    /* sender threads */
	int per_receiver;               /* a webhook's deliveries in flight at once */
	struct outbound_config outbound;
};

/* webhook_worker_settings_from_env: the settings above. 0, or -1 after logging. */
int webhook_worker_settings_from_env(struct webhook_worker_settings *s);

/* webhook_worker_run_once: lease and deliver due deliveries on conn (outside a
 * transaction), one at a time, until none is due (or its receiver is at its cap), at
 * most 50. Returns how many were attempted, or -1 on a database error (logged). */
int webhook_worker_run_once(PGconn *conn, const struct webhook_worker_settings *s);

/* webhook_worker_start: start the sender threads against the database conninfo
 * (copied), unless FAIRRATE_WEBHOOK_WORKER is "off" or one already runs. It stops
 * when webhook_worker_stop is called, and at the latest at process exit. 0, or -1
 * after logging. */
int webhook_worker_start(const char *conninfo);

/* webhook_worker_stop: ask the senders to stop, wait for the attempts under way, join
 * them. No-op when none runs. */
void webhook_worker_stop(void);

#endif
