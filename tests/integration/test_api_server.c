/* The HTTP server over real HTTP against a real PostgreSQL: health, errors, keys,
 * limits, pool exhaustion, database restarts and graceful shutdown. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/db.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static char own_cluster[64];       /* a cluster this test started, stopped at teardown */

static void
setup(void)
{
	conn = testdb_create();
}

static void
teardown(void)
{
	char cmd[512];

	testdb_drop(conn);
	if (own_cluster[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "%s /usr/lib/postgresql/15/bin/pg_ctl -D %s/data"
		    " -m immediate -w stop >/dev/null 2>&1; rm -rf %s",
		    geteuid() == 0 ? "runuser -u postgres --" : "", own_cluster, own_cluster);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", own_cluster);
	}
}

TestSuite(api_server, .init = setup, .fini = teardown, .timeout = 120);

static void
expect_error(struct api_response *r, long status, const char *code)
{
	char got[64];

	cr_assert_eq(r->status, status, "status %ld, expected %ld: %s", r->status, status,
	    r->body.data ? r->body.data : "");
	cr_assert_not_null(api_response_error_code(r, got, sizeof(got)),
	    "not the one error shape: %s", r->body.data ? r->body.data : "");
	cr_assert_str_eq(got, code);
}

static void
get_expect(struct api_client *c, const char *path, const char *key, long status,
    const char *code)
{
	struct api_response r;

	api_client_get(c, path, key, &r);
	if (code != NULL)
		expect_error(&r, status, code);
	else
		cr_assert_eq(r.status, status, "%s: %ld", path, r.status);
	api_response_free(&r);
}

static void
post_expect(struct api_client *c, const char *key, const char *ctype, const char *body,
    size_t len, int chunked, long status, const char *code)
{
	struct api_response r;

	api_client_request(c, "POST", "/v1/staff/keys", key, ctype, body, len, chunked, &r);
	if (code != NULL)
		expect_error(&r, status, code);
	else
		cr_assert_eq(r.status, status, "%ld: %s", r.status, r.body.data);
	api_response_free(&r);
}

Test(api_server, public_routes)
{
	struct api_client *c = api_client_start(NULL);
	struct api_response r;

	api_client_get(c, "/healthz", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body.data, "{\"status\":\"ok\"}\n");
	api_response_free(&r);
	get_expect(c, "/readyz", NULL, 200, NULL);
	api_client_get(c, "/v1/openapi.yaml", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data, "openapi: 3.0.3"));
	cr_assert_not_null(strstr(r.body.data, "/v1/staff/keys"));
	api_response_free(&r);
	/* The methodology's text, which the portal, the report and `show` refer to. */
	api_client_get(c, "/v1/methodology/document", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data, "## 1. Evidence"));
	cr_assert_not_null(strstr(r.headers.data, "text/markdown"));
	api_response_free(&r);
	api_client_request(c, "HEAD", "/healthz", NULL, NULL, NULL, 0, 0, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body.len, 0, "HEAD has no body");
	api_response_free(&r);
	api_client_get(c, "/metrics", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body.data,
	    "fairrate_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
	cr_assert_not_null(strstr(r.body.data, "fairrate_http_request_duration_seconds_bucket"));
	cr_assert_not_null(strstr(r.body.data, "fairrate_db_pool_in_use "));
	cr_assert_not_null(strstr(r.body.data, "fairrate_db_pool_waiting "));
	api_response_free(&r);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, routing_errors)
{
	struct api_client *c = api_client_start(NULL);
	char *admin = api_client_create_key("admin", NULL);
	struct api_response r;
	char allow[64];

	get_expect(c, "/nope", NULL, 404, "not_found");
	get_expect(c, "/v1/staff/keys/abc", admin, 404, "not_found");
	api_client_request(c, "POST", "/healthz", NULL, NULL, NULL, 0, 0, &r);
	expect_error(&r, 405, "method_not_allowed");
	cr_assert_not_null(api_response_header(&r, "Allow", allow, sizeof(allow)));
	cr_assert_str_eq(allow, "GET, HEAD");
	api_response_free(&r);
	api_client_request(c, "PUT", "/v1/staff/keys", admin, NULL, NULL, 0, 0, &r);
	expect_error(&r, 405, "method_not_allowed");
	cr_assert_not_null(api_response_header(&r, "Allow", allow, sizeof(allow)));
	cr_assert_str_eq(allow, "GET, HEAD, POST");
	api_response_free(&r);
	get_expect(c, "/v1/staff/keys?bogus=1", admin, 400, "unknown_parameter");
	get_expect(c, "/v1/staff/keys?limit=0", admin, 400, "invalid_limit");
	get_expect(c, "/v1/staff/keys?limit=%FF", admin, 400, "invalid_parameter");
	get_expect(c, "/v1/staff/keys?cursor=AAAAAAAAAAAAAAAAAAAAAAAA", admin, 400,
	    "invalid_cursor");
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, keys_and_roles)
{
	const char *env[] = {"FAIRRATE_KEY_CACHE_TTL=1", NULL};
	struct api_client *c = api_client_start(env);
	char *admin = api_client_create_key("admin", NULL);
	char *investor = api_client_create_key("investor", NULL);
	char *other = api_client_create_key("analyst", NULL);
	const char *revoke[] = {"keys", "revoke", "3", NULL};
	char forged[160], line[4096];
	struct buf out;
	FILE *log;

	get_expect(c, "/v1/staff/keys", NULL, 401, "unauthorized");
	get_expect(c, "/v1/staff/keys", "not-a-key", 401, "invalid_key");
	/* The right prefix with another secret. */
	snprintf(forged, sizeof(forged), "%.16s%064d", admin, 0);
	get_expect(c, "/v1/staff/keys", forged, 401, "invalid_key");
	get_expect(c, "/v1/staff/keys", investor, 403, "forbidden");
	get_expect(c, "/v1/staff/keys", other, 403, "forbidden");
	get_expect(c, "/v1/staff/keys", admin, 200, NULL);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE id = 3 AND"
	    " role = 'analyst'"), 1);
	cr_assert_eq(api_client_run(revoke, &out), 0);
	buf_free(&out);
	/* Revoked elsewhere: refused once the one-second key cache has expired. */
	usleep(1100000);
	get_expect(c, "/v1/staff/keys", other, 401, "revoked_key");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'key.revoke' AND target = 'api_key:3'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE"
	    " last_used_at IS NOT NULL AND id = 1"), 1, "use is recorded");
	/* The access log names routes and key ids, never keys. */
	log = fopen(api_client_access_log(c), "r");
	cr_assert_not_null(log);
	buf_init(&out, 1024 * 1024);
	while (fgets(line, sizeof(line), log) != NULL)
		buf_append(&out, line, strlen(line));
	fclose(log);
	cr_assert_not_null(strstr(out.data, "\"route\":\"/v1/staff/keys\",\"status\":200"));
	cr_assert_not_null(strstr(out.data, "\"key_id\":1}"));
	cr_assert_null(strstr(out.data, "fr_"), "no key in the access log");
	buf_free(&out);
	cr_assert_eq(api_client_stop(c), 0);
	free(admin);
	free(investor);
	free(other);
}

Test(api_server, a_key_revoked_over_the_api_is_refused_at_once)
{
	struct api_client *c = api_client_start(NULL);
	char *admin = api_client_create_key("admin", NULL);
	char *victim = api_client_create_key("admin", NULL);
	struct api_response r;

	get_expect(c, "/v1/staff/keys", victim, 200, NULL);
	api_client_request(c, "DELETE", "/v1/staff/keys/2", admin, NULL, NULL, 0, 0, &r);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body.data);
	api_response_free(&r);
	get_expect(c, "/v1/staff/keys", victim, 401, "revoked_key");
	api_client_request(c, "DELETE", "/v1/staff/keys/2", admin, NULL, NULL, 0, 0, &r);
	expect_error(&r, 404, "not_found");
	api_response_free(&r);
	free(admin);
	free(victim);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, request_bodies)
{
	const char *env[] = {"FAIRRATE_BODY_LIMIT=4096", NULL};
	struct api_client *c = api_client_start(env);
	char *admin = api_client_create_key("admin", NULL);
	const char *json = "application/json";
	static const char good[] = "{\"role\":\"investor\",\"name\":\"fund\"}";
	static const char bad_utf8[] = "{\"role\":\"investor\",\"name\":\"\xc3\x28\"}";
	char *big = malloc(10000);
	struct api_response r;

	cr_assert_not_null(big);
	memset(big, ' ', 10000);
	big[0] = '{';
	big[9999] = '}';
	post_expect(c, admin, json, big, 10000, 0, 413, "payload_too_large");
	post_expect(c, admin, json, big, 10000, 1, 413, "payload_too_large");
	post_expect(c, admin, json, big, 4000, 1, 400, "malformed_json");
	post_expect(c, admin, "text/plain", good, strlen(good), 0, 415,
	    "unsupported_media_type");
	post_expect(c, admin, NULL, good, strlen(good), 0, 415, "unsupported_media_type");
	post_expect(c, admin, "application/json; charset=latin1", good, strlen(good), 0, 415,
	    "unsupported_media_type");
	post_expect(c, admin, json, "{\"role\":", 8, 0, 400, "malformed_json");
	post_expect(c, admin, json, "", 0, 0, 400, "malformed_json");
	post_expect(c, admin, json, bad_utf8, strlen(bad_utf8), 0, 400, "invalid_utf8");
	post_expect(c, admin, json, "{\"role\":\"boss\"}", 15, 0, 400, "invalid_role");
	post_expect(c, admin, json, "{\"role\":\"company\"}", 18, 0, 400, "invalid_scope");
	post_expect(c, admin, json, "{\"role\":\"company\",\"company\":\"nobody\"}", 37, 0, 400,
	    "unknown_company");
	post_expect(c, admin, json, "{\"role\":\"investor\",\"x\":\"1\"}", 27, 0, 400,
	    "unknown_field");
	post_expect(c, admin, "application/json; charset=utf-8", good, strlen(good), 1, 201,
	    NULL);
	api_client_request(c, "POST", "/v1/staff/keys", admin, json, good, strlen(good), 0, &r);
	cr_assert_eq(r.status, 201);
	cr_assert_not_null(strstr(r.body.data, "\"key\":\"fr_"));
	api_response_free(&r);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE name = 'fund'"),
	    2);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'key.create' AND actor = 'key:1'"), 2);
	/* The server is still well after all that. */
	get_expect(c, "/healthz", NULL, 200, NULL);
	free(big);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, pages_of_keys_follow_cursors)
{
	struct api_client *c = api_client_start(NULL);
	char *admin = api_client_create_key("admin", NULL);
	char path[512], next[256];
	struct api_response r;
	int i, pages = 0, seen = 0;
	const char *p;

	for (i = 0; i < 4; i++)
		free(api_client_create_key("investor", NULL));
	snprintf(path, sizeof(path), "/v1/staff/keys?limit=2");
	for (;;) {
		api_client_get(c, path, admin, &r);
		cr_assert_eq(r.status, 200, "%s", r.body.data);
		pages++;
		for (p = r.body.data; (p = strstr(p, "\"prefix\"")) != NULL; p++)
			seen++;
		cr_assert_null(strstr(r.body.data, "sha256"), "never a hash");
		p = strstr(r.body.data, "\"next_cursor\":\"");
		if (p == NULL) {
			cr_assert_not_null(strstr(r.body.data, "\"next_cursor\":null"));
			api_response_free(&r);
			break;
		}
		cr_assert_eq(sscanf(p, "\"next_cursor\":\"%255[^\"]\"", next), 1);
		snprintf(path, sizeof(path), "/v1/staff/keys?limit=2&cursor=%s", next);
		api_response_free(&r);
	}
	cr_assert_eq(seen, 5);
	cr_assert_eq(pages, 3);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, rate_limits_answer_429_with_retry_after)
{
	const char *env[] = {"FAIRRATE_RATE_LIMIT=3", "FAIRRATE_PUBLIC_RATE_LIMIT=2", NULL};
	struct api_client *c = api_client_start(env);
	char *admin = api_client_create_key("admin", NULL);
	char *admin2 = api_client_create_key("admin", NULL);
	struct api_response r;
	char retry[16];
	int i;

	for (i = 0; i < 3; i++)
		get_expect(c, "/v1/staff/keys", admin, 200, NULL);
	api_client_get(c, "/v1/staff/keys", admin, &r);
	expect_error(&r, 429, "rate_limited");
	cr_assert_not_null(api_response_header(&r, "Retry-After", retry, sizeof(retry)));
	cr_assert_geq(atoi(retry), 1);
	cr_assert_leq(atoi(retry), 20);
	api_response_free(&r);
	get_expect(c, "/v1/staff/keys", admin2, 200, NULL);
	get_expect(c, "/v1/openapi.yaml", NULL, 200, NULL);
	get_expect(c, "/v1/openapi.yaml", NULL, 200, NULL);
	get_expect(c, "/v1/openapi.yaml", NULL, 429, "rate_limited");
	for (i = 0; i < 10; i++)
		get_expect(c, "/healthz", NULL, 200, NULL);
	free(admin);
	free(admin2);
	cr_assert_eq(api_client_stop(c), 0);
}

/* A request that blocks in the database until the test lets it go. */
struct slow_request {
	struct api_client *c;
	const char *key;
	const char *path;              /* NULL: /v1/staff/keys */
	struct api_response r;
};

static void *
slow_request_run(void *arg)
{
	struct slow_request *s = arg;

	api_client_get(s->c, s->path ? s->path : "/v1/staff/keys", s->key, &s->r);
	return (NULL);
}

static void
lock_keys(PGconn *holder)
{
	PGresult *res = PQexec(holder, "BEGIN; LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");

	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
	PQclear(res);
}

static void
unlock_keys(PGconn *holder)
{
	PQclear(PQexec(holder, "COMMIT"));
}

/* Asked on the test's own connection: inside the holder's transaction
 * pg_stat_activity would not change. */
static void
wait_for_lock_waiter(PGconn *observer)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (testdb_scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE"
		    " wait_event_type = 'Lock' AND datname = current_database()") > 0)
			return;
		usleep(25000);
	}
	cr_assert_fail("the slow request never reached the database");
}

Test(api_server, a_busy_pool_answers_503_pool_exhausted)
{
	const char *env[] = {"FAIRRATE_POOL_SIZE=1", "FAIRRATE_POOL_WAIT_MS=200", NULL};
	struct api_client *c;
	char *admin = api_client_create_key("admin", NULL);
	PGconn *holder = db_connect(testdb_url());
	struct slow_request s;
	pthread_t t;

	cr_assert_not_null(holder);
	c = api_client_start(env);
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.key = admin;
	lock_keys(holder);
	cr_assert_eq(pthread_create(&t, NULL, slow_request_run, &s), 0);
	wait_for_lock_waiter(conn);
	get_expect(c, "/readyz", NULL, 503, "pool_exhausted");
	get_expect(c, "/healthz", NULL, 200, NULL);
	unlock_keys(holder);
	pthread_join(t, NULL);
	cr_assert_eq(s.r.status, 200);
	api_response_free(&s.r);
	get_expect(c, "/readyz", NULL, 200, NULL);
	PQfinish(holder);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

/* A request that waits for the only connection, within the pool wait, is counted as
 * waiting and then served, not turned away. */
Test(api_server, a_request_queued_within_the_pool_wait_is_served)
{
	const char *env[] = {"FAIRRATE_POOL_SIZE=1", "FAIRRATE_POOL_WAIT_MS=60000", NULL};
	struct api_client *c;
	char *admin = api_client_create_key("admin", NULL);
	PGconn *holder = db_connect(testdb_url());
	struct slow_request s[2];
	struct api_response m;
	pthread_t t[2];
	int i, seen = 0;

	cr_assert_not_null(holder);
	c = api_client_start(env);
	memset(s, 0, sizeof(s));
	lock_keys(holder);
	for (i = 0; i < 2; i++) {
		s[i].c = c;
		s[i].key = admin;
		cr_assert_eq(pthread_create(&t[i], NULL, slow_request_run, &s[i]), 0);
		if (i == 0)
			wait_for_lock_waiter(conn);
	}
	for (i = 0; i < 400 && !seen; i++) {
		api_client_get(c, "/metrics", NULL, &m);
		cr_assert_eq(m.status, 200);
		seen = strstr(m.body.data, "\nfairrate_db_pool_waiting 1\n") != NULL;
		api_response_free(&m);
		if (!seen)
			usleep(25000);
	}
	cr_assert(seen, "the second request is shown waiting for the connection");
	unlock_keys(holder);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(s[i].r.status, 200, "request %d: %s", i,
		    s[i].r.body.data ? s[i].r.body.data : "");
		api_response_free(&s[i].r);
	}
	PQfinish(holder);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, sigterm_lets_a_request_in_flight_finish)
{
	struct api_client *c = api_client_start(NULL);
	char *admin = api_client_create_key("admin", NULL);
	PGconn *holder = db_connect(testdb_url());
	struct slow_request s;
	pthread_t t;

	cr_assert_not_null(holder);
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.key = admin;
	lock_keys(holder);
	cr_assert_eq(pthread_create(&t, NULL, slow_request_run, &s), 0);
	wait_for_lock_waiter(conn);
	cr_assert_eq(kill(api_client_pid(c), SIGTERM), 0);
	cr_assert_eq(api_client_wait(c, 500), -1, "still running while a request is in flight");
	unlock_keys(holder);
	pthread_join(t, NULL);
	cr_assert_eq(s.r.status, 200, "the request in flight was answered: %s",
	    s.r.body.data ? s.r.body.data : "");
	api_response_free(&s.r);
	cr_assert_eq(api_client_wait(c, 10000), 0, "then the server exits 0");
	PQfinish(holder);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, keys_create_prints_the_key_last)
{
	const char *company[] = {"keys", "create", "--role", "company", "--company", "acme",
	    "--name", "acme ops", NULL};
	const char *missing[] = {"keys", "create", "--role", "company", NULL};
	const char *extra[] = {"keys", "create", "--role", "investor", "--company", "acme", NULL};
	const char *list[] = {"keys", "list", NULL};
	struct buf out;
	char *key, *last;

	PQclear(PQexec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'finance', 'large', 'DE')"));
	cr_assert_eq(api_client_run(company, &out), 0);
	out.data[--out.len] = '\0';
	last = strrchr(out.data, '\n');
	last = last ? last + 1 : out.data;
	cr_assert_eq(strlen(last), 3 + 12 + 1 + 64, "the last line is the key alone: %s", last);
	cr_assert_eq(strncmp(last, "fr_", 3), 0);
	key = strdup(last);
	buf_free(&out);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys k JOIN companies c"
	    " ON c.id = k.company_id WHERE c.slug = 'acme' AND k.role = 'company'"), 1);
	cr_assert_eq(api_client_run(missing, &out), 2);
	buf_free(&out);
	cr_assert_eq(api_client_run(extra, &out), 2);
	buf_free(&out);
	cr_assert_eq(api_client_run(list, &out), 0);
	cr_assert_not_null(strstr(out.data, "acme"));
	cr_assert_null(strstr(out.data, key + 16), "list never shows the secret");
	buf_free(&out);
	free(key);
}

/* A throw-away PostgreSQL cluster of our own, so that the test can stop and start it
 * under a running server. initdb refuses root: as root it runs as postgres. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return (system(cmd));
}

#define AS_OWNER "$( [ \"$(id -u)\" -eq 0 ] && echo 'runuser -u postgres --' ) "
#define PGBIN "/usr/lib/postgresql/15/bin/"

static void
wait_ready(struct api_client *c, long status, const char *code)
{
	struct api_response r;
	char got[64];
	int i;

	for (i = 0; i < 150; i++) {
		api_client_get(c, "/readyz", NULL, &r);
		if (r.status == status && (code == NULL ||
		    (api_response_error_code(&r, got, sizeof(got)) != NULL &&
		    strcmp(got, code) == 0))) {
			api_response_free(&r);
			return;
		}
		api_response_free(&r);
		usleep(100000);
	}
	cr_assert_fail("/readyz never answered %ld", status);
}

Test(api_server, the_server_recovers_after_the_database_restarts)
{
	char dir[] = "/tmp/fairrate-pg-XXXXXX", url[512];
	const char *migrate[] = {"migrate", NULL};
	struct api_client *c;
	struct buf out;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(own_cluster, sizeof(own_cluster), "%s", dir);
	cr_assert_eq(sh("chmod 755 %s && ( [ \"$(id -u)\" -ne 0 ] || chown postgres: %s ) && "
	    AS_OWNER PGBIN "initdb -D %s/data -A trust -U postgres >%s/initdb.log 2>&1", dir, dir,
	    dir, dir), 0);
	cr_assert_eq(sh("printf \"listen_addresses = ''\\nunix_socket_directories = '%s'\\n\""
	    " >> %s/data/postgresql.conf", dir, dir), 0);
	cr_assert_eq(sh(AS_OWNER PGBIN "pg_ctl -D %s/data -l %s/pg.log -w start >/dev/null", dir,
	    dir),
	    0);
	snprintf(url, sizeof(url), "postgresql:///postgres?host=%s&user=postgres", dir);
	setenv("DATABASE_URL", url, 1);
	cr_assert_eq(api_client_run(migrate, &out), 0, "migrating the new cluster");
	buf_free(&out);
	c = api_client_start_url(url, NULL);
	wait_ready(c, 200, NULL);
	cr_assert_eq(sh(AS_OWNER PGBIN "pg_ctl -D %s/data -m fast -w stop >/dev/null", dir), 0);
	wait_ready(c, 503, "database_unavailable");
	get_expect(c, "/healthz", NULL, 200, NULL);
	cr_assert_eq(sh(AS_OWNER PGBIN "pg_ctl -D %s/data -l %s/pg.log -w start >/dev/null", dir,
	    dir),
	    0);
	wait_ready(c, 200, NULL);
	cr_assert_eq(api_client_stop(c), 0);
}

/* A raw connection to the server, for requests libcurl will not send slowly. */
static int
raw_connect(struct api_client *c)
{
	struct sockaddr_in sa;
	struct timeval tv = {10, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)api_client_port(c));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return (fd);
}

static void
raw_send(int fd, const char *s)
{
	cr_assert_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

Test(api_server, slow_clients_are_cut_off)
{
	const char *env[] = {"FAIRRATE_REQUEST_TIMEOUT=1", "FAIRRATE_CONNECTION_TIMEOUT=1",
	    NULL};
	struct api_client *c = api_client_start(env);
	char got[256];
	ssize_t n;
	int fd;

	/* A body that trickles in past the request timeout: the connection is closed. */
	fd = raw_connect(c);
	raw_send(fd, "POST /v1/staff/keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	    "Content-Length: 40\r\n\r\n{\"role\":");
	usleep(1500000);
	send(fd, "\"investor\"", 10, MSG_NOSIGNAL);
	n = recv(fd, got, sizeof(got), 0);
	cr_assert(n == 0 || (n < 0 && errno == ECONNRESET),
	    "no answer, the connection is closed (not left hanging): %zd", n);
	close(fd);
	/* Headers that never finish: closed by the connection timeout. */
	fd = raw_connect(c);
	raw_send(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
	n = recv(fd, got, sizeof(got), 0);
	cr_assert(n == 0 || (n < 0 && errno == ECONNRESET), "closed while idle: %zd", n);
	close(fd);
	get_expect(c, "/healthz", NULL, 200, NULL);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, a_database_stall_answers_503_and_healthz_stays_up)
{
	const char *env[] = {"FAIRRATE_REQUEST_TIMEOUT=2", "FAIRRATE_POOL_SIZE=2",
	    "FAIRRATE_WORKERS=2", "FAIRRATE_THREADS=2", "FAIRRATE_SUMMARY_CACHE_MB=0", NULL};
	struct slow_request s[6];
	pthread_t t[6];
	struct api_client *c;
	char *investor;
	PGconn *holder = db_connect(testdb_url());
	PGresult *res;
	char retry[16], code[64];
	int i;

	cr_assert_not_null(holder);
	PQclear(PQexec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'finance', 'large', 'DE')"));
	investor = api_client_create_key("investor", NULL);
	c = api_client_start(env);
	get_expect(c, "/v1/companies/acme", investor, 200, NULL);
	/* The company's lookup reads its stored summary (stored by the lookup above)
	 * and, missing that, the company: both stall. */
	res = PQexec(holder, "BEGIN; LOCK TABLE companies, company_summaries IN ACCESS"
	    " EXCLUSIVE MODE");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
	PQclear(res);
	for (i = 0; i < 6; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].c = c;
		s[i].key = investor;
		s[i].path = "/v1/companies/acme";
		cr_assert_eq(pthread_create(&t[i], NULL, slow_request_run, &s[i]), 0);
	}
	wait_for_lock_waiter(conn);
	/* Liveness answers while every worker waits on the lock. */
	get_expect(c, "/healthz", NULL, 200, NULL);
	for (i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	/* Every stalled request was answered while the lock was still held: 503 with
	 * Retry-After, never a 500 and never a wait for the lock to go. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM pg_locks l JOIN pg_class c"
	    " ON c.oid = l.relation WHERE c.relname = 'companies' AND l.granted AND"
	    " l.mode = 'AccessExclusiveLock'"), 1, "the lock is still held");
	for (i = 0; i < 6; i++) {
		cr_assert_eq(s[i].r.status, 503, "request %d: %ld %s", i, s[i].r.status,
		    s[i].r.body.data ? s[i].r.body.data : "");
		cr_assert_not_null(api_response_error_code(&s[i].r, code, sizeof(code)));
		cr_assert(strcmp(code, "database_unavailable") == 0 ||
		    strcmp(code, "deadline_exceeded") == 0 || strcmp(code, "pool_exhausted") == 0,
		    "code %s", code);
		cr_assert_not_null(api_response_header(&s[i].r, "Retry-After", retry,
		    sizeof(retry)), "a 503 carries Retry-After");
		api_response_free(&s[i].r);
	}
	get_expect(c, "/healthz", NULL, 200, NULL);
	PQclear(PQexec(holder, "COMMIT"));
	get_expect(c, "/v1/companies/acme", investor, 200, NULL);
	PQfinish(holder);
	free(investor);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, a_nul_byte_in_the_target_is_refused)
{
	static const char raw[] = "GET /healthz\0.css HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n";
	struct api_client *c = api_client_start(NULL);
	char *admin = api_client_create_key("admin", NULL);
	char got[1024];
	ssize_t n;
	int fd;

	get_expect(c, "/healthz%00.css", NULL, 400, "invalid_path");
	get_expect(c, "/v1/staff/keys?limit=1%00", admin, 400, "invalid_parameter");
	get_expect(c, "/v1/staff/keys?limit=2", admin, 200, NULL);
	/* A raw NUL byte in the request line, which libcurl will not send. */
	fd = raw_connect(c);
	cr_assert_eq(send(fd, raw, sizeof(raw) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(raw) - 1);
	n = recv(fd, got, sizeof(got) - 1, MSG_WAITALL);
	cr_assert_gt(n, 0);
	got[n] = '\0';
	cr_assert(strncmp(got, "HTTP/1.1 400 ", 13) == 0, "%s", got);
	cr_assert_not_null(strstr(got, "\"code\":\"invalid_path\""), "%s", got);
	close(fd);
	free(admin);
	cr_assert_eq(api_client_stop(c), 0);
}

Test(api_server, a_trickled_request_head_is_cut)
{
	const char *env[] = {"FAIRRATE_HEADER_TIMEOUT=1", "FAIRRATE_CONNECTION_TIMEOUT=30",
	    NULL};
	struct api_client *c = api_client_start(env);
	const char *head = "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	    "X-Slow: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\r\n\r\n";
	char got[256];
	ssize_t n = -1;
	size_t i;
	int fd = raw_connect(c), closed = 0;

	/* A byte every 300 ms: libmicrohttpd's idle timeout never fires on it. */
	for (i = 0; head[i] != '\0' && !closed; i++) {
		if (send(fd, head + i, 1, MSG_NOSIGNAL) != 1)
			closed = 1;
		usleep(300000);
		n = recv(fd, got, sizeof(got), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			closed = 1;
	}
	cr_assert(closed, "the connection was cut before its head was complete");
	cr_assert_lt(i, strlen(head) - 4, "cut early: after %zu bytes", i);
	close(fd);
	get_expect(c, "/healthz", NULL, 200, NULL);
	cr_assert_eq(api_client_stop(c), 0);
}

/* A JSON attachment body whose file is n bytes of 'A' (base64 of n bytes). */
static char *
attachment_body(size_t n, size_t *len)
{
	size_t b64 = (n + 2) / 3 * 4;
	const char *pre = "{\"filename\":\"a.txt\",\"content_type\":\"text/plain\","
	    "\"content_base64\":\"";
	char *body = malloc(strlen(pre) + b64 + 3);
	size_t i;

	cr_assert_not_null(body);
	strcpy(body, pre);
	for (i = 0; i < b64; i++)
		body[strlen(pre) + i] = 'Q';    /* "QQQQ" is the bytes 41 04 10 */
	memcpy(body + strlen(pre) + b64, "\"}", 3);
	*len = strlen(body);
	return (body);
}

Test(api_server, attachment_uploads_have_their_own_body_limit)
{
	struct api_client *c;
	char *key, *body;
	struct api_response r;
	size_t len;

	PQclear(PQexec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'finance', 'large', 'DE')"));
	key = api_client_create_key("company", "acme");
	c = api_client_start(NULL);
	/* 4.5 MiB passes the body limit (1 MiB for other routes) and reaches the
	 * handler: no such dispute. */
	body = attachment_body(4608 * 1024, &len);
	api_client_request(c, "POST", "/v1/me/disputes/999/attachments", key,
	    "application/json", body, len, 0, &r);
	expect_error(&r, 404, "not_found");
	api_response_free(&r);
	free(body);
	/* One byte past 5 MiB: refused by the attachment limit. */
	body = attachment_body(5 * 1024 * 1024 + 3, &len);
	api_client_request(c, "POST", "/v1/me/disputes/999/attachments", key,
	    "application/json", body, len, 0, &r);
	cr_assert_eq(r.status, 413, "%ld %s", r.status, r.body.data);
	api_response_free(&r);
	free(body);
	/* Past the route's body limit: refused before the handler. */
	body = attachment_body(6 * 1024 * 1024, &len);
	api_client_request(c, "POST", "/v1/me/disputes/999/attachments", key,
	    "application/json", body, len, 0, &r);
	expect_error(&r, 413, "payload_too_large");
	api_response_free(&r);
	free(body);
	/* Other routes keep the general limit. */
	body = attachment_body(2 * 1024 * 1024, &len);
	post_expect(c, key, "application/json", body, len, 0, 413, "payload_too_large");
	free(body);
	free(key);
	cr_assert_eq(api_client_stop(c), 0);
}

/* The value of a metric without labels in /metrics, or -1. */
static double
metric_value(struct api_client *c, const char *name)
{
	struct api_response r;
	char pattern[160];
	const char *p;
	double v = -1;

	api_client_get(c, "/metrics", NULL, &r);
	snprintf(pattern, sizeof(pattern), "\n%s ", name);
	if (r.body.data != NULL && (p = strstr(r.body.data, pattern)) != NULL)
		v = strtod(p + strlen(pattern), NULL);
	api_response_free(&r);
	return (v);
}

Test(api_server, a_lookup_that_moves_to_a_worker_counts_one_miss)
{
	struct api_client *c;
	char *investor;

	PQclear(PQexec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'finance', 'large', 'DE')"));
	investor = api_client_create_key("investor", NULL);
	c = api_client_start(NULL);
	/* The key is cached by then: the lookup of acme misses on the HTTP thread and
	 * moves to a worker, which must not count a second miss. */
	get_expect(c, "/v1/companies/nobody", investor, 404, NULL);
	cr_assert_eq(metric_value(c, "fairrate_summary_cache_misses_total"), 1);
	get_expect(c, "/v1/companies/acme", investor, 200, NULL);
	cr_assert_eq(metric_value(c, "fairrate_summary_cache_misses_total"), 2);
	cr_assert_eq(metric_value(c, "fairrate_summary_cache_hits_total"), 0);
	get_expect(c, "/v1/companies/acme", investor, 200, NULL);
	cr_assert_eq(metric_value(c, "fairrate_summary_cache_misses_total"), 2);
	cr_assert_eq(metric_value(c, "fairrate_summary_cache_hits_total"), 1);
	free(investor);
	cr_assert_eq(api_client_stop(c), 0);
}
