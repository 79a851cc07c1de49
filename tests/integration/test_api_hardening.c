/* Hardening of the API's edges over real HTTP on a small rated world
 * (tests/support/api_world.h): cursors bound to their list and key, made-up keys
 * throttled per client address, and a revocation seen at once by another instance. */
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
setup(void)
{
	c = api_world_start(&conn, NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(api_hardening, .init = setup, .fini = teardown, .timeout = 120);

/* GET path with key; the status must be status; the error code (or "" for none). */
static void
expect_code(const char *path, const char *key, long status, const char *code)
{
	json_t *v = api_call_json(c, "GET", path, key, NULL, status);

	cr_assert_str_eq(code[0] ? api_call_error_code(v) : "", code, "GET %s", path);
	cr_assert(code[0] == '\0' || api_call_error_field(v, "message") != NULL,
	    "the one error shape");
	json_decref(v);
}

/* The next_cursor of GET path with key (it must have one), into out. */
static void
next_cursor(const char *path, const char *key, char *out, size_t n)
{
	json_t *v = api_call_json(c, "GET", path, key, NULL, 200);
	const char *s = json_string_value(json_object_get(v, "next_cursor"));

	cr_assert_not_null(s, "GET %s has a next page", path);
	cr_assert_lt(strlen(s), n);
	snprintf(out, n, "%s", s);
	json_decref(v);
}

Test(api_hardening, a_cursor_only_pages_its_own_list_for_its_own_key)
{
	char *company = api_client_create_key("company", "acme");
	char *investor = api_client_create_key("investor", NULL);
	char *investor2 = api_client_create_key("investor", NULL);
	char cur[512], path[1024];

	/* The replay of the issue: a cursor of /v1/me/evidence offered to /v1/companies. */
	next_cursor("/v1/me/evidence?limit=1", company, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/me/evidence?limit=1&cursor=%s", cur);
	expect_code(path, company, 200, "");
	snprintf(path, sizeof(path), "/v1/companies?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* Same key, another list; same list, another key. */
	next_cursor("/v1/companies?limit=1", investor, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/companies?limit=1&cursor=%s", cur);
	expect_code(path, investor, 200, "");
	expect_code(path, investor2, 400, "bad_cursor");
	snprintf(path, sizeof(path), "/v1/portfolios?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* The path's parameters name the list: one company's history is not another's. */
	next_cursor("/v1/companies/acme/history?limit=1", investor, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/companies/acme/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 200, "");
	snprintf(path, sizeof(path), "/v1/companies/beta/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* A cursor altered by hand is still invalid_cursor. */
	cur[strlen(cur) / 2] = cur[strlen(cur) / 2] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "/v1/companies/acme/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "invalid_cursor");
	free(company);
	free(investor);
	free(investor2);
}
