#include "dispute/webhook_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"
#include "common/log.h"
#include "dispute/webhook.h"
#include "dispute/webhook_store.h"

#define WEBHOOK_WORKER_BATCH 50
#define WEBHOOK_RESPONSE_CAP 4096
#define WEBHOOK_MAX_SENDERS 32

static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_cond = PTHREAD_COND_INITIALIZER;
/* One sender leases at a time in this process, so that the per-receiver cap holds
 * exactly here (between instances the database's count can be passed by one). */
static pthread_mutex_t worker_lease_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t worker_threads[WEBHOOK_MAX_SENDERS];
static int worker_nthreads;
static int worker_running, worker_stopping, worker_atexit;
static char *worker_conninfo;
static struct webhook_worker_settings worker_settings;

static long
worker_env(const char *name, long dflt, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || v[0] == '\0')
		return (dflt);
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < min || n > max) {
		log_error("%s must be a whole number from %ld to %ld; using %ld", name, min,
		    max, dflt);
		return (dflt);
	}
	return (n);
}

int
webhook_worker_settings_from_env(struct webhook_worker_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->poll_ms = worker_env("FAIRRATE_WEBHOOK_POLL_MS", 1000, 10, 600000);
	s->backoff_secs = worker_env("FAIRRATE_WEBHOOK_BACKOFF_SECS", 30, 1, 86400);
	s->senders = (int)worker_env("FAIRRATE_WEBHOOK_SENDERS", 4, 1, WEBHOOK_MAX_SENDERS);
	s->per_receiver = (int)worker_env("FAIRRATE_WEBHOOK_PER_RECEIVER", 2, 1,
	    WEBHOOK_MAX_SENDERS);
	if (outbound_config_from_env(&s->outbound) != 0)
		return (-1);
	s->lease_secs = s->outbound.timeout_ms / 1000 + 30;
	return (0);
}

static int64_t
worker_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* POST one job; settle it. -1 only when the database failed. */
static int
worker_deliver(PGconn *conn, const struct webhook_worker_settings *s,
    const struct webhook_job *job)
{
	char sig[WEBHOOK_SIGNATURE_MAX], line[WEBHOOK_SIGNATURE_MAX + 64];
	struct curl_slist *h = NULL, *t;
	struct outbound_response resp;
	enum outbound_result res = OUTBOUND_ERROR;
	const char *error = NULL;
	int64_t started = worker_ms(), retry;
	int delivered, i;
	char lines[5][160];

	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, 0);
	snprintf(lines[0], sizeof(lines[0]), "Content-Type: application/json");
	snprintf(lines[1], sizeof(lines[1]), "X-Fairrate-Event: %s", job->event);
	snprintf(lines[2], sizeof(lines[2]), "X-Fairrate-Delivery: %lld", (long long)job->id);
	snprintf(lines[3], sizeof(lines[3]), "Idempotency-Key: %s", job->idempotency_key);
	snprintf(lines[4], sizeof(lines[4]), "X-Fairrate-Attempt: %d", job->attempt);
	if (webhook_sign(job->secret, (int64_t)time(NULL), job->payload, job->payload_len,
	    sig) != 0) {
		error = "cannot sign";
		goto settle;
	}
	snprintf(line, sizeof(line), "%s: %s", WEBHOOK_SIGNATURE_HEADER, sig);
	for (i = 0; i < 5; i++) {
		if ((t = curl_slist_append(h, lines[i])) == NULL)
			goto nomem;
		h = t;
	}
	if ((t = curl_slist_append(h, line)) == NULL)
		goto nomem;
	h = t;
	if (!webhook_url_valid(job->url))
		res = OUTBOUND_BAD_URL;
	else
		res = outbound_request(&s->outbound, job->url, job->payload, job->payload_len, h,
		    0, WEBHOOK_RESPONSE_CAP, &resp);
	/* The receiver's answer past the cap does not matter: its status does. */
	if (res == OUTBOUND_TOO_LARGE && resp.status != 0)
		res = OUTBOUND_OK;
	if (res != OUTBOUND_OK)
		error = outbound_result_name(res);
	else if (!webhook_delivered(resp.status))
		error = "the receiver did not answer 2xx";
	goto settle;
nomem:
	error = "out of memory";
settle:
	delivered = res == OUTBOUND_OK && webhook_delivered(resp.status);
	retry = job->attempt >= WEBHOOK_MAX_ATTEMPTS ? -1 :
	    webhook_backoff(job->attempt, s->backoff_secs);
	curl_slist_free_all(h);
	i = webhook_store_finish(conn, job, delivered, res == OUTBOUND_OK ? resp.status : 0,
	    error, (long)(worker_ms() - started), retry);
	outbound_response_free(&resp);
	return (i);
}

/* Lease one due delivery and send it. 1 sent, 0 none due (or its receiver is at its
 * cap), -1 on a database error. */
static int
worker_one(PGconn *conn, const struct webhook_worker_settings *s)
{
	struct webhook_job *jobs = NULL;
	size_t n = 0;
	int rc;

	pthread_mutex_lock(&worker_lease_lock);
	rc = webhook_store_lease(conn, s->lease_secs, 1, s->per_receiver, &jobs, &n);
	pthread_mutex_unlock(&worker_lease_lock);
	if (rc != 0)
		return (-1);
	if (n == 0)
		return (0);
	rc = worker_deliver(conn, s, &jobs[0]) != 0 ? -1 : 1;
	webhook_jobs_free(jobs, n);
	return (rc);
}

int
webhook_worker_run_once(PGconn *conn, const struct webhook_worker_settings *s)
{
	int done = 0, rc;

	while (done < WEBHOOK_WORKER_BATCH && (rc = worker_one(conn, s)) != 0) {
		if (rc < 0)
			return (-1);
		done++;
	}
	return (done);
}

static void *
worker_main(void *arg)
{
	PGconn *conn = NULL;
	struct timespec until;
	int stop = 0;

	(void)arg;
	while (!stop) {
		if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			conn = db_connect(worker_conninfo);
		}
		if (conn != NULL && webhook_worker_run_once(conn, &worker_settings) < 0 &&
		    PQstatus(conn) != CONNECTION_OK)
			PQreset(conn);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += worker_settings.poll_ms / 1000;
		until.tv_nsec += (worker_settings.poll_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&worker_lock);
		while (!worker_stopping &&
		    pthread_cond_timedwait(&worker_cond, &worker_lock, &until) == 0)
			;
		stop = worker_stopping;
		pthread_mutex_unlock(&worker_lock);
	}
	PQfinish(conn);
	return (NULL);
}

void
webhook_worker_stop(void)
{
	int running, i;

	pthread_mutex_lock(&worker_lock);
	running = worker_running;
	worker_stopping = 1;
	pthread_cond_broadcast(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	if (!running)
		return;
	for (i = 0; i < worker_nthreads; i++)
		pthread_join(worker_threads[i], NULL);
	pthread_mutex_lock(&worker_lock);
	worker_running = 0;
	worker_stopping = 0;
	worker_nthreads = 0;
	free(worker_conninfo);
	worker_conninfo = NULL;
	pthread_mutex_unlock(&worker_lock);
}

int
webhook_worker_start(const char *conninfo)
{
	const char *off = getenv("FAIRRATE_WEBHOOK_WORKER");
	int rc = -1;

	if (off != NULL && strcmp(off, "off") == 0)
		return (0);
	pthread_mutex_lock(&worker_lock);
	if (worker_running) {
		rc = 0;
		goto out;
	}
	if (webhook_worker_settings_from_env(&worker_settings) != 0)
		goto out;
	if ((worker_conninfo = strdup(conninfo)) == NULL) {
		log_error("webhooks: out of memory");
		goto out;
	}
	/* Senders, each with its own connection: a slow receiver holds only the senders
	 * its own deliveries took (at most per_receiver of them). */
	for (worker_nthreads = 0; worker_nthreads < worker_settings.senders; worker_nthreads++)
		if (pthread_create(&worker_threads[worker_nthreads], NULL, worker_main,
		    NULL) != 0)
			break;
	if (worker_nthreads == 0) {
		log_error("webhooks: cannot start the delivery threads");
		free(worker_conninfo);
		worker_conninfo = NULL;
		goto out;
	}
	worker_running = 1;
	if (!worker_atexit)
		worker_atexit = atexit(webhook_worker_stop) == 0;
	rc = 0;
out:
	pthread_mutex_unlock(&worker_lock);
	return (rc);
}
