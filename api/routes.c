#include "api/routes.h"

#include "api/auth.h"

#define PUBLIC AUTH_ROLE_PUBLIC
#define ADMIN AUTH_ROLE_ADMIN

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
	return (0);
}
