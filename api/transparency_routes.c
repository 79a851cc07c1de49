/* The public coverage statistics: companies rated, by confidence and grade. */
#include "api/publication_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

void
transparency_routes_coverage(struct api_request *r)
{
	json_t *out;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((out = publication_store_transparency(request_pool(r), db, timefmt_now())) == NULL) {
		resource_db_failed(r, "cannot compute the coverage");
		return;
	}
	resource_reply(r, 200, out);
}
