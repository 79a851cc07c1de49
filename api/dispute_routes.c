/* Disputes for company keys (principle 2): open one on its own evidence or on the
 * attribution of one of its assets, read its disputes and their threads, comment or
 * answer a request for information, add attachments, appeal a rejection once. Other
 * companies' disputes are 404, never 403, so that their existence does not show. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/attachment_http.h"
#include "api/dispute_http.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

/* Read the item ids array name of the body into items (room for DISPUTE_ITEMS_MAX);
 * 0 and *n, or -1 after answering 400. */
static int
dispute_routes_items(struct api_request *r, json_t *a, const char *name, int64_t *items,
    size_t *n)
{
	size_t i, j;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > DISPUTE_ITEMS_MAX) {
		request_reply_error(r, 400, "invalid_field", "%s must be an array of 1 to %d"
		    " ids", name, DISPUTE_ITEMS_MAX);
		return (-1);
	}
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			request_reply_error(r, 400, "invalid_field", "%s holds positive integer"
			    " ids", name);
			return (-1);
		}
		items[i] = (int64_t)json_integer_value(v);
		for (j = 0; j < i; j++)
			if (items[j] == items[i]) {
				request_reply_error(r, 400, "invalid_field", "%s names id %lld"
				    " twice", name, (long long)items[i]);
				return (-1);
			}
	}
	*n = json_array_size(a);
	return (0);
}

void
dispute_routes_open(struct api_request *r)
{
	json_t *body = request_json(r), *ev = json_object_get(body, "evidence_ids");
	json_t *as = json_object_get(body, "asset_ids");
	const char *reason_s, *kind_s, *explanation;
	int64_t items[DISPUTE_ITEMS_MAX], id = 0, now = timefmt_now();
	struct dispute_actor actor;
	enum dispute_reason reason;
	enum dispute_kind kind;
	enum dispute_store_result rc;
	char location[64];
	size_t n = 0;
	long per_day = dispute_http_per_day();
	PGconn *db;

	if (!json_is_object(body)) {
		request_reply_error(r, 400, "invalid_body", "the body is a JSON object");
		return;
	}
	if (dispute_http_text(r, "reason", 40, 1, &reason_s) != 0 ||
	    dispute_http_text(r, "kind", 20, 0, &kind_s) != 0 ||
	    dispute_http_text(r, "explanation", DISPUTE_TEXT_MAX, 1, &explanation) != 0)
		return;
	if (dispute_reason_parse(reason_s, &reason) != 0) {
		request_reply_error(r, 400, "invalid_field", "reason is not_our_asset,"
		    " false_positive, remediated, compensating_control or other");
		return;
	}
	if ((ev == NULL) == (as == NULL)) {
		request_reply_error(r, 400, "invalid_body", "give evidence_ids (to dispute"
		    " evidence) or asset_ids (to dispute an attribution), not both");
		return;
	}
	kind = ev != NULL ? DISPUTE_KIND_EVIDENCE : DISPUTE_KIND_ATTRIBUTION;
	if (kind_s != NULL && strcmp(kind_s, dispute_kind_name(kind)) != 0) {
		request_reply_error(r, 400, "invalid_field", "kind evidence goes with"
		    " evidence_ids, kind attribution with asset_ids");
		return;
	}
	if (dispute_routes_items(r, ev != NULL ? ev : as, ev != NULL ? "evidence_ids" :
	    "asset_ids", items, &n) != 0 || (db = request_db(r)) == NULL)
		return;
	dispute_http_actor(r, &actor);
	rc = dispute_store_open_limited(db, &actor, kind, reason, explanation, items, n,
	    per_day, now, &id);
	if (rc != DISPUTE_STORE_OK) {
		if (rc == DISPUTE_STORE_LIMIT) {
			request_add_header(r, "Retry-After", "3600");
			request_reply_error(r, 429, "too_many_disputes", "a company opens at"
			    " most %ld disputes a day", per_day);
		} else if (rc == DISPUTE_STORE_NOT_FOUND)
			request_reply_error(r, 404, "not_found", "an item is not this company's"
			    " (or is corrected, expired or detached)");
		else if (rc == DISPUTE_STORE_CONFLICT)
			request_reply_error(r, 409, "already_disputed", "another open dispute"
			    " already covers an item");
		else
			dispute_http_store_failed(r, rc, "dispute");
		return;
	}
	snprintf(location, sizeof(location), "/v1/me/disputes/%lld", (long long)id);
	request_add_header(r, "Location", location);
	dispute_http_reply_dispute(r, id, 201, 0);
}

void
dispute_routes_list(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	struct dispute_sla_config cfg;
	struct dispute_list *l = NULL;
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &after) != 0 || (db = request_db(r)) == NULL)
		return;
	dispute_http_sla(&cfg);
	if (dispute_store_list_company(db, request_principal(r)->company_id, after, limit,
	    &cfg, timefmt_now(), &l) != DISPUTE_STORE_OK) {
		resource_db_failed(r, "cannot list the disputes");
		return;
	}
	dispute_http_reply_list(r, l, 0);
	dispute_list_free(l);
}

void
dispute_routes_get(struct api_request *r)
{
	dispute_http_reply_dispute(r, dispute_http_id(r), 200, 0);
}

void
dispute_routes_comment(struct api_request *r)
{
	struct dispute_action action;
	struct dispute_actor actor;
	struct dispute *d = NULL;
	enum dispute_store_result rc;
	const char *text;
	PGconn *db;

	if (dispute_http_text(r, "body", DISPUTE_TEXT_MAX, 1, &text) != 0 ||
	    (db = request_db(r)) == NULL)
		return;
	/* While staff wait for information, what the company writes is the answer. */
	dispute_http_actor(r, &actor);
	if ((rc = dispute_store_get(db, &actor, dispute_http_id(r), &d)) != DISPUTE_STORE_OK) {
		dispute_http_store_failed(r, rc, "dispute");
		return;
	}
	memset(&action, 0, sizeof(action));
	action.event = d->state == DISPUTE_INFO_REQUESTED ? DISPUTE_EV_RESPOND :
	    DISPUTE_EV_COMMENT;
	action.body = text;
	dispute_free(d);
	dispute_http_apply(r, &action, 0);
}

void
dispute_routes_appeal(struct api_request *r)
{
	struct dispute_action action;
	const char *text;

	if (dispute_http_text(r, "reason", DISPUTE_TEXT_MAX, 1, &text) != 0)
		return;
	memset(&action, 0, sizeof(action));
	action.event = DISPUTE_EV_APPEAL;
	action.body = text;
	action.appeal_window_secs = dispute_http_appeal_window();
	dispute_http_apply(r, &action, 0);
}

/* The company withdraws its own dispute before a decision; the covered evidence goes
 * back to active (unless another open dispute covers it). An optional reason goes in
 * the thread. */
void
dispute_routes_withdraw(struct api_request *r)
{
	struct dispute_action action;
	const char *text;

	if (dispute_http_text(r, "reason", DISPUTE_TEXT_MAX, 0, &text) != 0)
		return;
	memset(&action, 0, sizeof(action));
	action.event = DISPUTE_EV_WITHDRAW;
	action.body = text;
	dispute_http_apply(r, &action, 0);
}

void
dispute_routes_attach(struct api_request *r)
{
	struct attachment_upload up;
	struct dispute_actor actor;
	enum dispute_store_result rc;
	int64_t attachment = 0;
	PGconn *db;

	if (attachment_http_read(r, &up) != 0)
		return;
	if ((db = request_db(r)) == NULL)
		goto cleanup;
	dispute_http_actor(r, &actor);
	rc = dispute_store_add_attachment(db, &actor, dispute_http_id(r), up.filename,
	    up.content_type, up.data, up.len, timefmt_now(), &attachment);
	if (rc == DISPUTE_STORE_REFUSED)
		request_reply_error(r, 409, "invalid_state", "the dispute is closed");
	else if (rc == DISPUTE_STORE_INVALID)
		request_reply_error(r, 400, "invalid_attachment", "the filename must be 1 to"
		    " %d characters without '/', '\\' or control characters",
		    DISPUTE_FILENAME_MAX);
	else if (rc != DISPUTE_STORE_OK)
		dispute_http_store_failed(r, rc, "dispute");
	else
		attachment_http_created(r, attachment, &up);
cleanup:
	free(up.data);
}

void
dispute_routes_attachment(struct api_request *r)
{
	dispute_http_attachment(r);
}
