#include "api/candidate_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

#define CANDIDATE_COLUMNS \
	"c.id, c.value, c.rule, c.confidence, array_to_json(c.sources)::text," \
	" extract(epoch FROM c.first_seen)::bigint, extract(epoch FROM c.last_seen)::bigint," \
	" c.decision, extract(epoch FROM c.decided_at)::bigint, c.decided_reason," \
	" EXISTS (SELECT 1 FROM assets a WHERE a.company_id = c.company_id" \
	"  AND a.kind = c.kind AND a.value = c.value AND a.detached_at IS NULL)"

static json_t *
candidate_json(PGresult *res, int i)
{
	json_t *sources = json_loads(PQgetvalue(res, i, 4), 0, NULL);

	return (json_pack("{sI ss ss so so so so ss? so? ss? sb}",
	    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
	    "value", PQgetvalue(res, i, 1), "rule", PQgetvalue(res, i, 2),
	    "confidence", company_view_number(PQgetvalue(res, i, 3)),
	    "sources", sources ? sources : json_array(),
	    "first_seen", company_view_time(PQgetvalue(res, i, 5)),
	    "last_seen", company_view_time(PQgetvalue(res, i, 6)),
	    "decision", PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7),
	    "decided_at", PQgetisnull(res, i, 8) ? NULL :
	    company_view_time(PQgetvalue(res, i, 8)),
	    "decided_reason", PQgetisnull(res, i, 9) ? NULL : PQgetvalue(res, i, 9),
	    "counted", PQgetvalue(res, i, 10)[0] == 't'));
}

json_t *
candidate_store_list(PGconn *conn, int64_t company, int64_t after, unsigned limit)
{
	char sc[24], sa[24], sl[16];
	const char *params[3] = {sc, sa, sl};
	json_t *items, *item;
	PGresult *res;
	int i;

	snprintf(sc, sizeof(sc), "%lld", (long long)company);
	snprintf(sa, sizeof(sa), "%lld", (long long)after);
	snprintf(sl, sizeof(sl), "%u", limit);
	if ((res = db_query(conn, "SELECT " CANDIDATE_COLUMNS " FROM asset_candidates c"
	    " WHERE c.company_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3", 3,
	    params)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((item = candidate_json(res, i)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			log_error("candidates: out of memory");
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

enum candidate_result
candidate_store_decide(PGconn *conn, int64_t company, int64_t id, int confirm,
    const char *reason, int64_t now, json_t **out)
{
	char sc[24], si[24], at[21];
	const char *params[5] = {si, sc, confirm ? "confirmed" : "rejected", reason, at};
	const char *insert_params[2] = {si, at};
	enum candidate_result rc = CANDIDATE_FAILED;
	PGresult *res = NULL;

	*out = NULL;
	snprintf(sc, sizeof(sc), "%lld", (long long)company);
	snprintf(si, sizeof(si), "%lld", (long long)id);
	timefmt_format(now, at);
	if (db_begin(conn) != 0)
		return (CANDIDATE_FAILED);
	/* The candidate, locked, with the state of its asset: none, attached, detached. */
	if ((res = db_query(conn, "SELECT (SELECT CASE WHEN a.detached_at IS NULL THEN"
	    " 'attached' ELSE 'detached' END FROM assets a WHERE a.company_id = c.company_id"
	    " AND a.kind = c.kind AND a.value = c.value) FROM asset_candidates c"
	    " WHERE c.id = $1 AND c.company_id = $2 FOR UPDATE OF c", 2, params)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		rc = CANDIDATE_NOT_FOUND;
		goto fail;
	}
	if (!confirm && strcmp(PQgetvalue(res, 0, 0), "attached") == 0) {
		rc = CANDIDATE_COUNTED;
		goto fail;
	}
	if (confirm && strcmp(PQgetvalue(res, 0, 0), "detached") == 0) {
		rc = CANDIDATE_DETACHED;
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if (db_exec(conn, "UPDATE asset_candidates SET decision = $3, decided_at = $5,"
	    " decided_reason = $4 WHERE id = $1 AND company_id = $2", 5, params) != 0 ||
	    (confirm && db_exec(conn, "INSERT INTO assets (company_id, kind, value, source,"
	    " confidence, attributed_at) SELECT company_id, kind, value,"
	    " 'confirmed by the company', 1.0, $2 FROM asset_candidates WHERE id = $1"
	    " ON CONFLICT (company_id, kind, value) DO UPDATE SET confidence = 1.0",
	    2, insert_params) != 0) ||
	    (res = db_query(conn, "SELECT " CANDIDATE_COLUMNS " FROM asset_candidates c"
	    " WHERE c.id = $1 AND c.company_id = $2", 2, params)) == NULL ||
	    db_commit(conn) != 0)
		goto fail;
	*out = candidate_json(res, 0);
	PQclear(res);
	return (*out != NULL ? CANDIDATE_OK : CANDIDATE_FAILED);
fail:
	PQclear(res);
	db_rollback(conn);
	return (rc);
}
