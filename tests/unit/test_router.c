/* Router: matching, parameters and their validation, 404 versus 405 with Allow. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "api/routes.h"

static void
handler(struct api_request *r)
{
	(void)r;
}

static const struct router_route table[] = {
	{"GET", "/healthz", AUTH_ROLE_PUBLIC, 0, NULL, handler},
	{"GET", "/v1/companies", AUTH_ROLES_INVESTOR, 0, "q,limit,cursor", handler},
	{"POST", "/v1/companies/lookup", AUTH_ROLES_INVESTOR, ROUTER_JSON_BODY, NULL, handler},
	{"GET", "/v1/companies/{slug}", AUTH_ROLES_INVESTOR, 0, NULL, handler},
	{"GET", "/v1/portfolios/{id}", AUTH_ROLES_INVESTOR, 0, NULL, handler},
	{"DELETE", "/v1/portfolios/{id}", AUTH_ROLES_INVESTOR, 0, NULL, handler},
	{"PUT", "/v1/portfolios/{id}/companies/{slug}", AUTH_ROLES_INVESTOR, 0, NULL, handler},
	{"GET", "/v1/methodology/versions/{version}", AUTH_ROLE_PUBLIC, 0, NULL, handler},
};
#define N (sizeof(table) / sizeof(table[0]))

Test(router, matches_a_static_path)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "GET", "/healthz", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 0);
	cr_assert_eq(m.nparams, 0);
}

Test(router, extracts_parameters)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "PUT", "/v1/portfolios/42/companies/acme-corp", &m),
	    ROUTER_FOUND);
	cr_assert_eq(m.index, 6);
	cr_assert_str_eq(router_param(&m, "id"), "42");
	cr_assert_str_eq(router_param(&m, "slug"), "acme-corp");
	cr_assert_null(router_param(&m, "version"));
}

Test(router, a_static_segment_wins_over_a_parameter_listed_later)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "POST", "/v1/companies/lookup", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 2);
	cr_assert_eq(router_match(table, N, "GET", "/v1/companies/lookup", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 3, "GET takes the slug route");
}

Test(router, unknown_paths_are_404)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "GET", "/nope", &m), ROUTER_NOT_FOUND);
	cr_assert_null(m.route);
	cr_assert_eq(router_match(table, N, "GET", "/healthz/", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/companies/", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1//companies", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/companies/a/b", &m), ROUTER_NOT_FOUND);
}

Test(router, invalid_parameters_match_nothing)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "GET", "/v1/companies/Acme", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/companies/-acme", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/portfolios/0", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/portfolios/12a", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/portfolios/1234567890123456789", &m),
	    ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/methodology/versions/2026.1", &m),
	    ROUTER_FOUND);
	cr_assert_eq(router_match(table, N, "GET", "/v1/methodology/versions/26.1", &m),
	    ROUTER_NOT_FOUND);
}

Test(router, parameter_rules)
{
	char longslug[80];

	memset(longslug, 'a', 63);
	longslug[63] = '\0';
	cr_assert(router_param_valid("slug", longslug));
	longslug[63] = 'a';
	longslug[64] = '\0';
	cr_assert_not(router_param_valid("slug", longslug));
	cr_assert(router_param_valid("sector", "finance_2"));
	cr_assert_not(router_param_valid("sector", "2finance"));
	cr_assert(router_param_valid("id", "999999999999999999"));
	cr_assert_not(router_param_valid("id", "-1"));
	cr_assert(router_param_valid("token", "abc.DEF-1_2"));
	cr_assert_not(router_param_valid("token", "a b"));
	cr_assert_not(router_param_valid("token", ""));
}

Test(router, wrong_method_is_405_with_allow)
{
	struct router_match m;
	char allow[64];

	cr_assert_eq(router_match(table, N, "POST", "/v1/portfolios/7", &m),
	    ROUTER_METHOD_NOT_ALLOWED);
	cr_assert_null(m.route);
	cr_assert_eq(router_allow(table, N, "/v1/portfolios/7", allow, sizeof(allow)), 3);
	cr_assert_str_eq(allow, "GET, HEAD, DELETE");
	cr_assert_eq(router_match(table, N, "DELETE", "/healthz", &m),
	    ROUTER_METHOD_NOT_ALLOWED);
	cr_assert_eq(router_allow(table, N, "/healthz", allow, sizeof(allow)), 2);
	cr_assert_str_eq(allow, "GET, HEAD");
	cr_assert_eq(router_allow(table, N, "/nope", allow, sizeof(allow)), 0);
	cr_assert_eq(router_allow(table, N, "/v1/portfolios/7", allow, 8), -1);
}

Test(router, head_is_answered_by_get_routes)
{
	struct router_match m;

	cr_assert_eq(router_match(table, N, "HEAD", "/v1/companies/acme", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 3);
	cr_assert_eq(router_match(table, N, "HEAD", "/v1/companies/lookup", &m), ROUTER_FOUND);
	cr_assert_eq(router_match(table, N, "HEAD", "/v1/portfolios/1/companies/x", &m),
	    ROUTER_METHOD_NOT_ALLOWED);
}

Test(router, query_parameters_are_declared_per_route)
{
	cr_assert(router_query_accepted(&table[1], "q"));
	cr_assert(router_query_accepted(&table[1], "cursor"));
	cr_assert_not(router_query_accepted(&table[1], "cur"));
	cr_assert_not(router_query_accepted(&table[1], "q,limit"));
	cr_assert_not(router_query_accepted(&table[1], ""));
	cr_assert_not(router_query_accepted(&table[0], "q"));
}

Test(router, the_root_pattern_matches_only_the_root)
{
	static const struct router_route with_root[] = {
		{"GET", "/", AUTH_ROLE_PUBLIC, 0, NULL, handler},
		{"GET", "/healthz", AUTH_ROLE_PUBLIC, 0, NULL, handler},
	};
	struct router_match m;

	cr_assert_eq(router_check_table(with_root, 2), 0);
	cr_assert_eq(router_match(with_root, 2, "GET", "/", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 0);
	cr_assert_eq(router_match(with_root, 2, "GET", "/healthz", &m), ROUTER_FOUND);
	cr_assert_eq(m.index, 1);
	cr_assert_eq(router_match(with_root, 2, "GET", "//", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(with_root, 2, "GET", "/x", &m), ROUTER_NOT_FOUND);
	cr_assert_eq(router_match(with_root, 2, "POST", "/", &m), ROUTER_METHOD_NOT_ALLOWED);
	cr_assert_eq(router_match(table, N, "GET", "/", &m), ROUTER_NOT_FOUND,
	    "a table without the root does not match it");
}

Test(router, table_checks)
{
	static const struct router_route dup[] = {
		{"GET", "/a/{id}", AUTH_ROLE_PUBLIC, 0, NULL, handler},
		{"GET", "/a/{id}", AUTH_ROLE_ADMIN, 0, NULL, handler},
	};
	static const struct router_route bad_pattern[] = {
		{"GET", "/a//b", AUTH_ROLE_PUBLIC, 0, NULL, handler},
	};
	static const struct router_route bad_param[] = {
		{"GET", "/a/x{id}", AUTH_ROLE_PUBLIC, 0, NULL, handler},
	};
	static const struct router_route no_roles[] = {
		{"GET", "/a", 0, 0, NULL, handler},
	};

	cr_assert_eq(router_check_table(table, N), 0);
	cr_assert_eq(router_check_table(dup, 2), -1);
	cr_assert_eq(router_check_table(bad_pattern, 1), -1);
	cr_assert_eq(router_check_table(bad_param, 1), -1);
	cr_assert_eq(router_check_table(no_roles, 1), -1);
}

Test(router, the_served_table_is_well_formed_and_listable)
{
	const struct router_route *routes;
	size_t n, i;
	int healthz = 0;

	routes = routes_table(&n);
	cr_assert_gt(n, 0);
	cr_assert_eq(router_check_table(routes, n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(routes[i].pattern, "/healthz") == 0)
			healthz = routes[i].roles == AUTH_ROLE_PUBLIC;
	cr_assert(healthz, "/healthz is listed and public");
}
