#include "api/keys_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/timefmt.h"

#define KEYS_FIND "keys_find_by_prefix"
#define KEYS_TOUCH "keys_touch"

int
keys_store_register(struct db_pool *pool)
{
	if (db_pool_register(pool, KEYS_FIND,
	    "SELECT id, secret_sha256, role, coalesce(company_id, 0), revoked_at IS NOT NULL,"
	    " last_used_at IS NULL OR last_used_at < now() - interval '60 seconds'"
	    " FROM api_keys WHERE prefix = $1", 1) != 0 ||
	    db_pool_register(pool, KEYS_TOUCH,
	    "UPDATE api_keys SET last_used_at = now() WHERE id = $1", 1) != 0)
		return (-1);
	return (0);
}

int
keys_store_find(struct db_pool *pool, PGconn *conn, const char *prefix,
    struct keys_record *out, int *conn_lost)
{
	const char *params[1] = {prefix};
	PGresult *res;
	int rc = 0;

	*conn_lost = 0;
	if ((res = db_pool_exec(pool, conn, KEYS_FIND, 1, params, NULL)) == NULL) {
		*conn_lost = PQstatus(conn) != CONNECTION_OK;
		return (-1);
	}
	if (PQntuples(res) == 1) {
		out->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(out->secret_sha256, sizeof(out->secret_sha256), "%s",
		    PQgetvalue(res, 0, 1));
		if (auth_role_parse(PQgetvalue(res, 0, 2), &out->role) != 0)
			out->role = AUTH_ROLE_PUBLIC;   /* admits nothing but public routes */
		out->company_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		out->revoked = PQgetvalue(res, 0, 4)[0] == 't';
		out->use_stale = PQgetvalue(res, 0, 5)[0] == 't';
		rc = 1;
	}
	PQclear(res);
	return (rc);
}

int
keys_store_touch(struct db_pool *pool, PGconn *conn, int64_t id)
{
	char sid[24];
	const char *params[1] = {sid};
	PGresult *res;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if ((res = db_pool_exec(pool, conn, KEYS_TOUCH, 1, params, NULL)) == NULL)
		return (-1);
	PQclear(res);
	return (0);
}

static int
keys_store_audit(PGconn *conn, int64_t actor_key_id, const char *action, int64_t key_id,
    const char *details)
{
	char actor[40], target[40], sactor[24];
	const char *params[5];

	if (actor_key_id > 0)
		snprintf(actor, sizeof(actor), "key:%lld", (long long)actor_key_id);
	else
		snprintf(actor, sizeof(actor), "cli");
	snprintf(sactor, sizeof(sactor), "%lld", (long long)actor_key_id);
	snprintf(target, sizeof(target), "api_key:%lld", (long long)key_id);
	params[0] = actor_key_id > 0 ? sactor : NULL;
	params[1] = actor;
	params[2] = action;
	params[3] = target;
	params[4] = details;
	return (db_exec(conn, "INSERT INTO audit_log (actor_key_id, actor, action, target,"
	    " company_id, details) SELECT $1::bigint, $2, $3, $4, k.company_id, $5::jsonb"
	    " FROM api_keys k WHERE k.id = substr($4, 9)::bigint", 5, params));
}

enum keys_store_result
keys_store_create(PGconn *conn, enum auth_role role, const char *company_slug,
    const char *name, int64_t actor_key_id, char key[AUTH_KEY_SIZE], int64_t *id)
{
	char prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	const char *params[5];
	json_t *details = NULL;
	char *dtext = NULL;
	PGresult *res = NULL;
	enum keys_store_result rc = KEYS_STORE_ERROR;

	if ((role == AUTH_ROLE_COMPANY) != (company_slug != NULL) ||
	    role == AUTH_ROLE_PUBLIC)
		return (KEYS_STORE_BAD_SCOPE);
	if (auth_key_generate(key, prefix, hash) != 0) {
		log_error("keys: cannot draw random bytes");
		return (KEYS_STORE_ERROR);
	}
	if (db_begin(conn) != 0)
		return (KEYS_STORE_ERROR);
	params[0] = prefix;
	params[1] = hash;
	params[2] = auth_role_name(role);
	params[3] = company_slug;
	params[4] = name ? name : "";
	res = db_query(conn, "INSERT INTO api_keys (prefix, secret_sha256, role, company_id,"
	    " name) SELECT $1, $2, $3, c.id, $5 FROM (SELECT 1) one"
	    " LEFT JOIN companies c ON c.slug = $4"
	    " WHERE $4::text IS NULL OR c.id IS NOT NULL RETURNING id", 5, params);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) != 1) {
		rc = KEYS_STORE_UNKNOWN_COMPANY;
		goto fail;
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	details = json_pack("{s:s, s:s, s:s?}", "role", auth_role_name(role), "name",
	    name ? name : "", "company", company_slug);
	if (details == NULL || (dtext = json_dumps(details, JSON_COMPACT)) == NULL)
		goto fail;
	if (keys_store_audit(conn, actor_key_id, "key.create", *id, dtext) != 0 ||
	    db_commit(conn) != 0)
		goto fail;
	rc = KEYS_STORE_OK;
	goto out;
fail:
	db_rollback(conn);
	memset(key, 0, AUTH_KEY_SIZE);
out:
	free(dtext);
	json_decref(details);
	PQclear(res);
	return (rc);
}

static json_t *
keys_store_time(const char *epoch)
{
	char iso[21];

	if (epoch == NULL || epoch[0] == '\0')
		return (json_null());
	return (json_string(timefmt_format(strtoll(epoch, NULL, 10), iso)));
}

json_t *
keys_store_list(PGconn *conn, int64_t after_id, unsigned limit)
{
	char safter[24], slimit[16];
	const char *params[2] = {safter, slimit};
	json_t *items = NULL, *item;
	PGresult *res;
	int i;

	snprintf(safter, sizeof(safter), "%lld", (long long)after_id);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	res = db_query(conn, "SELECT k.id, k.prefix, k.role, c.slug, k.name,"
	    " extract(epoch FROM k.created_at)::bigint,"
	    " extract(epoch FROM k.revoked_at)::bigint,"
	    " extract(epoch FROM k.last_used_at)::bigint"
	    " FROM api_keys k LEFT JOIN companies c ON c.id = k.company_id"
	    " WHERE k.id > $1 ORDER BY k.id LIMIT $2", 2, params);
	if (res == NULL)
		return (NULL);
	if ((items = json_array()) == NULL)
		goto out;
	for (i = 0; i < PQntuples(res); i++) {
		item = json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o}",
		    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
		    "prefix", PQgetvalue(res, i, 1),
		    "role", PQgetvalue(res, i, 2),
		    "company", PQgetisnull(res, i, 3) ? json_null() :
		    json_string(PQgetvalue(res, i, 3)),
		    "name", PQgetvalue(res, i, 4),
		    "created_at", keys_store_time(PQgetvalue(res, i, 5)),
		    "revoked_at", keys_store_time(PQgetvalue(res, i, 6)),
		    "last_used_at", keys_store_time(PQgetvalue(res, i, 7)));
		if (item == NULL || json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
			log_error("keys: out of memory listing keys");
			goto out;
		}
	}
out:
	PQclear(res);
	return (items);
}

int
keys_store_revoke(PGconn *conn, int64_t id, int64_t actor_key_id)
{
	char sid[24];
	const char *params[1] = {sid};
	PGresult *res;
	int n;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if (db_begin(conn) != 0)
		return (-1);
	res = db_query(conn, "UPDATE api_keys SET revoked_at = now()"
	    " WHERE id = $1 AND revoked_at IS NULL RETURNING id", 1, params);
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	PQclear(res);
	if (n == 1 && keys_store_audit(conn, actor_key_id, "key.revoke", id, "{}") != 0)
		goto fail;
	if (db_commit(conn) != 0)
		goto fail;
	return (n == 1 ? 1 : 0);
fail:
	db_rollback(conn);
	return (-1);
}
