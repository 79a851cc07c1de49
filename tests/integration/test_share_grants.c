/* Second-party sharing over HTTP on the small rated world (tests/support/api_world.h,
 * now 2026-03-01): acme grants an investor key, then beta, read access to parts of
 * its detail; the grantee reads exactly what the scope names, each read audited and
 * listed for acme; a revocation or an expiry answers 403 at once on a second server
 * instance too; without a grant nothing changes; bad grants are refused. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;
static char *k_acme, *k_beta, *k_investor, *k_other;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	k_acme = api_client_create_key("company", "acme");
	k_beta = api_client_create_key("company", "beta");
	k_investor = api_client_create_key("investor", NULL);
	k_other = api_client_create_key("investor", NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
	free(k_acme);
	free(k_beta);
	free(k_investor);
	free(k_other);
}

TestSuite(share_grants, .init = setup, .fini = teardown, .timeout = 120);

static long
investor_key_id(const char *key)
{
	char sql[200];

	/* A key is fr_<prefix>_<secret>; the prefix finds its row. */
	snprintf(sql, sizeof(sql), "SELECT id FROM api_keys WHERE prefix ="
	    " substr('%.40s', 4, 12)", key);
	return (testdb_scalar(conn, sql));
}

static long
grant(const char *body, long status)
{
	json_t *v = api_call_json(c, "POST", "/v1/me/grants", k_acme, body, status);
	long id = (long)json_integer_value(json_object_get(v, "id"));

	json_decref(v);
	return (id);
}

Test(share_grants, a_grantee_reads_its_scope_and_loses_access)
{
	static const char *const env[] = {API_WORLD_NOW_ENV, "FAIRRATE_RATE_LIMIT=0",
	    "FAIRRATE_PUBLIC_RATE_LIMIT=0", NULL};
	struct api_client *second;
	struct api_response r;
	char body[300], path[96];
	long id;
	json_t *v;

	/* Without a grant: as confidential as ever. */
	api_call_expect_error(c, "GET", "/v1/shared/acme/evidence", k_investor, NULL, 404,
	    "not_found");
	snprintf(body, sizeof(body), "{\"grantee\": {\"key_id\": %ld}, \"scope\":"
	    " [\"evidence\", \"disputes\"], \"expires_at\": \"2026-06-01T00:00:00Z\","
	    " \"note\": \"insurer renewal\"}", investor_key_id(k_investor));
	id = grant(body, 201);
	cr_assert_gt(id, 0);

	/* The grantee reads the host-level evidence, and the disputes... */
	api_client_get(c, "/v1/shared/acme/evidence?limit=500", k_investor, &r);
	cr_assert_eq(r.status, 200, "%s", r.body.data);
	cr_assert_not_null(strstr(r.body.data, API_WORLD_SECRET_HOST));
	api_response_free(&r);
	v = api_call_json(c, "GET", "/v1/shared/acme/disputes", k_investor, NULL, 200);
	json_decref(v);
	v = api_call_json(c, "GET", "/v1/shared", k_investor, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	/* ...but not what the scope leaves out, nor does another key or company. */
	api_call_expect_error(c, "GET", "/v1/shared/acme/rating", k_investor, NULL, 404,
	    "not_found");
	api_call_expect_error(c, "GET", "/v1/shared/acme/evidence", k_other, NULL, 404,
	    "not_found");
	api_call_expect_error(c, "GET", "/v1/shared/acme/evidence", k_beta, NULL, 404,
	    "not_found");
	/* The grantee cannot widen it: grants are the company's routes. */
	api_call_expect_error(c, "POST", "/v1/me/grants", k_investor, body, 403,
	    "forbidden");
	snprintf(path, sizeof(path), "/v1/me/grants/%ld", id);
	api_call_expect_error(c, "DELETE", path, k_beta, NULL, 404, "not_found");

	/* Every read is audited and visible to acme. */
	snprintf(path, sizeof(path), "/v1/me/grants/%ld/reads", id);
	v = api_call_json(c, "GET", path, k_acme, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "items"), 0), "scope")), "evidence");
	json_decref(v);
	api_call_expect_error(c, "GET", path, k_beta, NULL, 404, "not_found");

	/* Revoked through one instance: 403 at once on another. */
	second = api_client_start(env);
	api_client_get(second, "/v1/shared/acme/evidence", k_investor, &r);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	snprintf(path, sizeof(path), "/v1/me/grants/%ld", id);
	v = api_call_json(c, "DELETE", path, k_acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "status")), "revoked");
	json_decref(v);
	api_call_expect_error(second, "GET", "/v1/shared/acme/evidence", k_investor, NULL,
	    403, "grant_lapsed");
	api_call_expect_error(c, "GET", "/v1/shared/acme/disputes", k_investor, NULL, 403,
	    "grant_lapsed");

	/* A company counterpart, until its grant expires. */
	id = grant("{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"rating\"],"
	    " \"expires_at\": \"2026-03-02T00:00:00Z\"}", 201);
	v = api_call_json(second, "GET", "/v1/shared/acme/rating", k_beta, NULL, 200);
	cr_assert_not_null(json_object_get(v, "remediation"));
	json_decref(v);
	snprintf(body, sizeof(body), "UPDATE share_grants SET created_at ="
	    " '2026-01-01T00:00:00Z', expires_at = '2026-03-01T00:00:00Z' WHERE id = %ld",
	    id);
	testdb_exec(conn, body);
	api_call_expect_error(second, "GET", "/v1/shared/acme/rating", k_beta, NULL, 403,
	    "grant_lapsed");
	snprintf(path, sizeof(path), "/v1/me/grants/%ld", id);
	v = api_call_json(c, "GET", path, k_acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "status")), "expired");
	json_decref(v);
	api_client_stop(second);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action IN"
	    " ('share.grant', 'share.revoke')"), 3);
}

Test(share_grants, bad_grants_are_refused)
{
	static const char *const bad[][3] = {
		{"{\"scope\": [\"evidence\"], \"expires_at\": \"2026-06-01T00:00:00Z\"}", "400",
		    "missing_field"},
		{"{\"grantee\": {\"company\": \"beta\", \"key_id\": 1}, \"scope\":"
		    " [\"evidence\"], \"expires_at\": \"2026-06-01T00:00:00Z\"}", "400",
		    "invalid_field"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [], \"expires_at\":"
		    " \"2026-06-01T00:00:00Z\"}", "400", "invalid_field"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"evidence\","
		    " \"evidence\"], \"expires_at\": \"2026-06-01T00:00:00Z\"}", "400",
		    "invalid_field"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"everything\"],"
		    " \"expires_at\": \"2026-06-01T00:00:00Z\"}", "400", "invalid_field"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"evidence\"],"
		    " \"expires_at\": \"2026-02-30T00:00:00Z\"}", "422", "invalid_date"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"evidence\"],"
		    " \"expires_at\": \"2026-02-01T00:00:00Z\"}", "422", "invalid_date"},
		{"{\"grantee\": {\"company\": \"beta\"}, \"scope\": [\"evidence\"],"
		    " \"expires_at\": \"2027-06-01T00:00:00Z\"}", "422", "invalid_date"},
		{"{\"grantee\": {\"company\": \"acme\"}, \"scope\": [\"evidence\"],"
		    " \"expires_at\": \"2026-06-01T00:00:00Z\"}", "422", "invalid_grantee"},
		{"{\"grantee\": {\"company\": \"nobody\"}, \"scope\": [\"evidence\"],"
		    " \"expires_at\": \"2026-06-01T00:00:00Z\"}", "422", "invalid_grantee"},
	};
	char body[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		api_call_expect_error(c, "POST", "/v1/me/grants", k_acme, bad[i][0],
		    strtol(bad[i][1], NULL, 10), bad[i][2]);
	/* A company key is no investor key to grant to. */
	snprintf(body, sizeof(body), "{\"grantee\": {\"key_id\": %ld}, \"scope\":"
	    " [\"evidence\"], \"expires_at\": \"2026-06-01T00:00:00Z\"}",
	    investor_key_id(k_beta));
	api_call_expect_error(c, "POST", "/v1/me/grants", k_acme, body, 422,
	    "invalid_grantee");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM share_grants"), 0);
}
