/* The investor routes about sectors: counts and medians, score distributions. */
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "api/sector_store.h"

void
sector_routes_list(struct api_request *r)
{
	json_t *items;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((items = sector_store_list(request_pool(r), db)) == NULL) {
		resource_db_failed(r, "cannot list the sectors");
		return;
	}
	resource_reply(r, 200, json_pack("{s:o}", "items", items));
}

void
sector_routes_distribution(struct api_request *r)
{
	json_t *dist = NULL;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	rc = sector_store_distribution(request_pool(r), db, request_param(r, "sector"), &dist);
	if (rc < 0)
		resource_db_failed(r, "cannot read the sector");
	else if (rc == 0)
		request_reply_error(r, 404, "not_found", "no public company is in that sector");
	else
		resource_reply(r, 200, dist);
}
