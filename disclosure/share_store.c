#include "disclosure/share_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "disclosure/share_grant.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* A grant (column 0) and its expiry and revocation times (1, 2) for its status. */
#define GRANT_COLS \
    "jsonb_build_object('id', g.id, 'company', c.slug, 'grantee', jsonb_build_object(" \
    " 'kind', CASE WHEN g.grantee_key_id IS NULL THEN 'company' ELSE 'key' END," \
    " 'key_id', g.grantee_key_id, 'company', gc.slug), 'scope', to_jsonb(g.scope)," \
    " 'note', g.note, 'created_at', " ISO("g.created_at") ", 'expires_at', " \
    ISO("g.expires_at") ", 'revoked_at', " ISO("g.revoked_at") ")::text," \
    " extract(epoch FROM g.expires_at)::bigint, extract(epoch FROM g.revoked_at)::bigint" \
    " FROM share_grants g JOIN companies c ON c.id = g.company_id" \
    " LEFT JOIN companies gc ON gc.id = g.grantee_company_id"

static void
fmt(char out[24], int64_t v)
{
	snprintf(out, 24, "%" PRId64, v);
}

static int64_t
cell(const PGresult *res, int r, int c)
{
	return (PQgetisnull(res, r, c) ? 0 : strtoll(PQgetvalue(res, r, c), NULL, 10));
}

static json_t *
grant_row(const PGresult *res, int r, int64_t now)
{
	json_t *v = json_loads(PQgetvalue(res, r, 0), 0, NULL);

	if (v == NULL || json_object_set_new(v, "status", json_string(share_grant_status(
	    cell(res, r, 1), cell(res, r, 2), now))) != 0) {
		log_error("share store: a grant view does not build");
		json_decref(v);
		return (NULL);
	}
	return (v);
}

static int
audit(PGconn *conn, int64_t key_id, const char *action, const char *sid,
    const char *scompany, const char *snow)
{
	char skey[24];
	const char *p[5] = {key_id > 0 ? skey : NULL, action, sid, scompany, snow};

	fmt(skey, key_id);
	return (db_exec(conn, "INSERT INTO audit_log (at, actor_key_id, actor, action,"
	    " target, company_id) VALUES (to_timestamp($5::bigint), $1::bigint, 'company',"
	    " $2, 'share_grant:' || $3, $4::bigint)", 5, p));
}

enum share_store_result
share_store_create(PGconn *conn, int64_t company_id, int64_t key_id,
    const struct share_grant_new *g, int64_t now, int64_t *id)
{
	static const char sql[] =
	    "INSERT INTO share_grants (company_id, grantee_key_id, grantee_company_id, scope,"
	    " note, created_by, created_at, expires_at)"
	    " SELECT $1::bigint, k.id, gc.id, $4::text[], $5, $6::bigint,"
	    "  to_timestamp($7::bigint), to_timestamp($8::bigint)"
	    " FROM (SELECT 1) one"
	    " LEFT JOIN api_keys k ON k.id = $2::bigint AND k.role = 'investor'"
	    "  AND k.revoked_at IS NULL"
	    " LEFT JOIN companies gc ON gc.slug = $3 AND gc.id <> $1::bigint"
	    " WHERE (k.id IS NOT NULL) <> (gc.id IS NOT NULL) RETURNING id";
	char scompany[24], sgkey[24], skey[24], snow[24], sexp[24], sid[24];
	const char *p[8] = {scompany, g->grantee_key_id > 0 ? sgkey : NULL,
	    g->grantee_company, NULL, g->note, skey, snow, sexp};
	enum share_store_result rc = SHARE_STORE_ERROR;
	PGresult *res = NULL;
	struct buf scope;
	size_t i;

	fmt(scompany, company_id);
	fmt(sgkey, g->grantee_key_id);
	fmt(skey, key_id);
	fmt(snow, now);
	fmt(sexp, g->expires_at);
	buf_init(&scope, 256);
	if (buf_append(&scope, "{", 1) != 0)
		goto done;
	for (i = 0; i < g->nscope; i++)
		if ((i > 0 && buf_append(&scope, ",", 1) != 0) ||
		    db_array_append_text(&scope, g->scope[i]) != 0)
			goto done;
	if (buf_append(&scope, "}", 2) != 0)
		goto done;
	p[3] = scope.data;
	if (db_begin(conn) != 0)
		goto done;
	if ((res = db_query(conn, sql, 8, p)) == NULL)
		goto rollback;
	if (PQntuples(res) == 0) {
		rc = SHARE_STORE_BAD_GRANTEE;
		goto rollback;
	}
	*id = cell(res, 0, 0);
	fmt(sid, *id);
	if (audit(conn, key_id, "share.grant", sid, scompany, snow) != 0 ||
	    db_commit(conn) != 0)
		goto rollback;
	rc = SHARE_STORE_OK;
	goto done;
rollback:
	db_rollback(conn);
done:
	PQclear(res);
	buf_free(&scope);
	return (rc);
}

enum share_store_result
share_store_get(PGconn *conn, int64_t company_id, int64_t id, int64_t now, json_t **out)
{
	static const char sql[] = "SELECT " GRANT_COLS
	    " WHERE g.id = $1::bigint AND g.company_id = $2::bigint";
	char sid[24], scompany[24];
	const char *p[2] = {sid, scompany};
	PGresult *res;

	*out = NULL;
	fmt(sid, id);
	fmt(scompany, company_id);
	if ((res = db_query(conn, sql, 2, p)) == NULL)
		return (SHARE_STORE_ERROR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (SHARE_STORE_NOT_FOUND);
	}
	*out = grant_row(res, 0, now);
	PQclear(res);
	return (*out != NULL ? SHARE_STORE_OK : SHARE_STORE_ERROR);
}

json_t *
share_store_list(PGconn *conn, int64_t company_id, int64_t after, size_t limit,
    int64_t now)
{
	static const char sql[] = "SELECT " GRANT_COLS
	    " WHERE g.company_id = $1::bigint AND g.id > $2::bigint ORDER BY g.id"
	    " LIMIT $3::bigint";
	char scompany[24], safter[24], slimit[24];
	const char *p[3] = {scompany, safter, slimit};
	json_t *items, *v;
	PGresult *res;
	int i;

	fmt(scompany, company_id);
	fmt(safter, after);
	fmt(slimit, (int64_t)limit + 1);
	if ((res = db_query(conn, sql, 3, p)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((v = grant_row(res, i, now)) == NULL ||
		    json_array_append_new(items, v) != 0) {
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

enum share_store_result
share_store_revoke(PGconn *conn, int64_t company_id, int64_t key_id, int64_t id,
    int64_t now)
{
	static const char sql[] =
	    "UPDATE share_grants SET revoked_at = coalesce(revoked_at,"
	    " to_timestamp($3::bigint)) WHERE id = $1::bigint AND company_id = $2::bigint"
	    " RETURNING id";
	char sid[24], scompany[24], snow[24];
	const char *p[3] = {sid, scompany, snow};
	PGresult *res;
	int found;

	fmt(sid, id);
	fmt(scompany, company_id);
	fmt(snow, now);
	if (db_begin(conn) != 0)
		return (SHARE_STORE_ERROR);
	if ((res = db_query(conn, sql, 3, p)) == NULL)
		goto fail;
	found = PQntuples(res) == 1;
	PQclear(res);
	if (!found) {
		db_rollback(conn);
		return (SHARE_STORE_NOT_FOUND);
	}
	if (audit(conn, key_id, "share.revoke", sid, scompany, snow) != 0 ||
	    db_commit(conn) != 0)
		goto fail;
	return (SHARE_STORE_OK);
fail:
	db_rollback(conn);
	return (SHARE_STORE_ERROR);
}

json_t *
share_store_reads(PGconn *conn, int64_t company_id, int64_t id, int64_t after,
    size_t limit)
{
	static const char sql[] =
	    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'at', " ISO("a.at") ","
	    " 'grantee_key_id', a.actor_key_id, 'scope', a.details->>'scope', 'path',"
	    " a.details->>'path') ORDER BY a.id), '[]'::jsonb)::text FROM (SELECT * FROM"
	    " audit_log WHERE action = 'share.read' AND target = 'share_grant:' || $2"
	    " AND company_id = $1::bigint AND id > $3::bigint ORDER BY id LIMIT $4::bigint) a";
	char scompany[24], sid[24], safter[24], slimit[24];
	const char *p[4] = {scompany, sid, safter, slimit};
	json_t *items;
	PGresult *res;

	fmt(scompany, company_id);
	fmt(sid, id);
	fmt(safter, after);
	fmt(slimit, (int64_t)limit + 1);
	if ((res = db_query(conn, sql, 4, p)) == NULL)
		return (NULL);
	items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (items == NULL)
		log_error("share store: the reads of grant %s do not parse", sid);
	return (items);
}

/* The caller's grants of scope on company slug: the grantee is its key, or its
 * company for a company key. */
#define CALLER_GRANTS \
    " FROM share_grants g JOIN companies c ON c.id = g.company_id" \
    " WHERE c.slug = $1 AND $2 = ANY (g.scope)" \
    " AND (g.grantee_key_id = $3::bigint OR g.grantee_company_id = $4::bigint)"

enum share_store_result
share_store_open_read(PGconn *conn, const char *slug, const char *scope, int64_t key_id,
    int64_t caller_company, const char *path, int64_t now, int64_t *company_id)
{
	/* The audit row is written only when a grant in force allows the read. */
	static const char sql_read[] =
	    "INSERT INTO audit_log (at, actor_key_id, actor, action, target, company_id,"
	    " details) SELECT to_timestamp($5::bigint), $3::bigint, 'grantee', 'share.read',"
	    " 'share_grant:' || g.id, g.company_id, jsonb_build_object('scope', $2::text,"
	    " 'path', $6::text)" CALLER_GRANTS " AND g.revoked_at IS NULL"
	    " AND g.expires_at > to_timestamp($5::bigint)"
	    " ORDER BY g.expires_at DESC LIMIT 1 RETURNING company_id";
	static const char sql_lapsed[] = "SELECT count(*)" CALLER_GRANTS;
	char skey[24], scompany[24], snow[24];
	const char *p[6] = {slug, scope, skey, caller_company > 0 ? scompany : NULL, snow,
	    path};
	enum share_store_result rc;
	PGresult *res;

	fmt(skey, key_id);
	fmt(scompany, caller_company);
	fmt(snow, now);
	if ((res = db_query(conn, sql_read, 6, p)) == NULL)
		return (SHARE_STORE_ERROR);
	if (PQntuples(res) == 1) {
		*company_id = cell(res, 0, 0);
		PQclear(res);
		return (SHARE_STORE_OK);
	}
	PQclear(res);
	if ((res = db_query(conn, sql_lapsed, 4, p)) == NULL)
		return (SHARE_STORE_ERROR);
	rc = cell(res, 0, 0) > 0 ? SHARE_STORE_LAPSED : SHARE_STORE_NOT_FOUND;
	PQclear(res);
	return (rc);
}

json_t *
share_store_received(PGconn *conn, int64_t key_id, int64_t caller_company, int64_t now)
{
	static const char sql[] =
	    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', g.id, 'company', c.slug,"
	    " 'scope', to_jsonb(g.scope), 'expires_at', " ISO("g.expires_at") ")"
	    " ORDER BY g.id), '[]'::jsonb)::text FROM share_grants g"
	    " JOIN companies c ON c.id = g.company_id"
	    " WHERE (g.grantee_key_id = $1::bigint OR g.grantee_company_id = $2::bigint)"
	    " AND g.revoked_at IS NULL AND g.expires_at > to_timestamp($3::bigint)";
	char skey[24], scompany[24], snow[24];
	const char *p[3] = {skey, caller_company > 0 ? scompany : NULL, snow};
	json_t *items;
	PGresult *res;

	fmt(skey, key_id);
	fmt(scompany, caller_company);
	fmt(snow, now);
	if ((res = db_query(conn, sql, 3, p)) == NULL)
		return (NULL);
	items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return (items);
}
