#include "tests/support/api_call.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *
api_call_json(struct api_client *c, const char *method, const char *path, const char *key,
    const char *body, long status)
{
	struct api_response r;
	json_t *v = NULL;

	api_client_request(c, method, path, key, body ? "application/json" : NULL, body,
	    body ? strlen(body) : 0, 0, &r);
	cr_assert_eq(r.status, status, "%s %s: %ld, expected %ld: %s", method, path,
	    r.status, status, r.body.data ? r.body.data : "");
	if (r.body.len > 0) {
		v = json_loads(r.body.data, 0, NULL);
		cr_assert_not_null(v, "%s %s: not JSON: %s", method, path, r.body.data);
	}
	api_response_free(&r);
	return (v);
}

const char *
api_call_error_field(const json_t *v, const char *field)
{
	return (json_string_value(json_object_get(json_object_get(v, "error"), field)));
}

const char *
api_call_error_code(const json_t *v)
{
	const char *s = api_call_error_field(v, "code");

	return (s ? s : "(none)");
}

void
api_call_expect_error(struct api_client *c, const char *method, const char *path,
    const char *key, const char *body, long status, const char *code)
{
	json_t *v = api_call_json(c, method, path, key, body, status);

	cr_assert_str_eq(api_call_error_code(v), code, "%s %s", method, path);
	json_decref(v);
}

int
api_call_rating_matches(const char *slug, int64_t now)
{
	char env[64], *key;
	const char *envs[] = {env, NULL};
	struct api_client *c;
	json_t *v;
	int same;

	snprintf(env, sizeof(env), "FAIRRATE_NOW=%lld", (long long)now);
	c = api_client_start(envs);
	key = api_client_create_key("company", slug);
	v = api_call_json(c, "GET", "/v1/me/rating", key, NULL, 200);
	cr_assert(json_is_boolean(json_object_get(v, "matches_stored_rating")));
	same = json_is_true(json_object_get(v, "matches_stored_rating"));
	json_decref(v);
	free(key);
	cr_assert_eq(api_client_stop(c), 0);
	return (same);
}
