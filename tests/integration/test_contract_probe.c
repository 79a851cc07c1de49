/* Every operation answered with the errors every client meets: an unknown query
 * parameter (400), no key (401) and a key of a role the operation is not for (403).
 * Each answer goes to the contract log (tests/support/api_client.c), where
 * tests/contract/check.mjs judges it against docs/openapi.yaml: so that an operation
 * cannot answer a status its documentation does not list. Here only the statuses
 * themselves are asserted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
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

TestSuite(contract_probe, .init = setup, .fini = teardown, .timeout = 180);

static long
probe(const struct router_route *rt, const char *path, const char *key)
{
	int json = (rt->flags & ROUTER_JSON_BODY) != 0;
	struct api_response res;
	long status;

	cr_assert_eq(api_client_request(c, rt->method, path, key, json ? "application/json" :
	    NULL, json ? "{}" : NULL, json ? 2 : 0, 0, &res), 0, "%s %s", rt->method, path);
	status = res.status;
	api_response_free(&res);
	return (status);
}

Test(contract_probe, every_operation_answers_its_documented_errors)
{
	static const struct {
		unsigned role;
		const char *name;
	} roles[] = {{AUTH_ROLE_INVESTOR, "investor"}, {AUTH_ROLE_COMPANY, "company"},
	    {AUTH_ROLE_ANALYST, "analyst"}, {AUTH_ROLE_ADMIN, "admin"}};
	char *keys[4];
	const struct router_route *routes;
	char path[512], odd[600];
	size_t n, i, k, probed = 0;
	const char *allowed, *refused;

	for (k = 0; k < 4; k++)
		keys[k] = api_client_create_key(roles[k].name, k == 1 ? "acme" : NULL);
	routes = routes_table(&n);
	for (i = 0; i < n; i++) {
		const struct router_route *rt = &routes[i];

		if (strncmp(rt->pattern, "/v1/", 4) != 0)
			continue;              /* the portal's pages take what a browser sends */
		api_world_path(rt->pattern, 1, NULL, path, sizeof(path));
		allowed = refused = NULL;
		for (k = 0; k < 4; k++) {
			if ((rt->roles & roles[k].role) && allowed == NULL)
				allowed = keys[k];
			if (!(rt->roles & roles[k].role) && refused == NULL)
				refused = keys[k];
		}
		snprintf(odd, sizeof(odd), "%s?zz_not_a_parameter=1", path);
		cr_assert_eq(probe(rt, odd, allowed), 400, "%s %s", rt->method, odd);
		if (!(rt->roles & AUTH_ROLE_PUBLIC)) {
			cr_assert_eq(probe(rt, path, NULL), 401, "%s %s", rt->method, path);
			if (refused != NULL)
				cr_assert_eq(probe(rt, path, refused), 403, "%s %s", rt->method, path);
		}
		probed++;
	}
	cr_assert_gt(probed, 60);
	for (k = 0; k < 4; k++)
		free(keys[k]);
}

/* The operations no other test answers with success, answered once here (their
 * behaviour is tested elsewhere; this puts their success bodies in the contract log). */
Test(contract_probe, the_rest_of_the_operations_succeed_once)
{
	char *investor = api_client_create_key("investor", NULL);
	char *admin = api_client_create_key("admin", NULL);
	char *acme = api_client_create_key("company", "acme");
	char path[256], body[256];
	struct api_response res;
	long portfolio, dispute, attachment, ev;

	cr_assert_eq(api_client_request(c, "POST", "/v1/portfolios", investor,
	    "application/json", "{\"name\": \"p\"}", 13, 0, &res), 0);
	cr_assert_eq(res.status, 201);
	portfolio = strtol(strstr(res.body.data, "\"id\":") + 5, NULL, 10);
	api_response_free(&res);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/webhook", portfolio);
	cr_assert_eq(api_client_request(c, "PUT", path, investor, "application/json",
	    "{\"url\": \"https://hooks.example/p\"}", 34, 0, &res), 0);
	cr_assert_eq(res.status, 200, "%s", res.body.data);
	api_response_free(&res);
	cr_assert_eq(api_client_get(c, path, investor, &res), 0);
	cr_assert_eq(res.status, 200);
	api_response_free(&res);
	cr_assert_eq(api_client_request(c, "DELETE", path, investor, NULL, NULL, 0, 0, &res), 0);
	cr_assert_eq(res.status, 204);
	api_response_free(&res);

	cr_assert_eq(api_client_get(c, "/v1/staff/methodology/drafts/2026.3", admin, &res), 0);
	cr_assert_eq(res.status, 200, "%s", res.body.data);
	api_response_free(&res);

	ev = testdb_scalar(conn, "SELECT id FROM evidence WHERE check_code ="
	    " 'patching.outdated_software'");
	snprintf(body, sizeof(body), "{\"reason\": \"remediated\", \"explanation\": \"updated\","
	    " \"evidence_ids\": [%ld]}", ev);
	cr_assert_eq(api_client_request(c, "POST", "/v1/me/disputes", acme, "application/json",
	    body, strlen(body), 0, &res), 0);
	cr_assert_eq(res.status, 201, "%s", res.body.data);
	dispute = strtol(strstr(res.body.data, "\"id\":") + 5, NULL, 10);
	api_response_free(&res);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/attachments", dispute);
	snprintf(body, sizeof(body), "{\"filename\": \"note.txt\", \"content_type\":"
	    " \"text/plain\", \"content_base64\": \"dXBkYXRlZA==\"}");
	cr_assert_eq(api_client_request(c, "POST", path, acme, "application/json", body,
	    strlen(body), 0, &res), 0);
	cr_assert_eq(res.status, 201, "%s", res.body.data);
	attachment = strtol(strstr(res.body.data, "\"id\":") + 5, NULL, 10);
	api_response_free(&res);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/attachments/%ld", dispute, attachment);
	cr_assert_eq(api_client_get(c, path, acme, &res), 0);
	cr_assert_eq(res.status, 200);
	cr_assert_eq(res.body.len, 7);
	api_response_free(&res);
	free(acme);
	free(admin);
	free(investor);
}
