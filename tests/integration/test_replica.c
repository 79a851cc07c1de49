/* A real streaming standby of the private cluster (scripts/db.sh standby-start:
 * pg_basebackup -R) served read-only: investor reads from the standby, writes refused
 * with a clear error, answers that follow the primary's changes (no cache on a
 * standby: its change notifications are not relayed), and the lag in /metrics. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
db_sh(const char *args, char *out, size_t n)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/scripts/db.sh %s 2>&1",
	    getenv("FAIRRATE_SHARE_DIR") ? getenv("FAIRRATE_SHARE_DIR") : ".", args);
	cr_assert_not_null(p = popen(cmd, "r"));
	out[0] = '\0';
	if (fgets(out, (int)n, p) != NULL)
		out[strcspn(out, "\n")] = '\0';
	cr_assert_eq(pclose(p), 0, "db.sh %s: %s", args, out);
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	if (conn != NULL)
		testdb_drop(conn);
}

/* Only the standby's test makes and removes the standby (tests may run at once). */
static void
teardown_standby(void)
{
	char out[512];

	teardown();
	db_sh("standby-stop", out, sizeof(out));
}

TestSuite(replica, .timeout = 180);

/* GET /metrics into out (size n, NUL-terminated). */
static void
metrics(char *out, size_t n)
{
	struct api_response resp;

	memset(&resp, 0, sizeof(resp));
	cr_assert_eq(api_client_request(c, "GET", "/metrics", NULL, NULL, NULL, 0, 0, &resp), 0);
	cr_assert_eq(resp.status, 200);
	snprintf(out, n, "%.*s", (int)resp.body.len, resp.body.data ? resp.body.data : "");
	api_response_free(&resp);
}

/* The standby has replayed what the primary committed: a marker row's value. */
static void
wait_replayed(PGconn *standby, const char *name)
{
	char sql[256];
	int i;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM companies WHERE name = '%s'", name);
	for (i = 0; i < 300 && testdb_scalar(standby, sql) == 0; i++)
		usleep(50 * 1000);
	cr_assert_lt(i, 300, "the standby did not replay '%s'", name);
}

Test(replica, investors_read_from_a_standby_that_refuses_writes, .fini = teardown_standby)
{
	static const char *const env[] = {API_WORLD_NOW_ENV, "FAIRRATE_RATE_LIMIT=0",
	    "FAIRRATE_PUBLIC_RATE_LIMIT=0", NULL};
	static char out2[65536];
	char out[512], url[512], *key;
	PGconn *standby;
	int i;
	json_t *v;

	conn = testdb_create();
	api_world_seed(conn);
	key = api_client_create_key("investor", NULL);
	db_sh("standby-start", out, sizeof(out));
	snprintf(out, sizeof(out), "standby-url-for %s", PQdb(conn));
	db_sh(out, url, sizeof(url));
	cr_assert_not_null(standby = PQconnectdb(url));
	cr_assert_eq(PQstatus(standby), CONNECTION_OK, "%s", PQerrorMessage(standby));
	cr_assert_eq(testdb_scalar(standby, "SELECT pg_is_in_recovery()::int"), 1);
	c = api_client_start_url(url, env);

	/* Reads are served from the standby. */
	v = api_call_json(c, "GET", "/v1/companies/acme", key, NULL, 200);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), "Acme Holdings");
	json_decref(v);
	/* Writes are refused, whoever asks. */
	v = api_call_json(c, "POST", "/v1/portfolios", key, "{\"name\":\"p\"}", 503);
	cr_expect_str_eq(api_call_error_code(v), "read_only");
	json_decref(v);
	v = api_call_json(c, "POST", "/v1/claims", NULL, "{\"domain\":\"acme.example\"}", 503);
	cr_expect_str_eq(api_call_error_code(v), "read_only");
	json_decref(v);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM portfolios"), 0);
	/* A grantee's read is audited before it is served: the standby cannot. */
	testdb_exec(conn, "INSERT INTO share_grants (company_id, grantee_key_id, scope,"
	    " created_at, expires_at) SELECT c.id, k.id, '{evidence}', now(), now() +"
	    " interval '30 days' FROM companies c, api_keys k WHERE c.slug = 'acme'"
	    " AND k.role = 'investor'");
	wait_replayed(standby, "Acme Holdings");
	for (i = 0; i < 300 && testdb_scalar(standby, "SELECT count(*) FROM share_grants") ==
	    0; i++)
		usleep(50 * 1000);
	v = api_call_json(c, "GET", "/v1/shared/acme/evidence", key, NULL, 503);
	cr_expect_str_eq(api_call_error_code(v), "read_only");
	json_decref(v);

	/* A stored summary is sent by the standby too (a miss there stored nothing), and
	 * the change below deletes it there as on the primary. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 0);
	v = api_call_json(c, "GET", "/v1/companies/acme", key, NULL, 200);
	cr_assert_eq(json_object_set_new(v, "name", json_string("Acme Planted")), 0);
	{
		char *body = json_dumps(v, JSON_COMPACT);
		const char *params[1] = {body};
		PGresult *res = PQexecParams(conn, "INSERT INTO company_summaries (company_id,"
		    " slug, rating_id, expires_at, body) SELECT c.id, c.slug, (SELECT max(id)"
		    " FROM ratings r WHERE r.company_id = c.id), '2026-04-01T00:00:00Z', $1"
		    " FROM companies c WHERE c.slug = 'acme'", 1, NULL, params, NULL, NULL, 0);

		cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
		PQclear(res);
		free(body);
	}
	json_decref(v);
	for (i = 0; i < 300 && testdb_scalar(standby, "SELECT count(*) FROM"
	    " company_summaries") == 0; i++)
		usleep(50 * 1000);
	v = api_call_json(c, "GET", "/v1/companies/acme", key, NULL, 200);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), "Acme Planted",
	    "the stored body is sent");
	json_decref(v);

	/* A change on the primary is what the standby answers once replayed. */
	testdb_exec(conn, "UPDATE companies SET name = 'Acme Renamed' WHERE slug = 'acme'");
	wait_replayed(standby, "Acme Renamed");
	v = api_call_json(c, "GET", "/v1/companies/acme", key, NULL, 200);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), "Acme Renamed",
	    "no stale summary on a standby");
	json_decref(v);

	/* The lag is in /metrics. */
	metrics(out2, sizeof(out2));
	cr_expect(strstr(out2, "\nfairrate_replica 1\n") != NULL, "%s", out2);
	cr_expect(strstr(out2, "\nfairrate_replica_lag_seconds ") != NULL);
	PQfinish(standby);
	free(key);
}

/* The primary says it is none. */
Test(replica, a_primary_says_it_is_no_replica, .fini = teardown)
{
	char out[65536];

	conn = testdb_create();
	c = api_client_start(NULL);
	metrics(out, sizeof(out));
	cr_expect(strstr(out, "\nfairrate_replica 0\n") != NULL);
	cr_expect(strstr(out, "fairrate_replica_lag_seconds") == NULL);
}
