#include "api/publication_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "common/db_pool.h"
#include "common/log.h"

#define PS_FINAL "publication_final"
#define PS_IN_FORCE "publication_in_force"
#define PS_UPCOMING "publication_upcoming"
#define PS_VERSIONS "publication_versions"
#define PS_VERSION "publication_version"
#define PS_VALIDATION "publication_validation"
#define PS_TRANSPARENCY "publication_transparency"

#define PS_SUMMARY_COLS \
	"SELECT v.version, coalesce(v.definition->>'title', ''), v.status," \
	" extract(epoch FROM v.published_at)::bigint," \
	" extract(epoch FROM v.effective_at)::bigint," \
	" v.notice_days, v.short_notice_reason, v.definition_sha256, v.change_log"

/* The change log's structured fields (columns 9 to 11 after PS_SUMMARY_COLS): the
 * definition's summary, and the aggregate impact of the preview that was published
 * (publishing stamps the preview with the published definition's digest). Top movers
 * name companies, private ones included, so they stay with staff. */
#define PS_LOG_COLS \
	", coalesce(v.definition->>'summary', ''), (p.impact - 'top_movers')::text," \
	" extract(epoch FROM p.as_of)::bigint"
#define PS_LOG_FROM \
	" FROM methodology_versions v LEFT JOIN methodology_previews p" \
	" ON p.version = v.version AND p.definition_sha256 = v.definition_sha256"

int
publication_store_register(struct db_pool *pool)
{
	if (db_pool_register(pool, PS_FINAL, "SELECT 1 FROM methodology_versions"
	    " WHERE version = $1 AND status IN ('published', 'retired')", 1) != 0 ||
	    db_pool_register(pool, PS_IN_FORCE, PS_SUMMARY_COLS " FROM methodology_versions v"
	    " WHERE v.status = 'published' AND v.effective_at <= to_timestamp($1)"
	    " ORDER BY v.effective_at DESC LIMIT 1", 1) != 0 ||
	    db_pool_register(pool, PS_UPCOMING, PS_SUMMARY_COLS " FROM methodology_versions v"
	    " WHERE v.status = 'published' AND v.effective_at > to_timestamp($1)"
	    " ORDER BY v.effective_at LIMIT 1", 1) != 0 ||
	    db_pool_register(pool, PS_VERSIONS, PS_SUMMARY_COLS PS_LOG_COLS PS_LOG_FROM
	    " WHERE v.status IN ('published', 'retired') ORDER BY v.effective_at, v.version",
	    0) != 0 ||
	    db_pool_register(pool, PS_VERSION, PS_SUMMARY_COLS PS_LOG_COLS ", v.definition"
	    PS_LOG_FROM " WHERE v.version = $1 AND v.status IN ('published', 'retired')",
	    1) != 0 ||
	    db_pool_register(pool, PS_VALIDATION, "SELECT v.version IS NOT NULL, m.version,"
	    " extract(epoch FROM v.rated_as_of)::bigint,"
	    " extract(epoch FROM v.followed_until)::bigint,"
	    " extract(epoch FROM v.computed_at)::bigint,"
	    " extract(epoch FROM v.published_at)::bigint, v.figures"
	    " FROM methodology_versions m LEFT JOIN methodology_validation v"
	    " ON v.version = m.version"
	    " WHERE m.version = $1 AND m.status IN ('published', 'retired')", 1) != 0 ||
	    db_pool_register(pool, PS_TRANSPARENCY,
	    "WITH latest AS (SELECT c.visibility, r.status, r.grade, r.confidence"
	    " FROM companies c LEFT JOIN LATERAL (SELECT status, grade, confidence"
	    " FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true),"
	    " pub AS (SELECT * FROM latest WHERE visibility = 'public')"
	    " SELECT (SELECT count(*) FROM pub),"
	    " (SELECT count(*) FROM pub WHERE status = 'rated'),"
	    " (SELECT count(*) FROM pub WHERE status = 'insufficient_data'),"
	    " (SELECT count(*) FROM pub WHERE status IS NULL),"
	    " (SELECT coalesce(json_object_agg(confidence, n), '{}'::json) FROM (SELECT"
	    "  confidence, count(*) AS n FROM pub WHERE status IS NOT NULL GROUP BY 1) x),"
	    " (SELECT coalesce(json_object_agg(grade, n ORDER BY grade), '{}'::json)"
	    "  FROM (SELECT grade, count(*) AS n FROM pub WHERE status = 'rated'"
	    "  GROUP BY 1) g),"
	    " (SELECT count(*) FROM latest WHERE visibility = 'private'),"
	    " (SELECT version FROM methodology_versions WHERE status = 'published'"
	    "  AND effective_at <= to_timestamp($1) ORDER BY effective_at DESC LIMIT 1)",
	    1) != 0)
		return (-1);
	return (0);
}

int
publication_store_is_final(struct db_pool *pool, PGconn *conn, const char *version)
{
	const char *params[1] = {version};
	PGresult *res;
	int final;

	if ((res = db_pool_exec(pool, conn, PS_FINAL, 1, params, NULL)) == NULL)
		return (-1);
	final = PQntuples(res) == 1;
	PQclear(res);
	return (final);
}

static json_t *
ps_text(const PGresult *res, int row, int col)
{
	return (PQgetisnull(res, row, col) ? json_null() :
	    json_string(PQgetvalue(res, row, col)));
}

/* The published impact of row (PS_LOG_COLS): the preview's aggregate figures and when
 * it rated the companies, or JSON null when the version was published without one. */
static json_t *
ps_impact(const PGresult *res, int row)
{
	json_t *im;

	if (PQgetisnull(res, row, 10))
		return (json_null());
	if ((im = json_loads(PQgetvalue(res, row, 10), 0, NULL)) == NULL ||
	    json_object_set_new(im, "as_of", company_view_time(PQgetvalue(res, row, 11)))
	    != 0) {
		json_decref(im);
		return (NULL);
	}
	return (im);
}

/* The version summary of row (columns PS_SUMMARY_COLS); with_log adds change_log and
 * its structured fields (PS_LOG_COLS): summary and impact. */
static json_t *
ps_summary(const PGresult *res, int row, int with_log)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
	    "version", PQgetvalue(res, row, 0),
	    "title", PQgetvalue(res, row, 1),
	    "status", PQgetvalue(res, row, 2),
	    "published_at", company_view_time(PQgetvalue(res, row, 3)),
	    "effective_at", company_view_time(PQgetvalue(res, row, 4)),
	    "notice_days", PQgetisnull(res, row, 5) ? json_null() :
	    json_integer(strtoll(PQgetvalue(res, row, 5), NULL, 10)),
	    "short_notice_reason", ps_text(res, row, 6),
	    "definition_sha256", PQgetvalue(res, row, 7));
	if (o != NULL && with_log &&
	    (json_object_set_new(o, "change_log", json_string(PQgetvalue(res, row, 8))) != 0 ||
	    json_object_set_new(o, "summary", json_string(PQgetvalue(res, row, 9))) != 0 ||
	    json_object_set_new(o, "impact", ps_impact(res, row)) != 0)) {
		json_decref(o);
		o = NULL;
	}
	return (o);
}

/* The one version statement name returns at now, or JSON null; NULL on error. */
static json_t *
ps_one_at(struct db_pool *pool, PGconn *conn, const char *name, int64_t now)
{
	char snow[24];
	const char *params[1] = {snow};
	PGresult *res;
	json_t *o;

	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	if ((res = db_pool_exec(pool, conn, name, 1, params, NULL)) == NULL)
		return (NULL);
	o = PQntuples(res) == 1 ? ps_summary(res, 0, 0) : json_null();
	PQclear(res);
	return (o);
}

json_t *
publication_store_in_force(struct db_pool *pool, PGconn *conn, int64_t now)
{
	return (ps_one_at(pool, conn, PS_IN_FORCE, now));
}

json_t *
publication_store_current(struct db_pool *pool, PGconn *conn, int64_t now)
{
	json_t *in_force, *upcoming;

	if ((in_force = publication_store_in_force(pool, conn, now)) == NULL)
		return (NULL);
	if ((upcoming = ps_one_at(pool, conn, PS_UPCOMING, now)) == NULL) {
		json_decref(in_force);
		return (NULL);
	}
	return (json_pack("{s:o, s:o}", "in_force", in_force, "upcoming", upcoming));
}

json_t *
publication_store_versions(struct db_pool *pool, PGconn *conn)
{
	json_t *items, *item;
	PGresult *res;
	int i;

	if ((res = db_pool_exec(pool, conn, PS_VERSIONS, 0, NULL, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((item = ps_summary(res, i, 1)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

int
publication_store_version(struct db_pool *pool, PGconn *conn, const char *version,
    json_t **out)
{
	const char *params[1] = {version};
	json_t *def;
	PGresult *res;

	if ((res = db_pool_exec(pool, conn, PS_VERSION, 1, params, NULL)) == NULL)
		return (-1);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (0);
	}
	*out = ps_summary(res, 0, 1);
	def = json_loads(PQgetvalue(res, 0, 12), 0, NULL);
	if (*out != NULL && (def == NULL || json_object_set_new(*out, "definition", def) != 0)) {
		json_decref(*out);
		*out = NULL;
	}
	PQclear(res);
	if (*out == NULL)
		log_error("methodology %s: cannot build its document", version);
	return (*out != NULL ? 1 : -1);
}

enum publication_validation
publication_store_validation(struct db_pool *pool, PGconn *conn, const char *version,
    json_t **out)
{
	const char *params[1] = {version};
	enum publication_validation rc;
	PGresult *res;

	if ((res = db_pool_exec(pool, conn, PS_VALIDATION, 1, params, NULL)) == NULL)
		return (PUBLICATION_ERROR);
	if (PQntuples(res) != 1)
		rc = PUBLICATION_NO_VERSION;
	else if (PQgetvalue(res, 0, 0)[0] != 't')
		rc = PUBLICATION_NOT_PUBLISHED;
	else {
		*out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "version",
		    PQgetvalue(res, 0, 1),
		    "rated_as_of", company_view_time(PQgetvalue(res, 0, 2)),
		    "followed_until", company_view_time(PQgetvalue(res, 0, 3)),
		    "computed_at", company_view_time(PQgetvalue(res, 0, 4)),
		    "published_at", company_view_time(PQgetvalue(res, 0, 5)),
		    "figures", json_loads(PQgetvalue(res, 0, 6), 0, NULL));
		rc = *out != NULL ? PUBLICATION_FOUND : PUBLICATION_ERROR;
		if (*out == NULL)
			log_error("methodology %s: cannot build its validation", version);
	}
	PQclear(res);
	return (rc);
}

static json_t *
ps_count(const PGresult *res, int col)
{
	return (json_integer((json_int_t)strtoll(PQgetvalue(res, 0, col), NULL, 10)));
}

json_t *
publication_store_transparency(struct db_pool *pool, PGconn *conn, int64_t now)
{
	char snow[24];
	const char *params[1] = {snow};
	PGresult *res;
	json_t *o;

	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	if ((res = db_pool_exec(pool, conn, PS_TRANSPARENCY, 1, params, NULL)) == NULL)
		return (NULL);
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "methodology_in_force", ps_text(res, 0, 7),
	    "companies", ps_count(res, 0),
	    "rated", ps_count(res, 1),
	    "insufficient_data", ps_count(res, 2),
	    "not_rated", ps_count(res, 3),
	    "by_confidence", json_loads(PQgetvalue(res, 0, 4), 0, NULL),
	    "by_grade", json_loads(PQgetvalue(res, 0, 5), 0, NULL),
	    "private_companies", ps_count(res, 6));
	PQclear(res);
	if (o == NULL)
		log_error("transparency: cannot build the statistics");
	return (o);
}
