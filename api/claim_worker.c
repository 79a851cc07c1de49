#include "api/claim_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/claim_store.h"
#include "collector/claim_fetch.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"

#define CLAIM_WORKER_MAX 16

static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_cond = PTHREAD_COND_INITIALIZER;
static pthread_t worker_threads[CLAIM_WORKER_MAX];
static int worker_count, worker_stopping, worker_atexit;
static unsigned worker_wakes;           /* checks queued here since a thread looked */
static atomic_int worker_cancel;
static char *worker_conninfo;
static struct claim_settings worker_settings;
static struct outbound_config worker_outbound;

/* The least confidence a claimed domain must be attributed with: the operator's
 * setting, or the methodology in force's attribution.min_confidence when that is
 * higher (a claim must not match an asset the rating does not count). */
static double
claim_worker_min_confidence(PGconn *conn, const struct claim_settings *s)
{
	struct methodology *m = methodology_store_load_in_force(conn, timefmt_now());
	double min = s->min_confidence;

	if (m != NULL && m->min_asset_confidence > min)
		min = m->min_asset_confidence;
	methodology_free(m);
	return (min);
}

int
claim_worker_run_once(PGconn *conn, const struct claim_settings *s,
    const struct outbound_config *out)
{
	struct claim_job job;
	enum outbound_result fetched;
	enum claim_match match;
	char note[64];
	long status = 0;
	int found = 0, n;

	/* The lease outlives the longest fetch, so that a live worker keeps it. */
	n = claim_store_lease(conn, (int)(out->timeout_ms / 1000) + 30, timefmt_now(), &job);
	if (n <= 0)
		return (n);
	if (job.expired)
		return (claim_store_fail(conn, &job, "claim_expired"));
	fetched = claim_fetch(out, job.domain, job.token, &found, &status);
	if (fetched == OUTBOUND_CANCELLED)
		return (claim_store_release(conn, &job) < 0 ? -1 : 0);
	if (fetched == OUTBOUND_OK && found)
		return (claim_store_settle(conn, &job, claim_worker_min_confidence(conn, s),
		    timefmt_now(), &match));
	if (fetched != OUTBOUND_OK)
		snprintf(note, sizeof(note), "%s", outbound_result_name(fetched));
	else if (status != 200)
		snprintf(note, sizeof(note), "token_not_found (HTTP %ld)", status);
	else
		snprintf(note, sizeof(note), "token_not_found");
	return (claim_store_fail(conn, &job, note));
}

/* Wait until woken, told to stop, or poll_ms passed. The stop flag. */
static int
worker_wait(void)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += worker_settings.poll_ms / 1000;
	until.tv_nsec += (worker_settings.poll_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&worker_lock);
	while (!worker_stopping && worker_wakes == 0 &&
	    pthread_cond_timedwait(&worker_cond, &worker_lock, &until) == 0)
		;
	if (worker_wakes > 0)
		worker_wakes--;
	stop = worker_stopping;
	pthread_mutex_unlock(&worker_lock);
	return (stop);
}

static void *
worker_main(void *arg)
{
	PGconn *conn = NULL;
	int n = 0;

	(void)arg;
	for (;;) {
		if (atomic_load(&worker_cancel))
			break;
		if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			conn = db_connect(worker_conninfo);
		}
		n = conn == NULL ? -1 : claim_worker_run_once(conn, &worker_settings,
		    &worker_outbound);
		if (n < 0 && conn != NULL && PQstatus(conn) != CONNECTION_OK)
			PQreset(conn);
		/* One settled: there may be more; else sleep until woken or the poll. */
		if (n == 1 && !atomic_load(&worker_cancel))
			continue;
		if (worker_wait())
			break;
	}
	PQfinish(conn);
	return (NULL);
}

void
claim_worker_wake(void)
{
	pthread_mutex_lock(&worker_lock);
	if (worker_count > 0) {
		worker_wakes++;
		pthread_cond_signal(&worker_cond);
	}
	pthread_mutex_unlock(&worker_lock);
}

void
claim_worker_stop(void)
{
	int n, i;

	pthread_mutex_lock(&worker_lock);
	n = worker_count;
	worker_stopping = 1;
	atomic_store(&worker_cancel, 1);
	pthread_cond_broadcast(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	for (i = 0; i < n; i++)
		pthread_join(worker_threads[i], NULL);
	pthread_mutex_lock(&worker_lock);
	worker_count = 0;
	worker_stopping = 0;
	worker_wakes = 0;
	atomic_store(&worker_cancel, 0);
	free(worker_conninfo);
	worker_conninfo = NULL;
	pthread_mutex_unlock(&worker_lock);
}

int
claim_worker_start(const char *conninfo)
{
	const char *off = getenv("FAIRRATE_CLAIM_WORKER");
	int rc = -1, i;

	if (off != NULL && strcmp(off, "off") == 0)
		return (0);
	pthread_mutex_lock(&worker_lock);
	if (worker_count > 0) {
		rc = 0;
		goto out;
	}
	if (claim_settings_from_env(&worker_settings) != 0 ||
	    outbound_config_from_env(&worker_outbound) != 0)
		goto out;
	worker_outbound.cancel = &worker_cancel;
	if ((worker_conninfo = strdup(conninfo)) == NULL) {
		log_error("claims: out of memory");
		goto out;
	}
	for (i = 0; i < worker_settings.workers && i < CLAIM_WORKER_MAX; i++) {
		if (pthread_create(&worker_threads[i], NULL, worker_main, NULL) != 0) {
			log_error("claims: cannot start a check thread");
			break;
		}
		worker_count++;
	}
	if (worker_count == 0) {
		free(worker_conninfo);
		worker_conninfo = NULL;
		goto out;
	}
	if (!worker_atexit)
		worker_atexit = atexit(claim_worker_stop) == 0;
	rc = 0;
out:
	pthread_mutex_unlock(&worker_lock);
	return (rc);
}
