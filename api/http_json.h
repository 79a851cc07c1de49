#ifndef FAIRRATE_API_HTTP_JSON_H
#define FAIRRATE_API_HTTP_JSON_H

#include <stddef.h>

#include <jansson.h>

/*
 * JSON on the wire: parsing request bodies strictly and writing responses, including
 * the one error shape every route uses:
 *     {"error": {"code": "snake_case", "message": "..."}}
 * Pure: no I/O.
 */

/* http_json_parse: parse a request body of len bytes that must be one JSON value.
 * Returns the value (the caller json_decrefs it), or NULL with *code set to
 * "invalid_utf8" or "malformed_json" and message (size msgn) saying where. */
json_t *http_json_parse(const char *body, size_t len, const char **code, char *message,
    size_t msgn);

/* http_json_is_json: whether a Content-Type value names application/json (any case,
 * parameters such as charset=utf-8 allowed, but no other charset). */
int http_json_is_json(const char *content_type);

/* http_json_dump: v as compact JSON text with a trailing newline, malloc'd (the caller
 * frees it) with its length in *len. NULL on allocation failure. */
char *http_json_dump(const json_t *v, size_t *len);

/* http_json_error: the error body for code and message, malloc'd, length in *len.
 * NULL on allocation failure. */
char *http_json_error(const char *code, const char *message, size_t *len);

/* http_json_status_code: the default error code for an HTTP status ("not_found" for
 * 404, ...; "error" for a status without one). */
const char *http_json_status_code(unsigned status);

#endif
