/* Principle 6: no investor or public response carries host-level detail. The world's
 * evidence holds distinctive hostnames, addresses, ports, software versions and header
 * values (API_WORLD_SECRET_*); every public and investor route of the server's table
 * is called and its body searched for them, and for evidence ids and findings. The
 * owner's /v1/me/evidence must show them. */
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

TestSuite(api_confidentiality, .init = setup, .fini = teardown, .timeout = 120);

static const char *const secrets[] = {API_WORLD_SECRET_HOST, API_WORLD_SECRET_IP,
    API_WORLD_SECRET_PORT, API_WORLD_SECRET_SOFTWARE, API_WORLD_SECRET_HEADER,
    "\"evidence_id\"", "\"findings\"", "\"details\"", "\"observation_key\""};
#define NSECRETS (sizeof(secrets) / sizeof(secrets[0]))

/* Call method path and check its body carries none of the secrets. */
static long
check(const char *method, const char *path, const char *key, const char *body)
{
	struct api_response r;
	size_t i;
	long status;

	api_client_request(c, method, path, key, body ? "application/json" : NULL, body,
	    body ? strlen(body) : 0, 0, &r);
	status = r.status;
	cr_assert(status > 0 && status < 500, "%s %s: %ld", method, path, status);
	for (i = 0; i < NSECRETS && r.body.data != NULL; i++)
		cr_assert_null(strstr(r.body.data, secrets[i]), "%s %s shows %s: %s", method,
		    path, secrets[i], r.body.data);
	api_response_free(&r);
	return (status);
}

Test(api_confidentiality, no_host_detail_outside_me)
{
	char *investor = api_client_create_key("investor", NULL);
	const struct router_route *routes;
	struct api_response r;
	char path[512], extra[600];
	long portfolio;
	size_t n, i, tested = 0;

	api_client_request(c, "POST", "/v1/portfolios", investor, "application/json",
	    "{\"name\": \"watch\"}", 17, 0, &r);
	cr_assert_eq(r.status, 201);
	portfolio = strtol(strstr(r.body.data, "\"id\":") + 5, NULL, 10);
	api_response_free(&r);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/acme", portfolio);
	cr_assert_eq(check("PUT", path, investor, NULL), 204);

	routes = routes_table(&n);
	for (i = 0; i < n; i++) {
		int public = (routes[i].roles & AUTH_ROLE_PUBLIC) != 0;
		int for_investors = (routes[i].roles & AUTH_ROLE_INVESTOR) != 0;
		const char *body = NULL;

		if (!public && !for_investors)
			continue;
		/* Deleting would empty the world before the other routes are read. */
		if (strcmp(routes[i].method, "DELETE") == 0)
			continue;
		api_world_path(routes[i].pattern, portfolio, NULL, path, sizeof(path));
		if (strcmp(routes[i].pattern, "/v1/companies/lookup") == 0)
			body = "{\"domains\": [\"acme.example\"]}";
		else if (routes[i].flags & ROUTER_JSON_BODY)
			body = "{\"name\": \"p\"}";
		check(routes[i].method, path, public ? NULL : investor, body);
		if (public)
			check(routes[i].method, path, investor, body);
		tested++;
	}
	cr_assert_gt(tested, 15);
	/* The variants that show the most. */
	check("GET", "/v1/companies?q=acme", investor, NULL);
	check("GET", "/v1/companies?domain=acme.example", investor, NULL);
	snprintf(extra, sizeof(extra), "/v1/portfolios/%ld/ratings?format=csv", portfolio);
	check("GET", extra, investor, NULL);
	snprintf(extra, sizeof(extra), "/v1/portfolios/%ld", portfolio);
	check("GET", extra, investor, NULL);
	free(investor);
}

Test(api_confidentiality, owner_sees_every_detail)
{
	char *owner = api_client_create_key("company", "acme");
	struct api_response r;
	size_t i;

	api_client_get(c, "/v1/me/evidence?limit=500", owner, &r);
	cr_assert_eq(r.status, 200);
	for (i = 0; i < 5; i++)
		cr_assert_not_null(strstr(r.body.data, secrets[i]), "/v1/me/evidence lacks %s",
		    secrets[i]);
	api_response_free(&r);
	api_client_get(c, "/v1/me/rating", owner, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data, "\"evidence_id\""));
	api_response_free(&r);
	free(owner);
}
