/* A plan to a target grade over HTTP and from the CLI (rater/plan.h) on the small rated
 * world of tests/support/api_world.h: the company's own plan, the staff route for any
 * company, who may not ask, bad targets, and the CLI giving the same plan. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(plan_api, .init = setup, .fini = teardown, .timeout = 120);

static void
expect_code(const char *path, const char *key, long status, const char *code)
{
	api_call_expect_error(c, "GET", path, key, NULL, status, code);
}

static double
num(const json_t *o, const char *k)
{
	cr_assert(json_is_number(json_object_get(o, k)), "%s is not a number", k);
	return (json_number_value(json_object_get(o, k)));
}

/* The plan of acme to 100 (it is rated A already: a grade target it meets needs no
 * step): starts at its rating, rises at every step, every fix names a
 * check of the methodology and a failing evidence item of acme. */
Test(plan_api, the_company_plans_to_a_grade_and_staff_see_the_same_plan)
{
	char *acme = api_client_create_key("company", "acme");
	char *analyst = api_client_create_key("analyst", NULL);
	json_t *rating, *plan, *staff, *steps, *s, *f;
	double prev;
	size_t i, j;
	char sql[256];

	rating = api_call_json(c, "GET", "/v1/me/rating", acme, NULL, 200);
	plan = api_call_json(c, "GET", "/v1/me/plan?target=a", acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(plan, "target"),
	    "grade")), "A");
	cr_assert_str_eq(json_string_value(json_object_get(rating, "grade")), "A");
	cr_assert_eq(json_array_size(json_object_get(plan, "steps")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(plan, "status")), "reached");
	json_decref(plan);
	plan = api_call_json(c, "GET", "/v1/me/plan?target=100", acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(plan, "methodology_version")),
	    json_string_value(json_object_get(rating, "methodology_version")));
	cr_assert(json_is_null(json_object_get(json_object_get(plan, "target"), "grade")));
	prev = num(json_object_get(plan, "start"), "score");
	cr_assert_float_eq(prev, num(rating, "score"), 1e-9);
	steps = json_object_get(plan, "steps");
	cr_assert_gt(json_array_size(steps), 0, "acme has findings to fix");
	json_array_foreach(steps, i, s) {
		cr_assert_gt(num(s, "gain"), 0);
		cr_assert_geq(num(s, "score_after"), prev);
		prev = num(s, "score_after");
		json_array_foreach(json_object_get(s, "fixes"), j, f) {
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence e JOIN companies"
			    " co ON co.id = e.company_id WHERE co.slug = 'acme' AND e.id = %lld"
			    " AND e.outcome = 'fail' AND e.check_code = '%s'",
			    (long long)json_integer_value(json_object_get(f, "evidence_id")),
			    json_string_value(json_object_get(f, "check")));
			cr_assert_eq(testdb_scalar(conn, sql), 1, "%s", sql);
		}
	}
	cr_assert_float_eq(num(json_object_get(plan, "end"), "score"), prev, 1e-9);
	if (strcmp(json_string_value(json_object_get(plan, "status")), "reached") == 0)
		cr_assert_geq(prev, num(json_object_get(plan, "target"), "score"));

	staff = api_call_json(c, "GET", "/v1/staff/companies/acme/plan?target=100", analyst,
	    NULL, 200);
	cr_assert(json_equal(plan, staff), "staff see the company's own plan");
	json_decref(staff);
	json_decref(plan);
	json_decref(rating);
	free(analyst);
	free(acme);
}

Test(plan_api, bad_targets_and_callers_are_refused)
{
	char *acme = api_client_create_key("company", "acme");
	char *norating = api_client_create_key("company", "norating");
	char *investor = api_client_create_key("investor", NULL);
	char *analyst = api_client_create_key("analyst", NULL);

	expect_code("/v1/me/plan", acme, 400, "missing_target");
	expect_code("/v1/me/plan?target=", acme, 400, "missing_target");
	expect_code("/v1/me/plan?target=Z", acme, 400, "bad_target");
	expect_code("/v1/me/plan?target=120", acme, 400, "bad_target");
	expect_code("/v1/me/plan?target=B&x=1", acme, 400, "unknown_parameter");
	expect_code("/v1/me/plan?target=B", norating, 404, "not_rated");
	expect_code("/v1/me/plan?target=B", investor, 403, "forbidden");
	expect_code("/v1/me/plan?target=B", NULL, 401, "unauthorized");
	expect_code("/v1/staff/companies/acme/plan?target=B", acme, 403, "forbidden");
	expect_code("/v1/staff/companies/acme/plan?target=B", investor, 403, "forbidden");
	expect_code("/v1/staff/companies/nobody/plan?target=B", analyst, 404, "not_found");
	expect_code("/v1/staff/companies/norating/plan?target=B", analyst, 404, "not_rated");
	free(analyst);
	free(investor);
	free(norating);
	free(acme);
}

/* fairrate plan gives the API's plan (--json), a readable one, and clear errors. */
Test(plan_api, the_cli_gives_the_same_plan)
{
	char *acme = api_client_create_key("company", "acme");
	const char *json_args[] = {"plan", "acme", "--target", "100", "--json", NULL};
	const char *text_args[] = {"plan", "acme", "--target", "100", NULL};
	const char *bad_target[] = {"plan", "acme", "--target", "Q", NULL};
	const char *no_target[] = {"plan", "acme", NULL};
	const char *no_company[] = {"plan", "nobody", "--target", "B", NULL};
	json_t *api, *cli, *steps;
	json_error_t err;
	struct buf out;

	api = api_call_json(c, "GET", "/v1/me/plan?target=100", acme, NULL, 200);
	cr_assert_eq(api_client_run(json_args, &out), 0, "%s", out.data);
	cli = json_loads(out.data, 0, &err);
	cr_assert_not_null(cli, "%s: %s", err.text, out.data);
	buf_free(&out);
	steps = json_object_get(api, "steps");
	cr_assert_gt(json_array_size(steps), 0);
	cr_assert(json_equal(steps, json_object_get(cli, "steps")));
	cr_assert(json_equal(json_object_get(api, "end"), json_object_get(cli, "end")));
	cr_assert_eq(api_client_run(text_args, &out), 0);
	cr_assert_not_null(strstr(out.data, "target 100.0\n"), "%s", out.data);
	cr_assert_not_null(strstr(out.data, json_string_value(json_object_get(
	    json_array_get(json_object_get(json_array_get(steps, 0), "fixes"), 0), "check"))),
	    "%s", out.data);
	buf_free(&out);
	cr_assert_eq(api_client_run(bad_target, &out), 2);
	buf_free(&out);
	cr_assert_eq(api_client_run(no_target, &out), 2);
	buf_free(&out);
	cr_assert_eq(api_client_run(no_company, &out), 1);
	buf_free(&out);
	json_decref(cli);
	json_decref(api);
	free(acme);
}

/* Issue 16: find a slug without psql, read a rating as JSON from the CLI, and a
 * summary that says "1 row". */
Test(plan_api, the_cli_finds_companies_shows_json_and_counts_rows)
{
	char *acme = api_client_create_key("company", "acme");
	const char *find[] = {"companies", "--q", "ACM", NULL};
	const char *all[] = {"companies", "--json", NULL};
	const char *bad[] = {"companies", "--limit", "0", NULL};
	const char *show[] = {"show", "acme", "--json", NULL};
	char csv[] = "/tmp/fairrate-one-row-XXXXXX";
	const char *import[] = {"import", "companies", csv, "--format", "csv", NULL};
	json_t *v, *api, *it;
	json_error_t err;
	struct buf out;
	size_t i;
	int fd, saw_hidden = 0;

	cr_assert_eq(api_client_run(find, &out), 0);
	cr_assert_not_null(strstr(out.data, "acme "), "%s", out.data);
	cr_assert_null(strstr(out.data, "beta"), "%s", out.data);
	buf_free(&out);
	cr_assert_eq(api_client_run(all, &out), 0);
	cr_assert_not_null(v = json_loads(out.data, 0, &err), "%s", err.text);
	buf_free(&out);
	json_array_foreach(v, i, it)
		saw_hidden |= strcmp(json_string_value(json_object_get(it, "slug")), "hidden") == 0 &&
		    strcmp(json_string_value(json_object_get(it, "visibility")), "private") == 0;
	cr_assert(saw_hidden, "the operator sees private companies, marked");
	json_decref(v);
	cr_assert_eq(api_client_run(bad, &out), 2);
	buf_free(&out);

	cr_assert_eq(api_client_run(show, &out), 0);
	cr_assert_not_null(v = json_loads(out.data, 0, &err), "%s", err.text);
	buf_free(&out);
	api = api_call_json(c, "GET", "/v1/me/rating", acme, NULL, 200);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "rating"),
	    "rating_id")), json_integer_value(json_object_get(api, "rating_id")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "rating"),
	    "inputs_digest")), json_string_value(json_object_get(api, "inputs_digest")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "company"),
	    "name")), "Acme Holdings");
	json_decref(api);
	json_decref(v);

	cr_assert_geq(fd = mkstemp(csv), 0);
	cr_assert_gt(dprintf(fd, "slug,name,sector,size_band,country\n"
	    "solo,Solo Ltd,retail,micro,DE\n"), 0);
	close(fd);
	cr_assert_eq(api_client_run(import, &out), 0, "%s", out.data);
	cr_assert_not_null(strstr(out.data, ": 1 row: 1 companies added"), "%s", out.data);
	buf_free(&out);
	unlink(csv);
	free(acme);
}
