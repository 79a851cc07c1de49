#include "rater/backtest_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

void
backtest_store_companies_free(struct backtest_store_company *cs, size_t n)
{
	size_t i;

	for (i = 0; cs != NULL && i < n; i++)
		rating_store_uncertain_free(&cs[i].uncertain);
	free(cs);
}

int
backtest_store_companies(PGconn *conn, int64_t at, int window_days,
    struct backtest_store_company **out, size_t *n)
{
	static const char sql[] =
	    "SELECT c.id,"
	    " (SELECT count(*) FROM assets a WHERE a.company_id = c.id"
	    "  AND a.attributed_at <= $1::timestamptz"
	    "  AND (a.detached_at IS NULL OR a.detached_at > $1::timestamptz)),"
	    " EXISTS (SELECT 1 FROM incidents i WHERE i.company_id = c.id"
	    "  AND i.occurred_at > $1::timestamptz"
	    "  AND i.occurred_at <= $1::timestamptz + make_interval(days => $2::int)),"
	    " " RATING_STORE_COVERAGE_OF("c.id") ","
	    " (SELECT " RATING_STORE_UNCERTAIN_AGG " FROM assets a WHERE a.company_id = c.id"
	    "  AND a.attributed_at <= $1::timestamptz"
	    "  AND (a.detached_at IS NULL OR a.detached_at > $1::timestamptz))"
	    " FROM companies c ORDER BY c.id";
	char when[21], days[16];
	const char *params[2] = {timefmt_format(at, when), days};
	struct backtest_store_company *v;
	PGresult *res;
	int i, rows;

	*out = NULL;
	*n = 0;
	snprintf(days, sizeof(days), "%d", window_days);
	if ((res = db_query(conn, sql, 2, params)) == NULL)
		return (-1);
	rows = PQntuples(res);
	if ((v = calloc(rows > 0 ? (size_t)rows : 1, sizeof(*v))) == NULL) {
		log_error("validate: out of memory");
		PQclear(res);
		return (-1);
	}
	for (i = 0; i < rows; i++) {
		v[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		v[i].asset_count = (size_t)strtoull(PQgetvalue(res, i, 1), NULL, 10);
		v[i].incident = PQgetvalue(res, i, 2)[0] == 't';
		if ((!PQgetisnull(res, i, 3) &&
		    rating_store_coverage_parse(PQgetvalue(res, i, 3), &v[i].coverage) != 0) ||
		    rating_store_uncertain_parse(PQgetisnull(res, i, 4) ? NULL :
		    PQgetvalue(res, i, 4), &v[i].uncertain) != 0) {
			log_error("validate: malformed coverage or asset confidences of company %"
			    PRId64, v[i].id);
			backtest_store_companies_free(v, (size_t)i + 1);
			PQclear(res);
			return (-1);
		}
	}
	PQclear(res);
	*out = v;
	*n = (size_t)rows;
	return (0);
}

int
backtest_store_evidence_start(PGconn *conn, int64_t at)
{
	static const char sql[] =
	    "SELECT company_id, id, check_code, coalesce(asset_id, 0), outcome,"
	    " extract(epoch FROM first_seen)::bigint,"
	    " extract(epoch FROM least(last_seen, $1::timestamptz))::bigint, observation_key"
	    " FROM evidence WHERE first_seen <= $1::timestamptz AND status <> 'corrected'"
	    " ORDER BY company_id, id";
	char when[21];
	const char *params[1] = {timefmt_format(at, when)};

	if (!PQsendQueryParams(conn, sql, 1, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn)) {
		log_error("validate: cannot stream evidence: %s", PQerrorMessage(conn));
		return (-1);
	}
	return (0);
}

int
backtest_store_evidence_next(PGconn *conn, int64_t *company_id, struct rating_evidence *ev)
{
	PGresult *res = PQgetResult(conn);
	ExecStatusType st;
	const char *code;
	int rc = -1;

	if (res == NULL) {
		log_error("validate: the evidence stream ended early");
		return (-1);
	}
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK) {
		PQclear(res);
		/* The end: read the final NULL so that conn is ready again. */
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		return (0);
	}
	if (st != PGRES_SINGLE_TUPLE) {
		log_error("validate: reading evidence: %s", PQresultErrorMessage(res));
		goto done;
	}
	memset(ev, 0, sizeof(*ev));
	*company_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	ev->id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	code = PQgetvalue(res, 0, 2);
	/* A code longer than any check's cannot match one: keep it out of the way. */
	if (strlen(code) >= sizeof(ev->check_code))
		code = "";
	snprintf(ev->check_code, sizeof(ev->check_code), "%s", code);
	ev->asset_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	if (rating_outcome_parse(PQgetvalue(res, 0, 4), &ev->outcome) != 0) {
		log_error("validate: evidence %" PRId64 " has an unknown outcome", ev->id);
		goto done;
	}
	ev->first_seen = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	ev->fact = rating_fact_key(PQgetvalue(res, 0, 7), (size_t)PQgetlength(res, 0, 7));
	ev->last_seen = strtoll(PQgetvalue(res, 0, 6), NULL, 10);
	rc = 1;
done:
	PQclear(res);
	return (rc);
}

void
backtest_store_evidence_abort(PGconn *conn)
{
	PGresult *res;

	(void)PQrequestCancel(conn);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}
