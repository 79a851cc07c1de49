/* Hardening of the API's edges over real HTTP on a small rated world
 * (tests/support/api_world.h): cursors bound to their list and key, made-up keys
 * throttled per client address, and a revocation seen at once by another instance. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(api_hardening, .init = setup, .fini = teardown, .timeout = 120);

/* GET path with key; the status must be status; the error code (or "" for none). */
static void
expect_code(const char *path, const char *key, long status, const char *code)
{
	json_t *v = api_call_json(c, "GET", path, key, NULL, status);

	cr_assert_str_eq(code[0] ? api_call_error_code(v) : "", code, "GET %s", path);
	cr_assert(code[0] == '\0' || api_call_error_field(v, "message") != NULL,
	    "the one error shape");
	json_decref(v);
}

/* The next_cursor of GET path with key (it must have one), into out. */
static void
next_cursor(const char *path, const char *key, char *out, size_t n)
{
	json_t *v = api_call_json(c, "GET", path, key, NULL, 200);
	const char *s = json_string_value(json_object_get(v, "next_cursor"));

	cr_assert_not_null(s, "GET %s has a next page", path);
	cr_assert_lt(strlen(s), n);
	snprintf(out, n, "%s", s);
	json_decref(v);
}

Test(api_hardening, a_cursor_only_pages_its_own_list_for_its_own_key)
{
	char *company = api_client_create_key("company", "acme");
	char *investor = api_client_create_key("investor", NULL);
	char *investor2 = api_client_create_key("investor", NULL);
	char cur[512], path[1024];

	/* The replay of the issue: a cursor of /v1/me/evidence offered to /v1/companies. */
	next_cursor("/v1/me/evidence?limit=1", company, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/me/evidence?limit=1&cursor=%s", cur);
	expect_code(path, company, 200, "");
	snprintf(path, sizeof(path), "/v1/companies?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* Same key, another list; same list, another key. */
	next_cursor("/v1/companies?limit=1", investor, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/companies?limit=1&cursor=%s", cur);
	expect_code(path, investor, 200, "");
	expect_code(path, investor2, 400, "bad_cursor");
	snprintf(path, sizeof(path), "/v1/portfolios?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* The path's parameters name the list: one company's history is not another's. */
	next_cursor("/v1/companies/acme/history?limit=1", investor, cur, sizeof(cur));
	snprintf(path, sizeof(path), "/v1/companies/acme/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 200, "");
	snprintf(path, sizeof(path), "/v1/companies/beta/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "bad_cursor");

	/* A cursor altered by hand is still invalid_cursor. */
	cur[strlen(cur) / 2] = cur[strlen(cur) / 2] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "/v1/companies/acme/history?limit=1&cursor=%s", cur);
	expect_code(path, investor, 400, "invalid_cursor");
	free(company);
	free(investor);
	free(investor2);
}

/* GET path with key over a connection bound to the source address from (127.x.y.z):
 * the response's status. libcurl through api_client always comes from 127.0.0.1. */
static long
status_from(const char *from, const char *path, const char *key)
{
	struct sockaddr_in src, dst;
	char req[1024], resp[64];
	long status = 0;
	ssize_t n;
	int fd;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	cr_assert_eq(inet_pton(AF_INET, from, &src.sin_addr), 1);
	dst = src;
	dst.sin_port = htons((uint16_t)api_client_port(c));
	cr_assert_eq(inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr), 1);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0, "bind %s", from);
	cr_assert_eq(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", path, key);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	n = read(fd, resp, sizeof(resp) - 1);
	close(fd);
	cr_assert_gt(n, 12);
	resp[n] = '\0';
	cr_assert_eq(sscanf(resp, "HTTP/1.1 %ld", &status), 1, "%s", resp);
	return (status);
}

Test(api_hardening, made_up_keys_are_throttled_per_address)
{
	char *investor = api_client_create_key("investor", NULL);
	char key[128], code[64], retry[16];
	struct api_response r;
	int i, refused = 0;

	/* 330 well-formed keys that do not exist, from one address. */
	for (i = 0; i < 330 && !refused; i++) {
		snprintf(key, sizeof(key), "fr_madeup%03d000_%064d", i, i);
		cr_assert_eq(api_client_get(c, "/v1/companies/acme", key, &r), 0);
		if (r.status == 429) {
			refused = 1;
			cr_assert_not_null(api_response_error_code(&r, code, sizeof(code)),
			    "the one error shape");
			cr_assert_str_eq(code, "auth_throttled");
			cr_assert_not_null(api_response_header(&r, "Retry-After", retry,
			    sizeof(retry)));
			cr_assert_geq(atoi(retry), 1);
		} else {
			cr_assert_eq(r.status, 401, "made-up key %d: %ld", i, r.status);
			cr_assert_str_eq(api_response_error_code(&r, code, sizeof(code)),
			    "invalid_key");
		}
		api_response_free(&r);
	}
	cr_assert(refused, "no 429 after 330 made-up keys");
	/* The default limit is 20 bad keys a minute (one back every 3 s). */
	cr_assert_geq(i, 21, "the first 20 bad keys are answered 401");
	cr_assert_leq(i, 40, "refused soon after the 20th bad key");
	/* From that address even a good key waits: the key is not looked up at all. */
	cr_assert_eq(api_client_get(c, "/v1/companies/acme", investor, &r), 0);
	cr_assert_eq(r.status, 429);
	api_response_free(&r);
	/* Another address is another client. */
	cr_assert_eq(status_from("127.0.0.2", "/v1/companies/acme", investor), 200);
	cr_assert_eq(status_from("127.0.0.2", "/v1/companies/acme", key), 401);
	/* Public routes need no key and stay open. */
	cr_assert_eq(api_client_get(c, "/v1/methodology", NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	free(investor);
}

/* Poll GET path with key on server s until it answers status (at most about 5 s, so a
 * notification that never comes fails the test rather than hanging it). */
static long
poll_until(struct api_client *s, const char *path, const char *key, long status)
{
	struct api_response r;
	long got = 0;
	int i;

	for (i = 0; i < 200 && got != status; i++) {
		if (i > 0)
			usleep(25000);
		cr_assert_eq(api_client_get(s, path, key, &r), 0);
		got = r.status;
		api_response_free(&r);
	}
	return (got);
}

/* The id of key (its prefix is characters 3..14). */
static long
key_id(const char *key)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT id FROM api_keys WHERE prefix = '%.12s'", key + 3);
	return (testdb_scalar(conn, sql));
}

Test(api_hardening, a_revocation_reaches_every_instance_at_once)
{
	/* A key cache time of an hour: only the notification can make B refuse. */
	const char *env[] = {"FAIRRATE_KEY_CACHE_TTL=3600", "FAIRRATE_RATE_LIMIT=0",
	    API_WORLD_NOW_ENV, NULL};
	struct api_client *b = api_client_start(env);
	char *admin = api_client_create_key("admin", NULL);
	char *by_cli = api_client_create_key("investor", NULL);
	char *by_api = api_client_create_key("investor", NULL);
	char id[24], path[64];
	const char *revoke[] = {"keys", "revoke", id, NULL};
	struct api_response r;
	struct buf out;

	/* Both keys are cached by instance B. */
	cr_assert_eq(poll_until(b, "/v1/companies/acme", by_cli, 200), 200);
	cr_assert_eq(poll_until(b, "/v1/companies/acme", by_api, 200), 200);

	/* Revoked from the command line: B refuses on a next request. */
	snprintf(id, sizeof(id), "%ld", key_id(by_cli));
	cr_assert_eq(api_client_run(revoke, &out), 0);
	buf_free(&out);
	cr_assert_eq(poll_until(b, "/v1/companies/acme", by_cli, 401), 401,
	    "instance B still takes a key revoked from the command line");
	cr_assert_eq(api_client_get(b, "/v1/companies/acme", by_cli, &r), 0);
	cr_assert_str_eq(api_response_error_code(&r, id, sizeof(id)), "revoked_key");
	api_response_free(&r);

	/* Revoked over the API of instance A: B refuses too. */
	snprintf(path, sizeof(path), "/v1/staff/keys/%ld", key_id(by_api));
	cr_assert_eq(api_client_request(c, "DELETE", path, admin, NULL, NULL, 0, 0, &r), 0);
	cr_assert_eq(r.status, 204);
	api_response_free(&r);
	cr_assert_eq(poll_until(b, "/v1/companies/acme", by_api, 401), 401,
	    "instance B still takes a key revoked through instance A");
	/* A key nobody revoked is still served from B's cache. */
	cr_assert_eq(poll_until(b, "/v1/staff/keys", admin, 200), 200);
	cr_assert_eq(api_client_stop(b), 0);
	free(admin);
	free(by_cli);
	free(by_api);
}

/* A new connection to the server; its socket. */
static int
connect_server(void)
{
	struct sockaddr_in dst;
	int fd;

	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)api_client_port(c));
	cr_assert_eq(inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr), 1);
	cr_assert_geq(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	return (fd);
}

/* Send raw bytes, return what came back (NUL-terminated, at most n - 1 bytes). */
static void
raw_exchange(const void *req, size_t len, char *out, size_t n)
{
	ssize_t got, total = 0;
	int fd = connect_server();

	cr_assert_eq(write(fd, req, len), (ssize_t)len);
	while ((size_t)total + 1 < n && (got = read(fd, out + total, n - 1 - (size_t)total)) > 0)
		total += got;
	close(fd);
	out[total] = '\0';
}

/* One GET on the open connection fd with key; the answer's status, read to its end
 * (Content-Length) so that the next request can follow on the same connection. */
static long
status_on(int fd, const char *path, const char *key)
{
	char req[512], resp[16384], *end, *cl;
	size_t total = 0;
	long status = 0;
	ssize_t got;

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Authorization: Bearer %s\r\n\r\n", path, key);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	for (;;) {
		got = read(fd, resp + total, sizeof(resp) - 1 - total);
		cr_assert_gt(got, 0, "the connection closed after %zu bytes", total);
		total += (size_t)got;
		resp[total] = '\0';
		if ((end = strstr(resp, "\r\n\r\n")) == NULL)
			continue;
		cr_assert_not_null(cl = strstr(resp, "\r\nContent-Length: "), "%s", resp);
		if ((size_t)(end + 4 - resp) + strtoul(cl + 18, NULL, 10) <= total)
			break;
	}
	cr_assert_eq(sscanf(resp, "HTTP/1.1 %ld", &status), 1, "%s", resp);
	return (status);
}

/* A keep-alive connection hashes its key once (api/server.c): another key on the same
 * connection, even one with the same prefix, is judged on its own. */
Test(api_hardening, each_key_on_one_connection_is_judged_on_its_own)
{
	char *admin = api_client_create_key("admin", NULL);
	char *investor = api_client_create_key("investor", NULL);
	int fd = connect_server();
	char forged[160];

	snprintf(forged, sizeof(forged), "%.16s%064d", admin, 0);
	cr_assert_eq(status_on(fd, "/v1/staff/keys", admin), 200);
	cr_assert_eq(status_on(fd, "/v1/staff/keys", admin), 200);
	cr_assert_eq(status_on(fd, "/v1/staff/keys", forged), 401,
	    "the admin key's prefix with another secret, after the admin key");
	cr_assert_eq(status_on(fd, "/v1/staff/keys", investor), 403);
	cr_assert_eq(status_on(fd, "/v1/staff/keys", admin), 200);
	close(fd);
	free(admin);
	free(investor);
}

/* The protocol errors libmicrohttpd answers itself, before fairrate sees a request
 * (docs/operations.md "Protocol errors"): their statuses are the ones documented,
 * and a well-formed request still gets the JSON error shape. If a libmicrohttpd
 * update changes these, this test says so. */
Test(api_hardening, protocol_errors_are_the_ones_documented)
{
	static char big[70 * 1024];
	char resp[4096];

	raw_exchange("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 36, resp, sizeof(resp));
	cr_assert_eq(strncmp(resp, "HTTP/1.1 400 ", 13), 0, "%s", resp);
	raw_exchange("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 34, resp, sizeof(resp));
	cr_assert_eq(strncmp(resp, "HTTP/1.1 505 ", 13), 0, "%s", resp);
	raw_exchange("POST /v1/claims HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "\r\nZZ\r\n", 69, resp, sizeof(resp));
	cr_assert_eq(strncmp(resp, "HTTP/1.1 400 ", 13), 0, "%s", resp);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', sizeof(big) - 5);
	memcpy(big + sizeof(big) - 22, " HTTP/1.1\r\nHost: x\r\n\r\n", 22);
	raw_exchange(big, sizeof(big), resp, sizeof(resp));
	cr_assert(strncmp(resp, "HTTP/1.1 414 ", 13) == 0 || strncmp(resp, "HTTP/1.1 431 ", 13)
	    == 0, "%s", resp);
	raw_exchange("GET /v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 56,
	    resp, sizeof(resp));
	cr_assert_not_null(strstr(resp, "Content-Type: application/json"), "%s", resp);
	cr_assert_not_null(strstr(resp, "{\"error\":{\"code\":"), "%s", resp);
}
