#include "api/portfolio_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "api/portfolio_summary.h"
#include "common/db.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/timefmt.h"

#define PF_CREATE "portfolio_create"
#define PF_LIST "portfolio_list"
#define PF_OWNED "portfolio_owned"
#define PF_COMPANIES "portfolio_companies"
#define PF_DELETE "portfolio_delete"
#define PF_ADD "portfolio_add"
#define PF_REMOVE "portfolio_remove"
#define PF_RATINGS "portfolio_ratings"
#define PF_LOCK "portfolio_lock"
#define PF_SUMMARY "portfolio_summary"

/* The lock that makes an owner's count (portfolios, or companies of a portfolio) and
 * the insert it limits one step for parallel requests:
 * pg_advisory_xact_lock(PF_LOCK_CLASS, owner key id folded into an int4; two keys
 * sharing a fold only wait for each other). "pfol" in ASCII. */
#define PF_LOCK_CLASS "1885761388"

#define PF_STR(x) #x
#define PF_XSTR(x) PF_STR(x)

#define PF_COLS \
	"p.id, p.name, extract(epoch FROM p.created_at)::bigint," \
	" extract(epoch FROM p.updated_at)::bigint," \
	" (SELECT count(*) FROM portfolio_companies pc JOIN companies c" \
	"  ON c.id = pc.company_id AND c.visibility = 'public' WHERE pc.portfolio_id = p.id)," \
	" (SELECT url FROM webhooks w WHERE w.portfolio_id = p.id)"

/* The score and grade (as p.score, p.grade) of the rating in force DAYS days before
 * $2 (Unix seconds): the latest by as_of at or before then. */
#define PF_PAST(days, p) \
	" LEFT JOIN LATERAL (SELECT score, grade FROM ratings WHERE company_id = c.id" \
	" AND as_of <= to_timestamp($2) - interval '" days " days'" \
	" ORDER BY as_of DESC, id DESC LIMIT 1) " p " ON true"

int
portfolio_store_register(struct db_pool *pool)
{
	if (db_pool_register(pool, PF_LOCK, "SELECT pg_advisory_xact_lock(" PF_LOCK_CLASS
	    ", ($1::bigint % 2147483648)::int)", 1) != 0 ||
	    db_pool_register(pool, PF_CREATE, "WITH p AS (INSERT INTO portfolios"
	    " (owner_key_id, name) SELECT $1, $2 WHERE (SELECT count(*) FROM portfolios"
	    " WHERE owner_key_id = $1) < " PF_XSTR(PORTFOLIO_MAX_PER_KEY)
	    " RETURNING *) SELECT " PF_COLS " FROM p", 2) != 0 ||
	    db_pool_register(pool, PF_LIST, "SELECT " PF_COLS " FROM portfolios p"
	    " WHERE p.owner_key_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3", 3) != 0 ||
	    db_pool_register(pool, PF_OWNED, "SELECT " PF_COLS " FROM portfolios p"
	    " WHERE p.id = $1 AND p.owner_key_id = $2", 2) != 0 ||
	    db_pool_register(pool, PF_COMPANIES, "SELECT c.slug, c.name,"
	    " extract(epoch FROM pc.added_at)::bigint FROM portfolio_companies pc"
	    " JOIN companies c ON c.id = pc.company_id AND c.visibility = 'public'"
	    " WHERE pc.portfolio_id = $1 ORDER BY c.slug", 1) != 0 ||
	    db_pool_register(pool, PF_DELETE, "DELETE FROM portfolios"
	    " WHERE id = $1 AND owner_key_id = $2 RETURNING id", 2) != 0 ||
	    db_pool_register(pool, PF_ADD, "WITH p AS (SELECT id FROM portfolios"
	    "  WHERE id = $1 AND owner_key_id = $2),"
	    " c AS (SELECT id FROM companies WHERE slug = $3 AND visibility = 'public'),"
	    " n AS (SELECT count(*) AS n FROM portfolio_companies WHERE portfolio_id = $1),"
	    " present AS (SELECT 1 FROM portfolio_companies pc, c"
	    "  WHERE pc.portfolio_id = $1 AND pc.company_id = c.id),"
	    " ins AS (INSERT INTO portfolio_companies (portfolio_id, company_id)"
	    "  SELECT p.id, c.id FROM p, c, n WHERE n.n < "
	    PF_XSTR(PORTFOLIO_MAX_COMPANIES)
	    "  ON CONFLICT DO NOTHING RETURNING 1),"
	    " upd AS (UPDATE portfolios SET updated_at = now() WHERE id = $1"
	    "  AND EXISTS (SELECT 1 FROM ins) RETURNING 1)"
	    " SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c),"
	    " (SELECT count(*) FROM present), (SELECT count(*) FROM ins),"
	    " (SELECT count(*) FROM upd)", 3) != 0 ||
	    db_pool_register(pool, PF_REMOVE, "WITH p AS (SELECT id FROM portfolios"
	    "  WHERE id = $1 AND owner_key_id = $2),"
	    " del AS (DELETE FROM portfolio_companies pc USING p, companies c"
	    "  WHERE pc.portfolio_id = p.id AND c.id = pc.company_id AND c.slug = $3"
	    "  AND c.visibility = 'public' RETURNING 1),"
	    " upd AS (UPDATE portfolios SET updated_at = now() WHERE id = $1"
	    "  AND EXISTS (SELECT 1 FROM del) RETURNING 1)"
	    " SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM del),"
	    " (SELECT count(*) FROM upd)", 3) != 0 ||
	    db_pool_register(pool, PF_RATINGS, "SELECT c.slug, c.name, c.sector,"
	    " c.size_band, r.status, r.score, r.grade, r.confidence, r.methodology_version,"
	    " extract(epoch FROM r.as_of)::bigint, EXISTS (SELECT 1 FROM evidence e"
	    "  WHERE e.company_id = c.id AND e.status = 'disputed'), c.country,"
	    " r.factor_scores, prev.score, extract(epoch FROM prev.as_of)::bigint"
	    " FROM portfolio_companies pc JOIN companies c ON c.id = pc.company_id"
	    " AND c.visibility = 'public' LEFT JOIN LATERAL (SELECT id, status, score, grade,"
	    " confidence, methodology_version, as_of, (SELECT json_object_agg(f.key,"
	    "  CASE WHEN (f.value->>'has_data')::boolean"
	    "  THEN coalesce((f.value->>'score')::numeric, 0) END)"
	    "  FROM json_each(factors) f) AS factor_scores"
	    " FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true"
	    " LEFT JOIN LATERAL (SELECT score, as_of FROM ratings WHERE company_id = c.id"
	    " AND id < r.id ORDER BY id DESC LIMIT 1) prev ON true"
	    " WHERE pc.portfolio_id = $1 AND c.slug > $2 ORDER BY c.slug LIMIT $3", 3) != 0 ||
	    db_pool_register(pool, PF_SUMMARY, "SELECT c.slug, c.name, r.status, r.score,"
	    " r.grade, p7.score, p7.grade, p30.score, p30.grade, p90.score, p90.grade"
	    " FROM portfolio_companies pc JOIN companies c ON c.id = pc.company_id"
	    " AND c.visibility = 'public' LEFT JOIN LATERAL (SELECT status, score, grade"
	    " FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true"
	    PF_PAST("7", "p7") PF_PAST("30", "p30") PF_PAST("90", "p90")
	    " WHERE pc.portfolio_id = $1 ORDER BY c.slug", 2) != 0)
		return (-1);
	return (0);
}

static json_t *
pf_object(const PGresult *res, int row)
{
	return (json_pack("{s:I, s:s, s:o, s:o, s:I, s:o}",
	    "id", (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10),
	    "name", PQgetvalue(res, row, 1),
	    "created_at", company_view_time(PQgetvalue(res, row, 2)),
	    "updated_at", company_view_time(PQgetvalue(res, row, 3)),
	    "companies", (json_int_t)strtoll(PQgetvalue(res, row, 4), NULL, 10),
	    "webhook_url", PQgetisnull(res, row, 5) ? json_null() :
	    json_string(PQgetvalue(res, row, 5))));
}

static void
pf_ids(char sid[24], int64_t id, char sowner[24], int64_t owner)
{
	snprintf(sid, 24, "%lld", (long long)id);
	snprintf(sowner, 24, "%lld", (long long)owner);
}

/* Run the prepared statement name in a transaction of its own on conn, after taking
 * owner's lock: its count sees every insert committed before it. The result (the
 * caller PQclears it), or NULL after logging (rolled back). */
static PGresult *
pf_locked(struct db_pool *pool, PGconn *conn, int64_t owner, const char *name,
    int nparams, const char *const *params)
{
	char sowner[24];
	const char *lock[1] = {sowner};
	PGresult *res;

	snprintf(sowner, sizeof(sowner), "%lld", (long long)owner);
	if (db_begin(conn) != 0)
		return (NULL);
	if ((res = db_pool_exec(pool, conn, PF_LOCK, 1, lock, NULL)) == NULL)
		goto fail;
	PQclear(res);
	if ((res = db_pool_exec(pool, conn, name, nparams, params, NULL)) == NULL)
		goto fail;
	if (db_commit(conn) != 0) {
		PQclear(res);
		return (NULL);
	}
	return (res);
fail:
	db_rollback(conn);
	return (NULL);
}

enum portfolio_result
portfolio_store_create(struct db_pool *pool, PGconn *conn, int64_t owner, const char *name,
    json_t **out)
{
	char sowner[24];
	const char *params[2] = {sowner, name};
	enum portfolio_result rc = PORTFOLIO_FULL;
	PGresult *res;

	snprintf(sowner, sizeof(sowner), "%lld", (long long)owner);
	if ((res = pf_locked(pool, conn, owner, PF_CREATE, 2, params)) == NULL)
		return (PORTFOLIO_ERROR);
	if (PQntuples(res) == 1)
		rc = (*out = pf_object(res, 0)) != NULL ? PORTFOLIO_OK : PORTFOLIO_ERROR;
	PQclear(res);
	return (rc);
}

json_t *
portfolio_store_list(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t after,
    unsigned limit)
{
	char sowner[24], safter[24], slimit[16];
	const char *params[3] = {sowner, safter, slimit};
	json_t *items, *item;
	PGresult *res;
	int i;

	pf_ids(safter, after, sowner, owner);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	if ((res = db_pool_exec(pool, conn, PF_LIST, 3, params, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((item = pf_object(res, i)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

enum portfolio_result
portfolio_store_get(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id,
    json_t **out)
{
	char sid[24], sowner[24];
	const char *params[2] = {sid, sowner};
	json_t *list = NULL, *item;
	PGresult *res;
	int i;

	pf_ids(sid, id, sowner, owner);
	if ((res = db_pool_exec(pool, conn, PF_OWNED, 2, params, NULL)) == NULL)
		return (PORTFOLIO_ERROR);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (PORTFOLIO_NO_PORTFOLIO);
	}
	*out = pf_object(res, 0);
	PQclear(res);
	if (*out == NULL || (res = db_pool_exec(pool, conn, PF_COMPANIES, 1, params,
	    NULL)) == NULL)
		goto fail;
	list = json_array();
	for (i = 0; list != NULL && i < PQntuples(res); i++)
		if ((item = json_pack("{s:s, s:s, s:o}", "slug", PQgetvalue(res, i, 0),
		    "name", PQgetvalue(res, i, 1), "added_at",
		    company_view_time(PQgetvalue(res, i, 2)))) == NULL ||
		    json_array_append_new(list, item) != 0) {
			json_decref(list);
			list = NULL;
		}
	PQclear(res);
	if (list == NULL || json_object_set_new(*out, "members", list) != 0)
		goto fail;
	return (PORTFOLIO_OK);
fail:
	json_decref(*out);
	*out = NULL;
	return (PORTFOLIO_ERROR);
}

enum portfolio_result
portfolio_store_delete(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id)
{
	char sid[24], sowner[24];
	const char *params[2] = {sid, sowner};
	PGresult *res;
	int n;

	pf_ids(sid, id, sowner, owner);
	if ((res = db_pool_exec(pool, conn, PF_DELETE, 2, params, NULL)) == NULL)
		return (PORTFOLIO_ERROR);
	n = PQntuples(res);
	PQclear(res);
	return (n == 1 ? PORTFOLIO_OK : PORTFOLIO_NO_PORTFOLIO);
}

/* Run a membership change (under the owner's lock when locked: an insert limited by
 * a count); columns: portfolio found, then per statement. */
static PGresult *
pf_change(struct db_pool *pool, PGconn *conn, const char *name, int64_t owner, int64_t id,
    const char *slug, int locked)
{
	char sid[24], sowner[24];
	const char *params[3] = {sid, sowner, slug};

	pf_ids(sid, id, sowner, owner);
	if (locked)
		return (pf_locked(pool, conn, owner, name, 3, params));
	return (db_pool_exec(pool, conn, name, 3, params, NULL));
}

enum portfolio_result
portfolio_store_add(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id,
    const char *slug)
{
	enum portfolio_result rc;
	PGresult *res;

	if ((res = pf_change(pool, conn, PF_ADD, owner, id, slug, 1)) == NULL)
		return (PORTFOLIO_ERROR);
	if (strcmp(PQgetvalue(res, 0, 0), "1") != 0)
		rc = PORTFOLIO_NO_PORTFOLIO;
	else if (strcmp(PQgetvalue(res, 0, 1), "1") != 0)
		rc = PORTFOLIO_NO_COMPANY;
	else if (strcmp(PQgetvalue(res, 0, 2), "1") == 0 ||
	    strcmp(PQgetvalue(res, 0, 3), "1") == 0)
		rc = PORTFOLIO_OK;
	else
		rc = PORTFOLIO_FULL;
	PQclear(res);
	return (rc);
}

enum portfolio_result
portfolio_store_remove(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id,
    const char *slug)
{
	enum portfolio_result rc;
	PGresult *res;

	if ((res = pf_change(pool, conn, PF_REMOVE, owner, id, slug, 0)) == NULL)
		return (PORTFOLIO_ERROR);
	if (strcmp(PQgetvalue(res, 0, 0), "1") != 0)
		rc = PORTFOLIO_NO_PORTFOLIO;
	else
		rc = strcmp(PQgetvalue(res, 0, 1), "1") == 0 ? PORTFOLIO_OK :
		    PORTFOLIO_NO_COMPANY;
	PQclear(res);
	return (rc);
}

/* Add "factor_scores" ({code: score, null without data}, in the methodology's order;
 * {} unrated) and "previous" ({score, as_of} of the rating before the latest, or null)
 * from columns col (factor scores), col + 1 and col + 2 to item. 0 or -1. */
static int
pf_factors_previous(const PGresult *res, int row, int col, json_t *item)
{
	json_t *scores = NULL, *previous;

	if (!PQgetisnull(res, row, col) &&
	    (scores = json_loads(PQgetvalue(res, row, col), JSON_DECODE_INT_AS_REAL |
	    JSON_PRESERVE_ORDER, NULL)) == NULL)
		return (-1);
	if (json_object_set_new(item, "factor_scores", scores != NULL ? scores :
	    json_object()) != 0)
		return (-1);
	if (PQgetisnull(res, row, col + 2))
		previous = json_null();
	else
		previous = json_pack("{s:o, s:o}", "score",
		    company_view_number(PQgetisnull(res, row, col + 1) ? NULL :
		    PQgetvalue(res, row, col + 1)), "as_of",
		    company_view_time(PQgetvalue(res, row, col + 2)));
	return (json_object_set_new(item, "previous", previous));
}

enum portfolio_result
portfolio_store_ratings(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id,
    const char *after, unsigned limit, json_t **out)
{
	char sid[24], sowner[24], slimit[16];
	const char *owned[2] = {sid, sowner}, *params[3] = {sid, after, slimit};
	struct company_view_row row;
	json_t *item;
	PGresult *res;
	int i, n;

	pf_ids(sid, id, sowner, owner);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	if ((res = db_pool_exec(pool, conn, PF_OWNED, 2, owned, NULL)) == NULL)
		return (PORTFOLIO_ERROR);
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return (PORTFOLIO_NO_PORTFOLIO);
	if ((res = db_pool_exec(pool, conn, PF_RATINGS, 3, params, NULL)) == NULL)
		return (PORTFOLIO_ERROR);
	*out = json_array();
	for (i = 0; *out != NULL && i < PQntuples(res); i++) {
		memset(&row, 0, sizeof(row));
		row.slug = PQgetvalue(res, i, 0);
		row.name = PQgetvalue(res, i, 1);
		row.sector = PQgetvalue(res, i, 2);
		row.size_band = PQgetvalue(res, i, 3);
		row.country = PQgetvalue(res, i, 11);
		row.status = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);
		row.score = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);
		row.grade = PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6);
		row.confidence = PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7);
		row.methodology_version = PQgetisnull(res, i, 8) ? NULL : PQgetvalue(res, i, 8);
		row.as_of = PQgetisnull(res, i, 9) ? NULL : PQgetvalue(res, i, 9);
		if ((item = company_view_item(&row)) != NULL &&
		    (json_object_set_new(item, "disputed",
		    json_boolean(PQgetvalue(res, i, 10)[0] == 't')) != 0 ||
		    pf_factors_previous(res, i, 12, item) != 0)) {
			json_decref(item);
			item = NULL;
		}
		if (item == NULL || json_array_append_new(*out, item) != 0) {
			json_decref(*out);
			*out = NULL;
		}
	}
	PQclear(res);
	if (*out == NULL)
		log_error("portfolios: out of memory listing ratings");
	return (*out != NULL ? PORTFOLIO_OK : PORTFOLIO_ERROR);
}

enum portfolio_result
portfolio_store_summary(struct db_pool *pool, PGconn *conn, int64_t owner, int64_t id,
    int64_t now, json_t **out)
{
	char sid[24], sowner[24], snow[24];
	const char *owned[2] = {sid, sowner}, *params[2] = {sid, snow};
	struct portfolio_summary_company *c = NULL;
	json_t *portfolio = NULL;
	char when[21];
	PGresult *res;
	int i, p, n, rc;

	*out = NULL;
	pf_ids(sid, id, sowner, owner);
	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	if ((res = db_pool_exec(pool, conn, PF_OWNED, 2, owned, NULL)) == NULL)
		return (PORTFOLIO_ERROR);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (PORTFOLIO_NO_PORTFOLIO);
	}
	portfolio = pf_object(res, 0);
	PQclear(res);
	if (portfolio == NULL ||
	    (res = db_pool_exec(pool, conn, PF_SUMMARY, 2, params, NULL)) == NULL)
		goto fail;
	n = PQntuples(res);
	c = calloc(n > 0 ? (size_t)n : 1, sizeof(*c));
	for (i = 0; c != NULL && i < n; i++) {
		c[i].slug = PQgetvalue(res, i, 0);
		c[i].name = PQgetvalue(res, i, 1);
		if (PQgetisnull(res, i, 2))
			c[i].status = PORTFOLIO_SUMMARY_NOT_RATED;
		else if (strcmp(PQgetvalue(res, i, 2), "rated") == 0)
			c[i].status = PORTFOLIO_SUMMARY_RATED;
		else
			c[i].status = PORTFOLIO_SUMMARY_INSUFFICIENT;
		c[i].score = strtod(PQgetvalue(res, i, 3), NULL);
		c[i].grade = PQgetvalue(res, i, 4);
		for (p = 0; p < PORTFOLIO_SUMMARY_PERIODS; p++) {
			if (PQgetisnull(res, i, 5 + 2 * p))
				continue;
			c[i].had_score[p] = 1;
			c[i].past_score[p] = strtod(PQgetvalue(res, i, 5 + 2 * p), NULL);
			c[i].past_grade[p] = PQgetvalue(res, i, 6 + 2 * p);
		}
	}
	if (c != NULL)
		*out = portfolio_summary_build(c, (size_t)n);
	PQclear(res);
	free(c);
	if (*out == NULL)
		goto fail;
	rc = json_object_set_new(*out, "portfolio", portfolio);
	portfolio = NULL;
	if (rc != 0 || json_object_set_new(*out, "as_of",
	    json_string(timefmt_format(now, when))) != 0)
		goto fail;
	return (PORTFOLIO_OK);
fail:
	log_error("portfolios: cannot build the summary of portfolio %lld", (long long)id);
	json_decref(portfolio);
	json_decref(*out);
	*out = NULL;
	return (PORTFOLIO_ERROR);
}
