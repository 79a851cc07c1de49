#include "api/claim_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

/* The columns claim_row reads, after "SELECT"; $1 of the statement is now. */
#define CLAIM_COLUMNS \
	" k.id, k.domain, k.state, k.expires_at <= to_timestamp($1::bigint)," \
	" coalesce(k.last_result, ''), k.attempts, coalesce(c.slug, '')," \
	" coalesce(k.key_id, 0), extract(epoch FROM k.created_at)::bigint," \
	" extract(epoch FROM k.expires_at)::bigint," \
	" coalesce(extract(epoch FROM k.verified_at)::bigint, 0)," \
	" coalesce(extract(epoch FROM k.decided_at)::bigint, 0)," \
	" coalesce(extract(epoch FROM k.key_issued_at)::bigint, 0)," \
	" coalesce(k.decided_by, '')" \
	" FROM claims k LEFT JOIN companies c ON c.id = k.company_id"

static void
claim_row(const PGresult *res, int i, struct claim_status *st)
{
	memset(st, 0, sizeof(*st));
	st->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
	snprintf(st->domain, sizeof(st->domain), "%s", PQgetvalue(res, i, 1));
	if (claim_state_parse(PQgetvalue(res, i, 2), &st->state) != 0)
		st->state = CLAIM_OPEN;
	st->expired = PQgetvalue(res, i, 3)[0] == 't';
	snprintf(st->reason, sizeof(st->reason), "%s", PQgetvalue(res, i, 4));
	st->attempts = atoi(PQgetvalue(res, i, 5));
	snprintf(st->company, sizeof(st->company), "%s", PQgetvalue(res, i, 6));
	st->key_id = strtoll(PQgetvalue(res, i, 7), NULL, 10);
	st->created_at = strtoll(PQgetvalue(res, i, 8), NULL, 10);
	st->expires_at = strtoll(PQgetvalue(res, i, 9), NULL, 10);
	st->verified_at = strtoll(PQgetvalue(res, i, 10), NULL, 10);
	st->decided_at = strtoll(PQgetvalue(res, i, 11), NULL, 10);
	st->key_issued_at = strtoll(PQgetvalue(res, i, 12), NULL, 10);
	snprintf(st->decided_by, sizeof(st->decided_by), "%s", PQgetvalue(res, i, 13));
}

/* An epoch time as an ISO 8601 string, or null for 0. */
static json_t *
claim_time(int64_t t)
{
	char iso[21];

	return (t == 0 ? json_null() : json_string(timefmt_format(t, iso)));
}

json_t *
claim_status_json(const struct claim_status *st)
{
	return (json_pack("{s:I, s:s, s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)st->id, "domain", st->domain,
	    "state", claim_state_public(st->state, st->expired),
	    "reason", st->reason[0] ? json_string(st->reason) : json_null(),
	    "attempts", (json_int_t)st->attempts,
	    "company", st->company[0] ? json_string(st->company) : json_null(),
	    "created_at", claim_time(st->created_at),
	    "expires_at", claim_time(st->expires_at),
	    "verified_at", claim_time(st->verified_at),
	    "decided_at", claim_time(st->decided_at),
	    "decided_by", st->decided_by[0] ? json_string(st->decided_by) : json_null(),
	    "key_issued_at", claim_time(st->key_issued_at)));
}

/* Take a transaction-level advisory lock named name (+ suffix). 0 or -1. */
static int
claim_lock(PGconn *conn, const char *name, const char *suffix)
{
	const char *params[2] = {name, suffix};

	return (db_exec(conn, "SELECT pg_advisory_xact_lock(hashtextextended($1 || $2, 0))",
	    2, params));
}

/* Write one audit row about claim sid, in the caller's transaction. */
static int
claim_audit(PGconn *conn, const char *actor, const char *actor_key_id, const char *action,
    const char *sid, const char *details)
{
	char target[40];
	const char *params[6] = {actor_key_id, actor, action, target, sid, details};

	snprintf(target, sizeof(target), "claim:%s", sid);
	return (db_exec(conn, "INSERT INTO audit_log (actor_key_id, actor, action, target,"
	    " company_id, details) SELECT $1::bigint, $2, $3, $4, k.company_id,"
	    " jsonb_build_object('claim', k.id, 'domain', k.domain) || $6::jsonb"
	    " FROM claims k WHERE k.id = $5::bigint", 6, params));
}

enum claim_store_result
claim_store_create(PGconn *conn, const char *domain, const char *token,
    const char *secret_sha256, int64_t now, int64_t *id)
{
	char snow[24], sttl[24], sper[24];
	const char *params[6] = {domain, token, secret_sha256, snow, sttl, sper};
	PGresult *res = NULL;
	enum claim_store_result rc = CLAIM_STORE_ERROR;

	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(sttl, sizeof(sttl), "%d", CLAIM_TTL_SECS);
	snprintf(sper, sizeof(sper), "%d", CLAIM_PER_DOMAIN_HOUR);
	/* The lock comes first, in its own statement, so that the count's snapshot sees
	 * every claim committed by whoever held the lock before. */
	if (db_begin(conn) != 0)
		return (CLAIM_STORE_ERROR);
	if (claim_lock(conn, "fairrate.claims.domain:", domain) != 0)
		goto fail;
	res = db_query(conn, "INSERT INTO claims (domain, token, secret_sha256, created_at,"
	    " expires_at) SELECT $1, $2, $3, to_timestamp($4::bigint),"
	    " to_timestamp($4::bigint + $5::bigint)"
	    " WHERE (SELECT count(*) FROM claims WHERE domain = $1"
	    "   AND created_at > to_timestamp($4::bigint) - interval '1 hour') < $6::int"
	    " RETURNING id", 6, params);
	if (res == NULL || db_commit(conn) != 0)
		goto fail;
	rc = CLAIM_STORE_LIMITED;
	if (PQntuples(res) == 1) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = CLAIM_STORE_OK;
	}
	PQclear(res);
	return (rc);
fail:
	PQclear(res);
	db_rollback(conn);
	return (CLAIM_STORE_ERROR);
}

/* Read claim id (with its secret's hash when secret_sha256 is not NULL) into *st;
 * lock: FOR UPDATE. 1, 0, -1. */
static int
claim_read(PGconn *conn, int64_t id, const char *secret_sha256, int64_t now, int lock,
    struct claim_status *st)
{
	char sid[24], snow[24];
	const char *params[3] = {snow, sid, secret_sha256};
	PGresult *res;
	int found;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (lock)
		res = db_query(conn, "SELECT" CLAIM_COLUMNS " WHERE k.id = $2::bigint"
		    " AND ($3::text IS NULL OR k.secret_sha256 = $3) FOR UPDATE OF k", 3, params);
	else
		res = db_query(conn, "SELECT" CLAIM_COLUMNS " WHERE k.id = $2::bigint"
		    " AND ($3::text IS NULL OR k.secret_sha256 = $3)", 3, params);
	if (res == NULL)
		return (-1);
	found = PQntuples(res) == 1;
	if (found)
		claim_row(res, 0, st);
	PQclear(res);
	return (found);
}

int
claim_store_status(PGconn *conn, int64_t id, const char *secret_sha256, int64_t now,
    struct claim_status *st)
{
	return (claim_read(conn, id, secret_sha256, now, 0, st));
}

int
claim_store_request(PGconn *conn, int64_t id, const char *secret_sha256, int64_t now,
    const char *client, const struct claim_settings *s, enum claim_admit *admit,
    struct claim_status *st)
{
	struct claim_admit_facts f;
	char sid[24], snow[24];
	const char *params[3] = {sid, snow, client};
	PGresult *res = NULL;
	int found;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	/* One lock for every verification request: the counts below and the queueing
	 * are one step for all of them. It is held for a few statements. */
	if (db_begin(conn) != 0)
		return (-1);
	if (claim_lock(conn, "fairrate.claims.queue", "") != 0 ||
	    (found = claim_read(conn, id, secret_sha256, now, 1, st)) < 0)
		goto fail;
	if (!found) {
		db_rollback(conn);
		return (0);
	}
	res = db_query(conn, "SELECT count(*) FILTER (WHERE requested_from = $1), count(*)"
	    " FROM claims WHERE state IN ('pending', 'verifying')", 1, params + 2);
	if (res == NULL)
		goto fail;
	memset(&f, 0, sizeof(f));
	f.state = st->state;
	f.expired = st->expired;
	f.attempts = st->attempts;
	f.client_in_flight = atoi(PQgetvalue(res, 0, 0));
	f.all_in_flight = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	*admit = claim_rules_admit(&f, s);
	if (*admit == CLAIM_ADMIT_QUEUE) {
		if (db_exec(conn, "UPDATE claims SET state = 'pending', attempts = attempts + 1,"
		    " last_attempt_at = to_timestamp($2::bigint), requested_from = $3,"
		    " last_result = NULL WHERE id = $1::bigint", 3, params) != 0 ||
		    claim_read(conn, id, NULL, now, 0, st) != 1)
			goto fail;
	}
	if (db_commit(conn) != 0)
		goto fail;
	return (1);
fail:
	db_rollback(conn);
	return (-1);
}

int
claim_store_collect(PGconn *conn, int64_t id, int64_t now, char key[AUTH_KEY_SIZE],
    int64_t *key_id)
{
	char sid[24], snow[24], skey[24], prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	char actor[40], name[64], target[40];
	const char *params[4];
	PGresult *res = NULL;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (db_begin(conn) != 0)
		return (-1);
	params[0] = sid;
	params[1] = snow;
	res = db_query(conn, "SELECT company_id FROM claims WHERE id = $1::bigint"
	    " AND state = 'verified' AND key_issued_at IS NULL"
	    " AND expires_at > to_timestamp($2::bigint) FOR UPDATE", 2, params);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback(conn);
		return (0);
	}
	PQclear(res);
	if (auth_key_generate(key, prefix, hash) != 0) {
		log_error("claims: cannot draw random bytes");
		res = NULL;
		goto fail;
	}
	snprintf(name, sizeof(name), "claimed by domain control (claim %" PRId64 ")", id);
	params[0] = prefix;
	params[1] = hash;
	params[2] = sid;
	params[3] = name;
	res = db_query(conn, "INSERT INTO api_keys (prefix, secret_sha256, role, company_id,"
	    " name) SELECT $1, $2, 'company', company_id, $4 FROM claims"
	    " WHERE id = $3::bigint RETURNING id", 4, params);
	if (res == NULL || PQntuples(res) != 1)
		goto fail;
	*key_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = NULL;
	snprintf(skey, sizeof(skey), "%" PRId64, *key_id);
	snprintf(actor, sizeof(actor), "claim:%" PRId64, id);
	snprintf(target, sizeof(target), "api_key:%" PRId64, *key_id);
	params[0] = actor;
	params[1] = target;
	params[2] = sid;
	params[3] = name;
	if (db_exec(conn, "INSERT INTO audit_log (actor, action, target, company_id, details)"
	    " SELECT $1, 'key.create', $2, company_id, jsonb_build_object('role', 'company',"
	    " 'name', $4::text, 'company', (SELECT slug FROM companies WHERE id = company_id),"
	    " 'claim', id) FROM claims WHERE id = $3::bigint", 4, params) != 0)
		goto fail;
	params[0] = sid;
	params[1] = skey;
	params[2] = snow;
	if (db_exec(conn, "UPDATE claims SET key_id = $2::bigint,"
	    " key_issued_at = to_timestamp($3::bigint) WHERE id = $1::bigint", 3,
	    params) != 0 || db_commit(conn) != 0)
		goto fail;
	return (1);
fail:
	PQclear(res);
	db_rollback(conn);
	memset(key, 0, AUTH_KEY_SIZE);
	return (-1);
}

int
claim_store_lease(PGconn *conn, int lease_secs, int64_t now, struct claim_job *job)
{
	char slease[24], snow[24];
	const char *params[2] = {slease, snow};
	PGresult *res;
	int found;

	snprintf(slease, sizeof(slease), "%d", lease_secs);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	res = db_query(conn, "UPDATE claims k SET state = 'verifying',"
	    " lease_until = clock_timestamp() + make_interval(secs => $1::int)"
	    " WHERE k.id = (SELECT id FROM claims WHERE state = 'pending'"
	    "   OR (state = 'verifying' AND lease_until < clock_timestamp())"
	    "  ORDER BY last_attempt_at, id FOR UPDATE SKIP LOCKED LIMIT 1)"
	    " RETURNING k.id, k.domain, k.token, k.lease_until::text,"
	    " k.expires_at <= to_timestamp($2::bigint)", 2, params);
	if (res == NULL)
		return (-1);
	found = PQntuples(res) == 1;
	if (found) {
		memset(job, 0, sizeof(*job));
		job->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(job->domain, sizeof(job->domain), "%s", PQgetvalue(res, 0, 1));
		snprintf(job->token, sizeof(job->token), "%s", PQgetvalue(res, 0, 2));
		snprintf(job->lease, sizeof(job->lease), "%s", PQgetvalue(res, 0, 3));
		job->expired = PQgetvalue(res, 0, 4)[0] == 't';
	}
	PQclear(res);
	return (found);
}

/* Move the leased claim of job to state with reason, when the lease still holds. */
static int
claim_unlease(PGconn *conn, const struct claim_job *job, const char *state,
    const char *reason)
{
	char sid[24];
	const char *params[4] = {sid, job->lease, state, reason};
	PGresult *res;
	int n;

	snprintf(sid, sizeof(sid), "%" PRId64, job->id);
	res = db_query(conn, "UPDATE claims SET state = $3, lease_until = NULL,"
	    " last_result = left($4, 200) WHERE id = $1::bigint AND state = 'verifying'"
	    " AND lease_until = $2::timestamptz RETURNING id", 4, params);
	if (res == NULL)
		return (-1);
	n = PQntuples(res);
	PQclear(res);
	return (n);
}

int
claim_store_fail(PGconn *conn, const struct claim_job *job, const char *reason)
{
	return (claim_unlease(conn, job, "failed", reason));
}

int
claim_store_release(PGconn *conn, const struct claim_job *job)
{
	return (claim_unlease(conn, job, "pending", NULL));
}

int
claim_store_settle(PGconn *conn, const struct claim_job *job, double min_confidence,
    int64_t now, enum claim_match *match)
{
	char sid[24], snow[24], sconf[16], actor[40], scompany[24] = "0";
	const char *params[4];
	PGresult *res = NULL;
	int companies, rated = 0, holders = 0, n;
	const char *state, *reason;

	snprintf(sid, sizeof(sid), "%" PRId64, job->id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(sconf, sizeof(sconf), "%.3f", min_confidence);
	snprintf(actor, sizeof(actor), "claim:%" PRId64, job->id);
	if (db_begin(conn) != 0)
		return (-1);
	params[0] = sid;
	params[1] = job->lease;
	res = db_query(conn, "SELECT 1 FROM claims WHERE id = $1::bigint"
	    " AND state = 'verifying' AND lease_until = $2::timestamptz FOR UPDATE", 2, params);
	if (res == NULL)
		goto fail;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1) {
		db_rollback(conn);
		return (0);
	}
	/* The companies holding the registered domain itself, firmly enough. */
	params[0] = job->domain;
	params[1] = sconf;
	res = db_query(conn, "SELECT a.company_id,"
	    " EXISTS (SELECT 1 FROM ratings r WHERE r.company_id = a.company_id)"
	    " FROM assets a WHERE a.kind = 'domain' AND lower(a.value) = $1"
	    " AND a.detached_at IS NULL AND a.confidence >= $2::numeric"
	    " GROUP BY a.company_id ORDER BY a.company_id LIMIT 2", 2, params);
	if (res == NULL)
		goto fail;
	companies = PQntuples(res);
	if (companies == 1) {
		snprintf(scompany, sizeof(scompany), "%s", PQgetvalue(res, 0, 0));
		rated = PQgetvalue(res, 0, 1)[0] == 't';
	}
	PQclear(res);
	res = NULL;
	if (companies == 1 && rated) {
		/* Key holders are counted under the company's lock, so that of two claims
		 * settling at once the second sees the first. */
		params[0] = scompany;
		params[1] = sid;
		params[2] = snow;
		if (claim_lock(conn, "fairrate.claims.company:", scompany) != 0 ||
		    (res = db_query(conn, "SELECT (SELECT count(*) FROM api_keys"
		    "   WHERE role = 'company' AND company_id = $1::bigint AND revoked_at IS NULL)"
		    " + (SELECT count(*) FROM claims WHERE company_id = $1::bigint"
		    "   AND state = 'verified' AND key_issued_at IS NULL AND id <> $2::bigint"
		    "   AND expires_at > to_timestamp($3::bigint))", 3, params)) == NULL)
			goto fail;
		holders = atoi(PQgetvalue(res, 0, 0));
		PQclear(res);
		res = NULL;
	}
	*match = claim_rules_match(companies, rated, holders);
	if ((reason = claim_match_reason(*match)) != NULL) {
		if (claim_unlease(conn, job, "failed", reason) < 0 || db_commit(conn) != 0)
			goto fail;
		return (1);
	}
	state = *match == CLAIM_MATCH_AWAIT ? "awaiting_confirmation" : "verified";
	params[0] = sid;
	params[1] = state;
	params[2] = scompany;
	params[3] = snow;
	if (db_exec(conn, "UPDATE claims SET state = $2, lease_until = NULL,"
	    " last_result = 'token_found', verified_at = to_timestamp($4::bigint),"
	    " company_id = $3::bigint WHERE id = $1::bigint", 4, params) != 0 ||
	    claim_audit(conn, actor, NULL, *match == CLAIM_MATCH_AWAIT ?
	    "claim.awaiting_confirmation" : "claim.verified", sid, "{}") != 0 ||
	    db_commit(conn) != 0)
		goto fail;
	return (1);
fail:
	PQclear(res);
	db_rollback(conn);
	return (-1);
}

json_t *
claim_store_list(PGconn *conn, int64_t company_id, const char *state, int64_t after_id,
    unsigned limit, int64_t now)
{
	char snow[24], scompany[24], safter[24], slimit[16];
	const char *params[5] = {snow, scompany, state, safter, slimit};
	struct claim_status st;
	json_t *items = NULL, *item;
	PGresult *res;
	int i;

	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
	snprintf(safter, sizeof(safter), "%" PRId64, after_id);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	res = db_query(conn, "SELECT" CLAIM_COLUMNS
	    " WHERE ($2::bigint = 0 OR k.company_id = $2::bigint)"
	    " AND ($3::text IS NULL OR k.state = $3) AND k.id > $4::bigint"
	    " ORDER BY k.id LIMIT $5::int", 5, params);
	if (res == NULL)
		return (NULL);
	if ((items = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < PQntuples(res); i++) {
		claim_row(res, i, &st);
		if ((item = claim_status_json(&st)) == NULL ||
		    json_array_append_new(items, item) != 0)
			goto nomem;
	}
	PQclear(res);
	return (items);
nomem:
	log_error("claims: out of memory listing claims");
	json_decref(items);
	PQclear(res);
	return (NULL);
}

enum claim_decide_result
claim_store_decide(PGconn *conn, int64_t id, int64_t company_id, int confirm,
    const char *rationale, const char *role, int64_t actor_key_id, int64_t now,
    struct claim_status *st)
{
	char sid[24], snow[24], skey[24], actor[64];
	const char *params[5];
	enum claim_decide_result rc;
	json_t *details = NULL;
	char *dtext = NULL;
	int found;

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(skey, sizeof(skey), "%" PRId64, actor_key_id);
	snprintf(actor, sizeof(actor), "%s:%" PRId64, role, actor_key_id);
	if (db_begin(conn) != 0)
		return (CLAIM_DECIDE_ERROR);
	if ((found = claim_read(conn, id, NULL, now, 1, st)) < 0)
		goto fail;
	rc = CLAIM_DECIDE_NOT_FOUND;
	if (!found)
		goto refuse;
	if (company_id != 0) {
		/* A company key decides its own company's claims only. */
		char scompany[24];
		const char *cp[2] = {sid, scompany};
		PGresult *res;

		snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
		res = db_query(conn, "SELECT 1 FROM claims WHERE id = $1::bigint"
		    " AND company_id = $2::bigint", 2, cp);
		if (res == NULL)
			goto fail;
		found = PQntuples(res) == 1;
		PQclear(res);
		if (!found)
			goto refuse;
	}
	rc = CLAIM_DECIDE_NOT_AWAITING;
	if (st->state != CLAIM_AWAITING)
		goto refuse;
	rc = CLAIM_DECIDE_EXPIRED;
	if (st->expired)
		goto refuse;
	details = json_pack("{s:s?}", "rationale", rationale);
	if (details == NULL || (dtext = json_dumps(details, JSON_COMPACT)) == NULL)
		goto fail;
	params[0] = sid;
	params[1] = confirm ? "verified" : "rejected";
	params[2] = actor;
	params[3] = snow;
	params[4] = rationale;
	if (db_exec(conn, "UPDATE claims SET state = $2, decided_by = $3,"
	    " decided_at = to_timestamp($4::bigint), decision_rationale = $5"
	    " WHERE id = $1::bigint", 5, params) != 0 ||
	    claim_audit(conn, actor, skey, confirm ? "claim.confirmed" : "claim.rejected",
	    sid, dtext) != 0 ||
	    claim_read(conn, id, NULL, now, 0, st) != 1 || db_commit(conn) != 0)
		goto fail;
	free(dtext);
	json_decref(details);
	return (CLAIM_DECIDE_OK);
refuse:
	db_rollback(conn);
	return (rc);
fail:
	free(dtext);
	json_decref(details);
	db_rollback(conn);
	return (CLAIM_DECIDE_ERROR);
}
