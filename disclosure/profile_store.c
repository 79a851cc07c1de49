#include "disclosure/profile_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int
profile_store_get(PGconn *conn, int64_t company_id, json_t **out)
{
	static const char sql[] =
	    "SELECT jsonb_build_object('published', coalesce(p.published, false),"
	    " 'statement', p.statement, 'published_at', " ISO("p.published_at") ","
	    " 'url', '/v1/public/companies/' || c.slug)::text"
	    " FROM companies c LEFT JOIN company_profiles p ON p.company_id = c.id"
	    " WHERE c.id = $1::bigint";
	char sid[24];
	const char *p[1] = {sid};
	json_error_t err;
	PGresult *res;

	*out = NULL;
	snprintf(sid, sizeof(sid), "%" PRId64, company_id);
	if ((res = db_query(conn, sql, 1, p)) == NULL)
		return (-1);
	if (PQntuples(res) == 1)
		*out = json_loads(PQgetvalue(res, 0, 0), 0, &err);
	PQclear(res);
	if (*out == NULL) {
		log_error("profile store: company %s: no profile view", sid);
		return (-1);
	}
	return (0);
}

int
profile_store_put(PGconn *conn, int64_t company_id, int64_t key_id, int published,
    const char *statement, int64_t now, json_t **out)
{
	static const char sql_put[] =
	    "INSERT INTO company_profiles AS p (company_id, published, statement,"
	    " published_at, updated_at) VALUES ($1::bigint, $2::boolean, $3,"
	    " CASE WHEN $2::boolean THEN to_timestamp($4::bigint) END, now())"
	    " ON CONFLICT (company_id) DO UPDATE SET published = EXCLUDED.published,"
	    " statement = EXCLUDED.statement, published_at = CASE WHEN NOT"
	    " EXCLUDED.published THEN NULL WHEN p.published THEN p.published_at"
	    " ELSE EXCLUDED.published_at END, updated_at = now()";
	static const char sql_audit[] =
	    "INSERT INTO audit_log (actor_key_id, actor, action, target, company_id, details)"
	    " VALUES ($1::bigint, 'company', $2, 'company:' || $3, $3::bigint,"
	    " jsonb_build_object('statement', $4::text))";
	char scompany[24], skey[24], snow[24];
	const char *p[4] = {scompany, published ? "true" : "false", statement, snow};
	const char *a[4] = {key_id > 0 ? skey : NULL, published ?
	    "company.profile.publish" : "company.profile.withdraw", scompany, statement};

	snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
	snprintf(skey, sizeof(skey), "%" PRId64, key_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (db_begin(conn) != 0)
		return (-1);
	if (db_exec(conn, sql_put, 4, p) != 0 || db_exec(conn, sql_audit, 4, a) != 0 ||
	    db_commit(conn) != 0) {
		db_rollback(conn);
		return (-1);
	}
	return (profile_store_get(conn, company_id, out));
}

int
profile_store_public(PGconn *conn, const char *slug, int64_t *company_id,
    char **statement, char published_at[21])
{
	static const char sql[] =
	    "SELECT c.id, p.statement, " ISO("p.published_at") " FROM companies c"
	    " JOIN company_profiles p ON p.company_id = c.id"
	    " WHERE c.slug = $1 AND c.visibility = 'public' AND p.published";
	const char *p[1] = {slug};
	PGresult *res;
	int found;

	*statement = NULL;
	published_at[0] = '\0';
	if ((res = db_query(conn, sql, 1, p)) == NULL)
		return (-1);
	found = PQntuples(res) == 1;
	if (found) {
		*company_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(published_at, 21, "%s", PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 1) &&
		    (*statement = strdup(PQgetvalue(res, 0, 1))) == NULL) {
			log_error("profile store: out of memory");
			found = -1;
		}
	}
	PQclear(res);
	return (found);
}
