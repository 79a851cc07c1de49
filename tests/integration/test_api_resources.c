/* The resource routes over real HTTP on a small rated world (tests/support/api_world.h):
 * every route's happy path and its errors, and the pagination edges. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

TestSuite(api_resources, .init = setup, .fini = teardown, .timeout = 120);

/* method path with key and body (may be NULL); the status must be status; returns the
 * parsed JSON body (NULL for an empty body). */
static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

static json_t *
get(const char *path, const char *key, long status)
{
	return (call("GET", path, key, NULL, status));
}

static void
expect_code(const char *method, const char *path, const char *key, const char *body,
    long status, const char *code)
{
	api_call_expect_error(c, method, path, key, body, status, code);
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return (s ? s : "(none)");
}

static double
stored_score(const char *slug)
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

Test(api_resources, methodology_routes)
{
	json_t *v, *items;

	v = get("/v1/methodology", NULL, 200);
	cr_assert_str_eq(str(json_object_get(v, "in_force"), "version"), "2026.1");
	cr_assert_str_eq(str(json_object_get(v, "upcoming"), "version"), "2026.2");
	cr_assert_str_eq(str(json_object_get(v, "upcoming"), "effective_at"),
	    "2026-04-01T00:00:00Z");
	json_decref(v);
	v = get("/v1/methodology/versions", NULL, 200);
	items = json_object_get(v, "items");
	cr_assert_eq(json_array_size(items), 2, "the draft is not listed");
	cr_assert_str_eq(str(json_array_get(items, 1), "change_log"),
	    "2026.2: heavier weight on patching.");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(items, 1),
	    "notice_days")), 59);
	json_decref(v);
	v = get("/v1/methodology/versions/2026.1", NULL, 200);
	cr_assert_str_eq(str(json_object_get(v, "definition"), "version"), "2026.1");
	cr_assert_eq(strlen(str(v, "definition_sha256")), 64);
	json_decref(v);
	expect_code("GET", "/v1/methodology/versions/2026.3", NULL, NULL, 404, "not_found");
	expect_code("GET", "/v1/methodology/versions/2026.9", NULL, NULL, 404, "not_found");
	expect_code("GET", "/v1/methodology/versions/26.1", NULL, NULL, 404, "not_found");
	expect_code("GET", "/v1/methodology/versions/2026.1/validation", NULL, NULL, 404,
	    "validation_not_published");
	expect_code("GET", "/v1/methodology/versions/2026.9/validation", NULL, NULL, 404,
	    "not_found");
	api_world_exec(conn, "INSERT INTO methodology_validation (version, figures,"
	    " rated_as_of, followed_until) VALUES ('2026.1', '{\"roc_auc\": 0.71}',"
	    " '2025-01-01', '2026-01-01')");
	v = get("/v1/methodology/versions/2026.1/validation", NULL, 200);
	cr_assert_float_eq(json_real_value(json_object_get(json_object_get(v, "figures"),
	    "roc_auc")), 0.71, 1e-9);
	cr_assert_str_eq(str(v, "followed_until"), "2026-01-01T00:00:00Z");
	json_decref(v);
}

Test(api_resources, transparency)
{
	json_t *v = get("/v1/transparency", NULL, 200), *g;
	const char *k;
	json_int_t sum = 0;

	cr_assert_eq(json_integer_value(json_object_get(v, "companies")), 4);
	cr_assert_eq(json_integer_value(json_object_get(v, "rated")) +
	    json_integer_value(json_object_get(v, "insufficient_data")), 3);
	cr_assert_eq(json_integer_value(json_object_get(v, "not_rated")), 1);
	cr_assert_eq(json_integer_value(json_object_get(v, "private_companies")), 1);
	cr_assert_str_eq(str(v, "methodology_in_force"), "2026.1");
	json_object_foreach(json_object_get(v, "by_grade"), k, g)
		sum += json_integer_value(g);
	cr_assert_eq(sum, json_integer_value(json_object_get(v, "rated")));
	json_decref(v);
}

Test(api_resources, company_summary)
{
	char *key = api_client_create_key("investor", NULL);
	json_t *v, *f;
	const char *code;

	v = get("/v1/companies/acme", key, 200);
	cr_assert_str_eq(str(v, "slug"), "acme");
	cr_assert_float_eq(json_real_value(json_object_get(v, "score")), stored_score("acme"),
	    1e-9);
	cr_assert_str_eq(str(v, "methodology_version"), "2026.1");
	cr_assert_str_eq(str(v, "as_of"), API_WORLD_NOW);
	cr_assert(json_is_true(json_object_get(v, "disputed")));
	cr_assert_str_eq(str(json_object_get(v, "upcoming_methodology"), "version"), "2026.2");
	cr_assert(json_is_true(json_object_get(json_object_get(json_object_get(v, "factors"),
	    "web_headers"), "disputed")));
	json_object_foreach(json_object_get(v, "factors"), code, f) {
		cr_assert_null(json_object_get(f, "findings"), "%s shows findings", code);
		cr_assert_not_null(json_object_get(f, "findings_by_severity"));
		cr_assert_not_null(json_object_get(f, "weight"));
	}
	json_decref(v);
	v = get("/v1/companies/norating", key, 200);
	cr_assert_str_eq(str(v, "status"), "not_rated");
	cr_assert(json_is_null(json_object_get(v, "score")));
	json_decref(v);
	expect_code("GET", "/v1/companies/nobody", key, NULL, 404, "not_found");
	expect_code("GET", "/v1/companies/hidden", key, NULL, 404, "not_found");
	expect_code("GET", "/v1/companies/Bad_Slug", key, NULL, 404, "not_found");
	free(key);
}

/* The slugs of a search page, comma-separated, into out; returns next_cursor (or ""). */
static const char *
page(const char *path, const char *key, char *out, size_t n, char *cursor, size_t cn)
{
	json_t *v = get(path, key, 200), *item, *next;
	size_t i;

	out[0] = '\0';
	json_array_foreach(json_object_get(v, "items"), i, item) {
		strncat(out, str(item, "slug"), n - strlen(out) - 2);
		strcat(out, ",");
	}
	next = json_object_get(v, "next_cursor");
	cr_assert(json_is_null(next) || json_is_string(next));
	snprintf(cursor, cn, "%s", json_is_string(next) ? json_string_value(next) : "");
	json_decref(v);
	return (cursor);
}

Test(api_resources, company_search)
{
	char *key = api_client_create_key("investor", NULL);
	char got[512], cur[512], path[1024];
	json_t *v;

	page("/v1/companies?q=bank", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "beta,");
	page("/v1/companies?q=ACME%20hold", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "acme,");
	page("/v1/companies?domain=GAMMA.example", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "gamma,");
	page("/v1/companies?domain=hidden.example", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "");
	page("/v1/companies?sector=finance", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "acme,beta,", "private companies are never listed");
	v = get("/v1/companies/acme", key, 200);
	snprintf(path, sizeof(path), "/v1/companies?grade=%s&sector=finance", str(v, "grade"));
	json_decref(v);
	page(path, key, got, sizeof(got), cur, sizeof(cur));
	cr_assert(strstr(got, "acme,") != NULL);
	page("/v1/companies?q=zzz", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "");
	cr_assert_str_eq(cur, "", "an empty page has no next cursor");
	expect_code("GET", "/v1/companies?grade=Z9", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/companies?sector=Bad", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/companies?q=", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/companies?domain=a%20b", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/companies?limit=-1", key, NULL, 400, "invalid_limit");
	expect_code("GET", "/v1/companies?limit=0", key, NULL, 400, "invalid_limit");
	expect_code("GET", "/v1/companies?limit=501", key, NULL, 400, "invalid_limit");
	expect_code("GET", "/v1/companies?cursor=AAAA", key, NULL, 400, "invalid_cursor");
	expect_code("GET", "/v1/companies?color=red", key, NULL, 400, "unknown_parameter");
	free(key);
}

Test(api_resources, search_pagination)
{
	char *key = api_client_create_key("investor", NULL);
	char got[512], all[2048] = "", cur[512], path[1024], tampered[512];

	/* Four public companies, two a page: an exact multiple has no empty last page. */
	page("/v1/companies?limit=2", key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "acme,beta,");
	cr_assert_neq(cur[0], '\0');
	snprintf(tampered, sizeof(tampered), "%s", cur);
	tampered[strlen(tampered) / 2] = tampered[strlen(tampered) / 2] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "/v1/companies?limit=2&cursor=%s", tampered);
	expect_code("GET", path, key, NULL, 400, "invalid_cursor");
	snprintf(path, sizeof(path), "/v1/companies?limit=2&cursor=%s", cur);
	page(path, key, got, sizeof(got), cur, sizeof(cur));
	cr_assert_str_eq(got, "gamma,norating,");
	cr_assert_str_eq(cur, "");

	/* Rows added between pages: none of the first rows is repeated or skipped. */
	page("/v1/companies?limit=2", key, got, sizeof(got), cur, sizeof(cur));
	strcat(all, got);
	api_world_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('aaa-new', 'Aaa New', 'retail', 'micro', 'DE'),"
	    " ('delta', 'Delta Co', 'retail', 'micro', 'DE')");
	while (cur[0] != '\0') {
		snprintf(path, sizeof(path), "/v1/companies?limit=2&cursor=%s", cur);
		page(path, key, got, sizeof(got), cur, sizeof(cur));
		strcat(all, got);
	}
	cr_assert_str_eq(all, "acme,beta,delta,gamma,norating,");
	free(key);
}

Test(api_resources, company_history_and_peers)
{
	char *key = api_client_create_key("investor", NULL);
	char path[1024];
	json_t *v, *items, *in_sector, *dist, *bin;
	json_int_t total = 0;
	size_t i;

	v = get("/v1/companies/acme/history", key, 200);
	items = json_object_get(v, "items");
	cr_assert_eq(json_array_size(items), 2);
	cr_assert_str_eq(str(json_array_get(items, 0), "reason"), "new_evidence");
	cr_assert_str_eq(str(json_array_get(items, 1), "reason"), "initial");
	cr_assert_str_eq(str(json_array_get(items, 0), "methodology_version"), "2026.1");
	json_decref(v);
	v = get("/v1/companies/acme/history?limit=1", key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	snprintf(path, sizeof(path), "/v1/companies/acme/history?limit=1&cursor=%s",
	    str(v, "next_cursor"));
	json_decref(v);
	v = get(path, key, 200);
	cr_assert_str_eq(str(json_array_get(json_object_get(v, "items"), 0), "reason"),
	    "initial");
	cr_assert(json_is_null(json_object_get(v, "next_cursor")));
	json_decref(v);
	expect_code("GET", "/v1/companies/hidden/history", key, NULL, 404, "not_found");

	v = get("/v1/companies/acme/peers", key, 200);
	in_sector = json_object_get(v, "in_sector");
	cr_assert_eq(json_integer_value(json_object_get(in_sector, "companies_rated")), 2,
	    "acme and beta; the private company is left out");
	cr_assert(json_is_real(json_object_get(in_sector, "percentile")));
	dist = json_object_get(v, "sector_distribution");
	cr_assert_eq(json_array_size(json_object_get(dist, "histogram")), 10);
	json_array_foreach(json_object_get(dist, "histogram"), i, bin)
		total += json_integer_value(json_object_get(bin, "companies"));
	cr_assert_eq(total, json_integer_value(json_object_get(dist, "rated")));
	json_decref(v);
	v = get("/v1/companies/norating/peers", key, 200);
	cr_assert(json_is_null(json_object_get(json_object_get(v, "in_sector"),
	    "percentile")));
	json_decref(v);
	expect_code("GET", "/v1/companies/nobody/peers", key, NULL, 404, "not_found");
	free(key);
}

/* A company sees its own history and place, as an investor sees a public company's;
 * a private company too, placed among the public ones. */
Test(api_resources, own_history_and_peers)
{
	char *acme = api_client_create_key("company", "acme");
	char *hidden = api_client_create_key("company", "hidden");
	char *investor = api_client_create_key("investor", NULL);
	json_t *mine, *theirs;

	mine = get("/v1/me/history", acme, 200);
	theirs = get("/v1/companies/acme/history", investor, 200);
	cr_assert(json_equal(json_object_get(mine, "items"), json_object_get(theirs, "items")));
	json_decref(theirs);
	json_decref(mine);
	mine = get("/v1/me/peers", acme, 200);
	theirs = get("/v1/companies/acme/peers", investor, 200);
	cr_assert(json_equal(mine, theirs));
	json_decref(theirs);
	json_decref(mine);

	mine = get("/v1/me/history", hidden, 200);
	cr_assert_eq(json_array_size(json_object_get(mine, "items")), 1);
	json_decref(mine);
	mine = get("/v1/me/peers", hidden, 200);
	cr_assert_str_eq(str(mine, "slug"), "hidden");
	cr_assert_str_eq(str(mine, "status"), "rated");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(mine, "in_sector"),
	    "companies_rated")), 2, "acme and beta, not hidden itself");
	cr_assert(json_is_real(json_object_get(json_object_get(mine, "in_sector"),
	    "percentile")));
	json_decref(mine);
	expect_code("GET", "/v1/companies/hidden/peers", investor, NULL, 404, "not_found");
	expect_code("GET", "/v1/me/peers", investor, NULL, 403, "forbidden");
	expect_code("GET", "/v1/me/history?limit=0", acme, NULL, 400, "invalid_limit");
	free(investor);
	free(hidden);
	free(acme);
}

Test(api_resources, lookup)
{
	char *key = api_client_create_key("investor", NULL);
	char body[8192];
	json_t *v, *items;
	int i;

	v = call("POST", "/v1/companies/lookup", key, "{\"domains\": [\"acme.example\","
	    " \"nobody.example\", \"hidden.example\", \"GAMMA.example\"]}", 200);
	items = json_object_get(v, "items");
	cr_assert_eq(json_array_size(items), 4);
	cr_assert_str_eq(str(json_array_get(items, 0), "result"), "found");
	cr_assert_str_eq(str(json_object_get(json_array_get(items, 0), "company"), "slug"),
	    "acme");
	cr_assert_str_eq(str(json_array_get(items, 1), "result"), "not_found");
	cr_assert_str_eq(str(json_array_get(items, 2), "result"), "not_found");
	cr_assert_str_eq(str(json_object_get(json_array_get(items, 3), "company"), "slug"),
	    "gamma");
	json_decref(v);
	/* Host names are not an oracle (issue 18): a subdomain, even attributed firmly,
	 * and a registered domain attributed below the identity confidence (the world's
	 * secret host, 0.8, from CT logs) are not found; only the company's identity
	 * domains are. */
	api_world_exec(conn, "INSERT INTO assets (company_id, kind, value, source, confidence)"
	    " SELECT id, 'domain', 'portal.acme.example', 'registry', 1.0 FROM companies"
	    " WHERE slug = 'acme'");
	v = call("POST", "/v1/companies/lookup", key, "{\"domains\": [\"portal.acme.example\","
	    " \"" API_WORLD_SECRET_HOST "\", \"acme.example\"]}", 200);
	items = json_object_get(v, "items");
	cr_assert_str_eq(str(json_array_get(items, 0), "result"), "not_found");
	cr_assert_str_eq(str(json_array_get(items, 1), "result"), "not_found");
	cr_assert_str_eq(str(json_array_get(items, 2), "result"), "found");
	json_decref(v);
	v = get("/v1/companies?domain=portal.acme.example", key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	v = get("/v1/companies?domain=" API_WORLD_SECRET_HOST, key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	strcpy(body, "{\"domains\": [");
	for (i = 0; i < 101; i++)
		sprintf(body + strlen(body), "%s\"d%d.example\"", i ? ", " : "", i);
	strcat(body, "]}");
	expect_code("POST", "/v1/companies/lookup", key, body, 400, "too_many_domains");
	body[strlen(body) - 2] = '\0';
	*strrchr(body, ',') = '\0';
	strcat(body, "]}");
	v = call("POST", "/v1/companies/lookup", key, body, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 100);
	json_decref(v);
	expect_code("POST", "/v1/companies/lookup", key, "{\"domains\": []}", 400,
	    "invalid_body");
	expect_code("POST", "/v1/companies/lookup", key, "{\"domains\": [7]}", 400,
	    "invalid_body");
	expect_code("POST", "/v1/companies/lookup", key, "[]", 400, "invalid_body");
	expect_code("POST", "/v1/companies/lookup", key, "{\"domain\": []}", 400,
	    "unknown_field");
	expect_code("POST", "/v1/companies/lookup", key, "{\"domains\": [", 400,
	    "malformed_json");
	free(key);
}

Test(api_resources, sectors)
{
	char *key = api_client_create_key("analyst", NULL);
	json_t *v, *item, *g;
	const char *k;
	json_int_t sum = 0;
	size_t i;
	int finance = 0;

	v = get("/v1/sectors", key, 200);
	json_array_foreach(json_object_get(v, "items"), i, item)
		if (strcmp(str(item, "sector"), "finance") == 0) {
			finance = 1;
			cr_assert_eq(json_integer_value(json_object_get(item, "companies")), 2);
			cr_assert(json_is_real(json_object_get(item, "median_score")));
		}
	cr_assert(finance);
	json_decref(v);
	v = get("/v1/sectors/finance/distribution", key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "histogram")), 10);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v,
	    "histogram"), 9), "to")), 100);
	json_object_foreach(json_object_get(v, "grades"), k, g)
		sum += json_integer_value(g);
	cr_assert_eq(sum, json_integer_value(json_object_get(v, "rated")));
	json_decref(v);
	expect_code("GET", "/v1/sectors/mining/distribution", key, NULL, 404, "not_found");
	expect_code("GET", "/v1/sectors/Mining/distribution", key, NULL, 404, "not_found");
	free(key);
}

Test(api_resources, portfolios)
{
	char *key = api_client_create_key("investor", NULL);
	char *other = api_client_create_key("investor", NULL);
	char path[256], csv_path[256];
	struct api_response r;
	json_t *v;
	long id;
	char *line, *save;
	int lines = 0;

	v = call("POST", "/v1/portfolios", key, "{\"name\": \"Suppliers, \\\"core\\\"\"}", 201);
	id = (long)json_integer_value(json_object_get(v, "id"));
	cr_assert_gt(id, 0);
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/acme", id);
	cr_assert_null(call("PUT", path, key, NULL, 204));
	cr_assert_null(call("PUT", path, key, NULL, 204), "adding twice is fine");
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/norating", id);
	cr_assert_null(call("PUT", path, key, NULL, 204));
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/hidden", id);
	expect_code("PUT", path, key, NULL, 404, "company_not_found");
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/nobody", id);
	expect_code("PUT", path, key, NULL, 404, "company_not_found");
	expect_code("DELETE", path, key, NULL, 404, "company_not_found");

	snprintf(path, sizeof(path), "/v1/portfolios/%ld", id);
	v = get(path, key, 200);
	cr_assert_eq(json_integer_value(json_object_get(v, "companies")), 2);
	cr_assert_eq(json_array_size(json_object_get(v, "members")), 2);
	json_decref(v);
	v = get("/v1/portfolios", key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	v = get("/v1/portfolios", other, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);

	snprintf(path, sizeof(path), "/v1/portfolios/%ld/ratings?limit=1", id);
	v = get(path, key, 200);
	cr_assert_str_eq(str(json_array_get(json_object_get(v, "items"), 0), "slug"), "acme");
	cr_assert(json_is_true(json_object_get(json_array_get(json_object_get(v, "items"), 0),
	    "disputed")));
	cr_assert(json_is_string(json_object_get(v, "next_cursor")));
	json_decref(v);
	snprintf(csv_path, sizeof(csv_path), "/v1/portfolios/%ld/ratings?format=csv", id);
	api_client_get(c, csv_path, key, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.headers.data, "text/csv"));
	for (line = strtok_r(r.body.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++) {
		cr_assert_eq(line[strlen(line) - 1], '\r');
		if (lines == 0)
			cr_assert_eq(strncmp(line, "slug,name,sector,", 17), 0, "%s", line);
		else if (lines == 1)
			cr_assert_eq(strncmp(line, "acme,Acme Holdings,finance,medium,DE,", 37), 0,
			    "%s", line);
	}
	cr_assert_eq(lines, 3, "a header row and two companies");
	api_response_free(&r);
	snprintf(csv_path, sizeof(csv_path), "/v1/portfolios/%ld/ratings?format=xml", id);
	expect_code("GET", csv_path, key, NULL, 400, "invalid_parameter");
	snprintf(csv_path, sizeof(csv_path), "/v1/portfolios/%ld/ratings?format=csv&limit=1",
	    id);
	expect_code("GET", csv_path, key, NULL, 400, "invalid_parameter");

	/* Another key sees nothing of it. */
	snprintf(path, sizeof(path), "/v1/portfolios/%ld", id);
	expect_code("GET", path, other, NULL, 404, "not_found");
	expect_code("DELETE", path, other, NULL, 404, "not_found");
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/ratings", id);
	expect_code("GET", path, other, NULL, 404, "not_found");
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/beta", id);
	expect_code("PUT", path, other, NULL, 404, "not_found");

	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/norating", id);
	cr_assert_null(call("DELETE", path, key, NULL, 204));
	expect_code("DELETE", path, key, NULL, 404, "company_not_found");
	snprintf(path, sizeof(path), "/v1/portfolios/%ld", id);
	cr_assert_null(call("DELETE", path, key, NULL, 204));
	expect_code("GET", path, key, NULL, 404, "not_found");
	expect_code("POST", "/v1/portfolios", key, "{}", 400, "invalid_name");
	expect_code("POST", "/v1/portfolios", key, "{\"name\": \"\"}", 400, "invalid_name");
	expect_code("POST", "/v1/portfolios", key, "{\"name\": \"x\", \"y\": 1}", 400,
	    "unknown_field");
	expect_code("GET", "/v1/portfolios?cursor=bm90LWEtY3Vyc29y", key, NULL, 400,
	    "invalid_cursor");
	free(key);
	free(other);
}

Test(api_resources, me_routes)
{
	char *key = api_client_create_key("company", "acme");
	char *unrated = api_client_create_key("company", "norating");
	json_t *v, *item, *items;
	size_t i;
	int expired = 0, corrected = 0, disputed = 0;

	v = get("/v1/me", key, 200);
	cr_assert_str_eq(str(json_object_get(v, "company"), "slug"), "acme");
	json_decref(v);

	v = get("/v1/me/rating", key, 200);
	cr_assert(json_is_true(json_object_get(v, "matches_stored_rating")));
	cr_assert_float_eq(json_real_value(json_object_get(v, "score")), stored_score("acme"),
	    1e-9);
	cr_assert(json_array_size(json_object_get(v, "remediation")) > 0);
	cr_assert_eq(strlen(str(v, "inputs_digest")), 64);
	cr_assert_not_null(json_object_get(json_object_get(json_object_get(v, "factors"),
	    "exposed_services"), "findings"));
	cr_assert_str_eq(str(v, "reason"), "new_evidence");
	json_decref(v);
	expect_code("GET", "/v1/me/rating", unrated, NULL, 404, "not_rated");

	v = get("/v1/me/evidence?limit=500", key, 200);
	items = json_object_get(v, "items");
	json_array_foreach(items, i, item) {
		cr_assert_not_null(json_object_get(item, "source"));
		cr_assert_not_null(json_object_get(item, "collector_version"));
		cr_assert_not_null(json_object_get(item, "first_seen"));
		if (strcmp(str(item, "status"), "expired") == 0) {
			expired++;
			cr_assert_str_eq(str(item, "check"), "tls.self_signed");
			cr_assert_str_eq(str(item, "stored_status"), "active");
			cr_assert(strstr(str(item, "status_reason"), "60-day") != NULL);
		}
		if (strcmp(str(item, "status"), "corrected") == 0) {
			corrected++;
			cr_assert(strstr(str(item, "status_reason"), "accepted") != NULL);
		}
		disputed += strcmp(str(item, "status"), "disputed") == 0;
	}
	cr_assert_eq(expired, 1);
	cr_assert_eq(corrected, 1);
	cr_assert_eq(disputed, 1);
	json_decref(v);
	v = get("/v1/me/evidence?status=expired", key, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	v = get("/v1/me/evidence?factor=tls&limit=2", key, 200);
	json_array_foreach(json_object_get(v, "items"), i, item)
		cr_assert_str_eq(str(item, "factor"), "tls");
	cr_assert(json_is_string(json_object_get(v, "next_cursor")));
	json_decref(v);
	expect_code("GET", "/v1/me/evidence?factor=nope", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/me/evidence?status=gone", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/me/evidence?outcome=bad", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/me/evidence?format=xml", key, NULL, 400, "invalid_parameter");
	expect_code("GET", "/v1/me/evidence?format=csv&limit=5", key, NULL, 400,
	    "invalid_parameter");
	/* The outcome filter is the server's, over every item, not one page. */
	v = get("/v1/me/evidence?outcome=pass&limit=500", key, 200);
	cr_assert_gt(json_array_size(json_object_get(v, "items")), 0);
	json_array_foreach(json_object_get(v, "items"), i, item)
		cr_assert_str_eq(str(item, "outcome"), "pass");
	json_decref(v);
	{
		/* The CSV export: a header, one row per item (as the JSON lists them), the
		 * asset and details as text; RFC 4180 quoting. */
		struct api_response res;
		char ctype[64], *line;
		size_t rows = 0;
		json_t *all = get("/v1/me/evidence?outcome=fail&limit=500", key, 200);

		cr_assert_eq(api_client_get(c, "/v1/me/evidence?format=csv&outcome=fail", key,
		    &res), 0);
		cr_assert_eq(res.status, 200);
		cr_assert_not_null(strstr(api_response_header(&res, "Content-Type", ctype,
		    sizeof(ctype)), "text/csv"));
		cr_assert_eq(buf_append(&res.body, "", 1), 0);
		cr_assert_eq(strncmp(res.body.data, "id,check,title,factor,severity,weighted,"
		    "outcome,asset.kind,asset.value,observation_key,details,", 94), 0, "%s",
		    res.body.data);
		for (line = res.body.data; (line = strstr(line, "\r\n")) != NULL; line += 2)
			rows++;
		cr_assert_eq(rows, json_array_size(json_object_get(all, "items")) + 1,
		    "%s", res.body.data);
		cr_assert_not_null(strstr(res.body.data, API_WORLD_SECRET_HOST));
		cr_assert_not_null(strstr(res.body.data, "\"{\"\"ip\"\":"), "details as "
		    "quoted JSON: %s", res.body.data);
		api_response_free(&res);
		json_decref(all);
	}

	v = get("/v1/me/assets", key, 200);
	items = json_object_get(v, "items");
	cr_assert_eq(json_array_size(items), 3);
	disputed = 0;
	json_array_foreach(items, i, item)
		if (json_is_true(json_object_get(item, "detached"))) {
			disputed++;
			cr_assert_str_eq(str(item, "detached_reason"), "dispute accepted");
		}
	cr_assert_eq(disputed, 1, "the detached asset is listed as detached");
	json_decref(v);
	free(key);
	free(unrated);
}
