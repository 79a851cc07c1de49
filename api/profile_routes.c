/* A company's public page (third-party disclosure, docs/disclosure.md): the company
 * key turns it on or off and writes its statement; anyone reads a published page of
 * a public company. The page is built by disclosure/public_profile.c, which copies
 * named fields only: nothing host-level reaches it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_store.h"
#include "api/dispute_http.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"
#include "disclosure/disclosure_store.h"
#include "disclosure/profile_store.h"
#include "disclosure/public_profile.h"

void
profile_routes_me_get(struct api_request *r)
{
	json_t *v = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if (profile_store_get(db, request_principal(r)->company_id, &v) != 0)
		resource_db_failed(r, "cannot read the profile");
	else
		resource_reply(r, 200, v);
}

void
profile_routes_me_put(struct api_request *r)
{
	json_t *published = json_object_get(request_json(r), "published");
	const struct auth_principal *p = request_principal(r);
	const char *statement;
	json_t *v = NULL;
	PGconn *db;

	if (!json_is_boolean(published)) {
		request_reply_error(r, 400, published == NULL ? "missing_field" :
		    "invalid_field", "published is true or false");
		return;
	}
	if (dispute_http_text(r, "statement", PUBLIC_PROFILE_STATEMENT_MAX, 0,
	    &statement) != 0 || (db = request_db(r)) == NULL)
		return;
	if (profile_store_put(db, p->company_id, p->key_id, json_is_true(published),
	    statement, timefmt_now(), &v) != 0)
		resource_db_failed(r, "cannot save the profile");
	else
		resource_reply(r, 200, v);
}

void
profile_routes_public(struct api_request *r)
{
	const char *slug = request_param(r, "slug");
	json_t *summary = NULL, *history = NULL, *disclosures = NULL;
	char published_at[21], *statement = NULL;
	int64_t id = 0;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	if ((rc = profile_store_public(db, slug, &id, &statement, published_at)) == 0) {
		request_reply_error(r, 404, "not_found", "no published page for this company");
		return;
	}
	if (rc < 0 || company_store_summary(request_pool(r), db, NULL, id, timefmt_now(),
	    &summary, NULL) != 1 || (history = company_store_history(request_pool(r), db, id,
	    INT64_MAX, PUBLIC_PROFILE_TREND)) == NULL ||
	    disclosure_store_company_items(db, slug, &disclosures) != DISCLOSURE_STORE_OK)
		resource_db_failed(r, "cannot read the public page");
	else
		resource_reply(r, 200, public_profile_build(summary, history, disclosures,
		    statement, published_at));
	free(statement);
	json_decref(summary);
	json_decref(history);
	json_decref(disclosures);
}
