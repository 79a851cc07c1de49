#include "rater/governance_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/timefmt.h"
#include "rater/governance.h"

/* The change log with the impact and the reason added: the document's own log is at
 * most METHODOLOGY_MAX_TEXT bytes and the reason GOVERNANCE_MAX_REASON. */
#define GOVERNANCE_LOG_LIMIT (METHODOLOGY_MAX_TEXT + GOVERNANCE_MAX_REASON + 4096)

int
governance_store_notice_days(int *out)
{
	const char *s = getenv("FAIRRATE_NOTICE_DAYS");

	if (governance_notice_days_parse(s, out) != 0) {
		log_error("FAIRRATE_NOTICE_DAYS: '%s' is not a number of days from 0 to %d",
		    s, GOVERNANCE_MAX_NOTICE_DAYS);
		return (-1);
	}
	return (0);
}

/* ISO 8601 of a timestamptz column read as epoch seconds, or JSON null. */
static json_t *
gs_time(const PGresult *res, int row, int col)
{
	char iso[21];

	if (PQgetisnull(res, row, col))
		return (json_null());
	return (json_string(timefmt_format(strtoll(PQgetvalue(res, row, col), NULL, 10),
	    iso)));
}

static json_t *
gs_json(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (json_null());
	return (json_loads(PQgetvalue(res, row, col), 0, NULL));
}

static int
gs_bool(const PGresult *res, int row, int col)
{
	return (!PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't');
}

enum governance_store_result
governance_store_draft_create(PGconn *conn, const char *text, size_t len,
    const struct methodology *m)
{
	static const char sql[] =
	    "INSERT INTO methodology_versions (version, status, definition, "
	    "definition_sha256, change_log) VALUES ($1, 'draft', $2::jsonb, $3, $4) "
	    "ON CONFLICT (version) DO NOTHING RETURNING 1";
	char sha[65];
	const char *params[4];
	PGresult *res;
	int n;

	if (sha256_hex(text, len, sha) != 0)
		return (GOVERNANCE_STORE_ERROR);
	params[0] = m->version;
	params[1] = text;
	params[2] = sha;
	params[3] = m->change_log;
	if ((res = db_query(conn, sql, 4, params)) == NULL)
		return (GOVERNANCE_STORE_ERROR);
	n = PQntuples(res);
	PQclear(res);
	return (n == 1 ? GOVERNANCE_STORE_OK : GOVERNANCE_STORE_EXISTS);
}

/* Lock the row of version (inside a transaction) and give its status: OK (a draft),
 * NOT_FOUND, NOT_DRAFT, ERROR. */
static enum governance_store_result
gs_lock_draft(PGconn *conn, const char *version)
{
	const char *params[1] = {version};
	enum governance_store_result rc;
	PGresult *res;

	res = db_query(conn,
	    "SELECT status FROM methodology_versions WHERE version = $1 FOR UPDATE", 1,
	    params);
	if (res == NULL)
		return (GOVERNANCE_STORE_ERROR);
	if (PQntuples(res) == 0)
		rc = GOVERNANCE_STORE_NOT_FOUND;
	else if (strcmp(PQgetvalue(res, 0, 0), "draft") != 0)
		rc = GOVERNANCE_STORE_NOT_DRAFT;
	else
		rc = GOVERNANCE_STORE_OK;
	PQclear(res);
	return (rc);
}

enum governance_store_result
governance_store_draft_update(PGconn *conn, const char *version, const char *text,
    size_t len, const struct methodology *m)
{
	static const char sql[] =
	    "UPDATE methodology_versions SET definition = $2::jsonb, definition_sha256 = $3,"
	    " change_log = $4 WHERE version = $1 AND status = 'draft'";
	enum governance_store_result rc;
	const char *params[4];
	char sha[65];

	if (sha256_hex(text, len, sha) != 0)
		return (GOVERNANCE_STORE_ERROR);
	if (db_begin(conn) != 0)
		return (GOVERNANCE_STORE_ERROR);
	if ((rc = gs_lock_draft(conn, version)) != GOVERNANCE_STORE_OK)
		goto done;
	params[0] = version;
	params[1] = text;
	params[2] = sha;
	params[3] = m->change_log;
	if (db_exec(conn, sql, 4, params) != 0) {
		rc = GOVERNANCE_STORE_ERROR;
		goto done;
	}
	if (db_commit(conn) != 0)
		return (GOVERNANCE_STORE_ERROR);
	return (GOVERNANCE_STORE_OK);
done:
	db_rollback(conn);
	return (rc);
}

#define GS_PREVIEW_COLS \
	"p.baseline_version, extract(epoch FROM p.as_of)::bigint, p.companies," \
	" extract(epoch FROM p.computed_at)::bigint," \
	" p.definition_sha256 = v.definition_sha256"

static json_t *
gs_preview_summary(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (json_null());
	return (json_pack("{s:s, s:o, s:I, s:o, s:b}", "baseline_version",
	    PQgetvalue(res, row, col), "as_of", gs_time(res, row, col + 1), "companies",
	    (json_int_t)strtoll(PQgetvalue(res, row, col + 2), NULL, 10), "computed_at",
	    gs_time(res, row, col + 3), "current", gs_bool(res, row, col + 4)));
}

enum governance_store_result
governance_store_draft_get(PGconn *conn, const char *version, json_t **out)
{
	static const char sql[] =
	    "SELECT v.version, v.status, v.definition::text, v.definition_sha256,"
	    " v.change_log, extract(epoch FROM v.created_at)::bigint, " GS_PREVIEW_COLS
	    " FROM methodology_versions v LEFT JOIN methodology_previews p"
	    " ON p.version = v.version WHERE v.version = $1";
	const char *params[1] = {version};
	enum governance_store_result rc;
	PGresult *res;

	*out = NULL;
	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (GOVERNANCE_STORE_ERROR);
	if (PQntuples(res) == 0)
		rc = GOVERNANCE_STORE_NOT_FOUND;
	else if (strcmp(PQgetvalue(res, 0, 1), "draft") != 0)
		rc = GOVERNANCE_STORE_NOT_DRAFT;
	else {
		*out = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "version",
		    PQgetvalue(res, 0, 0), "status", "draft", "definition", gs_json(res, 0, 2),
		    "definition_sha256", PQgetvalue(res, 0, 3), "change_log",
		    PQgetvalue(res, 0, 4), "created_at", gs_time(res, 0, 5), "preview",
		    gs_preview_summary(res, 0, 6));
		rc = *out != NULL ? GOVERNANCE_STORE_OK : GOVERNANCE_STORE_ERROR;
	}
	PQclear(res);
	return (rc);
}

json_t *
governance_store_drafts(PGconn *conn)
{
	static const char sql[] =
	    "SELECT v.version, coalesce(v.definition->>'title', ''), v.definition_sha256,"
	    " extract(epoch FROM v.created_at)::bigint, p.version IS NOT NULL"
	    " FROM methodology_versions v LEFT JOIN methodology_previews p"
	    " ON p.version = v.version WHERE v.status = 'draft' ORDER BY v.version";
	json_t *items;
	PGresult *res;
	int i;

	if ((res = db_query(conn, sql, 0, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if (json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:b}",
		    "version", PQgetvalue(res, i, 0), "title", PQgetvalue(res, i, 1),
		    "definition_sha256", PQgetvalue(res, i, 2), "created_at",
		    gs_time(res, i, 3), "previewed", gs_bool(res, i, 4))) != 0) {
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

int
governance_store_preview_save(PGconn *conn, const char *version, const char *baseline,
    const char *sha, int64_t as_of, int64_t companies, const json_t *impact)
{
	static const char sql[] =
	    "INSERT INTO methodology_previews (version, baseline_version, definition_sha256,"
	    " as_of, companies, impact) VALUES ($1, $2, $3, $4::timestamptz, $5, $6::jsonb)"
	    " ON CONFLICT (version) DO UPDATE SET baseline_version = EXCLUDED.baseline_version,"
	    " definition_sha256 = EXCLUDED.definition_sha256, as_of = EXCLUDED.as_of,"
	    " companies = EXCLUDED.companies, impact = EXCLUDED.impact, computed_at = now()";
	char when[21], count[24], *text;
	const char *params[6];
	int rc;

	if ((text = json_dumps(impact, JSON_COMPACT | JSON_REAL_PRECISION(15))) == NULL) {
		log_error("preview: out of memory");
		return (-1);
	}
	snprintf(count, sizeof(count), "%" PRId64, companies);
	params[0] = version;
	params[1] = baseline;
	params[2] = sha;
	params[3] = timefmt_format(as_of, when);
	params[4] = count;
	params[5] = text;
	rc = db_exec(conn, sql, 6, params);
	free(text);
	return (rc);
}

enum governance_store_result
governance_store_preview_get(PGconn *conn, const char *version, json_t **out)
{
	static const char sql[] =
	    "SELECT " GS_PREVIEW_COLS ", p.impact::text FROM methodology_previews p"
	    " JOIN methodology_versions v ON v.version = p.version WHERE p.version = $1";
	const char *params[1] = {version};
	json_t *summary;
	PGresult *res;

	*out = NULL;
	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (GOVERNANCE_STORE_ERROR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (GOVERNANCE_STORE_NOT_FOUND);
	}
	summary = gs_preview_summary(res, 0, 0);
	if (summary != NULL && (json_object_set_new(summary, "version",
	    json_string(version)) != 0 ||
	    json_object_set_new(summary, "impact", gs_json(res, 0, 5)) != 0)) {
		json_decref(summary);
		summary = NULL;
	}
	PQclear(res);
	*out = summary;
	return (summary != NULL ? GOVERNANCE_STORE_OK : GOVERNANCE_STORE_ERROR);
}

/* The change log of a published version: the document's, then the impact, then the
 * short-notice reason. */
static int
gs_change_log(struct buf *b, const char *doc_log, const json_t *impact, int notice_given,
    const char *reason)
{
	const json_t *d = json_object_get(impact, "delta"),
	    *g = json_object_get(impact, "grade_migration"),
	    *ins = json_object_get(impact, "insufficient_data");
	int bad = 0;

	if (doc_log[0] != '\0')
		bad |= buf_appendf(b, "%s\n\n", doc_log);
	bad |= buf_appendf(b, "Impact preview against %s over %" JSON_INTEGER_FORMAT
	    " companies: median score change %+.1f (mean %+.2f), %" JSON_INTEGER_FORMAT
	    " up, %" JSON_INTEGER_FORMAT " down; %" JSON_INTEGER_FORMAT " upgrades, %"
	    JSON_INTEGER_FORMAT " downgrades; %" JSON_INTEGER_FORMAT
	    " fall to insufficient data.",
	    json_string_value(json_object_get(impact, "before_version")),
	    json_integer_value(json_object_get(impact, "companies")),
	    json_number_value(json_object_get(d, "median")),
	    json_number_value(json_object_get(d, "mean")),
	    json_integer_value(json_object_get(d, "up")),
	    json_integer_value(json_object_get(d, "down")),
	    json_integer_value(json_object_get(g, "upgrades")),
	    json_integer_value(json_object_get(g, "downgrades")),
	    json_integer_value(json_object_get(ins, "became_insufficient")));
	if (reason != NULL && reason[0] != '\0')
		bad |= buf_appendf(b, "\n\nShort notice (%d days): %s", notice_given, reason);
	return (bad ? -1 : 0);
}

/* The document text with effective_at set to when, and its digest. */
static char *
gs_restamp(const char *text, int64_t when, char sha[65])
{
	json_t *doc = json_loads(text, 0, NULL);
	char iso[21], *out = NULL;

	if (doc == NULL || json_object_set_new(doc, "effective_at",
	    json_string(timefmt_format(when, iso))) != 0)
		goto done;
	if ((out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15))) == NULL)
		goto done;
	if (sha256_hex(out, strlen(out), sha) != 0) {
		free(out);
		out = NULL;
	}
done:
	json_decref(doc);
	return (out);
}

enum governance_store_result
governance_store_publish(PGconn *conn, const char *version, int64_t now,
    int64_t effective_at, int notice_days, const char *reason)
{
	static const char q_version[] =
	    "SELECT v.definition::text, v.definition_sha256, v.change_log,"
	    " p.definition_sha256, p.impact::text,"
	    " (SELECT count(*) FROM methodology_versions o WHERE o.status <> 'draft'"
	    "  AND o.effective_at >= $2::timestamptz)"
	    " FROM methodology_versions v LEFT JOIN methodology_previews p"
	    " ON p.version = v.version WHERE v.version = $1";
	static const char q_update[] =
	    "UPDATE methodology_versions SET status = 'published', definition = $2::jsonb,"
	    " definition_sha256 = $3, change_log = $4, published_at = $5::timestamptz,"
	    " effective_at = $6::timestamptz, notice_days = $7, short_notice_reason = $8"
	    " WHERE version = $1";
	static const char q_preview[] =
	    "UPDATE methodology_previews SET definition_sha256 = $2 WHERE version = $1";
	enum governance_store_result rc;
	char eff[21], pub[21], nd[16], sha[65], *doc = NULL;
	const char *params[8];
	json_t *impact = NULL;
	PGresult *res = NULL;
	struct buf log;
	int given;

	buf_init(&log, GOVERNANCE_LOG_LIMIT);
	if (db_begin(conn) != 0)
		return (GOVERNANCE_STORE_ERROR);
	if ((rc = gs_lock_draft(conn, version)) != GOVERNANCE_STORE_OK)
		goto fail;
	rc = GOVERNANCE_STORE_ERROR;
	params[0] = version;
	params[1] = timefmt_format(effective_at, eff);
	if ((res = db_query(conn, q_version, 2, params)) == NULL || PQntuples(res) != 1)
		goto fail;
	if (PQgetisnull(res, 0, 3)) {
		rc = GOVERNANCE_STORE_NO_PREVIEW;
		goto fail;
	}
	if (strcmp(PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 3)) != 0) {
		rc = GOVERNANCE_STORE_STALE_PREVIEW;
		goto fail;
	}
	if (strtoll(PQgetvalue(res, 0, 5), NULL, 10) > 0) {
		rc = GOVERNANCE_STORE_NOT_LATEST;
		goto fail;
	}
	given = governance_notice_given(now, effective_at);
	if ((doc = gs_restamp(PQgetvalue(res, 0, 0), effective_at, sha)) == NULL ||
	    (impact = json_loads(PQgetvalue(res, 0, 4), 0, NULL)) == NULL ||
	    gs_change_log(&log, PQgetvalue(res, 0, 2), impact, given,
	    given < notice_days ? reason : NULL) != 0) {
		log_error("publish: cannot prepare the published document of %s", version);
		goto fail;
	}
	snprintf(nd, sizeof(nd), "%d", given);
	params[1] = doc;
	params[2] = sha;
	params[3] = log.data;
	params[4] = timefmt_format(now, pub);
	params[5] = eff;
	params[6] = nd;
	params[7] = reason != NULL && reason[0] != '\0' ? reason : NULL;
	if (db_exec(conn, q_update, 8, params) != 0 ||
	    db_exec(conn, q_preview, 2, (const char *const[]){version, sha}) != 0 ||
	    db_commit(conn) != 0)
		goto fail;
	rc = GOVERNANCE_STORE_OK;
	goto done;
fail:
	db_rollback(conn);
done:
	PQclear(res);
	json_decref(impact);
	free(doc);
	buf_free(&log);
	return (rc);
}

enum governance_store_result
governance_store_version_info(PGconn *conn, const char *version, char status[16],
    char sha[65])
{
	const char *params[1] = {version};
	PGresult *res;
	int found;

	if ((res = db_query(conn, "SELECT status, definition_sha256 FROM"
	    " methodology_versions WHERE version = $1", 1, params)) == NULL)
		return (GOVERNANCE_STORE_ERROR);
	if ((found = PQntuples(res) == 1)) {
		snprintf(status, 16, "%s", PQgetvalue(res, 0, 0));
		snprintf(sha, 65, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return (found ? GOVERNANCE_STORE_OK : GOVERNANCE_STORE_NOT_FOUND);
}

int
governance_store_switch_due(PGconn *conn, int64_t now, char version[32])
{
	static const char sql[] =
	    "SELECT v.version, s.version IS NULL FROM methodology_versions v"
	    " LEFT JOIN methodology_switches s ON s.version = v.version"
	    " WHERE v.status = 'published' AND v.effective_at <= $1::timestamptz"
	    " ORDER BY v.effective_at DESC, v.version DESC LIMIT 1";
	char when[21];
	const char *params[1] = {timefmt_format(now, when)};
	PGresult *res;
	int rc = 0;

	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (-1);
	if (PQntuples(res) == 1 && gs_bool(res, 0, 1)) {
		snprintf(version, 32, "%s", PQgetvalue(res, 0, 0));
		rc = 1;
	}
	PQclear(res);
	return (rc);
}

int
governance_store_switch_record(PGconn *conn, const char *version, int64_t as_of,
    int64_t companies, int64_t new_rows)
{
	static const char sql[] =
	    "INSERT INTO methodology_switches (version, as_of, companies, new_rows)"
	    " VALUES ($1, $2::timestamptz, $3, $4) ON CONFLICT (version) DO NOTHING";
	char when[21], c[24], n[24];
	const char *params[4];

	snprintf(c, sizeof(c), "%" PRId64, companies);
	snprintf(n, sizeof(n), "%" PRId64, new_rows);
	params[0] = version;
	params[1] = timefmt_format(as_of, when);
	params[2] = c;
	params[3] = n;
	return (db_exec(conn, sql, 4, params));
}

int
governance_store_validation_save(PGconn *conn, const char *version,
    const json_t *figures, int64_t rated_as_of, int64_t followed_until)
{
	static const char sql[] =
	    "INSERT INTO methodology_validation (version, figures, rated_as_of,"
	    " followed_until) VALUES ($1, $2::jsonb, $3::timestamptz, $4::timestamptz)"
	    " ON CONFLICT (version) DO UPDATE SET figures = EXCLUDED.figures,"
	    " rated_as_of = EXCLUDED.rated_as_of, followed_until = EXCLUDED.followed_until,"
	    " computed_at = now(), published_at = now()";
	char a[21], b[21], *text;
	const char *params[4];
	int rc;

	if ((text = json_dumps(figures, JSON_COMPACT | JSON_REAL_PRECISION(15))) == NULL) {
		log_error("validate: out of memory");
		return (-1);
	}
	params[0] = version;
	params[1] = text;
	params[2] = timefmt_format(rated_as_of, a);
	params[3] = timefmt_format(followed_until, b);
	rc = db_exec(conn, sql, 4, params);
	free(text);
	return (rc);
}
