#ifndef FAIRRATE_API_SERVER_H
#define FAIRRATE_API_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct i18n;

/*
 * The HTTP API server: libmicrohttpd with an epoll thread pool sized for handlers that
 * block on PostgreSQL, a bounded connection pool, per-key and per-address rate limits,
 * Prometheus metrics and a JSON-lines access log. Routes come from api/routes.c.
 */

struct server;
struct db_pool;
struct metrics;
struct key_cache;
struct summary_cache;
struct cache_listener;

struct server_config {
	char host[256];                /* address to listen on: "127.0.0.1", "::", ... */
	unsigned port;
	const char *database_url;
	unsigned pool_size;            /* PostgreSQL connections */
	unsigned pool_wait_ms;         /* how long a request waits for one */
	unsigned threads;              /* HTTP threads (never block); 0: 2 x CPUs, at most
	                                  2 x pool_size */
	unsigned workers;              /* threads for requests that need the database;
	                                  0: 2 x pool_size */
	size_t body_limit;             /* bytes; attachment uploads take at least a 5 MiB
	                                  file in base64 and 64 KiB more */
	unsigned connection_timeout;   /* seconds of inactivity before a connection closes */
	unsigned header_timeout;       /* seconds a request's head may take to arrive */
	unsigned request_timeout;      /* seconds a request may take in all */
	unsigned rate_limit;           /* requests a minute per key; 0: no limit */
	unsigned public_rate_limit;    /* requests a minute per client address on public
	                                  routes; 0: no limit */
	unsigned auth_failure_limit;   /* bad keys a minute (and in a burst) per client
	                                  address (IPv6: /64) before 429; 0: no limit */
	unsigned key_cache_ttl;        /* seconds an API key's row is cached; 0: off */
	const char *access_log;        /* NULL or "-": stdout; "off": none; else a file */
	const char *cursor_secret;     /* HMAC key for pagination cursors; NULL: random */
	unsigned summary_cache_mb;     /* investor summary cache (api/summary_cache.h),
	                                  MB; 0: off */
	int read_only;                 /* serving a streaming standby: writes are refused
	                                  (503 read_only), nothing is written */
};

/* server_config_defaults: fill cfg with the documented defaults. */
void server_config_defaults(struct server_config *cfg);

/* server_run: serve until SIGTERM or SIGINT, then stop accepting, let requests in
 * flight finish (up to the request timeout), and return 0; -1 when the server cannot
 * start (logged). Blocks those signals in the calling thread. */
int server_run(const struct server_config *cfg);

/* server_pool, server_metrics, server_key_cache: the running server's pool, metrics
 * and key cache (NULL when off), for handlers. */
struct db_pool *server_pool(struct server *srv);
struct metrics *server_metrics(struct server *srv);
struct key_cache *server_key_cache(struct server *srv);

/* server_summary_cache, server_cache_listener: the investor summary cache (NULL when
 * off) and the thread keeping it and the key cache true to the database (NULL when
 * both are off). */
struct summary_cache *server_summary_cache(struct server *srv);
struct cache_listener *server_cache_listener(struct server *srv);

/* server_queued: how many requests wait in the queue for a worker (there are as many
 * workers as connections by default, so these are waiting for a connection). */
size_t server_queued(struct server *srv);

/* server_read_only: whether the server serves a read-only standby. */
int server_read_only(struct server *srv);

/* server_messages: the server's catalogue of lang for the texts it writes itself
 * (po/api-<lang>.po, loaded at start), or NULL for English. */
const struct i18n *server_messages(struct server *srv, const char *lang);

/* server_now_us: the monotonic clock in microseconds. */
int64_t server_now_us(void);

/* server_draining: 1 once a shutdown has begun (responses then close their
 * connection), else 0. */
int server_draining(struct server *srv);

#endif
