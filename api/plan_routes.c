/* A plan to a target grade or score (rater/plan.h): GET /v1/me/plan for a company key's
 * own company, GET /v1/staff/companies/{slug}/plan for staff and any company. */
#include "api/me_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "rater/rating_store.h"

static void
plan_reply(struct api_request *r, PGconn *db, int64_t company_id)
{
	const char *target = request_query(r, "target");
	json_t *out = NULL;
	char err[200];
	int rc;

	if (target == NULL || target[0] == '\0') {
		request_reply_error(r, 400, "missing_target",
		    "give target: a grade (e.g. B) or a score (e.g. 80)");
		return;
	}
	rc = me_store_plan(request_pool(r), db, company_id, target, &out, err, sizeof(err));
	if (rc < 0)
		resource_db_failed(r, "cannot plan");
	else if (rc == 0)
		request_reply_error(r, 404, "not_rated", "the company has no rating yet");
	else if (rc == 2)
		request_reply_error(r, 400, "bad_target", "%s", err);
	else
		resource_reply(r, 200, out);
}

void
plan_routes_me(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		plan_reply(r, db, request_principal(r)->company_id);
}

void
plan_routes_staff(struct api_request *r)
{
	int64_t id;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	if ((rc = rating_store_company_id(db, request_param(r, "slug"), &id)) < 0)
		resource_db_failed(r, "cannot find the company");
	else if (rc == 1)
		request_reply_error(r, 404, "not_found", "no company has that slug");
	else
		plan_reply(r, db, id);
}
