/* Disputes for staff (analyst and admin keys): the queue, one dispute with its
 * internal notes, assignment, comments and notes, requests for information and
 * decisions; the audit log for admins; and the public dispute statistics. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dispute_http.h"
#include "api/dispute_http_store.h"
#include "api/me_store.h"
#include "api/methodology_cache.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"
#include "dispute/dispute_json.h"

/* A whole number of at most 18 digits, > 0. */
static int
staff_number(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || s[0] == '\0' || strlen(s) > 18)
		return (-1);
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0)
		return (-1);
	*out = (int64_t)v;
	return (0);
}

void
staff_dispute_routes_queue(struct api_request *r)
{
	const char *status = request_query(r, "status"), *overdue = request_query(r,
	    "overdue"), *assignee = request_query(r, "assignee"), *age = request_query(r,
	    "min_age_days");
	char position[PAGING_POSITION_MAX + 1];
	struct dispute_queue_filter f;
	struct dispute_sla_config cfg;
	struct dispute_list *l = NULL;
	int64_t days;
	unsigned limit;
	PGconn *db;

	memset(&f, 0, sizeof(f));
	if (status != NULL) {
		if (dispute_state_parse(status, &f.state) != 0) {
			request_reply_error(r, 400, "invalid_parameter", "status is a dispute"
			    " state (open, in_review, info_requested, ...)");
			return;
		}
		f.has_state = 1;
	}
	if (overdue != NULL) {
		if (strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0) {
			request_reply_error(r, 400, "invalid_parameter", "overdue is true or"
			    " false");
			return;
		}
		f.overdue = strcmp(overdue, "true") == 0;
	}
	if (assignee != NULL) {
		if (strcmp(assignee, "me") == 0)
			f.assignee = request_principal(r)->key_id;
		else if (strcmp(assignee, "none") == 0)
			f.assignee = -1;
		else if (staff_number(assignee, &f.assignee) != 0) {
			request_reply_error(r, 400, "invalid_parameter", "assignee is me, none"
			    " or a key id");
			return;
		}
	}
	if (age != NULL) {
		if (staff_number(age, &days) != 0 || days > 3650) {
			request_reply_error(r, 400, "invalid_parameter", "min_age_days is a"
			    " whole number from 1 to 3650");
			return;
		}
		f.min_age_secs = days * TIMEFMT_DAY;
	}
	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &f.after_id) != 0 ||
	    (db = request_db(r)) == NULL)
		return;
	f.limit = limit;
	dispute_http_sla(&cfg);
	if (dispute_store_queue(db, &f, &cfg, timefmt_now(), &l) != DISPUTE_STORE_OK) {
		resource_db_failed(r, "cannot read the queue");
		return;
	}
	dispute_http_reply_list(r, l, 1);
	dispute_list_free(l);
}

void
staff_dispute_routes_get(struct api_request *r)
{
	dispute_http_reply_dispute(r, dispute_http_id(r), 200, 1);
}

/* The disputed items as the company sees them (check, asset, details, source, dates,
 * status) and what accepting would do to the rating: so that staff decide seeing. */
#define STAFF_DISPUTE_ITEMS_MAX 500

void
staff_dispute_routes_evidence(struct api_request *r)
{
	struct me_store_evidence_query q;
	struct dispute_actor actor;
	struct dispute *d = NULL;
	enum dispute_store_result rc;
	json_t *ids = NULL, *assets = NULL, *evidence = NULL, *effect = NULL;
	int64_t *items = NULL;
	char *ids_text = NULL;
	PGconn *db;
	size_t i;
	int erc;

	if ((db = request_db(r)) == NULL)
		return;
	dispute_http_actor(r, &actor);
	if ((rc = dispute_store_get(db, &actor, dispute_http_id(r), &d)) != DISPUTE_STORE_OK) {
		dispute_http_store_failed(r, rc, "dispute");
		return;
	}
	if ((ids = json_array()) == NULL || (assets = json_array()) == NULL ||
	    (items = calloc(d->nitems ? d->nitems : 1, sizeof(*items))) == NULL)
		goto fail;
	for (i = 0; i < d->nitems; i++) {
		items[i] = d->kind == DISPUTE_KIND_ATTRIBUTION ? -d->items[i] : d->items[i];
		if (json_array_append_new(ids, json_integer((json_int_t)items[i])) != 0 ||
		    (d->kind == DISPUTE_KIND_ATTRIBUTION && json_array_append_new(assets,
		    json_integer((json_int_t)d->items[i])) != 0))
			goto fail;
	}
	if ((ids_text = json_dumps(ids, JSON_COMPACT)) == NULL)
		goto fail;
	memset(&q, 0, sizeof(q));
	q.limit = STAFF_DISPUTE_ITEMS_MAX;
	q.now = timefmt_now();
	q.items = ids_text;
	if ((evidence = me_store_evidence(request_pool(r), db, d->company_id, &q,
	    methodology_cache_in_force(request_pool(r), db, q.now))) == NULL ||
	    (erc = me_store_dispute_effect(request_pool(r), db, d->company_id, items,
	    d->nitems, &effect)) < 0) {
		resource_db_failed(r, "cannot read the disputed evidence");
		goto out;
	}
	resource_reply(r, 200, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "dispute_id",
	    (json_int_t)d->id, "company", d->company_slug, "kind", dispute_kind_name(d->kind),
	    "assets", json_incref(assets),
	    "evidence", evidence, "effect_of_accepting", erc == 1 ? effect : json_null()));
	evidence = NULL;
	goto out;
fail:
	request_reply_error(r, 500, "internal_error", "out of memory");
out:
	json_decref(evidence);
	json_decref(assets);
	json_decref(ids);
	free(ids_text);
	free(items);
	dispute_free(d);
}

void
staff_dispute_routes_assign(struct api_request *r)
{
	json_t *v = json_object_get(request_json(r), "assignee_key_id");
	struct dispute_action action;

	memset(&action, 0, sizeof(action));
	action.event = DISPUTE_EV_ASSIGN;
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			request_reply_error(r, 400, "invalid_field", "assignee_key_id is the key"
			    " id of an analyst or admin; leave it out to take the dispute");
			return;
		}
		action.target = (int64_t)json_integer_value(v);
	}
	dispute_http_apply(r, &action, 1);
}

void
staff_dispute_routes_comment(struct api_request *r)
{
	json_t *internal = json_object_get(request_json(r), "internal");
	struct dispute_action action;
	const char *text;

	if (dispute_http_text(r, "body", DISPUTE_TEXT_MAX, 1, &text) != 0)
		return;
	if (internal != NULL && !json_is_boolean(internal)) {
		request_reply_error(r, 400, "invalid_field", "internal is true or false");
		return;
	}
	memset(&action, 0, sizeof(action));
	action.event = DISPUTE_EV_COMMENT;
	action.internal = json_is_true(internal);
	action.body = text;
	dispute_http_apply(r, &action, 1);
}

void
staff_dispute_routes_request_info(struct api_request *r)
{
	struct dispute_action action;
	const char *text;

	if (dispute_http_text(r, "body", DISPUTE_TEXT_MAX, 1, &text) != 0)
		return;
	memset(&action, 0, sizeof(action));
	action.event = DISPUTE_EV_REQUEST_INFO;
	action.body = text;
	dispute_http_apply(r, &action, 1);
}

void
staff_dispute_routes_decision(struct api_request *r)
{
	struct dispute_action action;
	const char *outcome, *rationale;

	if (dispute_http_text(r, "outcome", 20, 1, &outcome) != 0 ||
	    dispute_http_text(r, "rationale", DISPUTE_TEXT_MAX, 1, &rationale) != 0)
		return;
	memset(&action, 0, sizeof(action));
	if (strcmp(outcome, "accepted") == 0)
		action.event = DISPUTE_EV_DECIDE_ACCEPT;
	else if (strcmp(outcome, "rejected") == 0)
		action.event = DISPUTE_EV_DECIDE_REJECT;
	else {
		request_reply_error(r, 400, "invalid_field", "outcome is accepted or rejected");
		return;
	}
	action.body = rationale;
	dispute_http_apply(r, &action, 1);
}

void
staff_dispute_routes_attachment(struct api_request *r)
{
	dispute_http_attachment(r);
}

void
staff_dispute_routes_audit(struct api_request *r)
{
	const char *action = request_query(r, "action");
	char position[PAGING_POSITION_MAX + 1];
	unsigned limit;
	int64_t before;
	size_t i;
	PGconn *db;

	for (i = 0; action != NULL && action[i] != '\0'; i++)
		if (!((action[i] >= 'a' && action[i] <= 'z') || action[i] == '.' ||
		    action[i] == '_' || (action[i] >= '0' && action[i] <= '9')) || i >= 63) {
			request_reply_error(r, 400, "invalid_parameter", "action is an action"
			    " name or its prefix (dispute., key.create, ...)");
			return;
		}
	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &before) != 0 || (db = request_db(r)) == NULL)
		return;
	resource_reply_page(r, dispute_http_store_audit(db, before, limit + 1, action), limit,
	    "id");
}

void
staff_dispute_routes_transparency(struct api_request *r)
{
	struct dispute_stats s;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if (dispute_store_stats(db, &s) != 0) {
		resource_db_failed(r, "cannot compute the dispute statistics");
		return;
	}
	resource_reply(r, 200, dispute_json_stats(&s));
}
