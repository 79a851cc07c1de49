#include "api/claim_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"

enum claim_store_result
claim_store_create(PGconn *conn, const char *domain, const char *token,
    const char *secret_sha256, int64_t now, int64_t *id)
{
	char snow[24], sttl[24], sper[24];
	const char *params[6] = {domain, token, secret_sha256, snow, sttl, sper};
	PGresult *res;
	enum claim_store_result rc = CLAIM_STORE_LIMITED;

	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(sttl, sizeof(sttl), "%d", CLAIM_TTL_SECS);
	snprintf(sper, sizeof(sper), "%d", CLAIM_PER_DOMAIN_HOUR);
	res = db_query(conn, "INSERT INTO claims (domain, token, secret_sha256, created_at,"
	    " expires_at) SELECT $1, $2, $3, to_timestamp($4::bigint),"
	    " to_timestamp($4::bigint + $5::bigint)"
	    " WHERE (SELECT count(*) FROM claims WHERE domain = $1"
	    "   AND created_at > to_timestamp($4::bigint) - interval '1 hour') < $6::int"
	    " RETURNING id", 6, params);
	if (res == NULL)
		return (CLAIM_STORE_ERROR);
	if (PQntuples(res) == 1) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = CLAIM_STORE_OK;
	}
	PQclear(res);
	return (rc);
}

enum claim_store_result
claim_store_attempt(PGconn *conn, int64_t id, const char *secret_sha256, int64_t now,
    char domain[254], char token[48])
{
	char sid[24], snow[24], smax[24];
	const char *params[4] = {sid, secret_sha256, snow, smax};
	enum claim_store_result rc = CLAIM_STORE_ERROR;
	PGresult *res;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(smax, sizeof(smax), "%d", CLAIM_MAX_ATTEMPTS);
	/* One statement counts the attempt when it may be made and says why not else. */
	res = db_query(conn, "WITH c AS (SELECT id, domain, token, verified_at, attempts,"
	    "   expires_at <= to_timestamp($3::bigint) AS expired FROM claims"
	    "  WHERE id = $1::bigint AND secret_sha256 = $2 FOR UPDATE),"
	    " u AS (UPDATE claims k SET attempts = k.attempts + 1,"
	    "   last_attempt_at = to_timestamp($3::bigint) FROM c WHERE k.id = c.id"
	    "   AND c.verified_at IS NULL AND NOT c.expired AND c.attempts < $4::int"
	    "   RETURNING k.id)"
	    " SELECT c.domain, c.token, c.verified_at IS NOT NULL, c.expired,"
	    "   (SELECT count(*) FROM u) FROM c", 4, params);
	if (res == NULL)
		return (CLAIM_STORE_ERROR);
	if (PQntuples(res) != 1)
		rc = CLAIM_STORE_NOT_FOUND;
	else if (strcmp(PQgetvalue(res, 0, 2), "t") == 0)
		rc = CLAIM_STORE_VERIFIED;
	else if (strcmp(PQgetvalue(res, 0, 3), "t") == 0)
		rc = CLAIM_STORE_EXPIRED;
	else if (strcmp(PQgetvalue(res, 0, 4), "1") != 0)
		rc = CLAIM_STORE_LIMITED;
	else {
		snprintf(domain, 254, "%s", PQgetvalue(res, 0, 0));
		snprintf(token, 48, "%s", PQgetvalue(res, 0, 1));
		rc = CLAIM_STORE_OK;
	}
	PQclear(res);
	return (rc);
}

int
claim_store_note(PGconn *conn, int64_t id, const char *result)
{
	char sid[24];
	const char *params[2] = {sid, result};

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	return (db_exec(conn, "UPDATE claims SET last_result = left($2, 200)"
	    " WHERE id = $1::bigint", 2, params));
}

enum claim_store_result
claim_store_win(PGconn *conn, int64_t id, const char *domain, int64_t now,
    char company_slug[64])
{
	char sid[24], snow[24];
	const char *params[3] = {sid, domain, snow};
	enum claim_store_result rc;
	PGresult *res;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	res = db_query(conn, "WITH co AS (SELECT c.id, c.slug FROM assets a"
	    "   JOIN companies c ON c.id = a.company_id"
	    "  WHERE a.kind = 'domain' AND lower(a.value) = $2 AND a.detached_at IS NULL"
	    "    AND EXISTS (SELECT 1 FROM ratings r WHERE r.company_id = c.id)"
	    "  ORDER BY a.confidence DESC, a.id LIMIT 1),"
	    " u AS (UPDATE claims k SET verified_at = to_timestamp($3::bigint),"
	    "   company_id = co.id FROM co WHERE k.id = $1::bigint AND k.verified_at IS NULL"
	    "   RETURNING k.id)"
	    " SELECT co.slug, (SELECT count(*) FROM u) FROM co", 3, params);
	if (res == NULL)
		return (CLAIM_STORE_ERROR);
	if (PQntuples(res) != 1)
		rc = CLAIM_STORE_NO_COMPANY;
	else if (strcmp(PQgetvalue(res, 0, 1), "1") != 0)
		rc = CLAIM_STORE_VERIFIED;
	else {
		snprintf(company_slug, 64, "%s", PQgetvalue(res, 0, 0));
		rc = CLAIM_STORE_OK;
	}
	PQclear(res);
	return (rc);
}

int
claim_store_unwin(PGconn *conn, int64_t id)
{
	char sid[24];
	const char *params[1] = {sid};

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	return (db_exec(conn, "UPDATE claims SET verified_at = NULL, company_id = NULL"
	    " WHERE id = $1::bigint AND key_id IS NULL", 1, params));
}

int
claim_store_set_key(PGconn *conn, int64_t id, int64_t key_id)
{
	char sid[24], skey[24];
	const char *params[2] = {sid, skey};

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(skey, sizeof(skey), "%" PRId64, key_id);
	return (db_exec(conn, "UPDATE claims SET key_id = $2::bigint WHERE id = $1::bigint",
	    2, params));
}
