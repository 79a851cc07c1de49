#ifndef FAIRRATE_SCAN_QUEUE_H
#define FAIRRATE_SCAN_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

/*
 * The scan queue in PostgreSQL (migration 0010): one job per attributed domain, due
 * at a time and rescanned every interval. Any number of workers claim due jobs with
 * FOR UPDATE SKIP LOCKED, so no job is held by two workers at once; a claim is a
 * lease, and a job whose lease ran out (its worker died) is claimed again by the next
 * worker that asks. Times are Unix seconds passed by the caller (timefmt_now()), so
 * that tests can move the clock.
 */

#define SCAN_QUEUE_DEFAULT_INTERVAL 86400     /* seconds between scans of an asset */
#define SCAN_QUEUE_DEFAULT_LEASE 300          /* seconds a claim lasts unless renewed */
#define SCAN_QUEUE_MAX_ERROR 500              /* bytes of a job's last error kept */

struct scan_job {
	int64_t id;
	int64_t company_id;
	int64_t asset_id;
	char company[64];                     /* the company's slug */
	char domain[254];                     /* the asset's value, lowercase */
	int attempts;                         /* claims since the last clean finish, this
	                                         one included */
};

/* scan_queue_worker_id: a name for this worker, "HOST:PID:RANDOM", into out (size n,
 * at least 64). Returns out. */
char *scan_queue_worker_id(char *out, size_t n);

/* scan_queue_sync: add a job, due at now, for every attributed domain that has none
 * (interval_seconds between scans), except the demo world's (source 'demo'), and
 * remove the jobs of detached and demo assets. *added
 * and *removed get the counts. 0, or -1 after logging. */
int scan_queue_sync(PGconn *conn, int64_t now, int interval_seconds, long *added,
    long *removed);

/* scan_queue_due: how many jobs a worker could claim at now (due and unleased, or
 * with a lease that ran out); -1 after logging. */
long scan_queue_due(PGconn *conn, int64_t now);

/* scan_queue_claim: lease up to max due jobs (the oldest due first) to worker until
 * now + lease_seconds, skipping jobs that other workers are claiming at this moment.
 * The jobs go to jobs[0..*n). 0, or -1 after logging (*n is 0). */
int scan_queue_claim(PGconn *conn, const char *worker, int64_t now, int lease_seconds,
    size_t max, struct scan_job *jobs, size_t *n);

/* scan_queue_renew: extend every lease worker holds to now + lease_seconds. *held
 * (may be NULL) gets how many it holds. 0, or -1 after logging. */
int scan_queue_renew(PGconn *conn, const char *worker, int64_t now, int lease_seconds,
    long *held);

/* scan_queue_finish: end worker's leases on the n jobs ids[]: a job with errors[i]
 * NULL is due again one interval after now; one with an error is retried sooner
 * (backing off with its attempts, never later than its interval) and keeps the
 * error. Jobs no longer leased to worker (their lease ran out and another worker
 * took them) are left alone: *finished (may be NULL) counts those that were still
 * held. 0, or -1 after logging. */
int scan_queue_finish(PGconn *conn, const char *worker, int64_t now, const int64_t *ids,
    const char *const *errors, size_t n, long *finished);

/* scan_queue_release: give back every lease worker holds, due at once (a worker
 * stopping before it scanned them). 0, or -1 after logging. */
int scan_queue_release(PGconn *conn, const char *worker);

#endif
