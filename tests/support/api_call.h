#ifndef FAIRRATE_API_CALL_H
#define FAIRRATE_API_CALL_H

#include <stdint.h>

#include <jansson.h>

#include "tests/support/api_client.h"

/*
 * JSON calls for the integration tests over HTTP: one request through an api_client,
 * its status checked, its body parsed. Every failure aborts the test.
 */

/* api_call_json: method path on c with key (NULL: no key) and the JSON text body (NULL:
 * no body). The status must be status and a non-empty body must parse as JSON. Returns
 * the parsed body (the caller json_decref's it), or NULL for an empty body. */
json_t *api_call_json(struct api_client *c, const char *method, const char *path,
    const char *key, const char *body, long status);

/* api_call_expect_error: method path on c as api_call_json does; the status must be
 * status and the body an error object whose "code" is code. */
void api_call_expect_error(struct api_client *c, const char *method, const char *path,
    const char *key, const char *body, long status, const char *code);

/* api_call_error_field: the string member field of the error object of an error body v
 * (may be NULL), or NULL when v holds no such string. The string belongs to v. */
const char *api_call_error_field(const json_t *v, const char *field);

/* api_call_error_code: the "code" of the error object of an error body v (may be NULL),
 * or "(none)" when v holds none. The string belongs to v. */
const char *api_call_error_code(const json_t *v);

/* api_call_rating_matches: start a server at Unix time now (FAIRRATE_NOW) on the test
 * database, and ask /v1/me/rating with a new company key of slug whether the
 * single company's recomputation matches its stored rating (the full rescoring's). */
int api_call_rating_matches(const char *slug, int64_t now);

#endif
