#include "collector/scan_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

/* Room for an array literal of SCAN_QUEUE_MAX_BATCH ids or errors. */
#define QUEUE_ARRAY_LIMIT (8 * 1024 * 1024)

/* The demo world's assets (source 'demo', docs/demo-world.md) are fictitious names:
 * scanning them would only find that they do not exist, and write false findings
 * over the demo's evidence. They are never queued. */
static const char queue_sync_add[] =
    "WITH ins AS (INSERT INTO scan_jobs (company_id, asset_id, due_at, interval_seconds)"
    " SELECT a.company_id, a.id, $1::timestamptz, $2::integer FROM assets a"
    " WHERE a.kind = 'domain' AND a.detached_at IS NULL AND a.source <> 'demo'"
    "   AND NOT EXISTS (SELECT 1 FROM scan_jobs j WHERE j.asset_id = a.id)"
    " ON CONFLICT (asset_id, company_id) DO NOTHING RETURNING 1)"
    " SELECT count(*) FROM ins";

static const char queue_sync_remove[] =
    "WITH del AS (DELETE FROM scan_jobs j USING assets a"
    " WHERE a.id = j.asset_id AND (a.detached_at IS NOT NULL OR a.source = 'demo')"
    " RETURNING 1)"
    " SELECT count(*) FROM del";

static const char queue_due[] =
    "SELECT count(*) FROM scan_jobs"
    " WHERE (lease_until IS NULL AND due_at <= $1::timestamptz)"
    "   OR lease_until < $1::timestamptz";

/* The claim: lock due rows nobody else is locking, lease them, return them. */
static const char queue_claim[] =
    "WITH c AS (SELECT id FROM scan_jobs"
    "   WHERE (lease_until IS NULL AND due_at <= $2::timestamptz)"
    "     OR lease_until < $2::timestamptz"
    "   ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)"
    " UPDATE scan_jobs j SET leased_by = $1,"
    "   lease_until = $2::timestamptz + make_interval(secs => $3::integer),"
    "   attempts = j.attempts + 1, last_started_at = $2::timestamptz"
    " FROM c, assets a, companies co"
    " WHERE j.id = c.id AND a.id = j.asset_id AND co.id = j.company_id"
    " RETURNING j.id, j.company_id, j.asset_id, co.slug, lower(a.value), j.attempts";

static const char queue_renew[] =
    "UPDATE scan_jobs SET lease_until = $2::timestamptz + make_interval(secs => $3::integer)"
    " WHERE leased_by = $1";

/* A clean finish is due an interval later; an error retries after 15 minutes per
 * attempt, at most an interval later. */
static const char queue_finish[] =
    "UPDATE scan_jobs j SET leased_by = NULL, lease_until = NULL,"
    "   last_finished_at = $2::timestamptz, last_error = f.err,"
    "   scans = j.scans + 1,"
    "   attempts = CASE WHEN f.err IS NULL THEN 0 ELSE j.attempts END,"
    "   due_at = $2::timestamptz + make_interval(secs => CASE WHEN f.err IS NULL"
    "     THEN j.interval_seconds ELSE least(j.interval_seconds, 900 * j.attempts) END)"
    " FROM unnest($3::bigint[], $4::text[]) AS f(id, err)"
    " WHERE j.id = f.id AND j.leased_by = $1";

static const char queue_release[] =
    "UPDATE scan_jobs SET leased_by = NULL, lease_until = NULL,"
    "   attempts = greatest(attempts - 1, 0)"
    " WHERE leased_by = $1";

char *
scan_queue_worker_id(char *out, size_t n)
{
	char host[64];
	struct timespec ts;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, n, "%s:%ld:%08lx", host, (long)getpid(),
	    (unsigned long)(ts.tv_nsec ^ (ts.tv_sec << 12)) & 0xffffffffUL);
	return (out);
}

/* Run a statement that returns no rows; 0 with *affected set, or -1 (logged). */
static int
queue_command(PGconn *conn, const char *sql, int nparams, const char *const *params,
    long *affected)
{
	PGresult *res;
	int rc = 0;

	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_error("scan queue: database: %s", res ? PQresultErrorMessage(res) :
		    PQerrorMessage(conn));
		rc = -1;
	} else if (affected != NULL) {
		*affected = atol(PQcmdTuples(res));
	}
	PQclear(res);
	return (rc);
}

/* Run sql, which returns one count. 0 with *count set, or -1 (logged). */
static int
queue_count(PGconn *conn, const char *sql, int nparams, const char *const *params,
    long *count)
{
	PGresult *res;

	if ((res = db_query(conn, sql, nparams, params)) == NULL)
		return (-1);
	*count = PQntuples(res) > 0 ? atol(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return (0);
}

int
scan_queue_sync(PGconn *conn, int64_t now, int interval_seconds, long *added,
    long *removed)
{
	char iso[21], ival[16];
	const char *params[2] = {iso, ival};

	timefmt_format(now, iso);
	snprintf(ival, sizeof(ival), "%d", interval_seconds);
	if (queue_count(conn, queue_sync_remove, 0, NULL, removed) != 0 ||
	    queue_count(conn, queue_sync_add, 2, params, added) != 0)
		return (-1);
	return (0);
}

long
scan_queue_due(PGconn *conn, int64_t now)
{
	char iso[21];
	const char *params[1] = {iso};
	long n;

	timefmt_format(now, iso);
	if (queue_count(conn, queue_due, 1, params, &n) != 0)
		return (-1);
	return (n);
}

int
scan_queue_claim(PGconn *conn, const char *worker, int64_t now, int lease_seconds,
    size_t max, struct scan_job *jobs, size_t *n)
{
	char iso[21], lease[16], limit[24];
	const char *params[4] = {worker, iso, lease, limit};
	PGresult *res;
	int i;

	*n = 0;
	if (max == 0)
		return (0);
	timefmt_format(now, iso);
	snprintf(lease, sizeof(lease), "%d", lease_seconds);
	snprintf(limit, sizeof(limit), "%zu", max);
	if ((res = db_query(conn, queue_claim, 4, params)) == NULL)
		return (-1);
	for (i = 0; i < PQntuples(res) && (size_t)i < max; i++) {
		struct scan_job *j = &jobs[i];

		memset(j, 0, sizeof(*j));
		j->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		j->company_id = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		j->asset_id = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		snprintf(j->company, sizeof(j->company), "%s", PQgetvalue(res, i, 3));
		snprintf(j->domain, sizeof(j->domain), "%s", PQgetvalue(res, i, 4));
		j->attempts = atoi(PQgetvalue(res, i, 5));
	}
	*n = (size_t)i;
	PQclear(res);
	return (0);
}

int
scan_queue_renew(PGconn *conn, const char *worker, int64_t now, int lease_seconds,
    long *held)
{
	char iso[21], lease[16];
	const char *params[3] = {worker, iso, lease};

	timefmt_format(now, iso);
	snprintf(lease, sizeof(lease), "%d", lease_seconds);
	return (queue_command(conn, queue_renew, 3, params, held));
}

int
scan_queue_finish(PGconn *conn, const char *worker, int64_t now, const int64_t *ids,
    const char *const *errors, size_t n, long *finished)
{
	char iso[21], err[SCAN_QUEUE_MAX_ERROR + 1];
	const char *params[4];
	struct buf idb, errb;
	size_t i;
	int rc = -1, bad = 0;

	if (finished != NULL)
		*finished = 0;
	if (n == 0)
		return (0);
	buf_init(&idb, QUEUE_ARRAY_LIMIT);
	buf_init(&errb, QUEUE_ARRAY_LIMIT);
	bad |= buf_append(&idb, "{", 1) | buf_append(&errb, "{", 1);
	for (i = 0; i < n && !bad; i++) {
		bad |= buf_appendf(&idb, "%s%lld", i ? "," : "", (long long)ids[i]);
		if (i > 0)
			bad |= buf_append(&errb, ",", 1);
		if (errors == NULL || errors[i] == NULL) {
			bad |= buf_append(&errb, "NULL", 4);
		} else {
			snprintf(err, sizeof(err), "%s", errors[i]);
			bad |= db_array_append_text(&errb, err);
		}
	}
	bad |= buf_append(&idb, "}", 1) | buf_append(&errb, "}", 1);
	if (bad) {
		log_error("scan queue: too many jobs to finish at once (%zu)", n);
		goto done;
	}
	timefmt_format(now, iso);
	params[0] = worker;
	params[1] = iso;
	params[2] = idb.data;
	params[3] = errb.data;
	rc = queue_command(conn, queue_finish, 4, params, finished);
done:
	buf_free(&idb);
	buf_free(&errb);
	return (rc);
}

int
scan_queue_release(PGconn *conn, const char *worker)
{
	const char *params[1] = {worker};

	return (queue_command(conn, queue_release, 1, params, NULL));
}
