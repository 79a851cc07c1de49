/* The investor summary cache over HTTP (api/summary_cache.c, api/cache_listener.c,
 * migrations/0013_change_notify.sql): summaries are cached; a new rating, an evidence
 * status change, a company made private (and public again) are each seen by the next
 * request once their notification is applied; a write through the API is seen by the
 * very next request with no wait; losing the listener's connection drops the cache
 * and the server recovers. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;
static char *investor;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	investor = api_client_create_key("investor", NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
	free(investor);
}

TestSuite(summary_cache, .init = setup, .fini = teardown, .timeout = 120);

/* GET /v1/companies/slug as the investor: the status must be status; the body parsed
 * (NULL for 404). */
static json_t *
summary(const char *slug, long status)
{
	struct api_response r;
	char path[128];
	json_t *v = NULL;

	snprintf(path, sizeof(path), "/v1/companies/%s", slug);
	cr_assert_eq(api_client_get(c, path, investor, &r), 0);
	cr_assert_eq(r.status, status, "GET %s: %ld: %s", path, r.status,
	    r.body.data ? r.body.data : "");
	if (status == 200) {
		v = json_loads(r.body.data, 0, NULL);
		cr_assert_not_null(v);
	}
	api_response_free(&r);
	return (v);
}

/* A number from /metrics (name followed by a space). */
static double
metric(const char *name)
{
	struct api_response r;
	char pat[128];
	const char *p;
	double v;

	cr_assert_eq(api_client_get(c, "/metrics", NULL, &r), 0);
	snprintf(pat, sizeof(pat), "\n%s ", name);
	p = strstr(r.body.data, pat);
	cr_assert_not_null(p, "no %s in /metrics", name);
	v = strtod(p + strlen(pat), NULL);
	api_response_free(&r);
	return (v);
}

/* Wait (up to 5 s) until metric name passes above. */
static void
wait_metric_above(const char *name, double above)
{
	int i;

	for (i = 0; i < 500 && metric(name) <= above; i++)
		usleep(10000);
	cr_assert(metric(name) > above, "%s stayed at %g", name, above);
}

/* Run sql, then wait until the listener has applied at least one more notification. */
static void
change(const char *sql)
{
	double before = metric("fairrate_summary_cache_invalidations_total");

	api_world_exec(conn, sql);
	wait_metric_above("fairrate_summary_cache_invalidations_total", before);
}

static const char *
str(json_t *v, const char *field)
{
	const char *s = json_string_value(json_object_get(v, field));

	cr_assert_not_null(s, "no string %s", field);
	return (s);
}

Test(summary_cache, a_summary_is_served_from_memory)
{
	json_t *a, *b;
	double hits;

	a = summary("acme", 200);
	hits = metric("fairrate_summary_cache_hits_total");
	b = summary("acme", 200);
	cr_assert(json_equal(a, b));
	cr_assert_eq(metric("fairrate_summary_cache_hits_total"), hits + 1);
	cr_assert(metric("fairrate_summary_cache_entries") >= 1);
	cr_assert_eq(metric("fairrate_summary_cache_max_bytes"), 32.0 * 1024 * 1024);
	json_decref(a);
	json_decref(b);
	summary("no-such-company", 404);
	hits = metric("fairrate_summary_cache_hits_total");
	summary("no-such-company", 404);
	cr_assert_eq(metric("fairrate_summary_cache_hits_total"), hits + 1, "404s too");
}

Test(summary_cache, a_new_rating_row_is_seen)
{
	json_t *v = summary("acme", 200);

	cr_assert(json_real_value(json_object_get(v, "score")) != 12.5);
	json_decref(v);
	change("INSERT INTO ratings (company_id, methodology_version, as_of, status, score,"
	    " grade, confidence, factors, evidence_count, inputs_digest, outcome_digest,"
	    " reason) SELECT company_id, methodology_version, as_of, 'rated', 12.5, 'F',"
	    " confidence, factors, evidence_count, inputs_digest, outcome_digest,"
	    " 'new_evidence' FROM ratings WHERE company_id = (SELECT id FROM companies"
	    " WHERE slug = 'acme') ORDER BY id DESC LIMIT 1");
	v = summary("acme", 200);
	cr_assert_float_eq(json_real_value(json_object_get(v, "score")), 12.5, 1e-9);
	cr_assert_str_eq(str(v, "grade"), "F");
	json_decref(v);
}

Test(summary_cache, an_evidence_status_change_is_seen)
{
	json_t *v = summary("acme", 200);

	cr_assert(json_is_true(json_object_get(v, "disputed")), "the world disputes one");
	json_decref(v);
	change("UPDATE evidence SET status = 'active' WHERE status = 'disputed'"
	    " AND company_id = (SELECT id FROM companies WHERE slug = 'acme')");
	v = summary("acme", 200);
	cr_assert(json_is_false(json_object_get(v, "disputed")));
	json_decref(v);
}

Test(summary_cache, a_company_made_private_then_public_is_seen)
{
	json_decref(summary("beta", 200));
	change("UPDATE companies SET visibility = 'private' WHERE slug = 'beta'");
	summary("beta", 404);
	summary("beta", 404);
	change("UPDATE companies SET visibility = 'public' WHERE slug = 'beta'");
	json_decref(summary("beta", 200));
}

/* No waiting here: the write's answer leaves only after the listener applied it. */
Test(summary_cache, a_dispute_opened_through_the_api_is_seen_by_the_next_request)
{
	char *company = api_client_create_key("company", "beta");
	struct api_response r;
	char body[256];
	long evidence;
	json_t *v;
	int i;

	v = summary("beta", 200);
	cr_assert(json_is_false(json_object_get(v, "disputed")));
	json_decref(v);
	evidence = testdb_scalar(conn, "SELECT min(e.id) FROM evidence e JOIN companies c"
	    " ON c.id = e.company_id WHERE c.slug = 'beta' AND e.status = 'active'");
	snprintf(body, sizeof(body), "{\"reason\": \"false_positive\", \"explanation\":"
	    " \"not ours\", \"evidence_ids\": [%ld]}", evidence);
	cr_assert_eq(api_client_request(c, "POST", "/v1/me/disputes", company,
	    "application/json", body, strlen(body), 0, &r), 0);
	cr_assert_eq(r.status, 201, "%ld: %s", r.status, r.body.data ? r.body.data : "");
	api_response_free(&r);
	for (i = 0; i < 3; i++) {
		v = summary("beta", 200);
		cr_assert(json_is_true(json_object_get(v, "disputed")), "request %d", i);
		json_decref(v);
	}
	free(company);
}

Test(summary_cache, losing_the_listener_drops_the_cache_and_the_server_recovers)
{
	json_t *v;

	json_decref(summary("gamma", 200));
	json_decref(summary("gamma", 200));
	cr_assert(metric("fairrate_summary_cache_entries") >= 1);
	cr_assert_eq(metric("fairrate_summary_cache_listener_connects_total"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(pg_terminate_backend(pid)) FROM"
	    " pg_stat_activity WHERE application_name = 'fairrate cache listener'"
	    " AND datname = current_database()"), 1);
	/* Changed while nobody listens: no notification will ever say so. */
	api_world_exec(conn, "UPDATE companies SET name = 'Gamma Renamed' WHERE slug ="
	    " 'gamma'");
	wait_metric_above("fairrate_summary_cache_listener_connects_total", 1);
	cr_assert_eq(metric("fairrate_summary_cache_listener_up"), 1);
	cr_assert_eq(metric("fairrate_summary_cache_enabled"), 1);
	v = summary("gamma", 200);
	cr_assert_str_eq(str(v, "name"), "Gamma Renamed");
	json_decref(v);
	json_decref(summary("gamma", 200));
	cr_assert(metric("fairrate_summary_cache_entries") >= 1, "caching again");
}

Test(summary_cache, off_when_the_size_is_zero)
{
	static const char *const env[] = {API_WORLD_NOW_ENV, "FAIRRATE_SUMMARY_CACHE_MB=0",
	    NULL};
	struct api_client *off = api_client_start(env);
	struct api_response r;

	cr_assert_eq(api_client_get(off, "/v1/companies/acme", investor, &r), 0);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	cr_assert_eq(api_client_get(off, "/metrics", NULL, &r), 0);
	cr_assert_null(strstr(r.body.data, "fairrate_summary_cache_"));
	api_response_free(&r);
	api_client_stop(off);
}
