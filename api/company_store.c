#include "api/company_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "api/methodology_cache.h"
#include "api/publication_store.h"
#include "api/summary_store.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/regdomain.h"

#define CS_FIND "company_find"
#define CS_SUMMARY_SLUG "company_summary_slug"
#define CS_SUMMARY_ID "company_summary_id"
#define CS_SEARCH "company_search"
#define CS_HISTORY "company_history"
/* A company's identity: a registered domain attributed this firmly (the least a claim
 * accepts, api/claim_rules.h). Lookups by domain match only these, so that they say
 * nothing about the host names a company has (principle 6). */
#define CS_IDENTITY_CONFIDENCE "0.9"
#define CS_PEERS "company_peers"
#define CS_BY_DOMAIN "company_by_domain"
#define CS_SUMMARY_STALE "company_summary_stale"

/* The latest rating of company c, as r (all NULL when it has none). */
#define CS_LATEST \
	" LEFT JOIN LATERAL (SELECT id, status, score, grade, confidence," \
	" insufficient_reason, methodology_version, factors, as_of FROM ratings" \
	" WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true"

#define CS_SUMMARY_SQL \
	"SELECT c.id, c.slug, c.name, c.sector, c.size_band, c.country, r.status," \
	" r.score, r.grade, r.confidence, r.insufficient_reason, r.methodology_version," \
	" r.factors, extract(epoch FROM r.as_of)::bigint," \
	" (SELECT coalesce(json_agg(DISTINCT e.check_code), '[]'::json) FROM evidence e" \
	"  WHERE e.company_id = c.id AND e.status = 'disputed')," \
	" u.version, extract(epoch FROM u.effective_at)::bigint," \
	" r.id, c.summary_epoch, (SELECT n FROM summary_generation)" \
	" FROM companies c" CS_LATEST \
	" LEFT JOIN LATERAL (SELECT version, effective_at FROM methodology_versions" \
	"  WHERE status = 'published' AND effective_at > to_timestamp($2)" \
	"  ORDER BY effective_at LIMIT 1) u ON true"

/* Peers: the rated public companies of a sector, with their size band and score. */
#define CS_RATED_PEERS \
	" SELECT c.size_band, r.score FROM me, companies c JOIN LATERAL (SELECT status, score" \
	" FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true" \
	" WHERE c.sector = me.sector AND c.visibility = 'public' AND r.status = 'rated'"

int
company_store_register(struct db_pool *pool)
{
	/* The summaries' factors are read with methodology_cache_get, which needs the
	 * publication statements. */
	if (publication_store_register(pool) != 0 ||
	    db_pool_register(pool, CS_FIND, "SELECT id FROM companies"
	    " WHERE slug = $1 AND visibility = 'public'", 1) != 0 ||
	    db_pool_register(pool, CS_SUMMARY_SLUG, CS_SUMMARY_SQL
	    " WHERE c.slug = $1 AND c.visibility = 'public'", 2) != 0 ||
	    db_pool_register(pool, CS_SUMMARY_ID, CS_SUMMARY_SQL
	    " WHERE c.id = $1::bigint AND c.visibility = 'public'", 2) != 0 ||
	    db_pool_register(pool, CS_SUMMARY_STALE, CS_SUMMARY_SQL
	    " WHERE c.id > $1::bigint AND c.id <= $4::bigint AND c.visibility = 'public'"
	    " AND NOT EXISTS"
	    " (SELECT 1 FROM company_summaries s WHERE s.company_id = c.id AND"
	    SUMMARY_STORE_CURRENT("s", "$2") ")"
	    " ORDER BY c.id LIMIT $3", 4) != 0 ||
	    db_pool_register(pool, CS_SEARCH,
	    "SELECT c.slug, c.name, c.sector, c.size_band, c.country, r.status, r.score,"
	    " r.grade, r.confidence, r.methodology_version,"
	    " extract(epoch FROM r.as_of)::bigint FROM companies c" CS_LATEST
	    " WHERE c.visibility = 'public' AND c.slug > $1"
	    " AND ($2::text IS NULL OR strpos(lower(c.name), lower($2)) > 0)"
	    " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM assets a"
	    "  WHERE a.company_id = c.id AND a.kind = 'domain' AND a.detached_at IS NULL"
	    "  AND a.confidence >= " CS_IDENTITY_CONFIDENCE " AND lower(a.value) = lower($3)))"
	    " AND ($4::text IS NULL OR c.sector = $4)"
	    " AND ($5::text IS NULL OR r.grade = $5)"
	    " ORDER BY c.slug LIMIT $6", 6) != 0 ||
	    db_pool_register(pool, CS_HISTORY,
	    "SELECT id, extract(epoch FROM computed_at)::bigint,"
	    " extract(epoch FROM as_of)::bigint, methodology_version, status, score, grade,"
	    " confidence, reason FROM ratings WHERE company_id = $1 AND id < $2"
	    " ORDER BY id DESC LIMIT $3", 3) != 0 ||
	    db_pool_register(pool, CS_PEERS,
	    "WITH me AS (SELECT c.sector, c.size_band, r.status, r.score FROM companies c"
	    CS_LATEST " WHERE c.id = $1 AND (c.visibility = 'public' OR $2)),"
	    " peers AS (" CS_RATED_PEERS ")"
	    " SELECT me.sector, me.size_band, me.status, me.score,"
	    " (SELECT count(*) FROM peers),"
	    " (SELECT count(*) FROM peers WHERE peers.score < me.score),"
	    " (SELECT count(*) FROM peers WHERE peers.score = me.score),"
	    " (SELECT count(*) FROM peers WHERE peers.size_band = me.size_band),"
	    " (SELECT count(*) FROM peers WHERE peers.size_band = me.size_band"
	    "  AND peers.score < me.score),"
	    " (SELECT count(*) FROM peers WHERE peers.size_band = me.size_band"
	    "  AND peers.score = me.score)"
	    " FROM me", 2) != 0 ||
	    db_pool_register(pool, CS_BY_DOMAIN,
	    "SELECT a.company_id FROM assets a JOIN companies c ON c.id = a.company_id"
	    " WHERE a.kind = 'domain' AND lower(a.value) = lower($1)"
	    " AND a.confidence >= " CS_IDENTITY_CONFIDENCE
	    " AND a.detached_at IS NULL AND c.visibility = 'public'"
	    " ORDER BY a.confidence DESC, a.attributed_at, a.id LIMIT 1", 1) != 0)
		return (-1);
	return (0);
}

static const char *
cs_value(const PGresult *res, int row, int col)
{
	return (PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col));
}

/* One row, or 0 rows: 1 or 0 with *res kept for 1; -1 on error. */
static int
cs_one(struct db_pool *pool, PGconn *conn, const char *name, int n,
    const char *const *params, PGresult **res)
{
	if ((*res = db_pool_exec(pool, conn, name, n, params, NULL)) == NULL)
		return (-1);
	if (PQntuples(*res) == 1)
		return (1);
	PQclear(*res);
	*res = NULL;
	return (0);
}

int
company_store_find(struct db_pool *pool, PGconn *conn, const char *slug, int64_t *id)
{
	const char *params[1] = {slug};
	PGresult *res;
	int rc;

	if ((rc = cs_one(pool, conn, CS_FIND, 1, params, &res)) == 1) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return (rc);
}

/* Row i of a CS_SUMMARY_SQL result as its summary (*out) and, when stamp is not NULL,
 * what it was rendered from. 1, or -1 (logged). */
static int
cs_summary_row(struct db_pool *pool, PGconn *conn, const PGresult *res, int i,
    json_t **out, struct summary_stamp *stamp)
{
	const struct methodology *m = NULL;
	struct company_view_row row;

	memset(&row, 0, sizeof(row));
	row.slug = cs_value(res, i, 1);
	row.name = cs_value(res, i, 2);
	row.sector = cs_value(res, i, 3);
	row.size_band = cs_value(res, i, 4);
	row.country = cs_value(res, i, 5);
	row.status = cs_value(res, i, 6);
	row.score = cs_value(res, i, 7);
	row.grade = cs_value(res, i, 8);
	row.confidence = cs_value(res, i, 9);
	row.insufficient_reason = cs_value(res, i, 10);
	row.methodology_version = cs_value(res, i, 11);
	row.factors = cs_value(res, i, 12);
	row.as_of = cs_value(res, i, 13);
	row.disputed_checks = cs_value(res, i, 14);
	row.upcoming_version = cs_value(res, i, 15);
	row.upcoming_effective_at = cs_value(res, i, 16);
	if (stamp != NULL) {
		stamp->company_id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		stamp->rating_id = PQgetisnull(res, i, 17) ? 0 :
		    strtoll(PQgetvalue(res, i, 17), NULL, 10);
		stamp->company_epoch = strtoll(PQgetvalue(res, i, 18), NULL, 10);
		stamp->methodology_epoch = strtoll(PQgetvalue(res, i, 19), NULL, 10);
		stamp->expires_at = row.upcoming_effective_at != NULL ?
		    strtoll(row.upcoming_effective_at, NULL, 10) : 0;
	}
	/* The stored factors are read with the rating's own methodology version, which
	 * also says which factor a dispute opened since the rating belongs to. */
	if (row.methodology_version != NULL &&
	    (m = methodology_cache_get(pool, conn, row.methodology_version)) == NULL)
		return (-1);
	*out = company_view_summary(&row, m);
	return (*out != NULL ? 1 : -1);
}

int
company_store_summary(struct db_pool *pool, PGconn *conn, const char *slug, int64_t id,
    int64_t now, json_t **out, struct summary_stamp *stamp)
{
	char sid[24], snow[24];
	const char *params[2] = {slug != NULL ? slug : sid, snow};
	PGresult *res;
	int rc;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	rc = cs_one(pool, conn, slug != NULL ? CS_SUMMARY_SLUG : CS_SUMMARY_ID, 2, params,
	    &res);
	if (rc != 1)
		return (rc);
	rc = cs_summary_row(pool, conn, res, 0, out, stamp);
	PQclear(res);
	return (rc);
}

int
company_store_summaries_stale(struct db_pool *pool, PGconn *conn, int64_t after,
    int64_t upto, int64_t now, unsigned limit, company_summary_fn *fn, void *arg)
{
	char safter[24], supto[24], snow[24], slimit[16];
	const char *params[4] = {safter, snow, slimit, supto};
	struct summary_stamp stamp;
	json_t *summary;
	PGresult *res;
	int i, n, rc;

	snprintf(safter, sizeof(safter), "%lld", (long long)after);
	snprintf(supto, sizeof(supto), "%lld", (long long)upto);
	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	if ((res = db_pool_exec(pool, conn, CS_SUMMARY_STALE, 4, params, NULL)) == NULL)
		return (-1);
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (cs_summary_row(pool, conn, res, i, &summary, &stamp) != 1) {
			n = -1;
			break;
		}
		rc = fn(arg, &stamp, summary);
		json_decref(summary);
		if (rc != 0) {
			n = -1;
			break;
		}
	}
	PQclear(res);
	return (n);
}

json_t *
company_store_search(struct db_pool *pool, PGconn *conn, const struct company_store_query *f,
    const char *after, unsigned limit)
{
	char slimit[16];
	const char *params[6] = {after, f->q, f->domain, f->sector, f->grade, slimit};
	struct company_view_row row;
	json_t *items, *item;
	PGresult *res;
	int i;

	snprintf(slimit, sizeof(slimit), "%u", limit);
	if (f->domain != NULL && !regdomain_is_registered(f->domain))
		return (json_array());     /* a host name is nobody's identity */
	if ((res = db_pool_exec(pool, conn, CS_SEARCH, 6, params, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++) {
		memset(&row, 0, sizeof(row));
		row.slug = cs_value(res, i, 0);
		row.name = cs_value(res, i, 1);
		row.sector = cs_value(res, i, 2);
		row.size_band = cs_value(res, i, 3);
		row.country = cs_value(res, i, 4);
		row.status = cs_value(res, i, 5);
		row.score = cs_value(res, i, 6);
		row.grade = cs_value(res, i, 7);
		row.confidence = cs_value(res, i, 8);
		row.methodology_version = cs_value(res, i, 9);
		row.as_of = cs_value(res, i, 10);
		if ((item = company_view_item(&row)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	PQclear(res);
	if (items == NULL)
		log_error("companies: out of memory listing a search");
	return (items);
}

json_t *
company_store_history(struct db_pool *pool, PGconn *conn, int64_t id, int64_t before,
    unsigned limit)
{
	char sid[24], sbefore[24], slimit[16];
	const char *params[3] = {sid, sbefore, slimit};
	json_t *items, *item;
	PGresult *res;
	int i;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	snprintf(sbefore, sizeof(sbefore), "%lld", (long long)before);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	if ((res = db_pool_exec(pool, conn, CS_HISTORY, 3, params, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++) {
		item = json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:s, s:s}",
		    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
		    "computed_at", company_view_time(cs_value(res, i, 1)),
		    "as_of", company_view_time(cs_value(res, i, 2)),
		    "methodology_version", PQgetvalue(res, i, 3),
		    "status", PQgetvalue(res, i, 4),
		    "score", company_view_number(cs_value(res, i, 5)),
		    "grade", cs_value(res, i, 6) ? json_string(cs_value(res, i, 6)) :
		    json_null(),
		    "confidence", PQgetvalue(res, i, 7),
		    "reason", PQgetvalue(res, i, 8));
		if (item == NULL || json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	PQclear(res);
	if (items == NULL)
		log_error("companies: out of memory listing a history");
	return (items);
}

/* 100 * (below + equal / 2) / n, to one decimal; null without peers or a score. */
static json_t *
cs_percentile(const char *n, const char *below, const char *equal, int has_score)
{
	double dn = strtod(n, NULL), p;

	if (!has_score || dn <= 0)
		return (json_null());
	p = 100.0 * (strtod(below, NULL) + strtod(equal, NULL) / 2.0) / dn;
	return (json_real((double)(long long)(p * 10.0 + 0.5) / 10.0));
}

int
company_store_peers(struct db_pool *pool, PGconn *conn, int64_t id, int own,
    json_t **out)
{
	char sid[24];
	const char *params[2] = {sid, own ? "true" : "false"};
	PGresult *res;
	int rc, rated;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if ((rc = cs_one(pool, conn, CS_PEERS, 2, params, &res)) != 1)
		return (rc);
	rated = !PQgetisnull(res, 0, 3);
	*out = json_pack("{s:s, s:s, s:s, s:o, s:{s:I, s:o}, s:{s:I, s:o}}",
	    "sector", PQgetvalue(res, 0, 0),
	    "size_band", PQgetvalue(res, 0, 1),
	    "status", PQgetisnull(res, 0, 2) ? "not_rated" : PQgetvalue(res, 0, 2),
	    "score", company_view_number(cs_value(res, 0, 3)),
	    "in_sector",
	    "companies_rated", (json_int_t)strtoll(PQgetvalue(res, 0, 4), NULL, 10),
	    "percentile", cs_percentile(PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5),
	    PQgetvalue(res, 0, 6), rated),
	    "in_size_band",
	    "companies_rated", (json_int_t)strtoll(PQgetvalue(res, 0, 7), NULL, 10),
	    "percentile", cs_percentile(PQgetvalue(res, 0, 7), PQgetvalue(res, 0, 8),
	    PQgetvalue(res, 0, 9), rated));
	PQclear(res);
	return (*out != NULL ? 1 : -1);
}

int
company_store_by_domain(struct db_pool *pool, PGconn *conn, const char *domain, int64_t *id)
{
	const char *params[1] = {domain};
	PGresult *res;
	int rc;

	if (!regdomain_is_registered(domain))
		return (0);                /* a host name is nobody's identity */
	if ((rc = cs_one(pool, conn, CS_BY_DOMAIN, 1, params, &res)) == 1) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return (rc);
}
