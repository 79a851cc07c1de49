#include "dispute/webhook_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"

#define WS_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const char *
webhook_owner_column(enum webhook_owner owner)
{
	return (owner == WEBHOOK_OWNER_COMPANY ? "company" : "portfolio");
}

int
webhook_store_put(PGconn *conn, enum webhook_owner owner, int64_t owner_id,
    const char *url, const char *secret, int64_t key_id)
{
	char sowner[24], skey[24];
	const char *params[5] = {webhook_owner_column(owner), sowner, url, secret, skey};

	snprintf(sowner, sizeof(sowner), "%" PRId64, owner_id);
	snprintf(skey, sizeof(skey), "%" PRId64, key_id);
	if (key_id <= 0)
		params[4] = NULL;
	if (owner == WEBHOOK_OWNER_COMPANY)
		return (db_exec(conn, "INSERT INTO webhooks (company_id, url, secret,"
		    " created_by) SELECT $2::bigint, $3, $4, $5::bigint WHERE $1 = 'company'"
		    " ON CONFLICT (company_id) DO UPDATE SET url = EXCLUDED.url, secret ="
		    " EXCLUDED.secret, created_by = EXCLUDED.created_by, updated_at = now()",
		    5, params));
	return (db_exec(conn, "INSERT INTO webhooks (portfolio_id, url, secret, created_by)"
	    " SELECT $2::bigint, $3, $4, $5::bigint WHERE $1 = 'portfolio'"
	    " ON CONFLICT (portfolio_id) DO UPDATE SET url = EXCLUDED.url, secret ="
	    " EXCLUDED.secret, created_by = EXCLUDED.created_by, updated_at = now()",
	    5, params));
}

json_t *
webhook_store_get(PGconn *conn, enum webhook_owner owner, int64_t owner_id, int *found)
{
	char sowner[24];
	const char *params[2] = {webhook_owner_column(owner), sowner};
	json_t *v = NULL;
	PGresult *res;

	*found = 1;
	snprintf(sowner, sizeof(sowner), "%" PRId64, owner_id);
	res = db_query(conn, "SELECT json_build_object('url', w.url, 'created_at',"
	    " " WS_UTC("w.created_at") ", 'updated_at', " WS_UTC("w.updated_at") ","
	    " 'signature_header', 'X-Fairrate-Signature', 'deliveries', coalesce((SELECT"
	    " json_agg(json_build_object('id', d.id, 'event', d.event, 'state', d.state,"
	    " 'attempts', d.attempts, 'last_status', d.last_status, 'last_error',"
	    " d.last_error, 'idempotency_key', d.idempotency_key, 'created_at', "
	    WS_UTC("d.created_at") ", 'next_attempt_at', CASE WHEN d.state = 'pending'"
	    " THEN " WS_UTC("d.next_attempt_at") " END, 'delivered_at', "
	    WS_UTC("d.delivered_at") ") ORDER BY d.id DESC) FROM (SELECT * FROM"
	    " webhook_deliveries WHERE webhook_id = w.id ORDER BY id DESC LIMIT 20) d),"
	    " '[]'::json))::text FROM webhooks w"
	    " WHERE CASE WHEN $1 = 'company' THEN w.company_id ELSE w.portfolio_id END"
	    " = $2::bigint", 2, params);
	if (res == NULL)
		return (NULL);
	if (PQntuples(res) == 0)
		*found = 0;
	else if ((v = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		log_error("webhooks: cannot read the webhook's JSON");
	PQclear(res);
	return (v);
}

/* 1 when the statement sql returned a row, 0 when none, -1 on error (logged by
 * db_query). */
static int
ws_any_row(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = db_query(conn, sql, nparams, params);
	int n;

	if (res == NULL)
		return (-1);
	n = PQntuples(res) > 0;
	PQclear(res);
	return (n);
}

int
webhook_store_delete(PGconn *conn, enum webhook_owner owner, int64_t owner_id)
{
	char sowner[24];
	const char *params[2] = {webhook_owner_column(owner), sowner};

	snprintf(sowner, sizeof(sowner), "%" PRId64, owner_id);
	return (ws_any_row(conn, "DELETE FROM webhooks WHERE CASE WHEN $1 = 'company'"
	    " THEN company_id ELSE portfolio_id END = $2::bigint RETURNING id", 2, params));
}

int
webhook_store_portfolio_owned(PGconn *conn, int64_t portfolio_id, int64_t key_id)
{
	char sid[24], skey[24];
	const char *params[2] = {sid, skey};

	snprintf(sid, sizeof(sid), "%" PRId64, portfolio_id);
	snprintf(skey, sizeof(skey), "%" PRId64, key_id);
	return (ws_any_row(conn, "SELECT 1 FROM portfolios WHERE id = $1::bigint"
	    " AND owner_key_id = $2::bigint", 2, params));
}

int
webhook_store_lease(PGconn *conn, int64_t lease_secs, size_t max, int per_receiver,
    struct webhook_job **jobs, size_t *n)
{
	char slease[24], smax[24], scap[16];
	const char *params[3] = {slease, smax, scap};
	struct webhook_job *j = NULL;
	PGresult *res;
	int i, rows;

	*jobs = NULL;
	*n = 0;
	snprintf(slease, sizeof(slease), "%" PRId64, lease_secs);
	snprintf(smax, sizeof(smax), "%zu", max);
	snprintf(scap, sizeof(scap), "%d", per_receiver);
	/* A leased row's next_attempt_at is the end of its lease: if the worker dies,
	 * the row is simply due again then. The caller leases only what it sends at
	 * once, so that no leased row waits behind another's send and outlives its lease
	 * (another instance would then send it a second time). A receiver (a webhook)
	 * with per_receiver rows in flight, here or on another instance, gets no more. */
	res = db_query(conn, "UPDATE webhook_deliveries d SET attempts = d.attempts + 1,"
	    " lease_until = clock_timestamp() + make_interval(secs => $1::bigint),"
	    " next_attempt_at = clock_timestamp() + make_interval(secs => $1::bigint)"
	    " FROM (SELECT p.id FROM webhook_deliveries p WHERE p.state = 'pending'"
	    "   AND p.next_attempt_at <= now() AND (SELECT count(*) FROM webhook_deliveries f"
	    "     WHERE f.webhook_id = p.webhook_id AND f.state = 'pending'"
	    "     AND f.lease_until > now()) < $3::int"
	    "   ORDER BY p.next_attempt_at, p.id LIMIT $2::int"
	    "   FOR UPDATE SKIP LOCKED) due, webhooks w"
	    " WHERE d.id = due.id AND w.id = d.webhook_id"
	    " RETURNING d.id, d.attempts, w.url, w.secret, d.event, d.idempotency_key,"
	    " d.payload::text", 3, params);
	if (res == NULL)
		return (-1);
	rows = PQntuples(res);
	if (rows > 0 && (j = calloc((size_t)rows, sizeof(*j))) == NULL)
		goto nomem;
	for (i = 0; i < rows; i++) {
		j[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		j[i].attempt = (int)strtol(PQgetvalue(res, i, 1), NULL, 10);
		snprintf(j[i].url, sizeof(j[i].url), "%s", PQgetvalue(res, i, 2));
		snprintf(j[i].secret, sizeof(j[i].secret), "%s", PQgetvalue(res, i, 3));
		snprintf(j[i].event, sizeof(j[i].event), "%s", PQgetvalue(res, i, 4));
		snprintf(j[i].idempotency_key, sizeof(j[i].idempotency_key), "%s",
		    PQgetvalue(res, i, 5));
		j[i].payload_len = (size_t)PQgetlength(res, i, 6);
		if ((j[i].payload = strdup(PQgetvalue(res, i, 6))) == NULL) {
			webhook_jobs_free(j, (size_t)i);
			goto nomem;
		}
	}
	PQclear(res);
	*jobs = j;
	*n = (size_t)rows;
	return (0);
nomem:
	log_error("webhooks: out of memory");
	PQclear(res);
	return (-1);
}

void
webhook_jobs_free(struct webhook_job *jobs, size_t n)
{
	size_t i;

	if (jobs == NULL)
		return;
	for (i = 0; i < n; i++)
		free(jobs[i].payload);
	free(jobs);
}

int
webhook_store_finish(PGconn *conn, const struct webhook_job *job, int delivered,
    long http_status, const char *error, long duration_ms, int64_t retry_in)
{
	char sid[24], sattempt[16], sstatus[16], sdur[24], sretry[24];
	const char *log_params[5] = {sid, sattempt, sstatus, error, sdur};
	const char *settle[5] = {sid, delivered ? "delivered" : retry_in < 0 ? "failed" :
	    "pending", sretry, sstatus, error};

	snprintf(sid, sizeof(sid), "%" PRId64, job->id);
	snprintf(sattempt, sizeof(sattempt), "%d", job->attempt);
	snprintf(sstatus, sizeof(sstatus), "%ld", http_status);
	snprintf(sdur, sizeof(sdur), "%ld", duration_ms);
	snprintf(sretry, sizeof(sretry), "%" PRId64, retry_in < 0 ? 0 : retry_in);
	if (http_status == 0)
		log_params[2] = settle[3] = NULL;
	if (db_begin(conn) != 0)
		return (-1);
	if (db_exec(conn, "INSERT INTO webhook_attempts (delivery_id, attempt, http_status,"
	    " error, duration_ms) VALUES ($1::bigint, $2::int, $3::int, left($4, 500),"
	    " $5::int) ON CONFLICT (delivery_id, attempt) DO NOTHING", 5, log_params) != 0 ||
	    db_exec(conn, "UPDATE webhook_deliveries SET state = $2, lease_until = NULL,"
	    " next_attempt_at = now() + make_interval(secs => $3::bigint),"
	    " delivered_at = CASE WHEN $2 = 'delivered' THEN now() END,"
	    " last_status = $4::int, last_error = left($5, 500)"
	    " WHERE id = $1::bigint AND state = 'pending'", 5, settle) != 0 ||
	    db_commit(conn) != 0) {
		db_rollback(conn);
		return (-1);
	}
	return (0);
}
