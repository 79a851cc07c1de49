#include "disclosure/disclosure_evidence.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "common/db.h"
#include "common/log.h"
#include "rater/rating_store.h"
#include "rater/rescore.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The evidence of a verified disclosure: the one row of its company and item. A row
 * corrected or expired earlier (a withdrawn disclosure of the item) starts again. */
static const char sql_write[] =
    "INSERT INTO evidence AS e (company_id, asset_id, check_code, outcome,"
    " observation_key, details, source, collector_version, first_seen, last_seen)"
    " SELECT d.company_id, NULL, 'governance.' || d.item, 'pass', '',"
    "  jsonb_strip_nulls(jsonb_build_object('disclosure_id', d.id,"
    "   'published_url', d.published_url, 'report_name', d.report_name,"
    "   'report_page', d.report_page, 'certification', CASE WHEN d.cert_scheme IS NULL"
    "   THEN NULL ELSE jsonb_build_object('scheme', d.cert_scheme, 'number',"
    "   d.cert_number, 'body', d.cert_body, 'valid_from', d.valid_from::text,"
    "   'valid_until', d.valid_until::text) END, 'verified_at', " ISO("d.decided_at")
    "  )), '" DISCLOSURE_EVIDENCE_SOURCE "', '', to_timestamp($3::bigint),"
    "  to_timestamp($3::bigint)"
    " FROM disclosures d WHERE d.id = $1::bigint AND d.company_id = $2::bigint"
    "  AND d.state = 'verified'"
    " ON CONFLICT (company_id, coalesce(asset_id, 0), check_code, source, observation_key)"
    " DO UPDATE SET outcome = 'pass', details = EXCLUDED.details,"
    "  first_seen = CASE WHEN e.status IN ('corrected', 'expired')"
    "   THEN EXCLUDED.first_seen ELSE least(e.first_seen, EXCLUDED.first_seen) END,"
    "  last_seen = CASE WHEN e.status IN ('corrected', 'expired')"
    "   THEN EXCLUDED.last_seen ELSE greatest(e.last_seen, EXCLUDED.last_seen) END,"
    "  status = 'active', corrected_at = NULL,"
    "  status_reason = 'verified disclosure ' || $1::bigint, updated_at = now()";

/* After the rescoring lock: the wall clock then is after every rating written. */
static const char sql_end[] =
    "UPDATE evidence SET status = $4,"
    " corrected_at = CASE WHEN $4 = 'corrected'"
    "  THEN (SELECT greatest(to_timestamp($3::bigint), clock_timestamp())) END,"
    " status_reason = $5, updated_at = now()"
    " WHERE company_id = $2::bigint AND asset_id IS NULL AND observation_key = ''"
    " AND source = '" DISCLOSURE_EVIDENCE_SOURCE "' AND status IN ('active', 'disputed')"
    " AND details->>'disclosure_id' = $1";

static int
rescore(PGconn *conn, int64_t id, int64_t company_id, int64_t now, int64_t *rating_id)
{
	struct rescore_summary sum;
	json_t *detail = json_pack("{s:I}", "disclosure_id", (json_int_t)id);
	int64_t row = 0;
	int rc;

	if (detail == NULL) {
		log_error("disclosure %" PRId64 ": out of memory", id);
		return (-1);
	}
	rc = rescore_company(conn, company_id, now, detail, &row, &sum);
	json_decref(detail);
	if (rc == 1)
		log_error("disclosure %" PRId64 ": company %" PRId64 " does not exist", id,
		    company_id);
	if (rc != 0)
		return (-1);
	if (rating_id != NULL)
		*rating_id = row;
	return (0);
}

int
disclosure_evidence_verified(PGconn *conn, int64_t id, int64_t company_id, int64_t now,
    int64_t *rating_id)
{
	char sid[24], scompany[24], snow[24];
	const char *p[3] = {sid, scompany, snow};

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (rating_store_lock(conn, 1) != 0 || db_exec(conn, sql_write, 3, p) != 0)
		return (-1);
	return (rescore(conn, id, company_id, now, rating_id));
}

int
disclosure_evidence_ended(PGconn *conn, int64_t id, int64_t company_id, int expired,
    const char *reason, int64_t now, int64_t *rating_id)
{
	char sid[24], scompany[24], snow[24];
	const char *p[5] = {sid, scompany, snow, expired ? "expired" : "corrected", reason};
	PGresult *res;
	long changed;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (rating_id != NULL)
		*rating_id = 0;
	if (rating_store_lock(conn, 1) != 0)
		return (-1);
	res = PQexecParams(conn, sql_end, 5, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		(void)db_sqlstate(res);
		log_error("disclosure %s: %s", sid, res != NULL ?
		    PQresultErrorMessage(res) : PQerrorMessage(conn));
		PQclear(res);
		return (-1);
	}
	changed = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return (changed == 0 ? 0 : rescore(conn, id, company_id, now, rating_id));
}
