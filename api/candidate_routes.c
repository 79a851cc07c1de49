/* A company's asset candidates (fairrate discover): list, confirm, reject. */
#include <stdlib.h>
#include <string.h>

#include "api/candidate_store.h"
#include "api/dispute_http.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

#define CANDIDATE_REASON_MAX 2000

void
candidate_routes_list(struct api_request *r)
{
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_id_page(r, &limit, &after, &db) != 0)
		return;
	resource_reply_page(r, candidate_store_list(db, request_principal(r)->company_id,
	    after, limit + 1), limit, "id");
}

static void
candidate_decide(struct api_request *r, int confirm)
{
	const char *id_text = request_param(r, "id"), *reason = NULL;
	enum candidate_result rc;
	json_t *out = NULL;
	char *end;
	long long id = strtoll(id_text, &end, 10);
	PGconn *db;

	if (*end != '\0' || id <= 0) {
		request_reply_error(r, 404, "not_found", "no such candidate");
		return;
	}
	if (dispute_http_text(r, "reason", CANDIDATE_REASON_MAX, 0, &reason) != 0)
		return;
	if ((db = request_db(r)) == NULL)
		return;
	rc = candidate_store_decide(db, request_principal(r)->company_id, id, confirm, reason,
	    timefmt_now(), &out);
	switch (rc) {
	case CANDIDATE_OK:
		resource_reply(r, 200, out);
		break;
	case CANDIDATE_NOT_FOUND:
		request_reply_error(r, 404, "not_found", "no such candidate");
		break;
	case CANDIDATE_COUNTED:
		request_reply_error(r, 409, "counted_asset", "this name is an attributed asset"
		    " and counts in the rating: open an attribution dispute (POST"
		    " /v1/me/disputes with kind attribution), which staff review");
		break;
	case CANDIDATE_DETACHED:
		request_reply_error(r, 409, "detached_by_correction", "this name was detached"
		    " from the company by a correction; a dispute reopens it");
		break;
	default:
		resource_db_failed(r, "cannot record the decision");
		break;
	}
}

void
candidate_routes_confirm(struct api_request *r)
{
	candidate_decide(r, 1);
}

void
candidate_routes_reject(struct api_request *r)
{
	candidate_decide(r, 0);
}
