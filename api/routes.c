#include "api/routes.h"

#include "api/auth.h"

#define PUBLIC AUTH_ROLE_PUBLIC
#define ADMIN AUTH_ROLE_ADMIN
#define INVESTORS AUTH_ROLES_INVESTOR
#define COMPANY AUTH_ROLE_COMPANY

/* One line a route: method, pattern, roles, flags, accepted query parameters, handler.
 * docs/openapi.yaml documents each of them. */
static const struct router_route routes[] = {
	{"GET", "/healthz", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_healthz},
	{"GET", "/readyz", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_readyz},
	{"GET", "/metrics", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_metrics},
	{"GET", "/v1/openapi.yaml", PUBLIC, 0, NULL, health_routes_openapi},
	{"GET", "/v1/staff/keys", ADMIN, 0, "limit,cursor", keys_routes_list},
	{"POST", "/v1/staff/keys", ADMIN, ROUTER_JSON_BODY, NULL, keys_routes_create},
	{"DELETE", "/v1/staff/keys/{id}", ADMIN, 0, NULL, keys_routes_revoke},
	{"GET", "/v1/methodology", PUBLIC, 0, NULL, methodology_routes_current},
	{"GET", "/v1/methodology/versions", PUBLIC, 0, NULL, methodology_routes_versions},
	{"GET", "/v1/methodology/versions/{version}", PUBLIC, 0, NULL,
	    methodology_routes_version},
	{"GET", "/v1/methodology/versions/{version}/validation", PUBLIC, 0, NULL,
	    methodology_routes_validation},
	{"GET", "/v1/transparency", PUBLIC, 0, NULL, transparency_routes_coverage},
	{"GET", "/v1/companies", INVESTORS, 0, "q,domain,sector,grade,limit,cursor",
	    company_routes_search},
	{"POST", "/v1/companies/lookup", INVESTORS, ROUTER_JSON_BODY, NULL,
	    company_routes_lookup},
	{"GET", "/v1/companies/{slug}", INVESTORS, 0, NULL, company_routes_get},
	{"GET", "/v1/companies/{slug}/history", INVESTORS, 0, "limit,cursor",
	    company_routes_history},
	{"GET", "/v1/companies/{slug}/peers", INVESTORS, 0, NULL, company_routes_peers},
	{"GET", "/v1/sectors", INVESTORS, 0, NULL, sector_routes_list},
	{"GET", "/v1/sectors/{sector}/distribution", INVESTORS, 0, NULL,
	    sector_routes_distribution},
	{"GET", "/v1/portfolios", INVESTORS, 0, "limit,cursor", portfolio_routes_list},
	{"POST", "/v1/portfolios", INVESTORS, ROUTER_JSON_BODY, NULL, portfolio_routes_create},
	{"GET", "/v1/portfolios/{id}", INVESTORS, 0, NULL, portfolio_routes_get},
	{"DELETE", "/v1/portfolios/{id}", INVESTORS, 0, NULL, portfolio_routes_delete},
	{"PUT", "/v1/portfolios/{id}/companies/{slug}", INVESTORS, 0, NULL,
	    portfolio_routes_add},
	{"DELETE", "/v1/portfolios/{id}/companies/{slug}", INVESTORS, 0, NULL,
	    portfolio_routes_remove},
	{"GET", "/v1/portfolios/{id}/ratings", INVESTORS, 0, "format,limit,cursor",
	    portfolio_routes_ratings},
	{"GET", "/v1/me", COMPANY, 0, NULL, me_routes_me},
	{"GET", "/v1/me/rating", COMPANY, 0, NULL, me_routes_rating},
	{"GET", "/v1/me/evidence", COMPANY, 0, "status,factor,limit,cursor",
	    me_routes_evidence},
	{"GET", "/v1/me/assets", COMPANY, 0, "limit,cursor", me_routes_assets},
};

const struct router_route *
routes_table(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return (routes);
}

int
routes_register(struct db_pool *pool)
{
	if (health_routes_register(pool) != 0)
		return (-1);
	if (methodology_routes_register(pool) != 0 || company_routes_register(pool) != 0 ||
	    portfolio_routes_register(pool) != 0 || me_routes_register(pool) != 0)
		return (-1);
	return (0);
}
