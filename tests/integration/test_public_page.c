/* A company's public page (third-party disclosure) over HTTP on the small rated world
 * (tests/support/api_world.h; acme's page and hidden's are published): readable
 * without a key, off by default and after the company turns it off, never for a
 * private company, nothing host-level on it, and a verified disclosure shown there
 * while a waiting one is not. */
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

TestSuite(public_page, .init = setup, .fini = teardown, .timeout = 120);

static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

static void
expect_error(const char *method, const char *path, const char *key, const char *body,
    long status, const char *code)
{
	api_call_expect_error(c, method, path, key, body, status, code);
}

Test(public_page, published_page_shows_the_rating_and_nothing_host_level)
{
	static const char *const secrets[] = {API_WORLD_SECRET_HOST, API_WORLD_SECRET_IP,
	    API_WORLD_SECRET_PORT, API_WORLD_SECRET_SOFTWARE, API_WORLD_SECRET_HEADER,
	    "acme.example", "findings_by_severity", "evidence"};
	struct api_response r;
	json_t *v;
	size_t i;

	api_client_get(c, "/v1/public/companies/acme", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body.data);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		cr_assert_null(strstr(r.body.data, secrets[i]), "the page shows %s: %s",
		    secrets[i], r.body.data);
	api_response_free(&r);
	v = call("GET", "/v1/public/companies/acme", NULL, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "company"),
	    "slug")), "acme");
	cr_assert_not_null(json_string_value(json_object_get(json_object_get(v, "rating"),
	    "grade")));
	cr_assert_not_null(json_object_get(json_object_get(v, "factors"), "tls"));
	cr_assert_eq(json_array_size(json_object_get(v, "trend")), 2);
	cr_assert_eq(json_array_size(json_object_get(v, "disclosures")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(v, "statement")),
	    "We publish our security posture.");
	json_decref(v);
	/* Off by default (beta), never for a private company (hidden), nor an unknown. */
	expect_error("GET", "/v1/public/companies/beta", NULL, NULL, 404, "not_found");
	expect_error("GET", "/v1/public/companies/hidden", NULL, NULL, 404, "not_found");
	expect_error("GET", "/v1/public/companies/nobody", NULL, NULL, 404, "not_found");
}

Test(public_page, the_company_turns_it_on_and_off)
{
	char *acme = api_client_create_key("company", "acme");
	char *beta = api_client_create_key("company", "beta");
	char *analyst = api_client_create_key("analyst", NULL);
	char *investor = api_client_create_key("investor", NULL);
	char statement[2100];
	json_t *v, *d;
	long id;
	char path[96];

	v = call("GET", "/v1/me/profile", beta, NULL, 200);
	cr_assert(json_is_false(json_object_get(v, "published")));
	json_decref(v);
	v = call("PUT", "/v1/me/profile", beta, "{\"published\": true, \"statement\":"
	    " \"Beta discloses.\"}", 200);
	cr_assert(json_is_true(json_object_get(v, "published")));
	cr_assert_str_eq(json_string_value(json_object_get(v, "url")),
	    "/v1/public/companies/beta");
	json_decref(v);
	v = call("GET", "/v1/public/companies/beta", NULL, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "statement")),
	    "Beta discloses.");
	json_decref(v);
	v = call("PUT", "/v1/me/profile", beta, "{\"published\": false}", 200);
	json_decref(v);
	expect_error("GET", "/v1/public/companies/beta", NULL, NULL, 404, "not_found");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action LIKE"
	    " 'company.profile.%'"), 2);
	/* Bad input and other roles. */
	expect_error("PUT", "/v1/me/profile", beta, "{\"statement\": \"x\"}", 400,
	    "missing_field");
	expect_error("PUT", "/v1/me/profile", beta, "{\"published\": \"yes\"}", 400,
	    "invalid_field");
	memset(statement, 'x', sizeof(statement));
	memcpy(statement, "{\"published\": true, \"statement\": \"", 34);
	memcpy(statement + sizeof(statement) - 3, "\"}", 3);
	expect_error("PUT", "/v1/me/profile", beta, statement, 400, "field_too_long");
	expect_error("PUT", "/v1/me/profile", investor, "{\"published\": true}", 403,
	    "forbidden");

	/* A verified disclosure shows on the page; one waiting does not. */
	v = call("POST", "/v1/me/disclosures", acme, "{\"item\": \"basic_policy\","
	    " \"statement\": \"Our policy.\", \"published_url\":"
	    " \"https://acme.example/policy\"}", 201);
	id = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	v = call("GET", "/v1/public/companies/acme", NULL, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "disclosures")), 0);
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld/decision", id);
	json_decref(call("POST", path, analyst, "{\"outcome\": \"verified\"}", 200));
	v = call("GET", "/v1/public/companies/acme", NULL, NULL, 200);
	d = json_array_get(json_object_get(v, "disclosures"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(d, "item")), "basic_policy");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(d,
	    "publication"), "url")), "https://acme.example/policy");
	json_decref(v);
	free(acme);
	free(beta);
	free(analyst);
	free(investor);
}
