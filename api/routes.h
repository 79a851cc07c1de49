#ifndef FAIRRATE_API_ROUTES_H
#define FAIRRATE_API_ROUTES_H

#include <stddef.h>

#include "api/router.h"

/*
 * The API's route table (api/routes.c) and the handlers of each resource group
 * (api/<group>_routes.c). Adding a route: write its handler in the group's file,
 * declare it below, and add one line to the table. A group whose handlers run prepared
 * statements registers them in its *_register function, called from routes_register.
 */

struct api_request;
struct db_pool;

/* routes_table: the table and its length (*n). Static; never NULL. */
const struct router_route *routes_table(size_t *n);

/* routes_register: register every group's prepared statements with pool. 0 or -1. */
int routes_register(struct db_pool *pool);

/* api/health_routes.c: the public operational routes. */
int health_routes_register(struct db_pool *pool);
void health_routes_healthz(struct api_request *r);
void health_routes_readyz(struct api_request *r);
void health_routes_metrics(struct api_request *r);
void health_routes_openapi(struct api_request *r);

/* api/keys_routes.c: API keys, for admins. */
void keys_routes_list(struct api_request *r);
void keys_routes_create(struct api_request *r);
void keys_routes_revoke(struct api_request *r);

#endif
