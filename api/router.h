#ifndef FAIRRATE_API_ROUTER_H
#define FAIRRATE_API_ROUTER_H

#include <stddef.h>

#include <libpq-fe.h>

/*
 * Request routing: a table of routes, each a method, a path pattern whose segments
 * may be {params}, the roles it admits (enum auth_role bits), flags and the query
 * parameters it accepts. Matching is pure (no I/O) so that unit tests reach it.
 *
 * Parameters are validated by name: {slug} is a company slug ([a-z0-9][a-z0-9-]{0,62}),
 * {id} a positive decimal of at most 18 digits, {version} a methodology version
 * (YYYY.N), {sector} a sector code ([a-z][a-z0-9_]{0,39}); any other name takes 1 to 64
 * of [A-Za-z0-9._-]. A path whose parameter is invalid matches no route (404).
 * A GET route also answers HEAD.
 */

struct api_request;

/* A handler answers its request through the request_* functions (api/request.h). */
typedef void (*router_handler)(struct api_request *req);

/* The most requests one batch read serves. */
#define ROUTER_BATCH_MAX 16

/* A route's batch read: run on a worker that took n (2..ROUTER_BATCH_MAX) queued
 * requests of the route at once, before their handlers run, with a connection of its
 * own (db) that it gives back. It leaves for each request what its handler would
 * otherwise read itself (request_batch_set), so that n lookups cost the database one
 * statement; a handler that finds nothing left for it reads as usual. The routes
 * that have one are listed apart from the table (routes_batch, api/routes.h). */
typedef void (*router_batch)(struct api_request *const *reqs, size_t n, PGconn *db);

enum router_flag {
	ROUTER_JSON_BODY = 1 << 0,      /* the body must be application/json (415, 400) */
	ROUTER_UNLIMITED = 1 << 1       /* not rate limited (health checks, metrics) */
};

struct router_route {
	const char *method;             /* "GET", "POST", "PUT", "DELETE" */
	const char *pattern;            /* "/v1/companies/{slug}" */
	unsigned roles;                 /* enum auth_role bits */
	unsigned flags;                 /* enum router_flag bits */
	const char *query;              /* accepted query parameters, comma-separated
	                                   ("limit,cursor,q"); NULL: none */
	router_handler handler;
};

#define ROUTER_MAX_PARAMS 4
#define ROUTER_NAME_MAX 32
#define ROUTER_VALUE_MAX 128

struct router_match {
	const struct router_route *route;
	size_t index;                   /* of route in the table */
	size_t nparams;
	char names[ROUTER_MAX_PARAMS][ROUTER_NAME_MAX];
	char values[ROUTER_MAX_PARAMS][ROUTER_VALUE_MAX];
};

enum router_result {
	ROUTER_FOUND = 0,
	ROUTER_NOT_FOUND,               /* no route has this path: 404 */
	ROUTER_METHOD_NOT_ALLOWED       /* routes have this path, not this method: 405 */
};

/* router_match: find the route for method and path (already percent-decoded, without
 * the query string) in routes[0..n). On ROUTER_FOUND, m holds the route, its index and
 * its parameters; otherwise m->route is NULL. */
enum router_result router_match(const struct router_route *routes, size_t n,
    const char *method, const char *path, struct router_match *m);

/* router_allow: write the methods that path answers, as an Allow header value ("GET,
 * HEAD, POST"), into out (size outn). Returns the number of methods (0: no route has
 * this path), or -1 when out is too small. */
int router_allow(const struct router_route *routes, size_t n, const char *path,
    char *out, size_t outn);

/* router_param: the value of parameter name in m, or NULL. */
const char *router_param(const struct router_match *m, const char *name);

/* router_param_valid: whether value is valid for a parameter called name (see above). */
int router_param_valid(const char *name, const char *value);

/* router_query_accepted: whether route accepts the query parameter name. */
int router_query_accepted(const struct router_route *route, const char *name);

/* router_check_table: whether every pattern in routes is well formed (starts with '/',
 * no empty segment, at most ROUTER_MAX_PARAMS parameters, names that fit) and no two
 * routes share a method and pattern. 0, or -1 after logging the first bad entry. */
int router_check_table(const struct router_route *routes, size_t n);

#endif
