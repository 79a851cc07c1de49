/* What an investor reads of a portfolio beyond its list: the summary (grade mix and
 * score changes over 7, 30 and 90 days from the ratings history) and the CSV export. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"

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

TestSuite(portfolio_views, .init = setup, .fini = teardown, .timeout = 120);

static double
current_score(const char *slug)
{
	char sql[256];
	PGresult *res;
	double s;

	snprintf(sql, sizeof(sql), "SELECT score FROM ratings WHERE company_id = (SELECT id"
	    " FROM companies WHERE slug = '%s') ORDER BY id DESC LIMIT 1", slug);
	res = PQexec(conn, sql);
	cr_assert_eq(PQntuples(res), 1);
	s = strtod(PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
	return (s);
}

/* A portfolio of key's with acme, beta, gamma and norating; its id. */
static long
portfolio(const char *key)
{
	static const char *const slugs[] = {"acme", "beta", "gamma", "norating"};
	char path[128];
	json_t *v;
	long id;
	size_t i;

	v = api_call_json(c, "POST", "/v1/portfolios", key, "{\"name\": \"Suppliers\"}", 201);
	id = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	for (i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++) {
		snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/%s", id, slugs[i]);
		cr_assert_null(api_call_json(c, "PUT", path, key, NULL, 204));
	}
	return (id);
}

static json_int_t
num(const json_t *o, const char *k)
{
	cr_assert(json_is_integer(json_object_get(o, k)), "%s is not an integer", k);
	return (json_integer_value(json_object_get(o, k)));
}

Test(portfolio_views, summary_from_the_ratings_history)
{
	char *key = api_client_create_key("investor", NULL);
	char *other = api_client_create_key("investor", NULL);
	double acme, beta;
	json_t *v, *grades, *week, *month, *quarter, *mover;
	char path[128];
	json_int_t graded = 0;
	size_t i;
	long id;

	/* History: acme's first rating was 100 forty days ago; beta was 100 eight days
	 * ago and was rated again now; gamma has only today's rating. */
	api_world_exec(conn, "UPDATE ratings SET as_of = timestamptz '" API_WORLD_NOW "'"
	    " - interval '40 days', score = 100.0, grade = 'A' WHERE id = (SELECT min(id)"
	    " FROM ratings WHERE company_id = (SELECT id FROM companies WHERE slug = 'acme'))");
	api_world_exec(conn, "UPDATE ratings SET as_of = timestamptz '" API_WORLD_NOW "'"
	    " - interval '8 days', score = 100.0, grade = 'A' WHERE company_id ="
	    " (SELECT id FROM companies WHERE slug = 'beta')");
	api_world_rate(conn, "beta", "new_evidence");
	acme = current_score("acme");
	beta = current_score("beta");
	cr_assert_lt(acme, 100.0);
	cr_assert_lt(beta, 100.0);

	id = portfolio(key);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/summary", id);
	v = api_call_json(c, "GET", path, key, NULL, 200);
	cr_assert_eq(num(json_object_get(v, "portfolio"), "id"), id);
	cr_assert_str_eq(json_string_value(json_object_get(v, "as_of")), API_WORLD_NOW);
	cr_assert_eq(num(v, "companies"), 4);
	cr_assert_eq(num(v, "rated"), 3);
	cr_assert_eq(num(v, "not_rated"), 1);
	grades = json_object_get(v, "grades");
	for (i = 0; i < json_array_size(grades); i++)
		graded += num(json_array_get(grades, i), "companies");
	cr_assert_eq(graded, 3, "every rated company is in the grade mix");

	week = json_array_get(json_object_get(v, "changes"), 0);
	cr_assert_eq(num(week, "days"), 7);
	cr_assert_eq(num(week, "compared"), 2, "acme and beta; gamma has no history");
	cr_assert_eq(num(week, "down"), 2);
	month = json_array_get(json_object_get(v, "changes"), 1);
	cr_assert_eq(num(month, "days"), 30);
	cr_assert_eq(num(month, "compared"), 1, "beta's old rating is only 8 days old");
	mover = json_array_get(json_object_get(month, "worst_movers"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(mover, "slug")), "acme");
	cr_assert_float_eq(json_real_value(json_object_get(mover, "previous_score")), 100.0,
	    1e-9);
	cr_assert_float_eq(json_real_value(json_object_get(mover, "change")), acme - 100.0,
	    0.051);
	quarter = json_array_get(json_object_get(v, "changes"), 2);
	cr_assert_eq(num(quarter, "compared"), 0);
	mover = json_array_get(json_object_get(week, "worst_movers"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(mover, "slug")),
	    acme < beta ? "acme" : "beta", "the largest fall first");
	json_decref(v);

	api_call_expect_error(c, "GET", path, other, NULL, 404, "not_found");
	api_call_expect_error(c, "GET", "/v1/portfolios/999999/summary", key, NULL, 404,
	    "not_found");
	free(key);
	free(other);
}
