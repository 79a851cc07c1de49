#ifndef FAIRRATE_API_CLIENT_H
#define FAIRRATE_API_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include "common/buf.h"

/*
 * Integration tests over HTTP: start `fairrate serve` ($FAIRRATE_BIN) on a free port
 * against the test's database, make requests with libcurl, stop it. Failures to start
 * abort the test.
 */

struct api_client;

struct api_response {
	long status;
	struct buf headers;            /* the raw header lines of the final response */
	struct buf body;
};

/* api_client_start: serve against testdb_url() with the extra environment entries
 * env ("NAME=VALUE", NULL-terminated; env may be NULL), and wait until /healthz
 * answers. The access log goes to a temporary file (api_client_access_log). */
struct api_client *api_client_start(const char *const *env);

/* api_client_start_url: the same against another database. */
struct api_client *api_client_start_url(const char *database_url, const char *const *env);

/* api_client_request: one request. key (NULL: no Authorization header), content_type
 * (NULL: none), body of len bytes (NULL: no body); chunked sends the body with
 * Transfer-Encoding: chunked instead of a Content-Length. Fills out (free it with
 * api_response_free). 0, or -1 when no HTTP answer came (out->status is then 0). */
int api_client_request(struct api_client *c, const char *method, const char *path,
    const char *key, const char *content_type, const void *body, size_t len, int chunked,
    struct api_response *out);

/* api_client_contract_log: append one answer (status, content type, len bytes of body)
 * to the contract log, $FAIRRATE_CONTRACT_LOG (nothing when unset), for
 * tests/contract/check.mjs; api_client_request does it for every answer, a test that
 * makes its own requests calls it. */
void api_client_contract_log(const char *method, const char *path, long status,
    const char *content_type, const char *body, size_t len);

/* api_client_get: GET path with key (may be NULL). */
int api_client_get(struct api_client *c, const char *path, const char *key,
    struct api_response *out);

/* api_response_header: the value of header name (case-insensitive) copied into out;
 * NULL when absent. */
const char *api_response_header(const struct api_response *r, const char *name, char *out,
    size_t n);

/* api_response_error_code: the "code" of an error body copied into out; NULL when the
 * body is not the one error shape. */
const char *api_response_error_code(const struct api_response *r, char *out, size_t n);

void api_response_free(struct api_response *r);

/* api_client_free_port: a TCP port of 127.0.0.1 that is free at this moment (for a
 * server a test starts). Aborts the test when no socket can be had. */
unsigned api_client_free_port(void);

/* api_client_pid, api_client_port, api_client_access_log: about the running server. */
pid_t api_client_pid(const struct api_client *c);
unsigned api_client_port(const struct api_client *c);
const char *api_client_access_log(const struct api_client *c);

/* api_client_wait: wait for the server to exit (after a signal); its exit status, or
 * -1 if it died of a signal or is still running after timeout_ms. */
int api_client_wait(struct api_client *c, int timeout_ms);

/* api_client_stop: SIGTERM the server (if still running), wait, and free c. Returns
 * its exit status as api_client_wait. */
int api_client_stop(struct api_client *c);

/* api_client_create_key: run `fairrate keys create --role role [--company slug]`
 * against $DATABASE_URL and return the key from its last line, malloc'd. */
char *api_client_create_key(const char *role, const char *company_slug);

/* api_client_run: run `$FAIRRATE_BIN args...` (args a NULL-terminated list) capturing
 * standard output into out (capped at 1 MB); returns the exit status, -1 on failure. */
int api_client_run(const char *const *args, struct buf *out);

#endif
