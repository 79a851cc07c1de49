#include "api/dispute_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/attachment_http.h"
#include "api/http_json.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "common/timefmt.h"
#include "common/utf8.h"
#include "dispute/dispute_json.h"

static long
dispute_http_env(const char *name, long dflt, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || v[0] == '\0')
		return (dflt);
	n = strtol(v, &end, 10);
	return (*end != '\0' || n <= 0 || n > max ? dflt : n);
}

void
dispute_http_sla(struct dispute_sla_config *cfg)
{
	dispute_sla_default(cfg);
	cfg->first_response_secs = (int64_t)dispute_http_env(
	    "FAIRRATE_SLA_FIRST_RESPONSE_HOURS", (long)(cfg->first_response_secs / 3600),
	    24 * 365) * 3600;
	cfg->resolution_secs = (int64_t)dispute_http_env("FAIRRATE_SLA_RESOLUTION_DAYS",
	    (long)(cfg->resolution_secs / TIMEFMT_DAY), 3650) * TIMEFMT_DAY;
}

int64_t
dispute_http_appeal_window(void)
{
	return ((int64_t)dispute_http_env("FAIRRATE_APPEAL_WINDOW_DAYS",
	    (long)(DISPUTE_SLA_APPEAL_WINDOW_DEFAULT / TIMEFMT_DAY), 3650) * TIMEFMT_DAY);
}

long
dispute_http_per_day(void)
{
	return (dispute_http_env("FAIRRATE_DISPUTES_PER_DAY", DISPUTE_HTTP_PER_DAY, 100000));
}

void
dispute_http_actor(struct api_request *r, struct dispute_actor *a)
{
	const struct auth_principal *p = request_principal(r);

	memset(a, 0, sizeof(*a));
	a->key_id = p->key_id;
	a->company_id = p->company_id;
	a->role = p->role == AUTH_ROLE_ADMIN ? DISPUTE_ROLE_ADMIN :
	    p->role == AUTH_ROLE_ANALYST ? DISPUTE_ROLE_ANALYST : DISPUTE_ROLE_COMPANY;
}

int64_t
dispute_http_id(struct api_request *r)
{
	const char *s = request_param(r, "id");

	return (s ? strtoll(s, NULL, 10) : 0);
}

int
dispute_http_text(struct api_request *r, const char *name, size_t max, int required,
    const char **out)
{
	json_t *v = json_object_get(request_json(r), name);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return (0);
		request_reply_error(r, 400, "missing_field", "%s is required", name);
		return (-1);
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		request_reply_error(r, 400, "invalid_field", "%s must be a non-empty string"
		    " without NUL characters", name);
		return (-1);
	}
	/* The check above makes the string's byte length its strlen: count that. */
	if (utf8_length(json_string_value(v), json_string_length(v)) > max) {
		request_reply_error(r, 400, "field_too_long", "%s is longer than %zu"
		    " characters", name, max);
		return (-1);
	}
	*out = json_string_value(v);
	return (0);
}

void
dispute_http_store_failed(struct api_request *r, enum dispute_store_result rc,
    const char *what)
{
	switch (rc) {
	case DISPUTE_STORE_NOT_FOUND:
		request_reply_error(r, 404, "not_found", "no such %s for this key",
		    request_text(r, what));
		break;
	case DISPUTE_STORE_CONFLICT:
		request_reply_error(r, 409, "conflict", "another open dispute already covers"
		    " an item of this %s, or it changed meanwhile", request_text(r, what));
		break;
	case DISPUTE_STORE_INVALID:
		request_reply_error(r, 400, "invalid_request", "the %s is not valid: see the"
		    " limits in docs/openapi.yaml", request_text(r, what));
		break;
	case DISPUTE_STORE_TOO_LARGE:
		request_reply_error(r, 413, "attachment_too_large", "an attachment holds at"
		    " most %d bytes", DISPUTE_ATTACHMENT_MAX);
		break;
	default:
		resource_db_failed(r, "the dispute store failed");
		break;
	}
}

void
dispute_http_refused(struct api_request *r, const struct dispute_apply_result *res)
{
	request_reply_json(r, (unsigned)dispute_refusal_http_status(res->refusal),
	    dispute_json_refusal(res));
}

void
dispute_http_reply_dispute(struct api_request *r, int64_t id, unsigned status,
    int staff_view)
{
	struct dispute_sla_config cfg;
	struct dispute_actor actor;
	struct dispute *d = NULL;
	enum dispute_store_result rc;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	dispute_http_actor(r, &actor);
	dispute_http_sla(&cfg);
	if ((rc = dispute_store_get(db, &actor, id, &d)) != DISPUTE_STORE_OK) {
		dispute_http_store_failed(r, rc, "dispute");
		return;
	}
	resource_reply(r, status, dispute_json_dispute(d, staff_view ? DISPUTE_JSON_STAFF :
	    DISPUTE_JSON_COMPANY, &cfg, timefmt_now()));
	dispute_free(d);
}

void
dispute_http_apply(struct api_request *r, const struct dispute_action *action,
    int staff_view)
{
	struct dispute_apply_result res;
	struct dispute_actor actor;
	enum dispute_store_result rc;
	int64_t id = dispute_http_id(r);
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	dispute_http_actor(r, &actor);
	memset(&res, 0, sizeof(res));
	rc = dispute_store_apply(db, &actor, id, action, timefmt_now(), &res);
	if (rc == DISPUTE_STORE_REFUSED)
		dispute_http_refused(r, &res);
	else if (rc != DISPUTE_STORE_OK)
		dispute_http_store_failed(r, rc, "dispute");
	else
		dispute_http_reply_dispute(r, id, 200, staff_view);
}

void
dispute_http_reply_list(struct api_request *r, const struct dispute_list *l,
    int staff_view)
{
	char position[24], cursor[PAGING_CURSOR_MAX];
	json_t *v = dispute_json_list(l, staff_view ? DISPUTE_JSON_STAFF :
	    DISPUTE_JSON_COMPANY);

	if (v != NULL && l->next_after != 0) {
		snprintf(position, sizeof(position), "%lld", (long long)l->next_after);
		if (resource_cursor(r, position, cursor, sizeof(cursor)) != 0 ||
		    json_object_set_new(v, "next_cursor", json_string(cursor)) != 0) {
			json_decref(v);
			v = NULL;
		}
	}
	resource_reply(r, 200, v);
}

void
dispute_http_attachment(struct api_request *r)
{
	struct dispute_attachment_info info;
	struct dispute_actor actor;
	enum dispute_store_result rc;
	void *content = NULL;
	int64_t attachment;
	PGconn *db;

	if (attachment_http_param(r, &attachment) != 0 || (db = request_db(r)) == NULL)
		return;
	dispute_http_actor(r, &actor);
	rc = dispute_store_read_attachment(db, &actor, dispute_http_id(r), attachment,
	    timefmt_now(), &info, &content);
	if (rc != DISPUTE_STORE_OK) {
		dispute_http_store_failed(r, rc, "attachment");
		return;
	}
	attachment_http_reply(r, info.filename, info.content_type, content, info.size);
	free(content);
}
