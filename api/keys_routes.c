/* API keys over HTTP, for admins: list, create (the key is shown once), revoke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/key_cache.h"
#include "api/keys_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "api/server.h"

void
keys_routes_list(struct api_request *r)
{
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_id_page(r, &limit, &after, &db) != 0)
		return;
	resource_reply_page(r, keys_store_list(db, after, limit + 1), limit, "id");
}

void
keys_routes_create(struct api_request *r)
{
	json_t *body = request_json(r), *v;
	const char *role_name = NULL, *company = NULL, *name = NULL, *field;
	char key[AUTH_KEY_SIZE];
	enum auth_role role;
	enum keys_store_result rc;
	int64_t id = 0;
	PGconn *db;

	if (!json_is_object(body)) {
		request_reply_error(r, 400, "invalid_body", "the body must be a JSON object");
		return;
	}
	json_object_foreach(body, field, v) {
		if (!json_is_string(v) && !(json_is_null(v) && strcmp(field, "company") == 0)) {
			request_reply_error(r, 400, "invalid_body", "%.40s must be a string", field);
			return;
		}
		if (strcmp(field, "role") == 0)
			role_name = json_string_value(v);
		else if (strcmp(field, "company") == 0)
			company = json_string_value(v);
		else if (strcmp(field, "name") == 0)
			name = json_string_value(v);
		else {
			request_reply_error(r, 400, "unknown_field", "unknown field %.40s", field);
			return;
		}
	}
	if (auth_role_parse(role_name, &role) != 0) {
		request_reply_error(r, 400, "invalid_role",
		    "role must be investor, company, analyst or admin");
		return;
	}
	if (name != NULL && strlen(name) > 200) {
		request_reply_error(r, 400, "invalid_name", "name has at most 200 characters");
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	rc = keys_store_create(db, role, company, name, request_principal(r)->key_id, key, &id);
	switch (rc) {
	case KEYS_STORE_OK:
		request_reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s?, s:s}", "id",
		    (json_int_t)id, "key", key, "role", auth_role_name(role), "company", company,
		    "name", name ? name : ""));
		memset(key, 0, sizeof(key));
		break;
	case KEYS_STORE_UNKNOWN_COMPANY:
		request_reply_error(r, 400, "unknown_company", "no company has that slug");
		break;
	case KEYS_STORE_BAD_SCOPE:
		request_reply_error(r, 400, "invalid_scope",
		    "a company key needs a company, and only a company key has one");
		break;
	default:
		request_reply_error(r, 500, "internal_error", "cannot create the key");
	}
}

void
keys_routes_revoke(struct api_request *r)
{
	int64_t id = strtoll(request_param(r, "id"), NULL, 10);
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	rc = keys_store_revoke(db, id, request_principal(r)->key_id);
	if (rc < 0) {
		request_reply_error(r, 500, "internal_error", "cannot revoke the key");
		return;
	}
	if (rc == 0) {
		request_reply_error(r, 404, "not_found", "no active key has that id");
		return;
	}
	key_cache_forget(server_key_cache(r->srv), id);
	request_reply_empty(r, 204);
}
