#ifndef FAIRRATE_API_PORTFOLIO_STORE_H
#define FAIRRATE_API_PORTFOLIO_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * Investors' portfolios. Each belongs to the key that made it (owner): every function
 * takes the owner and finds nothing in another key's portfolios. Private companies
 * are never added, listed or rated here. Statements are prepared on the pool's
 * connections (portfolio_store_register).
 */

struct db_pool;

#define PORTFOLIO_MAX_PER_KEY 100
#define PORTFOLIO_MAX_COMPANIES 1000

enum portfolio_result {
	PORTFOLIO_ERROR = -1,
	PORTFOLIO_OK = 0,
	PORTFOLIO_NO_PORTFOLIO,        /* none with that id belongs to the owner */
	PORTFOLIO_NO_COMPANY,          /* no public company has that slug (or, removing,
	                                  it is not in the portfolio) */
	PORTFOLIO_FULL                 /* PORTFOLIO_MAX_PER_KEY or _COMPANIES reached */
};

/* portfolio_store_register: register this store's statements with pool. 0 or -1. */
int portfolio_store_register(struct db_pool *pool);

/* portfolio_store_create: a new portfolio named name for owner; *out is
 * {id, name, created_at, updated_at, companies: 0, webhook_url: null} (a new
 * reference; webhook_url, here and in every portfolio object, is the URL its alerts
 * go to, dispute/webhook_store.h). FULL when owner
 * has PORTFOLIO_MAX_PER_KEY: the count and the insert run under a per-owner lock, so
 * parallel requests never pass the limit (nor, in portfolio_store_add,
 * PORTFOLIO_MAX_COMPANIES). */
enum portfolio_result portfolio_store_create(struct db_pool *pool, PGconn *conn,
    int64_t owner, const char *name, json_t **out);

/* portfolio_store_list: up to limit of owner's portfolios with id > after, in id
 * order: [{id, name, created_at, updated_at, companies}]. NULL on error. */
json_t *portfolio_store_list(struct db_pool *pool, PGconn *conn, int64_t owner,
    int64_t after, unsigned limit);

/* portfolio_store_get: portfolio id with its companies ([{slug, name, added_at}] in
 * slug order) into *out. */
enum portfolio_result portfolio_store_get(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id, json_t **out);

/* portfolio_store_delete: delete portfolio id. */
enum portfolio_result portfolio_store_delete(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id);

/* portfolio_store_add: add company slug to portfolio id (already there: OK). */
enum portfolio_result portfolio_store_add(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id, const char *slug);

/* portfolio_store_remove: remove company slug from portfolio id. */
enum portfolio_result portfolio_store_remove(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id, const char *slug);

/* portfolio_store_ratings: up to limit companies of portfolio id with slug > after,
 * in slug order: [{slug, name, sector, size_band, status, score, grade, confidence,
 * methodology_version, as_of, disputed}] into *out. */
enum portfolio_result portfolio_store_ratings(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id, const char *after, unsigned limit, json_t **out);

/* portfolio_store_summary: portfolio id at a glance at now (Unix seconds): what
 * portfolio_summary_build makes (api/portfolio_summary.h) of its public companies'
 * latest ratings and those in force 7, 30 and 90 days before now, with "portfolio"
 * ({id, name, created_at, updated_at, companies}) and "as_of", into *out. */
enum portfolio_result portfolio_store_summary(struct db_pool *pool, PGconn *conn,
    int64_t owner, int64_t id, int64_t now, json_t **out);

#endif
