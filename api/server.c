#include "api/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/access_log.h"
#include "api/cache_listener.h"
#include "api/http_json.h"
#include "api/key_cache.h"
#include "api/keys_store.h"
#include "api/metrics.h"
#include "api/paging.h"
#include "api/ratelimit.h"
#include "api/request.h"
#include "api/routes.h"
#include "api/summary_cache.h"
#include "common/db.h"
#include "common/i18n_format.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "dispute/dispute_store.h"
#include "common/log.h"

#define SERVER_RATELIMIT_KEYS 100000
#define SERVER_KEY_CACHE_ENTRIES 100000
/* How long a write waits for the summary cache to catch up with its commit. */
#define SERVER_CACHE_SYNC_MS 2000
#define SERVER_MAX_CONNECTIONS 4096
/* The body limit of an attachment upload: a file of DISPUTE_ATTACHMENT_MAX in base64,
 * plus 64 KiB for the rest of its JSON. */
#define SERVER_ATTACHMENT_BODY_LIMIT \
	((size_t)(DISPUTE_ATTACHMENT_MAX + 2) / 3 * 4 + 65536)
/* glibc gives each thread that allocates its own malloc arena (up to 8 per CPU), and
 * memory freed into one is not reused by the others: with the HTTP and worker
 * threads all allocating response bodies, the arenas grew the server by tens of MB
 * under a crawl (docs/operations.md, "Memory"). */
#define SERVER_MALLOC_ARENAS 2
/* How often the header timeout and the queue's waits are checked, in microseconds:
 * at most this, and at most a quarter of the pool wait (at least 10 ms). */
#define SERVER_REAPER_TICK_US 250000
#define SERVER_REAPER_MIN_TICK_US 10000

/* One open TCP connection, for the header timeout: a request's head (request line and
 * headers) must arrive within it, however slowly its bytes trickle in. */
struct server_conn {
	MHD_socket fd;
	atomic_llong head_since_us;    /* connected, or a request line seen; 0: none due */
	atomic_int bad_uri;            /* request_uri_nul of the current request line */
	const char *uri;               /* where it starts in libmicrohttpd's buffer, */
	size_t uri_len;                /* and its length up to its first NUL byte */
	int used;
	int cut;
	char client[64];               /* its rate-limit key (ratelimit_client_key) */
	/* The last API key it presented and the SHA-256 of that key's secret: a client
	 * sends one key on every request of a keep-alive connection, which is then
	 * hashed once. Only this connection's requests (one at a time) use them; wiped
	 * when it closes. */
	char key[AUTH_KEY_SIZE];
	char key_hash[AUTH_HASH_SIZE];
};

struct server {
	struct server_config cfg;
	const struct router_route *routes;
	size_t nroutes;
	router_batch *batches;         /* each route's batch read, or NULL */
	struct db_pool *pool;
	struct ratelimit *by_key;
	struct ratelimit *by_addr;
	struct ratelimit *auth_failures;   /* bad keys per client address (IPv6: /64) */
	struct metrics *metrics;
	struct key_cache *keys;
	struct summary_cache *summaries;
	struct cache_listener *listener;
	struct access_log *log;
	struct i18n messages_ja;       /* po/api-ja.po: api/messages.h */
	struct MHD_Daemon *daemon;
	atomic_long inflight;
	atomic_int draining;
	/* Requests that need the database, waiting for a worker. */
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_ready;
	struct api_request *queue_head, *queue_tail;
	size_t queued;
	unsigned idle;                 /* workers waiting on queue_ready */
	int waking;                    /* one was signalled and has not run yet */
	int queue_stop;
	pthread_t *workers;
	unsigned nworkers;
	/* Open connections, for the header timeout. */
	pthread_mutex_t conns_lock;
	struct server_conn *conns;
	int *conns_free;
	size_t nconns_free;
	pthread_t reaper;
	int reaper_started;
	atomic_int reaper_stop;
};

void
server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->host, sizeof(cfg->host), "127.0.0.1");
	cfg->port = 8080;
	cfg->pool_size = 8;
	cfg->pool_wait_ms = 2000;
	cfg->threads = 0;              /* 0: server_default_threads */
	cfg->workers = 0;              /* 0: server_default_workers */
	cfg->body_limit = 1024 * 1024;
	cfg->connection_timeout = 30;
	cfg->header_timeout = 10;
	cfg->request_timeout = 30;
	cfg->rate_limit = 600;
	cfg->public_rate_limit = 300;
	cfg->auth_failure_limit = 20;
	cfg->key_cache_ttl = 5;
	cfg->summary_cache_mb = 32;
}

struct db_pool *
server_pool(struct server *srv)
{
	return (srv->pool);
}

const struct i18n *
server_messages(struct server *srv, const char *lang)
{
	return (strcmp(lang, "ja") == 0 ? &srv->messages_ja : NULL);
}

struct metrics *
server_metrics(struct server *srv)
{
	return (srv->metrics);
}

size_t
server_queued(struct server *srv)
{
	size_t n;

	pthread_mutex_lock(&srv->queue_lock);
	n = srv->queued;
	pthread_mutex_unlock(&srv->queue_lock);
	return (n);
}

int
server_read_only(struct server *srv)
{
	return (srv->cfg.read_only);
}

struct key_cache *
server_key_cache(struct server *srv)
{
	return (srv->keys);
}

struct summary_cache *
server_summary_cache(struct server *srv)
{
	return (srv->summaries);
}

struct cache_listener *
server_cache_listener(struct server *srv)
{
	return (srv->listener);
}

int
server_draining(struct server *srv)
{
	return (atomic_load_explicit(&srv->draining, memory_order_relaxed));
}

int64_t
server_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* The key under which the client's failed authentications count (ratelimit.h):
 * the connection's, taken when it opened. */
static void
server_client_key(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ratelimit_client_key(ci->client_addr, out, n) != 0)
		snprintf(out, n, "unknown");
}

static struct server_conn *
server_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return (ci != NULL ? ci->socket_context : NULL);
}

/* The client key of r's connection, into out (64 bytes). */
static void
server_client_of(struct api_request *r, char out[64])
{
	struct server_conn *sc = server_conn_of(r->conn);

	if (sc != NULL)
		memcpy(out, sc->client, sizeof(sc->client));
	else
		server_client_key(r->conn, out, 64);
}

/* The SHA-256 of a well-formed key's secret into hash: the connection's last one
 * when it presents the same key again. 0 or -1. */
static int
server_key_hash(struct api_request *r, const char *key, char hash[AUTH_HASH_SIZE])
{
	struct server_conn *sc = server_conn_of(r->conn);

	if (sc != NULL && memcmp(sc->key, key, AUTH_KEY_SIZE) == 0) {
		memcpy(hash, sc->key_hash, AUTH_HASH_SIZE);
		return (0);
	}
	if (sha256_hex(key + AUTH_SECRET_OFFSET, AUTH_SECRET_LEN, hash) != 0)
		return (-1);
	if (sc != NULL) {
		memcpy(sc->key, key, AUTH_KEY_SIZE);
		memcpy(sc->key_hash, hash, AUTH_HASH_SIZE);
	}
	return (0);
}

/* Check one query parameter against the route's list; stops at the first bad one. */
struct server_query_check {
	const struct router_route *route;
	const char *bad;
	int invalid_utf8;
};

static enum MHD_Result
server_query_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct server_query_check *qc = cls;

	(void)kind;
	/* ?lang= chooses the language of the server's own texts on every route
	 * (request_lang). */
	if (strcmp(key, "lang") != 0 && !router_query_accepted(qc->route, key)) {
		qc->bad = key;
		return (MHD_NO);
	}
	if (value != NULL && !utf8_valid(value, strlen(value))) {
		qc->bad = key;
		qc->invalid_utf8 = 1;
		return (MHD_NO);
	}
	return (MHD_YES);
}

/* Answer 429 code with Retry-After: retry seconds. 1. */
static int
server_reply_429(struct api_request *r, const char *code, const char *what, unsigned retry)
{
	char s[16];

	snprintf(s, sizeof(s), "%u", retry);
	request_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, s);
	request_reply_error(r, 429, code, "%s; retry after %u seconds",
	    request_text(r, what), retry);
	return (1);
}

/* Take a token for who from rl; 0, or 1 after answering 429 with Retry-After. */
static int
server_rate_limited(struct api_request *r, struct ratelimit *rl, const char *who)
{
	unsigned retry = 0;

	if (rl == NULL || ratelimit_take(rl, who, server_now_us() / 1000, &retry))
		return (0);
	return (server_reply_429(r, "rate_limited", "too many requests", retry));
}

/* Refuse a key that is malformed, unknown, wrong or revoked (401 code), and count
 * the failure against the client's address. -1. */
static int
server_key_refused(struct server *srv, struct api_request *r, const char *code,
    const char *message)
{
	char client[64];

	if (srv->auth_failures != NULL) {
		server_client_of(r, client);
		(void)ratelimit_take(srv->auth_failures, client, server_now_us() / 1000, NULL);
	}
	request_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	request_reply_error(r, 401, code, "%s", message);
	return (-1);
}

/* Whether the client's address has presented too many bad keys: 0, or 1 after
 * answering 429 with Retry-After, before its key is looked at. */
static int
server_auth_throttled(struct server *srv, struct api_request *r)
{
	unsigned retry = 0;
	char client[64];

	if (srv->auth_failures == NULL)
		return (0);
	server_client_of(r, client);
	if (ratelimit_peek(srv->auth_failures, client, server_now_us() / 1000, &retry))
		return (0);
	return (server_reply_429(r, "auth_throttled",
	    "too many invalid API keys from this address", retry));
}

/* Authenticate a non-public route's caller; 0, or -1 after answering. */
static int
server_authenticate(struct server *srv, struct api_request *r)
{
	const char *header = request_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char key[AUTH_KEY_SIZE], prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	struct keys_record rec;
	enum key_cache_lookup_result cached;
	uint64_t ticket;
	int64_t now_ms;
	int found, lost = 0;

	if (header == NULL || auth_bearer(header, key) != 0) {
		request_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
		request_reply_error(r, 401, "unauthorized",
		    "an API key is required: Authorization: Bearer KEY");
		return (-1);
	}
	if (auth_key_split(key, prefix) != 0 || server_key_hash(r, key, hash) != 0)
		return (server_key_refused(srv, r, "invalid_key", "the API key is not valid"));
	now_ms = server_now_us() / 1000;
	ticket = key_cache_ticket(srv->keys);
	cached = key_cache_lookup(srv->keys, prefix, now_ms, &rec);
	if (cached == KEY_CACHE_HIT || cached == KEY_CACHE_STALE) {
		found = 1;
	} else {
		/* A miss, or this thread refreshes an expired entry while the others keep
		 * using it: one database read per key and ttl, not one per thread. */
		if (request_db(r) == NULL) {
			if (cached == KEY_CACHE_REFRESH)
				key_cache_refresh_failed(srv->keys, prefix, 0);
			return (-1);
		}
		found = keys_store_find(srv->pool, r->db, prefix, &rec, &lost);
		if (found < 0) {
			if (cached == KEY_CACHE_REFRESH)
				key_cache_refresh_failed(srv->keys, prefix, 0);
			request_reply_error(r, lost ? 503 : 500, lost ? "database_unavailable" :
			    "internal_error", "cannot check the API key");
			return (-1);
		}
		if (found == 0 && cached == KEY_CACHE_REFRESH)
			key_cache_refresh_failed(srv->keys, prefix, 1);
		if (found == 1) {
			key_cache_put(srv->keys, ticket, prefix, &rec, now_ms);
			if (rec.use_stale && !srv->cfg.read_only)
				(void)keys_store_touch(srv->pool, r->db, rec.id);
		}
	}
	if (found == 0 || !auth_hash_equal(rec.secret_sha256, hash))
		return (server_key_refused(srv, r, "invalid_key", "the API key is not valid"));
	if (rec.revoked)
		return (server_key_refused(srv, r, "revoked_key", "the API key has been revoked"));
	r->who.key_id = rec.id;
	r->who.role = rec.role;
	r->who.company_id = rec.company_id;
	if ((r->match.route->roles & (unsigned)rec.role) == 0) {
		request_reply_error(r, 403, "forbidden",
		    "this route is not open to %s keys", auth_role_name(rec.role));
		return (-1);
	}
	return (0);
}

/* The body limit of route: attachment uploads take a 5 MiB file in base64. */
static size_t
server_body_limit(const struct server *srv, const struct router_route *route)
{
	size_t n = strlen(route ? route->pattern : "");

	if (route != NULL && strcmp(route->method, "POST") == 0 && n >= 12 &&
	    strcmp(route->pattern + n - 12, "/attachments") == 0 &&
	    srv->cfg.body_limit < SERVER_ATTACHMENT_BODY_LIMIT)
		return (SERVER_ATTACHMENT_BODY_LIMIT);
	return (srv->cfg.body_limit);
}

/* Routing, parameters, authentication and rate limit; 0, or -1 after answering (or
 * when authentication needs the database on an HTTP thread: r->deferred). */
static int
server_check(struct server *srv, struct api_request *r)
{
	const struct router_route *route;
	struct server_query_check qc;
	char allow[128], addr[64];

	if (r->bad_uri) {
		request_reply_error(r, 400, r->bad_uri == 1 ? "invalid_path" :
		    "invalid_parameter", "the %s contains a NUL byte (%%00)",
		    r->bad_uri == 1 ? "path" : "query string");
		return (-1);
	}
	if (r->body_too_large) {
		request_reply_error(r, 413, "payload_too_large",
		    "the request body exceeds %zu bytes", r->body_limit);
		return (-1);
	}
	if (r->routed == ROUTER_NOT_FOUND) {
		request_reply_error(r, 404, "not_found", "no such resource");
		return (-1);
	}
	if (r->routed == ROUTER_METHOD_NOT_ALLOWED) {
		if (router_allow(srv->routes, srv->nroutes, r->path, allow, sizeof(allow)) > 0)
			request_add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
		request_reply_error(r, 405, "method_not_allowed",
		    "%s is not allowed here; see the Allow header", r->method);
		return (-1);
	}
	/* A standby cannot write: every change goes to the primary (docs/operations.md
	 * "Read replicas"). */
	if (srv->cfg.read_only && strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0) {
		request_add_header(r, "Retry-After", "0");
		request_reply_error(r, 503, "read_only", "this instance serves a read-only"
		    " standby; send %s requests to the primary", r->method);
		return (-1);
	}
	route = r->match.route;
	memset(&qc, 0, sizeof(qc));
	qc.route = route;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, server_query_iter, &qc);
	if (qc.bad != NULL) {
		request_reply_error(r, 400, qc.invalid_utf8 ? "invalid_parameter" :
		    "unknown_parameter", qc.invalid_utf8 ?
		    N_("a query parameter is not valid UTF-8") :
		    N_("this route does not take that query parameter"));
		return (-1);
	}
	if ((route->roles & AUTH_ROLE_PUBLIC) == 0) {
		char who[32];

		if (server_auth_throttled(srv, r) || server_authenticate(srv, r) != 0)
			return (-1);
		if ((route->flags & ROUTER_UNLIMITED) == 0 && srv->by_key != NULL) {
			snprintf(who, sizeof(who), "key:%lld", (long long)r->who.key_id);
			if (server_rate_limited(r, srv->by_key, who))
				return (-1);
		}
	} else if ((route->flags & ROUTER_UNLIMITED) == 0 && srv->by_addr != NULL) {
		request_client_address(r, addr, sizeof(addr));
		if (server_rate_limited(r, srv->by_addr, addr))
			return (-1);
	}
	r->checked = 1;
	return (0);
}

/* Run a request: check it (once), parse its body, call its handler. On an HTTP
 * thread this stops, with r->deferred set and nothing answered, where the request
 * first needs the database; it then runs again from here on a worker. */
static void
server_dispatch(struct server *srv, struct api_request *r)
{
	const struct router_route *route;

	if (!r->checked && server_check(srv, r) != 0)
		return;
	route = r->match.route;
	if ((route->flags & ROUTER_JSON_BODY) && r->json == NULL) {
		const char *code = NULL;
		char msg[256];

		if (!http_json_is_json(request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
			request_reply_error(r, 415, "unsupported_media_type",
			    "the request body must be application/json");
			return;
		}
		r->json = http_json_parse(r->body.data ? r->body.data : "", r->body.len,
		    &code, msg, sizeof(msg));
		if (r->json == NULL) {
			request_reply_error(r, 400, code, "%s", msg);
			return;
		}
	}
	if (!r->on_worker)
		r->ran_inline = 1;
	route->handler(r);
	if (!r->answered && !(r->deferred && !r->on_worker))
		request_reply_error(r, 500, "internal_error", "the handler gave no answer");
}

/* After the handler: give the connection back; a write that succeeded has committed,
 * and its answer leaves only once the summary cache has applied the notifications
 * of that commit, so that the writer's next read (a corrected rating) cannot come
 * from a stale entry. */
static void
server_finish(struct server *srv, struct api_request *r)
{
	if (r->db != NULL) {
		db_pool_release(srv->pool, r->db);
		r->db = NULL;
	}
	if (srv->summaries != NULL && r->status >= 200 && r->status < 300 &&
	    strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		(void)cache_listener_sync(srv->listener, SERVER_CACHE_SYNC_MS);
}

/* Run one request taken from the queue on a worker, then wake its connection, whose
 * HTTP thread sends the answer. A request that waited past its deadline is not run. */
static void
server_work(struct server *srv, struct api_request *r)
{
	struct MHD_Connection *conn = r->conn;

	db_last_sqlstate_clear();
	r->on_worker = 1;
	r->deferred = 0;
	r->nheaders = 0;
	if (server_now_us() >= r->deadline_us)
		request_reply_error(r, 503, "deadline_exceeded",
		    "the request waited too long for a worker; try again shortly");
	else
		server_dispatch(srv, r);
	server_finish(srv, r);
	/* r belongs to the HTTP thread again from here. */
	MHD_resume_connection(conn);
}

/* Wake a waiting worker for the queue, unless one woken already has yet to run: it
 * takes what queued meanwhile (a batch, or one request and then, while more wait,
 * wakes the next). So a burst of lookups wakes one worker that reads them together,
 * rather than one worker each; a worker that is busy comes back to the queue before
 * it waits. The queue's lock is held. */
static void
server_wake_worker(struct server *srv)
{
	if (srv->idle > 0 && !srv->waking) {
		srv->waking = 1;
		pthread_cond_signal(&srv->queue_ready);
	}
}

/* The queue's first request, taken off it; the queue's lock is held. */
static struct api_request *
server_pop(struct server *srv)
{
	struct api_request *r = srv->queue_head;

	if ((srv->queue_head = r->next_job) == NULL)
		srv->queue_tail = NULL;
	srv->queued--;
	r->next_job = NULL;
	return (r);
}

/* Run the batch read of the n requests in batch (all of one route), on a connection
 * of its own: waiting no longer than the pool wait and the first request's time
 * left. */
static void
server_batch_read(struct server *srv, router_batch batch_read,
    struct api_request *const *batch, size_t n)
{
	int64_t left_ms = (batch[0]->deadline_us - server_now_us()) / 1000;
	PGconn *db;

	if (left_ms <= 0 || (db = db_pool_acquire_within(srv->pool, (int)left_ms,
	    (int)left_ms, NULL)) == NULL)
		return;                   /* each handler then reads, and answers, itself */
	batch_read(batch, n, db);
	db_pool_release(srv->pool, db);
}

static void *
server_worker(void *arg)
{
	struct server *srv = arg;
	struct api_request *batch[ROUTER_BATCH_MAX];
	const struct router_route *route;
	router_batch batch_read;
	size_t n, i;

	for (;;) {
		pthread_mutex_lock(&srv->queue_lock);
		while (srv->queue_head == NULL && !srv->queue_stop) {
			srv->idle++;
			pthread_cond_wait(&srv->queue_ready, &srv->queue_lock);
			srv->idle--;
			srv->waking = 0;
		}
		if (srv->queue_head == NULL) {
			pthread_mutex_unlock(&srv->queue_lock);
			return (NULL);
		}
		batch[0] = server_pop(srv);
		n = 1;
		/* Requests of a route with a batch read that wait next to each other in
		 * the queue are taken together (they are taken in order). */
		route = batch[0]->routed == ROUTER_FOUND ? batch[0]->match.route : NULL;
		batch_read = route != NULL ? srv->batches[batch[0]->match.index] : NULL;
		while (batch_read != NULL && n < ROUTER_BATCH_MAX && srv->queue_head != NULL &&
		    srv->queue_head->routed == ROUTER_FOUND &&
		    srv->queue_head->match.route == route)
			batch[n++] = server_pop(srv);
		/* More waiting than this worker took: wake another (see server_enqueue). */
		if (srv->queue_head != NULL)
			server_wake_worker(srv);
		pthread_mutex_unlock(&srv->queue_lock);
		if (n > 1)
			server_batch_read(srv, batch_read, batch, n);
		for (i = 0; i < n; i++)
			server_work(srv, batch[i]);
	}
}

/* Hand r to the workers; 0, or -1 when they have stopped. */
static int
server_enqueue(struct server *srv, struct api_request *r)
{
	int rc = -1;

	r->queued_us = server_now_us();
	pthread_mutex_lock(&srv->queue_lock);
	if (!srv->queue_stop) {
		if (srv->queue_tail != NULL)
			srv->queue_tail->next_job = r;
		else
			srv->queue_head = r;
		srv->queue_tail = r;
		srv->queued++;
		server_wake_worker(srv);
		rc = 0;
	}
	pthread_mutex_unlock(&srv->queue_lock);
	return (rc);
}

/* Queue r's answer on its connection; MHD_NO (close the connection) when there is
 * none or it cannot be queued. */
static enum MHD_Result
server_send(struct api_request *r)
{
	struct MHD_Response *resp = request_take_response(r);

	if (resp == NULL)
		return (r->queued ? MHD_YES : MHD_NO);
	r->queued = MHD_queue_response(r->conn, r->status, resp) == MHD_YES;
	if (!r->queued)
		log_error("http: cannot queue a %u response", r->status);
	MHD_destroy_response(resp);
	return (r->queued ? MHD_YES : MHD_NO);
}

/* The first call of a request, its head complete: set it up and route it. */
static void
server_begin(struct server *srv, struct api_request *r, struct MHD_Connection *conn,
    const char *url, const char *method, const char *version)
{
	struct server_conn *sc = server_conn_of(conn);

	r->srv = srv;
	r->conn = conn;
	r->method = method;
	r->path = url;
	r->started_us = server_now_us();
	r->deadline_us = r->started_us + (int64_t)srv->cfg.request_timeout * 1000000;
	r->begun = 1;
	if (sc != NULL) {
		atomic_store(&sc->head_since_us, 0);
		r->bad_uri = atomic_load(&sc->bad_uri);
		/* libmicrohttpd ends the target with a NUL where the version begins: a raw
		 * NUL byte inside the target ends it earlier, and would cut the path. */
		if (sc->uri != NULL && sc->uri + sc->uri_len + 1 != version)
			r->bad_uri = 1;
	}
	atomic_fetch_add(&srv->inflight, 1);
	r->counted = 1;
	r->routed = router_match(srv->routes, srv->nroutes, method, url, &r->match);
	r->body_limit = server_body_limit(srv, r->match.route);
	buf_init(&r->body, r->body_limit);
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct api_request *r = *con_cls;
	const char *cl;

	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return (MHD_NO);
		*con_cls = r;
		server_begin(srv, r, conn, url, method, version);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > r->body_limit) {
			request_reply_error(r, 413, "payload_too_large",
			    "the request body exceeds %zu bytes", r->body_limit);
			return (server_send(r));
		}
		return (MHD_YES);
	}
	if (*upload_data_size > 0) {
		if (!r->answered && !r->body_too_large &&
		    buf_append(&r->body, upload_data, *upload_data_size) != 0) {
			r->body_too_large = 1;
			buf_free(&r->body);
		}
		*upload_data_size = 0;
		if (server_now_us() - r->started_us >
		    (int64_t)srv->cfg.request_timeout * 1000000) {
			r->status = 408;
			return (MHD_NO);
		}
		return (MHD_YES);
	}
	if (r->suspended) {
		/* Resumed by its worker, answered there. */
		r->suspended = 0;
		return (server_send(r));
	}
	if (r->answered)
		return (server_send(r));
	db_last_sqlstate_clear();
	server_dispatch(srv, r);
	if (r->deferred && !r->answered) {
		/* It needs the database: the HTTP thread must not wait for it. Suspended
		 * before it is queued, so that its worker cannot resume it first. */
		r->nheaders = 0;
		r->suspended = 1;
		MHD_suspend_connection(conn);
		if (server_enqueue(srv, r) == 0)
			return (MHD_YES);
		MHD_resume_connection(conn);
		r->on_worker = 1;
		request_reply_error(r, 503, "service_unavailable", "the server is stopping");
		return (MHD_YES);
	}
	server_finish(srv, r);
	return (server_send(r));
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct api_request *r = *con_cls;
	unsigned status;
	int64_t took;

	(void)conn;
	if (r == NULL)
		return;
	*con_cls = NULL;
	status = r->status ? r->status :
	    (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499);
	took = server_now_us() - r->started_us;
	metrics_observe(srv->metrics, r->match.route ? r->match.index : srv->nroutes, status,
	    took);
	access_log_write(srv->log, r->method, r->match.route ? r->match.route->pattern : NULL,
	    status, took, r->who.key_id);
	if (r->db != NULL)
		db_pool_release(srv->pool, r->db);
	if (r->response != NULL)
		MHD_destroy_response(r->response);
	json_decref(r->json);
	buf_free(&r->body);
	request_batch_set(r, NULL, NULL);
	if (r->counted)
		atomic_fetch_sub(&srv->inflight, 1);
	free(r);
}

/* MHD_OPTION_URI_LOG_CALLBACK: a request line has arrived (its target still
 * percent-encoded): its head is now due within the header timeout, and an encoded
 * NUL byte is noted, to be refused (decoding would cut the path at it). */
static void *
server_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server_conn *sc = server_conn_of(conn);
	long long zero = 0;

	(void)cls;
	if (sc != NULL) {
		atomic_store(&sc->bad_uri, request_uri_nul(uri));
		sc->uri = uri;
		sc->uri_len = strlen(uri);
		atomic_compare_exchange_strong(&sc->head_since_us, &zero, server_now_us());
	}
	return (NULL);
}

/* MHD_OPTION_NOTIFY_CONNECTION: keep the table of open connections. */
static void
server_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct server *srv = cls;
	const union MHD_ConnectionInfo *ci;
	struct server_conn *sc;

	pthread_mutex_lock(&srv->conns_lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci != NULL && srv->nconns_free > 0) {
			sc = &srv->conns[srv->conns_free[--srv->nconns_free]];
			sc->fd = ci->connect_fd;
			sc->used = 1;
			sc->cut = 0;
			atomic_store(&sc->bad_uri, 0);
			atomic_store(&sc->head_since_us, server_now_us());
			server_client_key(conn, sc->client, sizeof(sc->client));
			*socket_context = sc;
		}
	} else if ((sc = *socket_context) != NULL) {
		sc->used = 0;
		explicit_bzero(sc->key, sizeof(sc->key));
		explicit_bzero(sc->key_hash, sizeof(sc->key_hash));
		srv->conns_free[srv->nconns_free++] = (int)(sc - srv->conns);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&srv->conns_lock);
}

/* Shut down connections whose request head is overdue: libmicrohttpd's own timeout
 * counts idleness, so a client sending a byte a second is never cut by it. The
 * socket is only shut down here (never closed), under the table's lock, so it cannot
 * be another connection's by then; libmicrohttpd then closes it. */
/* Answer 503 pool_exhausted to the requests that have waited in the queue for longer
 * than the pool wait: with as many workers as connections, a request waits for a
 * connection there, not in db_pool_acquire. The queue is in arrival order, so the
 * overdue ones are at its head. */
static void
server_turn_away_overdue(struct server *srv, int64_t now)
{
	int64_t wait_us = (int64_t)srv->cfg.pool_wait_ms * 1000;
	struct api_request *overdue = NULL, **tail = &overdue, *r;

	pthread_mutex_lock(&srv->queue_lock);
	while ((r = srv->queue_head) != NULL && now - r->queued_us >= wait_us) {
		r = server_pop(srv);
		*tail = r;
		tail = &r->next_job;
	}
	pthread_mutex_unlock(&srv->queue_lock);
	while ((r = overdue) != NULL) {
		struct MHD_Connection *conn = r->conn;

		overdue = r->next_job;
		r->next_job = NULL;
		r->on_worker = 1;
		r->deferred = 0;
		r->nheaders = 0;
		request_reply_pool_exhausted(r);
		/* r belongs to the HTTP thread again from here. */
		MHD_resume_connection(conn);
	}
}

static void *
server_reaper(void *arg)
{
	struct server *srv = arg;
	int64_t limit = (int64_t)srv->cfg.header_timeout * 1000000, now, since;
	useconds_t tick = SERVER_REAPER_TICK_US;
	size_t i;

	if ((int64_t)srv->cfg.pool_wait_ms * 1000 / 4 < tick)
		tick = srv->cfg.pool_wait_ms * 1000 / 4;
	if (tick < SERVER_REAPER_MIN_TICK_US)
		tick = SERVER_REAPER_MIN_TICK_US;
	while (!atomic_load(&srv->reaper_stop)) {
		usleep(tick);
		now = server_now_us();
		server_turn_away_overdue(srv, now);
		pthread_mutex_lock(&srv->conns_lock);
		for (i = 0; i < SERVER_MAX_CONNECTIONS; i++) {
			struct server_conn *sc = &srv->conns[i];

			since = atomic_load(&sc->head_since_us);
			if (sc->used && !sc->cut && since != 0 && now - since > limit) {
				(void)shutdown(sc->fd, SHUT_RDWR);
				sc->cut = 1;
			}
		}
		pthread_mutex_unlock(&srv->conns_lock);
	}
	return (NULL);
}

/* Start the reaper and the workers; 0, or -1 (logged). */
static int
server_start_threads(struct server *srv)
{
	unsigned i;

	if (pthread_create(&srv->reaper, NULL, server_reaper, srv) != 0) {
		log_error("serve: cannot start the reaper thread (header timeout, queue wait)");
		return (-1);
	}
	srv->reaper_started = 1;
	if ((srv->workers = calloc(srv->cfg.workers, sizeof(*srv->workers))) == NULL)
		return (-1);
	for (i = 0; i < srv->cfg.workers; i++) {
		if (pthread_create(&srv->workers[i], NULL, server_worker, srv) != 0) {
			log_error("serve: cannot start worker thread %u", i);
			return (-1);
		}
		srv->nworkers++;
	}
	return (0);
}

/* Stop the workers once the queue is empty, and the reaper. */
static void
server_stop_threads(struct server *srv)
{
	unsigned i;

	pthread_mutex_lock(&srv->queue_lock);
	srv->queue_stop = 1;
	pthread_cond_broadcast(&srv->queue_ready);
	pthread_mutex_unlock(&srv->queue_lock);
	for (i = 0; i < srv->nworkers; i++)
		pthread_join(srv->workers[i], NULL);
	srv->nworkers = 0;
	if (srv->reaper_started) {
		atomic_store(&srv->reaper_stop, 1);
		pthread_join(srv->reaper, NULL);
		srv->reaper_started = 0;
	}
}

static void
server_free(struct server *srv)
{
	server_stop_threads(srv);
	free(srv->workers);
	free(srv->conns);
	free(srv->conns_free);
	free(srv->batches);
	pthread_mutex_destroy(&srv->queue_lock);
	pthread_cond_destroy(&srv->queue_ready);
	pthread_mutex_destroy(&srv->conns_lock);
	ratelimit_free(srv->by_key);
	ratelimit_free(srv->by_addr);
	ratelimit_free(srv->auth_failures);
	metrics_free(srv->metrics);
	cache_listener_stop(srv->listener);
	key_cache_free(srv->keys);
	summary_cache_free(srv->summaries);
	access_log_close(srv->log);
	i18n_free(&srv->messages_ja);
	db_pool_free(srv->pool);
}

/* Twice the online CPUs (4 when unknown). */
static unsigned
server_two_per_cpu(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return (cpus > 0 && cpus < 512 ? 2 * (unsigned)cpus : 4);
}

/* Two HTTP threads per online CPU, so that one can run while the other waits on
 * PostgreSQL, but no more than twice the pool size. More threads than that made the
 * tail worse, not better: on 2 cores 16 threads gave a p99 of 4-87 ms where 4 gave
 * 3.5-6.7 ms, at higher throughput, even with every request reading the database
 * (docs/operations.md, "Sizing"). */
static unsigned
server_default_threads(unsigned pool_size)
{
	unsigned n = server_two_per_cpu();

	if (n > 2 * pool_size)
		n = 2 * pool_size;
	return (n < 2 ? 2 : n);
}

/* Two workers per online CPU, but no more than the pool size (a worker holds at most
 * one connection). Lookups queued together are read in one statement, so a few
 * workers keep a local PostgreSQL busy, and more only add threads for the CPUs to
 * switch between: on 2 cores, with a million companies, 8 workers gave a p99 of
 * 40-220 ms where 4 gave 4-6 ms, at higher throughput (docs/operations.md, "Sizing").
 * A remote or slow PostgreSQL wants more (--workers). */
static unsigned
server_default_workers(unsigned pool_size)
{
	unsigned n = server_two_per_cpu();

	return (n > pool_size ? pool_size : n);
}

static int
server_setup(struct server *srv, const struct server_config *cfg)
{
	char session[64], err[512];
	size_t i;

	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->queue_lock, NULL);
	pthread_cond_init(&srv->queue_ready, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	srv->cfg = *cfg;
	if (srv->cfg.threads == 0)
		srv->cfg.threads = server_default_threads(cfg->pool_size);
	if (srv->cfg.workers == 0)
		srv->cfg.workers = server_default_workers(cfg->pool_size);
	if ((srv->conns = calloc(SERVER_MAX_CONNECTIONS, sizeof(*srv->conns))) == NULL ||
	    (srv->conns_free = calloc(SERVER_MAX_CONNECTIONS, sizeof(int))) == NULL)
		return (-1);
	for (i = 0; i < SERVER_MAX_CONNECTIONS; i++)
		srv->conns_free[srv->nconns_free++] = (int)(SERVER_MAX_CONNECTIONS - 1 - i);
	srv->routes = routes_table(&srv->nroutes);
	if (router_check_table(srv->routes, srv->nroutes) != 0 ||
	    (srv->batches = calloc(srv->nroutes, sizeof(*srv->batches))) == NULL)
		return (-1);
	for (i = 0; i < srv->nroutes; i++)
		srv->batches[i] = routes_batch(&srv->routes[i]);
	if (i18n_load_api(&srv->messages_ja, "ja", err, sizeof(err)) != 0) {
		log_error("serve: %s", err);
		return (-1);
	}
	if (cfg->cursor_secret != NULL && cfg->cursor_secret[0] != '\0') {
		if (paging_set_secret(cfg->cursor_secret, strlen(cfg->cursor_secret)) != 0) {
			log_error("serve: FAIRRATE_CURSOR_SECRET must be 16 to 64 bytes");
			return (-1);
		}
	} else if (paging_set_random_secret() != 0) {
		log_error("serve: cannot draw a cursor secret");
		return (-1);
	}
	snprintf(session, sizeof(session), "SET statement_timeout = %u",
	    cfg->request_timeout * 1000);
	if ((srv->pool = db_pool_new(cfg->database_url, cfg->pool_size, (int)cfg->pool_wait_ms,
	    session)) == NULL ||
	    (srv->metrics = metrics_new(srv->routes, srv->nroutes)) == NULL ||
	    (srv->log = access_log_open(cfg->access_log)) == NULL) {
		log_error("serve: cannot set the server up");
		return (-1);
	}
	if (cfg->key_cache_ttl > 0 && (srv->keys = key_cache_new(
	    (int64_t)cfg->key_cache_ttl * 1000, SERVER_KEY_CACHE_ENTRIES)) == NULL)
		return (-1);
	if (cfg->summary_cache_mb > 0 && (srv->summaries = summary_cache_new(
	    (size_t)cfg->summary_cache_mb * 1024 * 1024)) == NULL) {
		log_error("serve: cannot set the summary cache up");
		return (-1);
	}
	/* One listener keeps both caches true to the database (revocations included). */
	if ((srv->summaries != NULL || srv->keys != NULL) && (srv->listener =
	    cache_listener_start(cfg->database_url, srv->summaries, srv->keys)) == NULL) {
		log_error("serve: cannot start the cache listener");
		return (-1);
	}
	if (cfg->rate_limit > 0 && (srv->by_key = ratelimit_new(cfg->rate_limit,
	    cfg->rate_limit, SERVER_RATELIMIT_KEYS)) == NULL)
		return (-1);
	if (cfg->public_rate_limit > 0 && (srv->by_addr = ratelimit_new(cfg->public_rate_limit,
	    cfg->public_rate_limit, SERVER_RATELIMIT_KEYS)) == NULL)
		return (-1);
	if (cfg->auth_failure_limit > 0 && (srv->auth_failures = ratelimit_new(
	    cfg->auth_failure_limit, cfg->auth_failure_limit, SERVER_RATELIMIT_KEYS)) == NULL)
		return (-1);
	if (keys_store_register(srv->pool) != 0 || routes_register(srv->pool) != 0) {
		log_error("serve: cannot register the database statements");
		return (-1);
	}
	return (0);
}

static struct MHD_Daemon *
server_start_daemon(struct server *srv)
{
	struct addrinfo hints, *ai = NULL;
	struct MHD_Daemon *d;
	char port[8];
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	int err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", srv->cfg.port);
	if ((err = getaddrinfo(srv->cfg.host, port, &hints, &ai)) != 0) {
		log_error("serve: cannot resolve %s: %s", srv->cfg.host, gai_strerror(err));
		return (NULL);
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, (uint16_t)srv->cfg.port, NULL, NULL, server_access, srv,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->cfg.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)srv->cfg.connection_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, server_connection, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, server_request_line, srv,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVER_MAX_CONNECTIONS,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (d == NULL)
		log_error("serve: cannot listen on %s:%u (in use, or not an address here?)",
		    srv->cfg.host, srv->cfg.port);
	return (d);
}

int
server_run(const struct server_config *cfg)
{
	struct server srv;
	sigset_t set;
	int sig = 0, rc = -1;
	int64_t deadline;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* Blocked before any thread starts, so that every thread inherits the mask and
	 * only sigwait below sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	(void)mallopt(M_ARENA_MAX, SERVER_MALLOC_ARENAS);
	if (server_setup(&srv, cfg) != 0 || server_start_threads(&srv) != 0)
		goto out;
	if ((srv.daemon = server_start_daemon(&srv)) == NULL)
		goto out;
	log_info("serving on http://%s:%u (%u HTTP threads, %u workers, %u database"
	    " connections)", cfg->host, cfg->port, srv.cfg.threads, srv.cfg.workers,
	    cfg->pool_size);
	while (sigwait(&set, &sig) != 0)
		;
	log_info("received signal %d: finishing requests in flight", sig);
	/* No MHD_quiesce_daemon: with an epoll thread pool it races the pool's own
	 * removal of the listening socket from its epoll set and libmicrohttpd 0.9.75
	 * aborts the process ("Failed to remove listen FD from epoll set"), which made
	 * a clean stop exit non-zero now and then. Connections arriving while draining
	 * are served and closed (Connection: close) like those in flight. */
	atomic_store(&srv.draining, 1);
	deadline = server_now_us() + (int64_t)(cfg->request_timeout + 5) * 1000000;
	while (atomic_load(&srv.inflight) > 0 && server_now_us() < deadline)
		usleep(20000);
	if (atomic_load(&srv.inflight) > 0)
		log_error("serve: %ld requests still running at shutdown",
		    (long)atomic_load(&srv.inflight));
	/* The workers finish what is queued (their connections resume) before the
	 * daemon stops: it must not stop with a connection suspended. */
	server_stop_threads(&srv);
	MHD_stop_daemon(srv.daemon);
	log_info("stopped");
	rc = 0;
out:
	server_free(&srv);
	return (rc);
}
