#ifndef FAIRRATE_API_REQUEST_H
#define FAIRRATE_API_REQUEST_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "api/auth.h"
#include "api/router.h"
#include "common/buf.h"
#include "common/db_pool.h"

/*
 * One HTTP request as a route handler sees it. By the time a handler runs, the server
 * has matched the route, checked the query parameters against the route's list,
 * authenticated the key and its role, applied the rate limit, and (for ROUTER_JSON_BODY
 * routes) checked the Content-Type and parsed the body. A handler reads what it needs
 * through the functions below and answers exactly once through a request_reply_*
 * function; a handler that answers nothing gets a 500.
 *
 * The fields belong to the server (api/server.c); handlers use the functions.
 */

#define REQUEST_MAX_HEADERS 4

struct server;

struct api_request {
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	int64_t started_us;
	int64_t deadline_us;           /* started_us + the request timeout */
	int begun;                     /* the access handler has seen it */
	int bad_uri;                   /* 0, or 1 / 2: a NUL byte (%00) in the path / query */
	size_t body_limit;             /* this route's body limit */
	struct router_match match;
	enum router_result routed;
	struct auth_principal who;
	struct buf body;
	int body_too_large;
	json_t *json;
	PGconn *db;
	unsigned status;               /* 0 until answered */
	int answered;                  /* an answer was given (the first one wins) */
	int queued;                    /* MHD accepted it; else the connection is closed */
	int counted;                   /* counted in the server's in-flight requests */
	/* A request first runs on an HTTP thread, which must never block; the moment it
	 * needs the database (request_db) it stops there (deferred, every answer dropped)
	 * and runs again from the start on a worker thread (on_worker). */
	int deferred;
	int on_worker;
	int checked;                   /* routing, parameters and rate limit passed */
	int ran_inline;                /* the handler ran on the HTTP thread */
	int suspended;                 /* the connection waits for a worker */
	struct MHD_Response *response; /* the answer, queued by the HTTP thread */
	struct api_request *next_job;  /* the workers' queue */
	int64_t queued_us;             /* when it joined that queue */
	void *batched;                 /* what its route's batch read left for it */
	void (*batched_free)(void *);
	char lang[4];                  /* "" until request_lang decides */
	size_t nheaders;
	char headers[REQUEST_MAX_HEADERS][2][128];
};

/* request_param: the path parameter name ("slug", "id", ...), already validated by
 * the router (see api/router.h); NULL if the route has none by that name. */
const char *request_param(struct api_request *r, const char *name);

/* request_query: the value of query parameter name (one the route declares), or NULL
 * when absent. */
const char *request_query(struct api_request *r, const char *name);

/* request_header: a request header's value, or NULL. */
const char *request_header(struct api_request *r, const char *name);

/* request_client_address: the client's IP address as text into out (n bytes,
 * 64 is enough), or "unknown". */
void request_client_address(struct api_request *r, char *out, size_t n);

/* request_json: the parsed body of a ROUTER_JSON_BODY route (borrowed; never NULL for
 * such routes), else NULL. */
json_t *request_json(struct api_request *r);

/* request_principal: who is calling; key_id is 0 on public routes. */
const struct auth_principal *request_principal(struct api_request *r);

/* request_pool: the server's connection pool (to use db_pool_exec directly when a
 * handler must tell SQLSTATEs apart). */
struct db_pool *request_pool(struct api_request *r);

/* request_db: a pooled connection for this request, acquired on first use and given
 * back when the handler returns, its statement_timeout bounded by what is left of the
 * request's time. NULL after answering 503 (pool_exhausted, database_unavailable or
 * deadline_exceeded), or when the request must move to a worker thread: the handler
 * then just returns (and, in the latter case, runs again there). */
PGconn *request_db(struct api_request *r);

/* request_batch_set: leave data for r's handler from its route's batch read
 * (api/router.h); free_fn frees it when the request ends. */
void request_batch_set(struct api_request *r, void *data, void (*free_fn)(void *));

/* request_batched: what the route's batch read left for r, or NULL (none ran, or it
 * found nothing for r). */
void *request_batched(struct api_request *r);

/* request_reply_pool_exhausted: answer 503 pool_exhausted (every connection busy for
 * longer than the pool wait). */
void request_reply_pool_exhausted(struct api_request *r);

/* request_rerun: 1 when the request runs again on a worker, having stopped on its HTTP
 * thread where it first needed the database (so a cache lookup it made there has just
 * missed, and need not be counted twice); else 0. */
int request_rerun(const struct api_request *r);

/* request_lang: the language of the texts the server writes for r: ?lang= when it
 * names one we have, else the best of Accept-Language (q-values honoured), else "en"
 * (common/i18n.h i18n_lang). */
const char *request_lang(struct api_request *r);

/* request_text: msgid (an English text or printf format, marked for the catalogue
 * check) in r's language; a format keeps its conversions (i18n_format). */
const char *request_text(struct api_request *r, const char *msgid)
    __attribute__((format_arg(2)));

/* request_add_header: add a response header (Location, Cache-Control...) to the answer
 * still to come. 0, or -1 when there are already REQUEST_MAX_HEADERS or they do not
 * fit in 127 bytes. */
int request_add_header(struct api_request *r, const char *name, const char *value);

/* request_reply_json: answer status with v as JSON; takes v's reference (v may be
 * NULL: then 500). Its error message and stored English sentences are translated
 * into r's language (api/messages.h); every JSON answer carries Content-Language and
 * Vary: Accept-Language. */
void request_reply_json(struct api_request *r, unsigned status, json_t *v);

/* request_reply_error: answer status with the one error shape, code and message: fmt
 * is translated into r's language (po/api-<lang>.po), the code never is. A 500
 * that follows a database timeout, a lost connection, or comes past the request's
 * deadline is answered as 503 database_unavailable instead; every 503 carries
 * Retry-After. */
void request_reply_error(struct api_request *r, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* request_reply_data: answer status with len bytes of data of content_type (copied);
 * JSON (a stored summary) is translated as request_reply_json does. */
void request_reply_data(struct api_request *r, unsigned status, const char *content_type,
    const void *data, size_t len);

/* request_reply_held: as request_reply_data, but data is sent where it lies, without
 * a copy: release(cls) is called once the answer no longer needs it (also when no
 * answer is given). */
void request_reply_held(struct api_request *r, unsigned status, const char *content_type,
    const void *data, size_t len, void (*release)(void *), void *cls);

/* request_reply_empty: answer status (204, ...) with no body. */
void request_reply_empty(struct api_request *r, unsigned status);

/* request_uri_nul: where the raw (still percent-encoded) request target uri carries
 * an encoded NUL byte ("%00"), which decoding would cut the path or a parameter at:
 * 0 nowhere, 1 in the path, 2 in the query string. Pure. */
int request_uri_nul(const char *uri);

/* request_take_response: the answer built for r (NULL when none yet), which the caller
 * queues and destroys. */
struct MHD_Response *request_take_response(struct api_request *r);

#endif
