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

/* Field col (0-based) of a CSV line without quoted commas (cut at the first CR). */
static void
csv_field(const char *line, int col, char *out, size_t n)
{
	const char *p = line, *end;

	while (col-- > 0 && p != NULL)
		if ((p = strchr(p, ',')) != NULL)
			p++;
	cr_assert_not_null(p, "no column in %s", line);
	end = p + strcspn(p, ",\r\n");
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

static int
csv_column(const char *header, const char *name)
{
	char field[128];
	int i;

	for (i = 0; i < 64; i++) {
		csv_field(header, i, field, sizeof(field));
		if (strcmp(field, name) == 0)
			return (i);
		if (strchr(header, ',') == NULL)
			break;
	}
	cr_assert_fail("no column %s in %s", name, header);
	return (-1);
}

Test(portfolio_views, csv_has_factor_scores_and_the_previous_score)
{
	char *key = api_client_create_key("investor", NULL);
	char path[128], field[64], sql[512], *header, *acme_line = NULL, *beta_line = NULL,
	    *line, *save;
	struct api_response r;
	PGresult *res;
	json_t *v, *item;
	long id = portfolio(key);

	snprintf(path, sizeof(path), "/v1/portfolios/%ld/ratings?format=csv", id);
	api_client_get(c, path, key, &r);
	cr_assert_eq(r.status, 200);
	header = strtok_r(r.body.data, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (strncmp(line, "acme,", 5) == 0)
			acme_line = line;
		if (strncmp(line, "beta,", 5) == 0)
			beta_line = line;
	}
	cr_assert(acme_line != NULL && beta_line != NULL);
	/* acme was rated twice: the first rating is the previous one. */
	snprintf(sql, sizeof(sql), "SELECT score, to_char(as_of AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), (factors->'tls'->>'score')::numeric(4,1)"
	    " FROM ratings WHERE company_id = (SELECT id FROM companies WHERE slug = 'acme')"
	    " ORDER BY id");
	res = PQexec(conn, sql);
	cr_assert_eq(PQntuples(res), 2);
	csv_field(acme_line, csv_column(header, "previous.score"), field, sizeof(field));
	cr_assert_str_eq(field, PQgetvalue(res, 0, 0));
	csv_field(acme_line, csv_column(header, "previous.as_of"), field, sizeof(field));
	cr_assert_str_eq(field, PQgetvalue(res, 0, 1));
	csv_field(acme_line, csv_column(header, "factor_scores.tls"), field, sizeof(field));
	cr_assert_str_eq(field, PQgetisnull(res, 1, 2) ? "0.0" : PQgetvalue(res, 1, 2));
	PQclear(res);
	/* Every factor of 2026.1 has a column; beta has no previous rating. */
	csv_column(header, "factor_scores.email_auth");
	csv_column(header, "factor_scores.governance");
	csv_field(beta_line, csv_column(header, "previous.score"), field, sizeof(field));
	cr_assert_str_eq(field, "");
	api_response_free(&r);

	/* The JSON page carries the same. */
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/ratings", id);
	v = api_call_json(c, "GET", path, key, NULL, 200);
	item = json_array_get(json_object_get(v, "items"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(item, "slug")), "acme");
	cr_assert(json_is_object(json_object_get(item, "previous")));
	cr_assert(json_object_size(json_object_get(item, "factor_scores")) >= 8);
	item = json_array_get(json_object_get(v, "items"), 3);
	cr_assert_str_eq(json_string_value(json_object_get(item, "slug")), "norating");
	cr_assert(json_is_null(json_object_get(item, "previous")));
	cr_assert_eq(json_object_size(json_object_get(item, "factor_scores")), 0);
	json_decref(v);
	free(key);
}

/* A portfolio says where its alerts go, so that a page knows without asking for a
 * webhook that is not there. */
Test(portfolio_views, portfolio_shows_its_webhook_url)
{
	char *key = api_client_create_key("investor", NULL);
	char path[128], hook[128];
	json_t *v;
	long id = portfolio(key);

	snprintf(path, sizeof(path), "/v1/portfolios/%ld", id);
	v = api_call_json(c, "GET", path, key, NULL, 200);
	cr_assert(json_is_null(json_object_get(v, "webhook_url")));
	json_decref(v);
	snprintf(hook, sizeof(hook), "/v1/portfolios/%ld/webhook", id);
	json_decref(api_call_json(c, "PUT", hook, key,
	    "{\"url\": \"https://alerts.example.com/fairrate\"}", 200));
	v = api_call_json(c, "GET", path, key, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "webhook_url")),
	    "https://alerts.example.com/fairrate");
	json_decref(v);
	v = api_call_json(c, "GET", "/v1/portfolios", key, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "items"), 0), "webhook_url")), "https://alerts.example.com/fairrate");
	json_decref(v);
	cr_assert_null(api_call_json(c, "DELETE", hook, key, NULL, 204));
	v = api_call_json(c, "GET", path, key, NULL, 200);
	cr_assert(json_is_null(json_object_get(v, "webhook_url")));
	json_decref(v);
	free(key);
}
