#include "api/request.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/http_json.h"
#include "api/messages.h"
#include "api/server.h"
#include "common/db.h"
#include "common/i18n_format.h"
#include "common/utf8.h"
#include "common/log.h"

/* A statement_timeout set from the deadline fires up to a second before it (see
 * db_pool_acquire_within). */
#define REQUEST_DEADLINE_SLACK_US 1000000
/* Seconds a client is asked to wait after a 503. */
#define REQUEST_RETRY_AFTER "2"

const char *
request_param(struct api_request *r, const char *name)
{
	return (router_param(&r->match, name));
}

const char *
request_query(struct api_request *r, const char *name)
{
	return (MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name));
}

const char *
request_header(struct api_request *r, const char *name)
{
	return (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name));
}

void
request_client_address(struct api_request *r, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, n, "unknown");
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)n);
}

json_t *
request_json(struct api_request *r)
{
	return (r->json);
}

const struct auth_principal *
request_principal(struct api_request *r)
{
	return (&r->who);
}

struct db_pool *
request_pool(struct api_request *r)
{
	return (server_pool(r->srv));
}

PGconn *
request_db(struct api_request *r)
{
	enum db_pool_error err;
	int64_t left_ms;

	if (r->db != NULL)
		return (r->db);
	if (!r->on_worker) {
		r->deferred = 1;
		return (NULL);
	}
	left_ms = (r->deadline_us - server_now_us()) / 1000;
	if (left_ms <= 0) {
		request_reply_error(r, 503, "deadline_exceeded",
		    "the request ran out of time; try again shortly");
		return (NULL);
	}
	r->db = db_pool_acquire_within(server_pool(r->srv), (int)left_ms, (int)left_ms,
	    &err);
	if (r->db == NULL && err == DB_POOL_EXHAUSTED)
		request_reply_pool_exhausted(r);
	else if (r->db == NULL)
		request_reply_error(r, 503, db_pool_error_code(err),
		    "the database cannot be reached");
	return (r->db);
}

void
request_reply_pool_exhausted(struct api_request *r)
{
	request_reply_error(r, 503, db_pool_error_code(DB_POOL_EXHAUSTED),
	    "every database connection is busy; try again shortly");
}

void
request_batch_set(struct api_request *r, void *data, void (*free_fn)(void *))
{
	if (r->batched != NULL && r->batched_free != NULL)
		r->batched_free(r->batched);
	r->batched = data;
	r->batched_free = free_fn;
}

void *
request_batched(struct api_request *r)
{
	return (r->batched);
}

int
request_rerun(const struct api_request *r)
{
	return (r->on_worker && r->ran_inline);
}

const char *
request_lang(struct api_request *r)
{
	const char *accept, *lang;

	if (r->lang[0] == '\0') {
		accept = request_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
		/* A ?lang= we do not have is refused by the routes that take it; for the
		 * messages it is as if absent. */
		if ((lang = i18n_lang(request_query(r, "lang"), accept)) == NULL)
			lang = i18n_lang(NULL, accept);
		if (strlen(lang) < sizeof(r->lang))
			memcpy(r->lang, lang, strlen(lang) + 1);
		else
			memcpy(r->lang, "en", 3);
	}
	return (r->lang);
}

const char *
request_text(struct api_request *r, const char *msgid)
{
	return (i18n_format(server_messages(r->srv, request_lang(r)), msgid));
}

/* Whether a header name is set for the answer already. */
static int
request_has_header(const struct api_request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i][0], name) == 0)
			return (1);
	return (0);
}

int
request_add_header(struct api_request *r, const char *name, const char *value)
{
	if (r->nheaders >= REQUEST_MAX_HEADERS || strlen(name) >= sizeof(r->headers[0][0]) ||
	    strlen(value) >= sizeof(r->headers[0][1]))
		return (-1);
	memcpy(r->headers[r->nheaders][0], name, strlen(name) + 1);
	memcpy(r->headers[r->nheaders][1], value, strlen(value) + 1);
	r->nheaders++;
	return (0);
}

struct MHD_Response *
request_take_response(struct api_request *r)
{
	struct MHD_Response *resp = r->response;

	r->response = NULL;
	return (resp);
}

int
request_uri_nul(const char *uri)
{
	const char *p, *q = strchr(uri, '?');

	for (p = uri; (p = strchr(p, '%')) != NULL; p++)
		if (p[1] == '0' && p[2] == '0')
			return (q != NULL && p > q ? 2 : 1);
	return (0);
}

/* Keep resp as the answer (taking it) for the HTTP thread to queue; the first answer
 * wins. Answers of a request moving to a worker are dropped: it runs again there. */
static void
request_queue(struct api_request *r, unsigned status, struct MHD_Response *resp)
{
	size_t i;

	if (r->deferred && !r->on_worker) {
		if (resp != NULL)
			MHD_destroy_response(resp);
		return;
	}
	if (resp == NULL) {
		log_error("http: cannot build a response");
		r->answered = 1;
		r->status = 500;
		return;
	}
	if (r->answered) {
		log_error("http: %s %s answered twice", r->method,
		    r->match.route ? r->match.route->pattern : r->path);
		MHD_destroy_response(resp);
		return;
	}
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	if (server_draining(r->srv))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	r->answered = 1;
	r->status = status;
	r->response = resp;
}

/* A JSON answer's language headers, added to resp: its texts depend on
 * Accept-Language; Content-Language unless the handler chose a language itself (the
 * report's ?lang=). */
static void
request_language_headers(struct api_request *r, struct MHD_Response *resp)
{
	if (resp == NULL)
		return;
	if (!request_has_header(r, MHD_HTTP_HEADER_CONTENT_LANGUAGE))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE,
		    request_lang(r));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
}

static int
request_is_json(const char *ctype)
{
	return (strcmp(ctype, "application/json") == 0);
}

/* Answer resp (NULL: out of memory) of ctype; a JSON answer gets its language
 * headers. */
static void
request_reply_response(struct api_request *r, unsigned status, const char *ctype,
    struct MHD_Response *resp)
{
	if (resp != NULL) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
		if (request_is_json(ctype))
			request_language_headers(r, resp);
	}
	request_queue(r, resp != NULL ? status : 500, resp);
}

static void
request_reply_body(struct api_request *r, unsigned status, const char *ctype, char *body,
    size_t len)
{
	struct MHD_Response *resp;

	if ((resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)) == NULL)
		free(body);
	request_reply_response(r, status, ctype, resp);
}

void
request_reply_json(struct api_request *r, unsigned status, json_t *v)
{
	size_t len = 0;
	char *body;

	if (v != NULL && messages_translate_json(server_messages(r->srv, request_lang(r)),
	    v) != 0) {
		json_decref(v);
		v = NULL;
	}
	body = v ? http_json_dump(v, &len) : NULL;
	json_decref(v);
	if (body == NULL) {
		request_reply_error(r, 500, "internal_error", "cannot encode the response");
		return;
	}
	request_reply_body(r, status, "application/json", body, len);
}

/* A "%.40s" of a client's text, or the cap of a message, can cut a UTF-8 character,
 * which JSON cannot carry: drop the bytes of such partial characters from s, so that
 * the answer is the one meant and not a 500. */
static void
request_utf8_clean(char *s)
{
	size_t i = 0, o = 0, k, n = strlen(s);
	unsigned char c;

	while (i < n) {
		c = (unsigned char)s[i];
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (i + k <= n && utf8_valid(s + i, k)) {
			memmove(s + o, s + i, k);
			o += k;
			i += k;
		} else {
			i++;
		}
	}
	s[o] = '\0';
}

void
request_reply_error(struct api_request *r, unsigned status, const char *code,
    const char *fmt, ...)
{
	static const char fallback[] =
	    "{\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}\n";
	const struct i18n *cat = server_messages(r->srv, request_lang(r));
	const char *format = i18n_format(cat, fmt), *whole;
	char message[512], made[512];
	size_t len = 0;
	char *body;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), format, ap);
	va_end(ap);
	/* A sentence made elsewhere and passed whole ("%s"): a msgid of its own, or
	 * one of the patterns of api/messages.c. */
	if (format == fmt &&
	    (whole = messages_stored(cat, message, made, sizeof(made))) != message)
		snprintf(message, sizeof(message), "%s", whole);
	request_utf8_clean(message);
	/* A query cancelled by statement_timeout, a lock timeout, a connection lost: the
	 * database could not answer in time, which a retry may cure; not a bug. */
	if (status == 500 && r->on_worker && (db_sqlstate_transient(db_last_sqlstate()) ||
	    (r->db != NULL && PQstatus(r->db) != CONNECTION_OK) ||
	    server_now_us() >= r->deadline_us - REQUEST_DEADLINE_SLACK_US)) {
		status = 503;
		code = "database_unavailable";
		snprintf(message, sizeof(message), "%s", request_text(r,
		    "the database did not answer in time; try again shortly"));
	}
	if (status == 503 && !r->answered)
		(void)request_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, REQUEST_RETRY_AFTER);
	if (code == NULL)
		code = http_json_status_code(status);
	if ((body = http_json_error(code, message, &len)) == NULL) {
		request_queue(r, 500, MHD_create_response_from_buffer(sizeof(fallback) - 1,
		    (void *)fallback, MHD_RESPMEM_PERSISTENT));
		return;
	}
	request_reply_body(r, status, "application/json", body, len);
}

/* Whether a JSON body must be parsed to translate its texts (not for English). */
static int
request_translates(struct api_request *r, const char *ctype)
{
	return (request_is_json(ctype) && server_messages(r->srv, request_lang(r)) != NULL);
}

/* Answer a stored JSON body in the request's language; 1, or 0 when it does not
 * parse (then sent as it is). */
static int
request_reply_translated(struct api_request *r, unsigned status, const void *data,
    size_t len)
{
	json_t *v = json_loadb(data, len, 0, NULL);

	if (v == NULL)
		return (0);
	request_reply_json(r, status, v);
	return (1);
}

void
request_reply_data(struct api_request *r, unsigned status, const char *content_type,
    const void *data, size_t len)
{
	if (request_translates(r, content_type) &&
	    request_reply_translated(r, status, data, len))
		return;
	request_reply_response(r, status, content_type,
	    MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY));
}

void
request_reply_held(struct api_request *r, unsigned status, const char *content_type,
    const void *data, size_t len, void (*release)(void *), void *cls)
{
	struct MHD_Response *resp;

	if (request_translates(r, content_type) &&
	    request_reply_translated(r, status, data, len)) {
		release(cls);
		return;
	}
	if ((resp = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)data, release, cls)) == NULL)
		release(cls);
	request_reply_response(r, status, content_type, resp);
}

void
request_reply_empty(struct api_request *r, unsigned status)
{
	request_queue(r, status, MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT));
}
