#ifndef FAIRRATE_API_WORLD_H
#define FAIRRATE_API_WORLD_H

#include <stddef.h>

#include <libpq-fe.h>

#include "tests/support/api_client.h"

/*
 * A small rated world for the API resource tests, inserted with SQL into a test
 * database and rated by the engine itself (rating_compute) at API_WORLD_NOW:
 *   acme     public, finance, medium: domain acme.example and a host with distinctive
 *            host-level details (API_WORLD_SECRET_*); evidence active, disputed,
 *            corrected, and one past its factor's lifetime; two ratings (history);
 *            its public page published
 *   beta     public, finance, small; gamma public, health, large; both rated
 *   hidden   private, finance: rated, must never show to investors or the public
 *            (its public page is published, and must not show either)
 *   norating public, retail: no rating
 * Methodology 2026.1 is in force, 2026.2 is published and upcoming (2026-04-01), and
 * 2026.3 is a draft. Every failure aborts the test.
 */

#define API_WORLD_NOW "2026-03-01T00:00:00Z"
#define API_WORLD_NOW_ENV "FAIRRATE_NOW=" API_WORLD_NOW

/* Host-level values that only the company's own /v1/me routes may show. */
#define API_WORLD_SECRET_HOST "secret-host-7f3a.example"
#define API_WORLD_SECRET_IP "203.0.113.77"
#define API_WORLD_SECRET_PORT "6379"
#define API_WORLD_SECRET_SOFTWARE "nginx/1.14.0"
#define API_WORLD_SECRET_HEADER "x-internal-token-9c2e51"

/* api_world_seed: insert and rate the world. */
void api_world_seed(PGconn *conn);

/* api_world_rate: rate company slug now (at API_WORLD_NOW) with the engine and
 * insert a ratings row with reason; returns the new row's id. */
long api_world_rate(PGconn *conn, const char *slug, const char *reason);

/* api_world_exec: run sql (no parameters, may hold several statements); the same as
 * testdb_exec. */
void api_world_exec(PGconn *conn, const char *sql);

/* api_world_path: the route pattern (as in api/routes.c) with its parameters filled
 * in from the world: {slug} acme, {version} 2026.1, {sector} finance, {id} the number
 * id, and any other parameter other (NULL: the number id too). Written into out (size
 * n, cut to fit); a '{' without its '}' aborts the test. */
void api_world_path(const char *pattern, long id, const char *other, char *out, size_t n);

/* api_world_start: a fresh test database (testdb_create, returned in *conn) with the
 * world seeded, and `fairrate serve` on it (api_client_start) at API_WORLD_NOW with
 * both rate limits off, plus the entries of extra_env ("NAME=VALUE", NULL-terminated,
 * at most API_WORLD_EXTRA_ENV of them; may be NULL). Returns the client; the caller
 * ends both with api_world_stop. Every failure aborts the test. */
#define API_WORLD_EXTRA_ENV 8
struct api_client *api_world_start(PGconn **conn, const char *const *extra_env);

/* api_world_stop: stop the server of c (may be NULL) and drop the database of conn. */
void api_world_stop(struct api_client *c, PGconn *conn);

#endif
