/* The authorisation matrix: every route of the server's table (api/routes.c) against
 * every kind of caller (no key, investor, company, a company key of another company,
 * analyst, admin), each answered with the status class its roles call for. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/routes.h"
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

TestSuite(api_authz, .init = setup, .fini = teardown, .timeout = 180);

struct caller {
	const char *name;
	enum auth_role role;           /* AUTH_ROLE_PUBLIC: no key */
	char *key;
};

static long
status_of(const char *method, const char *path, const char *key, int json_body)
{
	struct api_response r;
	long status;

	api_client_request(c, method, path, key, json_body ? "application/json" : NULL,
	    json_body ? "{}" : NULL, json_body ? 2 : 0, 0, &r);
	status = r.status;
	api_response_free(&r);
	return (status);
}

Test(api_authz, every_route_by_every_caller)
{
	struct caller callers[] = {
		{"none", AUTH_ROLE_PUBLIC, NULL},
		{"investor", AUTH_ROLE_INVESTOR, api_client_create_key("investor", NULL)},
		{"company", AUTH_ROLE_COMPANY, api_client_create_key("company", "acme")},
		{"company-of-another", AUTH_ROLE_COMPANY,
		    api_client_create_key("company", "beta")},
		{"analyst", AUTH_ROLE_ANALYST, api_client_create_key("analyst", NULL)},
		{"admin", AUTH_ROLE_ADMIN, api_client_create_key("admin", NULL)},
	};
	const size_t ncallers = sizeof(callers) / sizeof(callers[0]);
	const struct router_route *routes;
	char path[512];
	size_t n, i, k;
	long status, checked = 0;

	routes = routes_table(&n);
	cr_assert_gt(n, 20);
	for (i = 0; i < n; i++) {
		/* A nonexistent id: allowed callers get a 404 or a 400, never 401/403. */
		api_world_path(routes[i].pattern, 987654321L, "x", path, sizeof(path));
		for (k = 0; k < ncallers; k++) {
			int public = (routes[i].roles & AUTH_ROLE_PUBLIC) != 0;
			int allowed = public || (routes[i].roles & (unsigned)callers[k].role) != 0;

			status = status_of(routes[i].method, path, callers[k].key,
			    (routes[i].flags & ROUTER_JSON_BODY) != 0);
			if (allowed)
				cr_expect(status >= 200 && status < 500 && status != 401 &&
				    status != 403, "%s %s by %s: %ld, expected it allowed",
				    routes[i].method, path, callers[k].name, status);
			else if (callers[k].key == NULL)
				cr_expect_eq(status, 401, "%s %s by %s: %ld, expected 401",
				    routes[i].method, path, callers[k].name, status);
			else
				cr_expect_eq(status, 403, "%s %s by %s: %ld, expected 403",
				    routes[i].method, path, callers[k].name, status);
			checked++;
		}
	}
	cr_assert_eq(checked, (long)(n * ncallers));
	for (k = 1; k < ncallers; k++)
		free(callers[k].key);
}

Test(api_authz, company_keys_see_only_their_own_company)
{
	char *acme = api_client_create_key("company", "acme");
	char *beta = api_client_create_key("company", "beta");
	struct api_response r;

	api_client_get(c, "/v1/me", beta, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data, "\"slug\":\"beta\""), "%s", r.body.data);
	cr_assert_null(strstr(r.body.data, "acme"));
	api_response_free(&r);
	api_client_get(c, "/v1/me/evidence?limit=500", beta, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_null(strstr(r.body.data, API_WORLD_SECRET_HOST), "beta sees acme's hosts");
	api_response_free(&r);
	api_client_get(c, "/v1/companies/acme", beta, &r);
	cr_assert_eq(r.status, 403, "a company key is not an investor: %ld", r.status);
	api_response_free(&r);
	api_client_get(c, "/v1/companies/beta", beta, &r);
	cr_assert_eq(r.status, 403, "not even for its own slug: %ld", r.status);
	api_response_free(&r);
	api_client_get(c, "/v1/me/evidence?limit=500", acme, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data, API_WORLD_SECRET_HOST));
	api_response_free(&r);
	free(acme);
	free(beta);
}

Test(api_authz, portfolios_belong_to_their_key)
{
	char *owner = api_client_create_key("investor", NULL);
	char *analyst = api_client_create_key("analyst", NULL);
	struct api_response r;
	char path[128];
	long id;

	api_client_request(c, "POST", "/v1/portfolios", owner, "application/json",
	    "{\"name\": \"mine\"}", 16, 0, &r);
	cr_assert_eq(r.status, 201, "%s", r.body.data);
	id = strtol(strstr(r.body.data, "\"id\":") + 5, NULL, 10);
	api_response_free(&r);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld", id);
	cr_assert_eq(status_of("GET", path, owner, 0), 200);
	cr_assert_eq(status_of("GET", path, analyst, 0), 404, "staff keys do not share it");
	cr_assert_eq(status_of("DELETE", path, analyst, 0), 404);
	cr_assert_eq(status_of("GET", path, owner, 0), 200, "still there");
	free(owner);
	free(analyst);
}
