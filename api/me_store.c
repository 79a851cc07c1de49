#include "api/me_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "api/methodology_cache.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/plan.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"

#define ME_COMPANY "me_company"
#define ME_EVIDENCE "me_evidence"
#define ME_ASSETS "me_assets"

#define ME_EPOCH(col) " extract(epoch FROM " col ")::bigint"

int
me_store_register(struct db_pool *pool)
{
	if (db_pool_register(pool, ME_COMPANY, "SELECT slug, name, sector, size_band,"
	    " country, visibility," ME_EPOCH("created_at") " FROM companies WHERE id = $1",
	    1) != 0 ||
	    db_pool_register(pool, ME_EVIDENCE, "SELECT e.id, e.check_code, e.outcome,"
	    " e.observation_key, e.details, e.source, e.collector_version,"
	    ME_EPOCH("e.first_seen") "," ME_EPOCH("e.last_seen") ","
	    ME_EPOCH("e.recorded_at") ", x.status, e.status, e.status_reason,"
	    ME_EPOCH("e.corrected_at") ", a.id, a.kind, a.value, x.expires,"
	    " u.title, u.factor, u.severity"
	    " FROM evidence e LEFT JOIN assets a ON a.id = e.asset_id"
	    " LEFT JOIN unweighted_checks u ON u.code = e.check_code"
	    " CROSS JOIN LATERAL (SELECT CASE WHEN e.status IN ('active', 'disputed')"
	    "  AND l.expires < $4::bigint THEN 'expired' ELSE e.status END AS status,"
	    "  l.expires FROM (SELECT extract(epoch FROM e.last_seen)::bigint"
	    "  + coalesce($3::jsonb ->> e.check_code, $3::jsonb ->> ('factor:' || u.factor))"
	    "  ::bigint AS expires) l) x"
	    " WHERE e.company_id = $1 AND e.id > $2"
	    " AND ($5::text IS NULL OR x.status = $5)"
	    " AND ($6::jsonb IS NULL OR $6::jsonb ? e.check_code OR u.factor = $8)"
	    " AND ($9::jsonb IS NULL OR $9::jsonb @> to_jsonb(e.id)"
	    "  OR $9::jsonb @> to_jsonb(-e.asset_id))"
	    " AND ($10::text IS NULL OR e.outcome = $10)"
	    " ORDER BY e.id LIMIT $7", 10) != 0 ||
	    db_pool_register(pool, ME_ASSETS, "SELECT id, kind, value, source, confidence,"
	    ME_EPOCH("attributed_at") "," ME_EPOCH("detached_at") ", detached_reason"
	    " FROM assets WHERE company_id = $1 AND id > $2 ORDER BY id LIMIT $3", 3) != 0)
		return (-1);
	return (0);
}

int
me_store_company(struct db_pool *pool, PGconn *conn, int64_t id, json_t **out)
{
	char sid[24];
	const char *params[1] = {sid};
	PGresult *res;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if ((res = db_pool_exec(pool, conn, ME_COMPANY, 1, params, NULL)) == NULL)
		return (-1);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (0);
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
	    "slug", PQgetvalue(res, 0, 0), "name", PQgetvalue(res, 0, 1),
	    "sector", PQgetvalue(res, 0, 2), "size_band", PQgetvalue(res, 0, 3),
	    "country", PQgetvalue(res, 0, 4), "visibility", PQgetvalue(res, 0, 5),
	    "created_at", company_view_time(PQgetvalue(res, 0, 6)));
	PQclear(res);
	return (*out != NULL ? 1 : -1);
}

/* How long evidence of factor f counts after last_seen, in seconds (0: no limit). */
static long long
me_lifetime(const struct methodology_factor *f)
{
	return (f->lifetime_days > 0 ? (long long)f->lifetime_days * TIMEFMT_DAY :
	    f->max_age_days > 0 ? (long long)f->max_age_days * TIMEFMT_DAY : 0);
}

/* Seconds each check of m counts for after last_seen: {check: seconds}, for checks
 * whose factor has a lifetime (or a maximum age); others never expire. */
static char *
me_lifetimes(const struct methodology *m)
{
	const struct methodology_factor *f;
	json_t *o = json_object();
	char *text = NULL, key[64];
	long long secs;
	size_t i;

	for (i = 0; o != NULL && m != NULL && i < m->nchecks; i++) {
		f = &m->factors[m->checks[i].factor];
		secs = me_lifetime(f);
		if (secs > 0 && json_object_set_new(o, m->checks[i].code,
		    json_integer(secs)) != 0)
			goto out;
	}
	/* Unweighted checks (no methodology entry) live as long as their factor. */
	for (i = 0; o != NULL && m != NULL && i < m->nfactors; i++) {
		secs = me_lifetime(&m->factors[i]);
		if (secs > 0 && (snprintf(key, sizeof(key), "factor:%s",
		    m->factors[i].code) >= (int)sizeof(key) ||
		    json_object_set_new(o, key, json_integer(secs)) != 0))
			goto out;
	}
	if (o != NULL)
		text = json_dumps(o, JSON_COMPACT);
out:
	json_decref(o);
	return (text);
}

/* The checks of factor code under m as a JSON array text; NULL on failure. */
static char *
me_factor_checks(const struct methodology *m, const char *code)
{
	int f = methodology_find_factor(m, code);
	json_t *a = json_array();
	char *text = NULL;
	size_t i;

	for (i = 0; a != NULL && i < m->nchecks; i++)
		if ((int)m->checks[i].factor == f &&
		    json_array_append_new(a, json_string(m->checks[i].code)) != 0)
			goto out;
	if (a != NULL)
		text = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	return (text);
}

static json_t *
me_text(const PGresult *res, int row, int col)
{
	return (PQgetisnull(res, row, col) ? json_null() :
	    json_string(PQgetvalue(res, row, col)));
}

static json_t *
me_evidence_item(const PGresult *res, int i, const struct methodology *m)
{
	const struct methodology_check *c = m ? methodology_find_check(m,
	    PQgetvalue(res, i, 1)) : NULL;
	json_t *o, *asset = json_null(), *reason = me_text(res, i, 12);
	char why[200];

	if (!PQgetisnull(res, i, 14))
		asset = json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)strtoll(PQgetvalue(res, i, 14), NULL, 10),
		    "kind", PQgetvalue(res, i, 15), "value", PQgetvalue(res, i, 16));
	if (strcmp(PQgetvalue(res, i, 10), PQgetvalue(res, i, 11)) != 0 && c != NULL) {
		json_decref(reason);
		snprintf(why, sizeof(why), "older than the %d-day lifetime of factor %s"
		    " under methodology %s", m->factors[c->factor].lifetime_days > 0 ?
		    m->factors[c->factor].lifetime_days : m->factors[c->factor].max_age_days,
		    m->factors[c->factor].code, m->version);
		reason = json_string(why);
	}
	o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:s, s:o,"
	    " s:o, s:o, s:s, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
	    "check", PQgetvalue(res, i, 1),
	    "title", c ? json_string(c->title) : me_text(res, i, 18),
	    "factor", c ? json_string(m->factors[c->factor].code) : me_text(res, i, 19),
	    "severity", c ? json_string(methodology_severity_name(c->severity)) :
	    me_text(res, i, 20),
	    "weighted", json_boolean(c != NULL),
	    "outcome", PQgetvalue(res, i, 2),
	    "asset", asset,
	    "observation_key", PQgetvalue(res, i, 3),
	    "details", json_loads(PQgetvalue(res, i, 4), 0, NULL),
	    "source", PQgetvalue(res, i, 5),
	    "collector_version", PQgetvalue(res, i, 6),
	    "first_seen", company_view_time(PQgetvalue(res, i, 7)),
	    "last_seen", company_view_time(PQgetvalue(res, i, 8)),
	    "recorded_at", company_view_time(PQgetvalue(res, i, 9)),
	    "status", PQgetvalue(res, i, 10),
	    "stored_status", PQgetvalue(res, i, 11),
	    "status_reason", reason,
	    "corrected_at", company_view_time(PQgetvalue(res, i, 13)),
	    "expires_at", company_view_time(PQgetvalue(res, i, 17)));
	return (o);
}

json_t *
me_store_evidence(struct db_pool *pool, PGconn *conn, int64_t id,
    const struct me_store_evidence_query *q, const struct methodology *m)
{
	char sid[24], safter[24], snow[24], slimit[16];
	char *lifetimes = NULL, *checks = NULL;
	const char *params[10];
	json_t *items = NULL, *item;
	PGresult *res = NULL;
	int i;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	snprintf(safter, sizeof(safter), "%lld", (long long)q->after);
	snprintf(snow, sizeof(snow), "%lld", (long long)q->now);
	snprintf(slimit, sizeof(slimit), "%u", q->limit);
	if ((lifetimes = me_lifetimes(m)) == NULL ||
	    (q->factor != NULL && (m == NULL || (checks = me_factor_checks(m,
	    q->factor)) == NULL))) {
		log_error("evidence: out of memory");
		goto out;
	}
	params[0] = sid;
	params[1] = safter;
	params[2] = lifetimes;
	params[3] = snow;
	params[4] = q->status;
	params[5] = checks;
	params[6] = slimit;
	params[7] = q->factor;
	params[8] = q->items;
	params[9] = q->outcome;
	if ((res = db_pool_exec(pool, conn, ME_EVIDENCE, 10, params, NULL)) == NULL)
		goto out;
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((item = me_evidence_item(res, i, m)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
			log_error("evidence: out of memory");
		}
out:
	PQclear(res);
	free(lifetimes);
	free(checks);
	return (items);
}

json_t *
me_store_assets(struct db_pool *pool, PGconn *conn, int64_t id, int64_t after,
    unsigned limit)
{
	char sid[24], safter[24], slimit[16];
	const char *params[3] = {sid, safter, slimit};
	json_t *items, *item;
	PGresult *res;
	int i;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	snprintf(safter, sizeof(safter), "%lld", (long long)after);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	if ((res = db_pool_exec(pool, conn, ME_ASSETS, 3, params, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((item = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o}",
		    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
		    "kind", PQgetvalue(res, i, 1), "value", PQgetvalue(res, i, 2),
		    "source", PQgetvalue(res, i, 3),
		    "confidence", company_view_number(PQgetvalue(res, i, 4)),
		    "attributed_at", company_view_time(PQgetvalue(res, i, 5)),
		    "detached", !PQgetisnull(res, i, 6),
		    "detached_at", company_view_time(PQgetvalue(res, i, 6)),
		    "detached_reason", me_text(res, i, 7))) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
			log_error("assets: out of memory");
		}
	PQclear(res);
	return (items);
}

int
me_store_explanation(struct db_pool *pool, PGconn *conn, int64_t id, json_t **out)
{
	const struct methodology *m;
	PGresult *res;
	int rc = -1;

	*out = NULL;
	if ((res = rating_store_latest(conn, id)) == NULL)
		return (-1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 5)) {
		PQclear(res);
		return (0);
	}
	if ((m = methodology_cache_get(pool, conn, PQgetvalue(res, 0, 6))) != NULL &&
	    (*out = rating_store_explain(conn, id, m, res)) != NULL)
		rc = 1;
	PQclear(res);
	return (rc);
}

int
me_store_plan(struct db_pool *pool, PGconn *conn, int64_t id, const char *target,
    json_t **out, char *err, size_t errlen)
{
	const struct methodology *m;
	struct plan p;
	PGresult *res;
	int rc = -1;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	if ((res = rating_store_latest(conn, id)) == NULL)
		return (-1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 5)) {
		PQclear(res);
		return (0);
	}
	if ((m = methodology_cache_get(pool, conn, PQgetvalue(res, 0, 6))) == NULL ||
	    (rc = rating_store_plan(conn, id, m, strtoll(PQgetvalue(res, 0, 17), NULL, 10),
	    target, &p, err, errlen)) != 0)
		goto out;
	rc = -1;
	if ((*out = plan_json(&p, m)) == NULL ||
	    json_object_set_new(*out, "methodology_version",
	    json_string(m->version)) != 0 ||
	    json_object_set_new(*out, "rating_id",
	    json_integer(strtoll(PQgetvalue(res, 0, 5), NULL, 10))) != 0) {
		json_decref(*out);
		*out = NULL;
		log_error("company %lld: cannot plan", (long long)id);
		goto out;
	}
	rc = 1;
out:
	plan_free(&p);
	PQclear(res);
	return (rc);
}

/* Whether ev is one of items (an evidence id, or on an asset whose id is negated). */
static int
me_store_is_item(const struct rating_evidence *ev, const int64_t *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (items[i] == ev->id || (items[i] < 0 && ev->asset_id == -items[i]))
			return (1);
	return (0);
}

static json_t *
me_store_score(const struct rating *r)
{
	return (r->status == RATING_RATED ? json_real(r->score) : json_null());
}

int
me_store_dispute_effect(struct db_pool *pool, PGconn *conn, int64_t id,
    const int64_t *items, size_t nitems, json_t **out)
{
	const struct methodology *m;
	struct rating_store_input in;
	struct rating_input without;
	struct rating_evidence *kept = NULL;
	struct rating *now = NULL, *acc = NULL;
	PGresult *res;
	size_t i, k = 0, assets = 0;
	int rc = -1;

	*out = NULL;
	memset(&in, 0, sizeof(in));
	if ((res = rating_store_latest(conn, id)) == NULL)
		return (-1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 5)) {
		PQclear(res);
		return (0);
	}
	if ((m = methodology_cache_get(pool, conn, PQgetvalue(res, 0, 6))) == NULL ||
	    rating_store_load_input(conn, id, m, strtoll(PQgetvalue(res, 0, 17), NULL, 10),
	    &in) != 0)
		goto out;
	if (in.in.nevidence > 0 &&
	    (kept = malloc(in.in.nevidence * sizeof(*kept))) == NULL)
		goto out;
	for (i = 0; i < in.in.nevidence; i++)
		if (!me_store_is_item(&in.evidence[i], items, nitems))
			kept[k++] = in.evidence[i];
	for (i = 0; i < nitems; i++)
		assets += items[i] < 0;
	without = in.in;
	without.evidence = kept;
	without.nevidence = k;
	without.asset_count = in.in.asset_count > assets ? in.in.asset_count - assets : 0;
	if ((now = rating_compute_outcome(&in.in)) == NULL ||
	    (acc = rating_compute_outcome(&without)) == NULL)
		goto out;
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "methodology_version", m->version,
	    "score_now", me_store_score(now), "grade_now", now->status == RATING_RATED ?
	    json_string(now->grade) : json_null(), "score_if_accepted", me_store_score(acc),
	    "grade_if_accepted", acc->status == RATING_RATED ? json_string(acc->grade) :
	    json_null(), "change", now->status == RATING_RATED && acc->status == RATING_RATED ?
	    json_real(rating_json_round(acc->score_unrounded - now->score_unrounded, 100)) :
	    json_null());
	rc = *out != NULL ? 1 : -1;
out:
	rating_free(now);
	rating_free(acc);
	free(kept);
	rating_store_input_free(&in);
	PQclear(res);
	return (rc);
}
