#include "api/cache_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "api/key_cache.h"
#include "api/summary_cache.h"
#include "common/log.h"

#define CL_CHANNEL "fairrate_company_changed"
#define CL_KEY_CHANNEL "fairrate_key_changed"
#define CL_APPLICATION "fairrate cache listener"
#define CL_BACKOFF_MIN_MS 100
#define CL_BACKOFF_MAX_MS 5000
/* An idle connection is probed this often, so that a silently dead one is noticed. */
#define CL_PROBE_MS 15000

struct cache_listener {
	char *url;
	struct summary_cache *cache;   /* may be NULL */
	struct key_cache *keys;        /* may be NULL */
	pthread_t thread;
	int wake[2];                   /* a pipe: sync requests and stop wake the thread */
	pthread_mutex_t lock;
	pthread_cond_t synced;
	uint64_t sync_wanted;          /* under lock: the last ticket handed out */
	uint64_t sync_done;            /* under lock: every ticket up to it is served */
	int stopping;                  /* under lock */
	int connected;                 /* atomic */
	uint64_t reconnects;           /* atomic */
};

static void
cl_wake(struct cache_listener *l)
{
	ssize_t n;

	/* A full pipe already holds a wake-up; nothing more to say. */
	do
		n = write(l->wake[1], "w", 1);
	while (n < 0 && errno == EINTR);
}

static void
cl_drain_wake(struct cache_listener *l)
{
	char junk[64];

	while (read(l->wake[0], junk, sizeof(junk)) > 0)
		;
}

static int
cl_stopping(struct cache_listener *l)
{
	int s;

	pthread_mutex_lock(&l->lock);
	s = l->stopping;
	pthread_mutex_unlock(&l->lock);
	return (s);
}

/* libpq's own notices (the FATAL of a terminated backend) are logged by this module
 * where it understands them. */
static void
cl_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connect and LISTEN; the connection, or NULL (logged when quiet is 0). */
static PGconn *
cl_connect(struct cache_listener *l, int quiet)
{
	const char *keys[] = {"dbname", "application_name", NULL};
	const char *values[] = {l->url, CL_APPLICATION, NULL};
	PGresult *res = NULL;
	PGconn *conn;

	conn = PQconnectdbParams(keys, values, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		if (!quiet)
			log_error("cache listener: cannot connect: %s",
			    conn ? PQerrorMessage(conn) : "out of memory");
		goto fail;
	}
	PQsetNoticeProcessor(conn, cl_quiet, NULL);
	res = PQexec(conn, "LISTEN " CL_CHANNEL "; LISTEN " CL_KEY_CHANNEL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (!quiet)
			log_error("cache listener: LISTEN failed: %s", PQerrorMessage(conn));
		goto fail;
	}
	PQclear(res);
	return (conn);
fail:
	PQclear(res);
	PQfinish(conn);
	return (NULL);
}

/* The id a payload carries, or 0 when it is not a positive decimal number. */
static int64_t
cl_payload_id(const char *payload)
{
	char *end;
	long long id;

	errno = 0;
	id = strtoll(payload, &end, 10);
	return (payload[0] != '\0' && *end == '\0' && errno == 0 && id > 0 ? (int64_t)id : 0);
}

/* Apply every notification libpq holds. */
static void
cl_apply(struct cache_listener *l, PGconn *conn)
{
	PGnotify *n;
	int64_t id;

	while ((n = PQnotifies(conn)) != NULL) {
		id = cl_payload_id(n->extra);
		if (strcmp(n->relname, CL_KEY_CHANNEL) == 0) {
			if (id > 0)
				key_cache_forget(l->keys, id);
			else {
				log_error("cache listener: unreadable key payload \"%.40s\": clearing"
				    " the key cache", n->extra);
				key_cache_clear(l->keys);
			}
		} else if (strcmp(n->extra, "*") == 0)
			summary_cache_clear(l->cache);
		else if (id > 0)
			summary_cache_invalidate(l->cache, id);
		else {
			log_error("cache listener: unreadable payload \"%.40s\": clearing the cache",
			    n->extra);
			summary_cache_clear(l->cache);
		}
		PQfreemem(n);
	}
}

/* A round trip: every notification committed before it is applied after it. */
static int
cl_round_trip(struct cache_listener *l, PGconn *conn)
{
	PGresult *res = PQexec(conn, "SELECT 1");
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	PQclear(res);
	cl_apply(l, conn);
	return (ok ? 0 : -1);
}

static void
cl_set_connected(struct cache_listener *l, int connected)
{
	pthread_mutex_lock(&l->lock);
	__atomic_store_n(&l->connected, connected, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&l->synced);
	pthread_mutex_unlock(&l->lock);
}

static void
cl_log_lost(PGconn *conn)
{
	const char *m = PQerrorMessage(conn);

	log_error("cache listener: connection lost (%.*s): cache disabled until it is back",
	    (int)strcspn(m, "\n"), m);
}

/* Serve on conn until it is lost (-1) or the listener stops (0). */
static int
cl_serve(struct cache_listener *l, PGconn *conn)
{
	struct pollfd fds[2];
	uint64_t want;
	int n;

	for (;;) {
		fds[0].fd = PQsocket(conn);
		fds[0].events = POLLIN;
		fds[1].fd = l->wake[0];
		fds[1].events = POLLIN;
		fds[0].revents = fds[1].revents = 0;
		n = poll(fds, 2, CL_PROBE_MS);
		if (n < 0 && errno != EINTR) {
			log_error("cache listener: poll: %s", strerror(errno));
			return (-1);
		}
		if (fds[1].revents != 0)
			cl_drain_wake(l);
		pthread_mutex_lock(&l->lock);
		want = l->sync_wanted;
		if (l->stopping) {
			pthread_mutex_unlock(&l->lock);
			return (0);
		}
		pthread_mutex_unlock(&l->lock);
		if (fds[0].revents != 0) {
			if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
				cl_log_lost(conn);
				return (-1);
			}
			cl_apply(l, conn);
		}
		pthread_mutex_lock(&l->lock);
		n = want > l->sync_done;
		pthread_mutex_unlock(&l->lock);
		if (n || (fds[0].revents == 0 && fds[1].revents == 0)) {
			if (cl_round_trip(l, conn) != 0) {
				cl_log_lost(conn);
				return (-1);
			}
			pthread_mutex_lock(&l->lock);
			if (want > l->sync_done)
				l->sync_done = want;
			pthread_cond_broadcast(&l->synced);
			pthread_mutex_unlock(&l->lock);
		}
	}
}

/* Sleep ms, or less when woken to stop. */
static void
cl_pause(struct cache_listener *l, int ms)
{
	struct pollfd p;

	p.fd = l->wake[0];
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, ms) > 0)
		cl_drain_wake(l);
}

static void *
cl_thread(void *arg)
{
	struct cache_listener *l = arg;
	int backoff = CL_BACKOFF_MIN_MS, failures = 0;
	PGconn *conn;

	while (!cl_stopping(l)) {
		if ((conn = cl_connect(l, failures > 0)) == NULL) {
			failures++;
			cl_pause(l, backoff);
			backoff = backoff * 2 > CL_BACKOFF_MAX_MS ? CL_BACKOFF_MAX_MS : backoff * 2;
			continue;
		}
		if (failures > 0)
			log_info("cache listener: connected again after %d attempts", failures);
		failures = 0;
		backoff = CL_BACKOFF_MIN_MS;
		__atomic_fetch_add(&l->reconnects, 1, __ATOMIC_RELAXED);
		summary_cache_set_enabled(l->cache, 1);
		/* Revocations sent while nobody listened are unknown: read every key again. */
		key_cache_clear(l->keys);
		cl_set_connected(l, 1);
		if (cl_serve(l, conn) != 0)
			failures = 1;
		/* Anything may have changed unseen from here on. */
		summary_cache_set_enabled(l->cache, 0);
		cl_set_connected(l, 0);
		PQfinish(conn);
		if (failures > 0)
			cl_pause(l, backoff);
	}
	return (NULL);
}

struct cache_listener *
cache_listener_start(const char *url, struct summary_cache *cache, struct key_cache *keys)
{
	struct cache_listener *l;
	int i;

	if ((l = calloc(1, sizeof(*l))) == NULL || (l->url = strdup(url)) == NULL) {
		log_error("cache listener: out of memory");
		goto fail_alloc;
	}
	l->cache = cache;
	l->keys = keys;
	if (pipe(l->wake) != 0) {
		log_error("cache listener: pipe: %s", strerror(errno));
		goto fail_alloc;
	}
	for (i = 0; i < 2; i++)
		if (fcntl(l->wake[i], F_SETFL, O_NONBLOCK) != 0 ||
		    fcntl(l->wake[i], F_SETFD, FD_CLOEXEC) != 0) {
			log_error("cache listener: fcntl: %s", strerror(errno));
			goto fail_pipe;
		}
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->synced, NULL);
	summary_cache_set_enabled(cache, 0);
	if ((errno = pthread_create(&l->thread, NULL, cl_thread, l)) != 0) {
		log_error("cache listener: cannot start its thread: %s", strerror(errno));
		goto fail_sync;
	}
	return (l);
fail_sync:
	pthread_cond_destroy(&l->synced);
	pthread_mutex_destroy(&l->lock);
fail_pipe:
	close(l->wake[0]);
	close(l->wake[1]);
fail_alloc:
	if (l != NULL)
		free(l->url);
	free(l);
	return (NULL);
}

int
cache_listener_sync(struct cache_listener *l, int timeout_ms)
{
	struct timespec deadline;
	uint64_t ticket;
	int rc = 0;

	if (l == NULL)
		return (0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->lock);
	ticket = ++l->sync_wanted;
	pthread_mutex_unlock(&l->lock);
	cl_wake(l);
	pthread_mutex_lock(&l->lock);
	while (l->sync_done < ticket && rc == 0) {
		if (!__atomic_load_n(&l->connected, __ATOMIC_ACQUIRE))
			rc = -1;
		else if (pthread_cond_timedwait(&l->synced, &l->lock, &deadline) == ETIMEDOUT &&
		    l->sync_done < ticket)
			rc = -1;
	}
	pthread_mutex_unlock(&l->lock);
	if (rc != 0)
		summary_cache_clear(l->cache);
	return (rc);
}

int
cache_listener_connected(struct cache_listener *l)
{
	return (l != NULL ? __atomic_load_n(&l->connected, __ATOMIC_ACQUIRE) : 0);
}

uint64_t
cache_listener_reconnects(struct cache_listener *l)
{
	return (l != NULL ? __atomic_load_n(&l->reconnects, __ATOMIC_RELAXED) : 0);
}

void
cache_listener_stop(struct cache_listener *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = 1;
	pthread_mutex_unlock(&l->lock);
	cl_wake(l);
	pthread_join(l->thread, NULL);
	summary_cache_set_enabled(l->cache, 0);
	pthread_cond_destroy(&l->synced);
	pthread_mutex_destroy(&l->lock);
	close(l->wake[0]);
	close(l->wake[1]);
	free(l->url);
	free(l);
}
