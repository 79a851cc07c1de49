/* Staff methodology routes (principle 4): drafts listed for staff, created and edited
 * by admins from a definition, read with their diff against the version in force,
 * previewed on every company, their impact read by staff, and published with notice. */
#include <stdlib.h>
#include <string.h>

#include "api/methodology_draft_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/i18n_format.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/governance.h"
#include "rater/governance_store.h"
#include "rater/methodology.h"
#include "rater/preview.h"

/* Answer a store result other than OK. */
static void
draft_reply_result(struct api_request *r, enum governance_store_result rc,
    const char *version)
{
	switch (rc) {
	case GOVERNANCE_STORE_NOT_FOUND:
		request_reply_error(r, 404, "not_found", "no methodology draft %s", version);
		break;
	case GOVERNANCE_STORE_EXISTS:
		request_reply_error(r, 409, "version_exists",
		    "methodology version %s exists already", version);
		break;
	case GOVERNANCE_STORE_NOT_DRAFT:
		request_reply_error(r, 409, "not_a_draft",
		    "methodology %s is published and cannot change", version);
		break;
	case GOVERNANCE_STORE_NO_PREVIEW:
		request_reply_error(r, 409, "preview_required",
		    "preview the impact of %s before publishing it", version);
		break;
	case GOVERNANCE_STORE_STALE_PREVIEW:
		request_reply_error(r, 409, "preview_outdated",
		    "%s changed since its preview: preview it again", version);
		break;
	case GOVERNANCE_STORE_NOT_LATEST:
		request_reply_error(r, 409, "effective_date_conflict",
		    "another version takes effect at or after that time");
		break;
	default:
		resource_db_failed(r, "cannot store the methodology draft");
	}
}

/* The request body as a validated document, or NULL after answering 400. */
static char *
draft_document(struct api_request *r, size_t *len, struct methodology **m)
{
	struct methodology_errors errs;
	json_t *errors = NULL;
	char *text;

	text = methodology_draft_store_document(request_json(r), len, &errors);
	if (text == NULL) {
		if (errors == NULL)
			request_reply_error(r, 500, "internal_error", "out of memory");
		else
			resource_reply(r, 400, json_pack("{s:{s:s, s:s, s:o}}", "error", "code",
			    "invalid_methodology", "message", N_("the methodology definition does "
			    "not validate; details lists each problem with its JSON path"),
			    "details", errors));
		return (NULL);
	}
	if ((*m = methodology_parse(text, *len, &errs)) == NULL) {
		request_reply_error(r, 500, "internal_error", "out of memory");
		free(text);
		return (NULL);
	}
	return (text);
}

static void
draft_reply_draft(struct api_request *r, PGconn *db, const char *version, unsigned status)
{
	enum governance_store_result rc;
	json_t *d = NULL;

	if ((rc = governance_store_draft_get(db, version, &d)) != GOVERNANCE_STORE_OK) {
		draft_reply_result(r, rc, version);
		return;
	}
	if (methodology_draft_store_with_diff(db, d, timefmt_now()) != 0) {
		json_decref(d);
		resource_db_failed(r, "cannot compare the draft");
		return;
	}
	resource_reply(r, status, d);
}

void
methodology_draft_routes_create(struct api_request *r)
{
	struct methodology *m = NULL;
	enum governance_store_result rc;
	char *text;
	size_t len;
	PGconn *db;

	if ((text = draft_document(r, &len, &m)) == NULL)
		return;
	if ((db = request_db(r)) != NULL) {
		rc = governance_store_draft_create(db, text, len, m);
		if (rc == GOVERNANCE_STORE_OK)
			draft_reply_draft(r, db, m->version, 201);
		else
			draft_reply_result(r, rc, m->version);
	}
	methodology_free(m);
	free(text);
}

void
methodology_draft_routes_list(struct api_request *r)
{
	json_t *items;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((items = governance_store_drafts(db)) == NULL)
		resource_db_failed(r, "cannot list the methodology drafts");
	else
		resource_reply(r, 200, json_pack("{s:o}", "items", items));
}

void
methodology_draft_routes_get(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		draft_reply_draft(r, db, request_param(r, "version"), 200);
}

void
methodology_draft_routes_update(struct api_request *r)
{
	const char *version = request_param(r, "version");
	struct methodology *m = NULL;
	enum governance_store_result rc;
	char *text;
	size_t len;
	PGconn *db;

	if ((text = draft_document(r, &len, &m)) == NULL)
		return;
	if (strcmp(m->version, version) != 0)
		request_reply_error(r, 400, "version_mismatch",
		    "the definition's version %s is not the draft %s", m->version, version);
	else if ((db = request_db(r)) != NULL) {
		rc = governance_store_draft_update(db, version, text, len, m);
		if (rc == GOVERNANCE_STORE_OK)
			draft_reply_draft(r, db, version, 200);
		else
			draft_reply_result(r, rc, version);
	}
	methodology_free(m);
	free(text);
}

void
methodology_draft_routes_preview(struct api_request *r)
{
	const char *version = request_param(r, "version");
	struct preview_options po;
	json_t *impact = NULL, *out = NULL;
	enum preview_result rc;
	char *url;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((url = methodology_draft_store_conninfo(db)) == NULL) {
		request_reply_error(r, 500, "internal_error", "out of memory");
		return;
	}
	memset(&po, 0, sizeof(po));
	po.version = version;
	po.as_of = timefmt_now();
	rc = preview_run(url, &po, &impact);
	free(url);
	switch (rc) {
	case PREVIEW_OK:
		if (governance_store_preview_get(db, version, &out) == GOVERNANCE_STORE_OK)
			resource_reply(r, 200, out);
		else
			resource_db_failed(r, "cannot read the stored preview");
		break;
	case PREVIEW_NOT_FOUND:
		draft_reply_result(r, GOVERNANCE_STORE_NOT_FOUND, version);
		break;
	case PREVIEW_NOT_DRAFT:
		draft_reply_result(r, GOVERNANCE_STORE_NOT_DRAFT, version);
		break;
	case PREVIEW_NO_BASELINE:
		request_reply_error(r, 409, "no_version_in_force",
		    "no methodology version is in force to compare with");
		break;
	default:
		request_reply_error(r, 500, "preview_failed", "the preview of %s failed",
		    version);
	}
	json_decref(impact);
}

void
methodology_draft_routes_impact(struct api_request *r)
{
	const char *version = request_param(r, "version");
	enum governance_store_result rc;
	json_t *out = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = governance_store_preview_get(db, version, &out);
	if (rc == GOVERNANCE_STORE_OK)
		resource_reply(r, 200, out);
	else if (rc == GOVERNANCE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_previewed",
		    "methodology %s has no impact preview", version);
	else
		resource_db_failed(r, "cannot read the impact");
}

void
methodology_draft_routes_publish(struct api_request *r)
{
	const char *version = request_param(r, "version"), *when, *reason;
	json_t *body = request_json(r), *rj;
	enum governance_publish_check check;
	enum governance_store_result rc;
	int64_t now = timefmt_now(), effective_at;
	int notice;
	PGconn *db;

	when = json_string_value(json_object_get(body, "effective_at"));
	rj = json_object_get(body, "reason");
	reason = json_string_value(rj);
	if (when == NULL || timefmt_parse(when, &effective_at) != 0) {
		request_reply_error(r, 400, "invalid_effective_at",
		    "effective_at must be an ISO 8601 time");
		return;
	}
	if (rj != NULL && !json_is_null(rj) && reason == NULL) {
		request_reply_error(r, 400, "invalid_reason", "reason must be a string");
		return;
	}
	if (governance_store_notice_days(&notice) != 0) {
		request_reply_error(r, 500, "internal_error", "the notice period is misconfigured");
		return;
	}
	check = governance_check_publish(now, effective_at, notice, reason);
	if (check != GOVERNANCE_OK && check != GOVERNANCE_OK_SHORT_NOTICE) {
		request_reply_error(r, 422, check == GOVERNANCE_NEEDS_REASON ?
		    "notice_too_short" : check == GOVERNANCE_IN_PAST ? "effective_in_past" :
		    "invalid_reason", "%s (notice period %d days)",
		    governance_check_message(check), notice);
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	rc = governance_store_publish(db, version, now, effective_at, notice, reason);
	if (rc != GOVERNANCE_STORE_OK) {
		draft_reply_result(r, rc, version);
		return;
	}
	resource_reply(r, 200, json_pack("{s:s, s:s, s:s, s:i, s:i, s:b}", "version", version,
	    "status", "published", "effective_at", when, "notice_days",
	    governance_notice_given(now, effective_at), "notice_period_days", notice,
	    "short_notice", check == GOVERNANCE_OK_SHORT_NOTICE));
}
