/* Second-party sharing (docs/disclosure.md): a company key grants one named
 * counterpart (an investor key or another company) read access to parts of its own
 * detail until an expiry, and revokes it; it sees every read made under each grant.
 * A grantee reads what it was granted, each read audited; without a grant in force
 * the company's detail stays as confidential as ever (404 when it never had one,
 * 403 once its grant expired or was revoked). Grants are read from the database on
 * every request, so an expiry or a revocation holds at once on every instance. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dispute_http.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "api/server.h"
#include "common/timefmt.h"
#include "disclosure/share_grant.h"
#include "disclosure/share_store.h"
#include "dispute/dispute_store.h"

static int64_t
share_company(struct api_request *r)
{
	return (request_principal(r)->company_id);
}

static void
share_reply_grant(struct api_request *r, PGconn *db, int64_t id, unsigned status)
{
	enum share_store_result rc;
	json_t *v = NULL;

	rc = share_store_get(db, share_company(r), id, timefmt_now(), &v);
	if (rc == SHARE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no such grant of this company");
	else if (rc != SHARE_STORE_OK)
		resource_db_failed(r, "cannot read the grant");
	else
		resource_reply(r, status, v);
}

/* The scope array of the body into names (room for 3); 0, or -1 after answering. */
static int
share_scope(struct api_request *r, json_t *a, const char **names, size_t *n)
{
	unsigned bits = 0, bit;
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 3) {
		request_reply_error(r, 400, a == NULL ? "missing_field" : "invalid_field",
		    "scope is an array of evidence, rating and disputes");
		return (-1);
	}
	json_array_foreach(a, i, v) {
		if (share_scope_parse(json_string_value(v), &bit) != 0 || (bits & bit)) {
			request_reply_error(r, 400, "invalid_field", "scope holds evidence,"
			    " rating and disputes, each at most once");
			return (-1);
		}
		bits |= bit;
		names[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	return (0);
}

void
share_routes_me_create(struct api_request *r)
{
	json_t *body = request_json(r), *grantee = json_object_get(body, "grantee");
	json_t *key = json_object_get(grantee, "key_id");
	const char *scope[3], *expires, *why, *note;
	struct share_grant_new g;
	enum share_store_result rc;
	int64_t now = timefmt_now(), id = 0;
	char location[64];
	PGconn *db;

	memset(&g, 0, sizeof(g));
	g.grantee_company = json_string_value(json_object_get(grantee, "company"));
	if (!json_is_object(grantee) || (key == NULL) == (g.grantee_company == NULL) ||
	    (key != NULL && (!json_is_integer(key) || json_integer_value(key) <= 0)) ||
	    json_object_size(grantee) != 1) {
		request_reply_error(r, 400, grantee == NULL ? "missing_field" :
		    "invalid_field", "grantee names one counterpart: {\"key_id\": id of an"
		    " investor key} or {\"company\": slug}");
		return;
	}
	g.grantee_key_id = key != NULL ? (int64_t)json_integer_value(key) : 0;
	if (share_scope(r, json_object_get(body, "scope"), scope, &g.nscope) != 0 ||
	    dispute_http_text(r, "expires_at", 40, 1, &expires) != 0 ||
	    dispute_http_text(r, "note", SHARE_GRANT_NOTE_MAX, 0, &note) != 0)
		return;
	g.scope = scope;
	g.note = note;
	if (timefmt_parse(expires, &g.expires_at) != 0) {
		request_reply_error(r, 422, "invalid_date", "expires_at is an ISO 8601 time");
		return;
	}
	if (share_grant_expiry_check(g.expires_at, now, &why) != 0) {
		request_reply_error(r, 422, "invalid_date", "%s", why);
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	rc = share_store_create(db, share_company(r), request_principal(r)->key_id, &g, now,
	    &id);
	if (rc == SHARE_STORE_BAD_GRANTEE) {
		request_reply_error(r, 422, "invalid_grantee", "the grantee is no investor key"
		    " in use, or no other company");
		return;
	}
	if (rc != SHARE_STORE_OK) {
		resource_db_failed(r, "cannot store the grant");
		return;
	}
	snprintf(location, sizeof(location), "/v1/me/grants/%lld", (long long)id);
	request_add_header(r, "Location", location);
	share_reply_grant(r, db, id, 201);
}

void
share_routes_me_list(struct api_request *r)
{
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_id_page(r, &limit, &after, &db) != 0)
		return;
	resource_reply_page(r, share_store_list(db, share_company(r), after, limit,
	    timefmt_now()), limit, "id");
}

void
share_routes_me_get(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		share_reply_grant(r, db, dispute_http_id(r), 200);
}

void
share_routes_me_revoke(struct api_request *r)
{
	enum share_store_result rc;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = share_store_revoke(db, share_company(r), request_principal(r)->key_id,
	    dispute_http_id(r), timefmt_now());
	if (rc == SHARE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "no such grant of this company");
	else if (rc != SHARE_STORE_OK)
		resource_db_failed(r, "cannot revoke the grant");
	else
		share_reply_grant(r, db, dispute_http_id(r), 200);
}

void
share_routes_me_reads(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	unsigned limit;
	int64_t after;
	json_t *v = NULL;
	PGconn *db;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &after) != 0 || (db = request_db(r)) == NULL)
		return;
	/* A grant of another company is 404, not an empty list. */
	if (share_store_get(db, share_company(r), dispute_http_id(r), timefmt_now(),
	    &v) == SHARE_STORE_NOT_FOUND) {
		request_reply_error(r, 404, "not_found", "no such grant of this company");
		return;
	}
	json_decref(v);
	resource_reply_page(r, share_store_reads(db, share_company(r), dispute_http_id(r),
	    after, limit), limit, "id");
}

void
share_routes_received(struct api_request *r)
{
	const struct auth_principal *p = request_principal(r);
	json_t *items;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	items = share_store_received(db, p->key_id, p->role == AUTH_ROLE_COMPANY ?
	    p->company_id : 0, timefmt_now());
	if (items == NULL)
		resource_db_failed(r, "cannot read the grants");
	else
		resource_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* Open a grantee's read of scope on {slug}: the company's id, or 0 after answering
 * (404 never granted, 403 lapsed). The read is audited once allowed. */
static int64_t
share_open(struct api_request *r, PGconn *db, const char *scope)
{
	const struct auth_principal *p = request_principal(r);
	enum share_store_result rc;
	int64_t company = 0;

	/* The read is audited before it is served: a standby cannot write the row. */
	if (server_read_only(r->srv)) {
		request_add_header(r, "Retry-After", "0");
		request_reply_error(r, 503, "read_only", "a grantee's reads are audited, which"
		    " a read-only standby cannot do; ask the primary");
		return (0);
	}
	rc = share_store_open_read(db, request_param(r, "slug"), scope, p->key_id,
	    p->role == AUTH_ROLE_COMPANY ? p->company_id : 0, r->path, timefmt_now(),
	    &company);
	if (rc == SHARE_STORE_OK)
		return (company);
	if (rc == SHARE_STORE_LAPSED)
		request_reply_error(r, 403, "grant_lapsed", "the grant for %s expired or was"
		    " revoked", scope);
	else if (rc == SHARE_STORE_NOT_FOUND)
		request_reply_error(r, 404, "not_found", "nothing of this company is shared"
		    " with this key for %s", scope);
	else
		resource_db_failed(r, "cannot check the grant");
	return (0);
}

void
share_routes_evidence(struct api_request *r)
{
	PGconn *db;
	int64_t company;

	if ((db = request_db(r)) != NULL && (company = share_open(r, db, "evidence")) > 0)
		me_routes_evidence_of(r, company);
}

void
share_routes_rating(struct api_request *r)
{
	PGconn *db;
	int64_t company;

	if ((db = request_db(r)) != NULL && (company = share_open(r, db, "rating")) > 0)
		me_routes_rating_of(r, db, company);
}

void
share_routes_disputes(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	struct dispute_sla_config cfg;
	struct dispute_list *l = NULL;
	unsigned limit;
	int64_t after, company;
	PGconn *db;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &after) != 0 ||
	    (db = request_db(r)) == NULL || (company = share_open(r, db, "disputes")) <= 0)
		return;
	dispute_http_sla(&cfg);
	if (dispute_store_list_company(db, company, after, limit, &cfg, timefmt_now(),
	    &l) != DISPUTE_STORE_OK) {
		resource_db_failed(r, "cannot list the disputes");
		return;
	}
	dispute_http_reply_list(r, l, 0);
	dispute_list_free(l);
}
