#ifndef FAIRRATE_API_ME_STORE_H
#define FAIRRATE_API_ME_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "rater/methodology.h"

/*
 * A rated company's own view of itself (the /v1/me routes): everything behind its
 * rating, host-level detail included, with provenance. Only ever called with the
 * company of the caller's key. Statements are prepared on the pool's connections
 * (me_store_register). Functions returning int give 1 found, 0 not found, -1 on a
 * database error (logged).
 */

struct db_pool;

/* me_store_register: register this store's statements with pool. 0 or -1. */
int me_store_register(struct db_pool *pool);

/* me_store_company: {slug, name, sector, size_band, country, visibility, created_at}
 * of company id into *out (a new reference). */
int me_store_company(struct db_pool *pool, PGconn *conn, int64_t id, json_t **out);

/* What an evidence listing asks for. */
struct me_store_evidence_query {
	const char *status;            /* active, disputed, corrected, expired; NULL: all */
	const char *factor;            /* a factor code of m; NULL: all */
	int64_t after;                 /* evidence id; 0 for the first page */
	unsigned limit;
	int64_t now;                   /* evidence past its factor's lifetime under m at
	                                  now shows as expired */
	const char *outcome;           /* pass, fail, info; NULL: all */
	const char *items;             /* a JSON array: evidence ids, and asset ids negated
	                                  (every item on that asset); NULL: all */
};

/* me_store_evidence: up to q->limit of company id's evidence (every status) with
 * id > q->after in id order: [{id, check, title, factor, severity, outcome, asset
 * ({id, kind, value} or null), observation_key, details, source, collector_version,
 * first_seen, last_seen, recorded_at, status, stored_status, status_reason,
 * corrected_at, expires_at}]. m is the methodology in force (may be NULL: then
 * factor, severity and expiry are unknown: null). A new array, or NULL on error. */
json_t *me_store_evidence(struct db_pool *pool, PGconn *conn, int64_t id,
    const struct me_store_evidence_query *q, const struct methodology *m);

/* me_store_assets: up to limit of company id's assets, detached ones included, with
 * id > after: [{id, kind, value, source, confidence, attributed_at, detached,
 * detached_at, detached_reason}]. A new array, or NULL on error. */
json_t *me_store_assets(struct db_pool *pool, PGconn *conn, int64_t id, int64_t after,
    unsigned limit);

/* me_store_dispute_effect: what accepting a dispute over items of company id would do
 * to its rating: its latest rating recomputed from the current evidence (as the
 * explanation does) with and without those items (evidence ids; asset ids negated:
 * every item on the asset, and the asset no longer counted). {methodology_version,
 * score_now, grade_now, score_if_accepted, grade_if_accepted, change} (scores null
 * when insufficient data). 1 with *out, 0 when the company has no rating, -1. */
int me_store_dispute_effect(struct db_pool *pool, PGconn *conn, int64_t id,
    const int64_t *items, size_t nitems, json_t **out);

/* me_store_explanation: the full explanation of company id's latest rating
 * (rater/rating_json.h's rating_json_explanation, recomputed from its evidence at the
 * rating's as_of under its methodology, with its remediation plan) plus rating_id,
 * computed_at, reason and matches_stored_rating (false when the evidence changed
 * since: the stored figures are shown, the plan follows the current evidence).
 * 0 when the company has no rating yet. */
int me_store_explanation(struct db_pool *pool, PGconn *conn, int64_t id, json_t **out);

/* me_store_plan: company id's plan to target (a grade or a score: rater/plan.h), on
 * its current evidence under the methodology and as_of of its latest rating, as
 * plan_json gives it plus methodology_version and rating_id. 1 with *out; 0 when the
 * company has no rating yet; 2 when target is not a target of that methodology (err
 * says why); -1 on a database error. */
int me_store_plan(struct db_pool *pool, PGconn *conn, int64_t id, const char *target,
    json_t **out, char *err, size_t errlen);

#endif
