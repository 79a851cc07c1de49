/* Governance disclosures over HTTP (docs/disclosure.md): a company key submits,
 * reads and withdraws its own; staff (analyst and admin keys) read the queue and
 * verify or reject, never editing what the company wrote; investors read each item's
 * status and publication reference; anyone reads how many companies of a sector
 * disclose each item. Another company's disclosure is 404, never 403. */
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
#include "disclosure/disclosure_store.h"

static void
disclosure_actor_of(struct api_request *r, struct disclosure_actor *a)
{
	const struct auth_principal *p = request_principal(r);

	memset(a, 0, sizeof(*a));
	a->key_id = p->key_id;
	a->company_id = p->company_id;
	a->role = p->role == AUTH_ROLE_ADMIN ? DISCLOSURE_ROLE_ADMIN :
	    p->role == AUTH_ROLE_ANALYST ? DISCLOSURE_ROLE_ANALYST :
	    DISCLOSURE_ROLE_COMPANY;
}

static void
disclosure_store_failed(struct api_request *r, enum disclosure_store_result rc)
{
	if (rc == DISCLOSURE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no such disclosure for this key");
	else if (rc == DISCLOSURE_STORE_CONFLICT)
		request_reply_error(r, 409, "already_submitted", "a disclosure of this item"
		    " already waits for staff: withdraw it first");
	else
		resource_db_failed(r, "the disclosure store failed");
}

/* Answer disclosure {id} as the request's key may see it. */
static void
disclosure_reply_one(struct api_request *r, int64_t id, unsigned status)
{
	struct dispute_sla_config cfg;
	struct disclosure_actor actor;
	enum disclosure_store_result rc;
	json_t *v = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	disclosure_actor_of(r, &actor);
	dispute_http_sla(&cfg);
	rc = disclosure_store_get(db, &actor, id, &cfg, timefmt_now(), &v);
	if (rc != DISCLOSURE_STORE_OK)
		disclosure_store_failed(r, rc);
	else
		resource_reply(r, status, v);
}

/* Apply event to disclosure {id} for the request's key and answer the disclosure, or
 * the refusal with the current state. */
static void
disclosure_apply(struct api_request *r, enum disclosure_event event, const char *reason)
{
	struct disclosure_apply_result res;
	struct disclosure_actor actor;
	enum disclosure_store_result rc;
	int64_t id = dispute_http_id(r);
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	disclosure_actor_of(r, &actor);
	rc = disclosure_store_apply(db, &actor, id, event, reason, timefmt_now(), &res);
	if (rc == DISCLOSURE_STORE_REFUSED)
		request_reply_json(r, (unsigned)disclosure_refusal_http_status(res.refusal),
		    json_pack("{s:{s:s, s:s, s:s}}", "error", "code",
		    disclosure_refusal_name(res.refusal), "message", res.message, "state",
		    disclosure_state_name(res.state)));
	else if (rc != DISCLOSURE_STORE_OK)
		disclosure_store_failed(r, rc);
	else
		disclosure_reply_one(r, id, 200);
}

/* A list page of f (its limit and after_id filled here from ?limit and ?cursor). */
static void
disclosure_reply_list(struct api_request *r, struct disclosure_list_filter *f)
{
	char position[PAGING_POSITION_MAX + 1];
	struct dispute_sla_config cfg;
	unsigned limit;
	PGconn *db;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &f->after_id) != 0 ||
	    (db = request_db(r)) == NULL)
		return;
	f->limit = limit;
	dispute_http_sla(&cfg);
	resource_reply_page(r, disclosure_store_list(db, f, &cfg, timefmt_now()), limit,
	    "id");
}

/* ?status as a state filter of f; 0, or -1 after answering 400. */
static int
disclosure_state_filter(struct api_request *r, struct disclosure_list_filter *f)
{
	const char *status = request_query(r, "status");

	if (status == NULL)
		return (0);
	if (disclosure_state_parse(status, &f->state) != 0) {
		request_reply_error(r, 400, "invalid_parameter", "status is submitted,"
		    " verified, rejected, withdrawn, expired or superseded");
		return (-1);
	}
	f->has_state = 1;
	return (0);
}

/* The optional string field name of object o into *out (NULL when absent or null);
 * 0, or -1 after answering 400 for a value that is not a string without NULs. */
static int
disclosure_string(struct api_request *r, json_t *o, const char *name, const char *label,
    const char **out)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		request_reply_error(r, 400, "invalid_field", "%s must be a string without NUL"
		    " characters", label);
		return (-1);
	}
	*out = json_string_value(v);
	return (0);
}

void
disclosure_routes_me_submit(struct api_request *r)
{
	json_t *body = request_json(r), *cert = json_object_get(body, "certification");
	struct disclosure_submission s;
	struct disclosure_problem problem;
	struct disclosure_actor actor;
	enum disclosure_store_result rc;
	int64_t id = 0, now = timefmt_now();
	char location[64];
	PGconn *db;

	if (!json_is_object(body)) {
		request_reply_error(r, 400, "invalid_body", "the body is a JSON object");
		return;
	}
	if (cert != NULL && !json_is_null(cert) && !json_is_object(cert)) {
		request_reply_error(r, 400, "invalid_field", "certification is an object");
		return;
	}
	memset(&s, 0, sizeof(s));
	if (disclosure_string(r, body, "item", "item", &s.item) != 0 ||
	    disclosure_string(r, body, "statement", "statement", &s.statement) != 0 ||
	    disclosure_string(r, body, "published_url", "published_url",
	    &s.published_url) != 0 ||
	    disclosure_string(r, body, "report_name", "report_name", &s.report_name) != 0 ||
	    disclosure_string(r, body, "report_page", "report_page", &s.report_page) != 0 ||
	    disclosure_string(r, cert, "scheme", "certification.scheme",
	    &s.cert_scheme) != 0 ||
	    disclosure_string(r, cert, "number", "certification.number",
	    &s.cert_number) != 0 ||
	    disclosure_string(r, cert, "body", "certification.body", &s.cert_body) != 0 ||
	    disclosure_string(r, cert, "scope", "certification.scope", &s.cert_scope) != 0 ||
	    disclosure_string(r, cert, "valid_from", "certification.valid_from",
	    &s.valid_from) != 0 ||
	    disclosure_string(r, cert, "valid_until", "certification.valid_until",
	    &s.valid_until) != 0)
		return;
	if (disclosure_submission_check(&s, now, &problem) != 0) {
		request_reply_error(r, (unsigned)problem.status, problem.code, "%s: %s",
		    problem.field, problem.message);
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	disclosure_actor_of(r, &actor);
	if ((rc = disclosure_store_submit(db, &actor, &s, now, &id)) != DISCLOSURE_STORE_OK) {
		disclosure_store_failed(r, rc);
		return;
	}
	snprintf(location, sizeof(location), "/v1/me/disclosures/%lld", (long long)id);
	request_add_header(r, "Location", location);
	disclosure_reply_one(r, id, 201);
}

void
disclosure_routes_me_list(struct api_request *r)
{
	struct disclosure_list_filter f;

	memset(&f, 0, sizeof(f));
	f.company_id = request_principal(r)->company_id;
	if (disclosure_state_filter(r, &f) == 0)
		disclosure_reply_list(r, &f);
}

void
disclosure_routes_me_get(struct api_request *r)
{
	disclosure_reply_one(r, dispute_http_id(r), 200);
}

void
disclosure_routes_me_withdraw(struct api_request *r)
{
	disclosure_apply(r, DISCLOSURE_EV_WITHDRAW, NULL);
}

void
disclosure_routes_company(struct api_request *r)
{
	enum disclosure_store_result rc;
	json_t *v = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = disclosure_store_company_items(db, request_param(r, "slug"), &v);
	if (rc == DISCLOSURE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no such company");
	else if (rc != DISCLOSURE_STORE_OK)
		resource_db_failed(r, "cannot read the disclosures");
	else
		resource_reply(r, 200, v);
}

void
disclosure_routes_sector(struct api_request *r)
{
	enum disclosure_store_result rc;
	json_t *v = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = disclosure_store_sector(db, request_param(r, "sector"), &v);
	if (rc == DISCLOSURE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no public company in this sector");
	else if (rc != DISCLOSURE_STORE_OK)
		resource_db_failed(r, "cannot count the disclosures");
	else
		resource_reply(r, 200, v);
}

void
disclosure_routes_staff_queue(struct api_request *r)
{
	const char *overdue = request_query(r, "overdue");
	struct disclosure_list_filter f;

	memset(&f, 0, sizeof(f));
	if (disclosure_state_filter(r, &f) != 0)
		return;
	if (overdue != NULL && strcmp(overdue, "true") != 0 &&
	    strcmp(overdue, "false") != 0) {
		request_reply_error(r, 400, "invalid_parameter", "overdue is true or false");
		return;
	}
	f.overdue = overdue != NULL && strcmp(overdue, "true") == 0;
	/* The queue: what waits for staff, unless another state is asked for. */
	if (!f.has_state) {
		f.has_state = 1;
		f.state = DISCLOSURE_SUBMITTED;
	}
	disclosure_reply_list(r, &f);
}

void
disclosure_routes_staff_get(struct api_request *r)
{
	disclosure_reply_one(r, dispute_http_id(r), 200);
}

void
disclosure_routes_staff_decision(struct api_request *r)
{
	const char *outcome, *reason;
	enum disclosure_event event;

	if (dispute_http_text(r, "outcome", 20, 1, &outcome) != 0 ||
	    dispute_http_text(r, "reason", DISCLOSURE_REASON_MAX, 0, &reason) != 0)
		return;
	if (strcmp(outcome, "verified") == 0)
		event = DISCLOSURE_EV_VERIFY;
	else if (strcmp(outcome, "rejected") == 0)
		event = DISCLOSURE_EV_REJECT;
	else {
		request_reply_error(r, 400, "invalid_field", "outcome is verified or"
		    " rejected");
		return;
	}
	if (event == DISCLOSURE_EV_REJECT && reason == NULL) {
		request_reply_error(r, 400, "missing_field", "reason is required to reject:"
		    " the company reads it");
		return;
	}
	disclosure_apply(r, event, reason);
}

void
disclosure_routes_me_attach(struct api_request *r)
{
	struct attachment_upload up;
	struct disclosure_actor actor;
	enum disclosure_store_result rc;
	int64_t attachment = 0;
	PGconn *db;

	if (attachment_http_read(r, &up) != 0)
		return;
	if ((db = request_db(r)) == NULL)
		goto cleanup;
	disclosure_actor_of(r, &actor);
	rc = disclosure_store_add_attachment(db, &actor, dispute_http_id(r), up.filename,
	    up.content_type, up.data, up.len, timefmt_now(), &attachment);
	if (rc == DISCLOSURE_STORE_REFUSED)
		request_reply_error(r, 409, "invalid_state", "documents are added while the"
		    " disclosure waits for staff");
	else if (rc != DISCLOSURE_STORE_OK)
		disclosure_store_failed(r, rc);
	else
		attachment_http_created(r, attachment, &up);
cleanup:
	free(up.data);
}

/* The content of attachment {attachment} of disclosure {id} for the request's key. */
void
disclosure_routes_attachment(struct api_request *r)
{
	struct disclosure_attachment info;
	struct disclosure_actor actor;
	enum disclosure_store_result rc;
	void *content = NULL;
	int64_t attachment;
	PGconn *db;

	if (attachment_http_param(r, &attachment) != 0 || (db = request_db(r)) == NULL)
		return;
	disclosure_actor_of(r, &actor);
	rc = disclosure_store_read_attachment(db, &actor, dispute_http_id(r), attachment,
	    timefmt_now(), &info, &content);
	if (rc == DISCLOSURE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no such attachment for this key");
	else if (rc != DISCLOSURE_STORE_OK)
		disclosure_store_failed(r, rc);
	else
		attachment_http_reply(r, info.filename, info.content_type, content,
		    info.size);
	free(content);
}

/* The public statistics of disclosure decisions, as the disputes' are published: how
 * many wait, how long decisions take, how many came within the SLA. */
void
disclosure_routes_transparency(struct api_request *r)
{
	struct dispute_sla_config sla;
	json_t *v;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	dispute_http_sla(&sla);
	if ((v = disclosure_store_stats(db, sla.resolution_secs)) == NULL) {
		resource_db_failed(r, "cannot compute the disclosure statistics");
		return;
	}
	resource_reply(r, 200, v);
}
