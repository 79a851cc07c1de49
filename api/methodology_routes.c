/* The public methodology routes: the version in force and the upcoming one, every
 * published version with its change log, a version's definition, its validation. */
#include "api/publication_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

int
methodology_routes_register(struct db_pool *pool)
{
	return (publication_store_register(pool));
}

void
methodology_routes_current(struct api_request *r)
{
	json_t *cur;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((cur = publication_store_current(request_pool(r), db, timefmt_now())) == NULL) {
		resource_db_failed(r, "cannot read the methodology");
		return;
	}
	resource_reply(r, 200, cur);
}

void
methodology_routes_versions(struct api_request *r)
{
	json_t *items;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((items = publication_store_versions(request_pool(r), db)) == NULL) {
		resource_db_failed(r, "cannot list the methodology versions");
		return;
	}
	resource_reply(r, 200, json_pack("{s:o}", "items", items));
}

void
methodology_routes_version(struct api_request *r)
{
	json_t *out = NULL;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	rc = publication_store_version(request_pool(r), db, request_param(r, "version"), &out);
	if (rc < 0)
		resource_db_failed(r, "cannot read the methodology version");
	else if (rc == 0)
		request_reply_error(r, 404, "not_found", "no published methodology version %s",
		    request_param(r, "version"));
	else
		resource_reply(r, 200, out);
}

void
methodology_routes_validation(struct api_request *r)
{
	const char *version = request_param(r, "version");
	json_t *out = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	switch (publication_store_validation(request_pool(r), db, version, &out)) {
	case PUBLICATION_FOUND:
		resource_reply(r, 200, out);
		break;
	case PUBLICATION_NO_VERSION:
		request_reply_error(r, 404, "not_found", "no published methodology version %s",
		    version);
		break;
	case PUBLICATION_NOT_PUBLISHED:
		request_reply_error(r, 404, "validation_not_published",
		    "no back-test has been published for methodology %s yet", version);
		break;
	default:
		resource_db_failed(r, "cannot read the validation");
	}
}
