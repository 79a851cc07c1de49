#ifndef FAIRRATE_API_COMPANY_STORE_H
#define FAIRRATE_API_COMPANY_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * The investor view of companies: summaries, search, history, peers, lookup by
 * domain. Only public companies (visibility 'public') are ever found here; a private
 * one is answered exactly like one that does not exist. Every statement is prepared
 * on the pool's connections (company_store_register). Functions returning int give
 * 1 found, 0 not found, -1 on a database error (logged by the pool).
 */

struct db_pool;
struct summary_stamp;

/* company_store_register: register this store's statements with pool. 0 or -1. */
int company_store_register(struct db_pool *pool);

/* company_store_find: the id of the public company slug into *id. */
int company_store_find(struct db_pool *pool, PGconn *conn, const char *slug, int64_t *id);

/* company_store_summary: the investor summary (api/company_view.h) of the public
 * company slug, or (slug NULL) of company id, with the methodology in force at now
 * telling the upcoming one. *out is a new reference when 1; *stamp (when not NULL)
 * says what it was rendered from, for api/summary_store.h. */
int company_store_summary(struct db_pool *pool, PGconn *conn, const char *slug,
    int64_t id, int64_t now, json_t **out, struct summary_stamp *stamp);

/* A rendered summary for company_store_summaries_stale (borrowed: dropped when fn
 * returns). 0 to go on, -1 to stop. */
typedef int company_summary_fn(void *arg, const struct summary_stamp *stamp,
    json_t *summary);

/* company_store_summaries_stale: render up to limit public companies with id in
 * (after, upto], in id order, whose stored summary is missing or out of date at now,
 * through fn. The count rendered (0 when none is left), or -1. */
int company_store_summaries_stale(struct db_pool *pool, PGconn *conn, int64_t after,
    int64_t upto, int64_t now, unsigned limit, company_summary_fn *fn, void *arg);

/* The filters of a search; NULL members do not filter. */
struct company_store_query {
	const char *q;                 /* part of the name, any case */
	const char *domain;            /* an attributed domain, exactly (any case) */
	const char *sector;
	const char *grade;             /* of the latest rating */
};

/* company_store_search: up to limit public companies matching f with slug > after
 * ("" for the first page), in slug order, as company_view_item objects. A new
 * array, or NULL on error. */
json_t *company_store_search(struct db_pool *pool, PGconn *conn,
    const struct company_store_query *f, const char *after, unsigned limit);

/* company_store_history: up to limit ratings of company id with ratings id < before,
 * newest first: [{id, computed_at, as_of, methodology_version, status, score, grade,
 * confidence, reason}]. A new array, or NULL on error. */
json_t *company_store_history(struct db_pool *pool, PGconn *conn, int64_t id,
    int64_t before, unsigned limit);

/* company_store_peers: where company id (public, or any when own: the company asking
 * about itself) stands among the public rated companies: {sector, size_band, status,
 * score, in_sector: {companies_rated, percentile}, in_size_band: {...}} where the
 * percentile is 100 * (rated peers scoring below + half of those scoring the same,
 * itself included) / rated peers, one decimal; null when the company has no score.
 * *out is a new reference when 1. */
int company_store_peers(struct db_pool *pool, PGconn *conn, int64_t id, int own,
    json_t **out);

/* company_store_by_domain: the public company whose identity domain is domain: a
 * registered domain (common/regdomain.h) attributed with confidence 0.9 or more, not
 * detached (the highest confidence first, then the oldest attribution). A host name
 * below a registered domain is never found. */
int company_store_by_domain(struct db_pool *pool, PGconn *conn, const char *domain,
    int64_t *id);

#endif
