/* GET /v1/me/projection: a company key's own company rated under the upcoming
 * methodology version before it takes effect (principle 4). Only the key's company:
 * the route takes no company parameter, and other roles are refused by the router. */
#include "api/methodology_draft_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

void
projection_routes_me(struct api_request *r)
{
	json_t *out = NULL;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	rc = methodology_draft_store_projection(request_pool(r), db,
	    request_principal(r)->company_id, timefmt_now(), &out);
	if (rc < 0)
		resource_db_failed(r, "cannot project the rating");
	else if (rc == 0)
		request_reply_error(r, 404, "no_upcoming_methodology",
		    "no published methodology version is waiting to take effect");
	else
		resource_reply(r, 200, out);
}
