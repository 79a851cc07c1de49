/* Profile claims by domain control against a local HTTPS server on 127.0.0.1 with a
 * test CA. A verify only queues a check (202); the claim worker fetches the file, and
 * the claimant polls GET /v1/claims/{id} with the secret, getting the key once. Also:
 * loopback is refused unless the operator allows it; TLS is verified; redirects to
 * plain HTTP and loops fail; unrated domains, expired claims and too many attempts
 * are refused; a silent host holds no request thread; checks in flight are capped per
 * claim, per client and in total; only a registered domain attributed firmly enough
 * can be claimed; existing key holders (or staff) confirm a new claim; the per-domain
 * limit holds under parallel requests. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"
#include "tests/support/tls_server.h"

static PGconn *conn;
static struct api_client *c;
static struct tls_server *tls;
static char env_ca[256], env_connect[512];

static void
setup(void)
{
	unsigned p;

	conn = testdb_create();
	api_world_seed(conn);
	tls = tls_server_start("acme.example,norating.example,beta.example");
	p = tls_server_port(tls);
	snprintf(env_ca, sizeof(env_ca), "FAIRRATE_OUTBOUND_CA_FILE=%s", tls_server_ca(tls));
	snprintf(env_connect, sizeof(env_connect), "FAIRRATE_OUTBOUND_CONNECT_TO="
	    "acme.example:443:127.0.0.1:%u,norating.example:443:127.0.0.1:%u,"
	    "beta.example:443:127.0.0.1:%u", p, p, p);
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	tls_server_stop(tls);
	testdb_drop(conn);
}

TestSuite(claims, .init = setup, .fini = teardown, .timeout = 180);

/* Serve with the mapping to the local server; allow: whether the operator allows
 * loopback; ca: whether the test CA is trusted; extra: more settings (NULL-ended,
 * may be NULL). */
static void
serve_with(int allow, int ca, const char *const *extra)
{
	const char *env[24];
	size_t n = 0;

	env[n++] = API_WORLD_NOW_ENV;
	env[n++] = "FAIRRATE_PUBLIC_RATE_LIMIT=0";
	env[n++] = "FAIRRATE_WEBHOOK_WORKER=off";
	env[n++] = env_connect;
	if (ca)
		env[n++] = env_ca;
	if (allow)
		env[n++] = "FAIRRATE_OUTBOUND_ALLOW=127.0.0.0/8,::1/128";
	while (extra != NULL && *extra != NULL && n < sizeof(env) / sizeof(env[0]) - 1)
		env[n++] = *extra++;
	env[n] = NULL;
	c = api_client_start(env);
}

static void
serve(int allow, int ca)
{
	serve_with(allow, ca, NULL);
}

/* POST path with the JSON body, no key: must answer status; the parsed body. */
static json_t *
post(const char *path, const char *body, long status)
{
	return (api_call_json(c, "POST", path, NULL, body, status));
}

struct claim {
	long id;
	char token[64];
	char secret[80];
	char verify[64];
	char body[128];
};

static void
make_claim(const char *domain, struct claim *cl)
{
	char body[128], url[160];
	json_t *v;

	snprintf(body, sizeof(body), "{\"domain\": \"%s\"}", domain);
	v = post("/v1/claims", body, 201);
	cl->id = (long)json_integer_value(json_object_get(v, "id"));
	snprintf(cl->token, sizeof(cl->token), "%s",
	    json_string_value(json_object_get(v, "token")));
	snprintf(cl->secret, sizeof(cl->secret), "%s",
	    json_string_value(json_object_get(v, "secret")));
	snprintf(url, sizeof(url), "https://%s/.well-known/fairrate-verification.txt",
	    domain);
	cr_assert_str_eq(json_string_value(json_object_get(v, "publish_at")), url);
	json_decref(v);
	snprintf(cl->verify, sizeof(cl->verify), "/v1/claims/%ld/verify", cl->id);
	snprintf(cl->body, sizeof(cl->body), "{\"secret\": \"%s\"}", cl->secret);
}

static size_t
sink(char *data, size_t size, size_t n, void *userp)
{
	return (buf_append(userp, data, size * n) == 0 ? size * n : 0);
}

/* GET /v1/claims/{id} with secret in X-Claim-Secret (NULL: none): must answer
 * status; the parsed body. */
static json_t *
poll_claim(long id, const char *secret, long status)
{
	struct curl_slist *h = NULL;
	char url[128], line[160];
	struct buf body;
	long got = 0;
	char *ctype = NULL, path[64];
	json_t *v;
	CURL *e;

	buf_init(&body, 1 << 20);
	cr_assert_not_null(e = curl_easy_init());
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/v1/claims/%ld", api_client_port(c),
	    id);
	if (secret != NULL) {
		snprintf(line, sizeof(line), "X-Claim-Secret: %s", secret);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	cr_assert_eq(curl_easy_perform(e), CURLE_OK);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &got);
	curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
	snprintf(path, sizeof(path), "/v1/claims/%ld", id);
	api_client_contract_log("GET", path, got, ctype ? ctype : "", body.data, body.len);
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
	cr_assert_eq(got, status, "GET /v1/claims/%ld: %ld %s", id, got,
	    body.data ? body.data : "");
	v = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	buf_free(&body);
	cr_assert_not_null(v);
	return (v);
}

static const char *
field(const json_t *v, const char *name)
{
	const char *s = json_string_value(json_object_get(v, name));

	return (s ? s : "(none)");
}

/* Poll claim cl until its check is over (the worker is asynchronous; this bounds the
 * wait generously rather than timing anything). The last answer. */
static json_t *
wait_settled(const struct claim *cl)
{
	json_t *v;
	int i;

	for (i = 0; i < 1200; i++) {
		v = poll_claim(cl->id, cl->secret, 200);
		if (strcmp(field(v, "state"), "pending") != 0 &&
		    strcmp(field(v, "state"), "verifying") != 0)
			return (v);
		json_decref(v);
		usleep(50000);
	}
	cr_assert_fail("claim %ld never settled", cl->id);
	return (NULL);
}

/* Queue a check of cl (202, pending) and wait for its outcome. */
static json_t *
check(const struct claim *cl)
{
	json_t *v = post(cl->verify, cl->body, 202);

	cr_assert_str_eq(field(v, "state"), "pending");
	json_decref(v);
	return (wait_settled(cl));
}

/* A check that must fail with a reason holding words. */
static void
expect_failed(const struct claim *cl, const char *words)
{
	json_t *v = check(cl);

	cr_assert_str_eq(field(v, "state"), "failed");
	cr_assert(strstr(field(v, "reason"), words) != NULL, "reason: %s", field(v, "reason"));
	cr_assert_null(json_object_get(v, "key"));
	json_decref(v);
}

/* A verify that must be refused with status and code. */
static void
expect_refused(const struct claim *cl, long status, const char *code)
{
	json_t *v = post(cl->verify, cl->body, status);

	cr_assert_str_eq(api_call_error_code(v), code);
	json_decref(v);
}

/* The key of a claim whose check just succeeded, copied into key (size 160). */
static void
take_key(json_t *v, char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(v, "key"),
	    "secret"));

	cr_assert_str_eq(field(v, "state"), "verified");
	cr_assert_not_null(s, "the first poll after success shows the key");
	snprintf(key, 160, "%s", s);
}

Test(claims, domain_control_returns_a_company_key_once)
{
	struct api_response r;
	struct claim cl;
	char file[128], key[160], sql[256];
	json_t *v;

	serve(1, 1);
	make_claim("acme.example", &cl);
	/* Nothing published yet. */
	expect_failed(&cl, "token_not_found");
	/* Another secret finds no claim, to verify or to read. */
	v = post(cl.verify, "{\"secret\": \"0000000000000000000000000000000000000000000000"
	    "000000000000000000\"}", 404);
	json_decref(v);
	json_decref(poll_claim(cl.id, "00000000000000000000000000000000000000000000000000"
	    "00000000000000", 404));
	json_decref(poll_claim(cl.id, NULL, 400));
	snprintf(file, sizeof(file), "# fairrate\n%s\r\n", cl.token);
	tls_server_set_file(tls, file);
	v = check(&cl);
	cr_assert_str_eq(field(v, "company"), "acme");
	take_key(v, key);
	json_decref(v);
	/* The key works for acme's own routes. */
	api_client_get(c, "/v1/me", key, &r);
	cr_assert_eq(r.status, 200, "%s", r.body.data);
	cr_assert_not_null(strstr(r.body.data, "\"acme\""));
	api_response_free(&r);
	/* Once only: the next poll shows no key, a verify is refused. */
	v = poll_claim(cl.id, cl.secret, 200);
	cr_assert_str_eq(field(v, "state"), "verified");
	cr_assert_null(json_object_get(v, "key"));
	cr_assert(json_is_string(json_object_get(v, "key_issued_at")));
	json_decref(v);
	expect_refused(&cl, 409, "claim_verified");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE role ="
	    " 'company'"), 1);
	/* The audit log names the claim as the key's maker, not the command line. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action ="
	    " 'key.create' AND actor = 'claim:%ld' AND actor_key_id IS NULL", cl.id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action ="
	    " 'claim.verified' AND actor = 'claim:%ld' AND target = 'claim:%ld'", cl.id,
	    cl.id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE actor ="
	    " 'cli'"), 0);
}

/* The instructions are a text of the server's: in the language asked for. */
Test(claims, the_instructions_are_in_the_language_asked_for)
{
	json_t *en, *ja;

	serve(1, 1);
	en = post("/v1/claims", "{\"domain\": \"acme.example\"}", 201);
	ja = post("/v1/claims?lang=ja", "{\"domain\": \"acme.example\"}", 201);
	cr_assert_not_null(strstr(field(en, "instructions"), "publish the token"), "%s",
	    field(en, "instructions"));
	cr_assert_not_null(strstr(field(ja, "instructions"), "トークンだけを"), "%s",
	    field(ja, "instructions"));
	cr_assert_not_null(strstr(field(ja, "instructions"), "X-Claim-Secret"));
	json_decref(en);
	json_decref(ja);
}

Test(claims, loopback_is_refused_unless_the_operator_allows_it)
{
	struct claim cl;

	serve(0, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failed(&cl, "address_refused");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys"), 0);
}

Test(claims, tls_is_verified)
{
	struct claim cl;

	serve(1, 0);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failed(&cl, "tls_failed");
}

Test(claims, redirects_https_only_and_few)
{
	struct claim cl;
	char key[160];
	json_t *v;

	serve(1, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	tls_server_set_redirect(tls, "http://acme.example/moved.txt");
	expect_failed(&cl, "");
	tls_server_set_redirect(tls, "/loop");
	expect_failed(&cl, "too_many_redirects");
	tls_server_set_redirect(tls, "https://acme.example/moved.txt");
	v = check(&cl);
	take_key(v, key);
	json_decref(v);
}

Test(claims, unrated_expired_invalid_and_too_many_attempts)
{
	struct claim cl, old;
	char sql[128];
	json_t *v;
	int i;

	serve(1, 1);
	v = post("/v1/claims", "{\"domain\": \"Not A Domain\"}", 400);
	json_decref(v);
	v = post("/v1/claims", "{\"domain\": \"localhost\"}", 400);
	json_decref(v);
	/* norating.example belongs to a company without a rating. */
	make_claim("norating.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failed(&cl, "domain_not_rated");
	/* Expired. */
	make_claim("acme.example", &old);
	snprintf(sql, sizeof(sql), "UPDATE claims SET created_at = created_at - interval"
	    " '8 days', expires_at = expires_at - interval '8 days' WHERE id = %ld", old.id);
	api_world_exec(conn, sql);
	expect_refused(&old, 410, "claim_expired");
	v = poll_claim(old.id, old.secret, 200);
	cr_assert_str_eq(field(v, "state"), "expired");
	json_decref(v);
	/* Attempts are counted: ten, then 429. */
	tls_server_set_file(tls, "nothing here");
	make_claim("acme.example", &cl);
	for (i = 0; i < 10; i++)
		expect_failed(&cl, "token_not_found");
	expect_refused(&cl, 429, "too_many_attempts");
	/* Claims per domain an hour: one made on acme.example in this hour (the other
	 * was moved eight days back), five allowed. */
	for (i = 0; i < 4; i++)
		make_claim("acme.example", &old);
	v = post("/v1/claims", "{\"domain\": \"acme.example\"}", 429);
	json_decref(v);
}

/* A TCP listener on 127.0.0.1 that accepts connections and never answers. */
struct silent {
	int fd;
	unsigned port;
	pthread_t thread;
	atomic_int stop;
	int conns[64];
	atomic_int n;
};

static void *
silent_main(void *arg)
{
	struct silent *s = arg;
	struct pollfd p;
	int fd;

	while (!atomic_load(&s->stop)) {
		p.fd = s->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((fd = accept(s->fd, NULL, NULL)) < 0)
			continue;
		if (atomic_load(&s->n) < 64)
			s->conns[atomic_fetch_add(&s->n, 1)] = fd;
		else
			close(fd);
	}
	return (NULL);
}

static void
silent_start(struct silent *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert((s->fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	cr_assert_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s->fd, 64), 0);
	cr_assert_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	cr_assert_eq(pthread_create(&s->thread, NULL, silent_main, s), 0);
}

static void
silent_stop(struct silent *s)
{
	int i;

	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	for (i = 0; i < atomic_load(&s->n); i++)
		close(s->conns[i]);
	close(s->fd);
}

/* Map acme.example and beta.example to the silent listener. */
static void
serve_silent(const struct silent *s, const char *const *extra)
{
	snprintf(env_connect, sizeof(env_connect), "FAIRRATE_OUTBOUND_CONNECT_TO="
	    "acme.example:443:127.0.0.1:%u,beta.example:443:127.0.0.1:%u", s->port, s->port);
	serve_with(1, 1, extra);
}

struct verify_call {
	const struct claim *cl;
	long status;
	char state[32];
};

static void *
verify_thread(void *arg)
{
	struct verify_call *vc = arg;
	struct api_response r;

	api_client_request(c, "POST", vc->cl->verify, NULL, "application/json",
	    vc->cl->body, strlen(vc->cl->body), 0, &r);
	vc->status = r.status;
	if (r.body.data != NULL && strstr(r.body.data, "\"pending\"") != NULL)
		snprintf(vc->state, sizeof(vc->state), "pending");
	api_response_free(&r);
	return (NULL);
}

/* The audit: eight verifies against a host that accepts and never answers held a
 * plain GET /v1/methodology for as long as the fetches lasted. Checks now run on the
 * claim worker: the request threads (two here) stay free. */
Test(claims, a_silent_host_does_not_stall_the_api)
{
	static const char *const extra[] = {"FAIRRATE_THREADS=2", "FAIRRATE_CLAIM_WORKERS=2",
	    "FAIRRATE_CLAIM_PER_CLIENT=8", "FAIRRATE_OUTBOUND_TIMEOUT_MS=600000", NULL};
	struct verify_call calls[8];
	pthread_t threads[8];
	struct claim cl[8];
	struct api_response r;
	struct silent s;
	json_t *v;
	int i;

	silent_start(&s);
	serve_silent(&s, extra);
	for (i = 0; i < 8; i++)
		make_claim(i < 4 ? "acme.example" : "beta.example", &cl[i]);
	for (i = 0; i < 8; i++) {
		memset(&calls[i], 0, sizeof(calls[i]));
		calls[i].cl = &cl[i];
		cr_assert_eq(pthread_create(&threads[i], NULL, verify_thread, &calls[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(threads[i], NULL);
		cr_assert_eq(calls[i].status, 202, "verify %d answered %ld", i, calls[i].status);
		cr_assert_str_eq(calls[i].state, "pending");
	}
	api_client_get(c, "/v1/methodology", NULL, &r);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	/* ... while every check is still waiting on the silent host. */
	for (i = 0; i < 8; i++) {
		v = poll_claim(cl[i].id, cl[i].secret, 200);
		cr_assert(strcmp(field(v, "state"), "pending") == 0 ||
		    strcmp(field(v, "state"), "verifying") == 0, "state %s", field(v, "state"));
		json_decref(v);
	}
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM claims WHERE state IN"
	    " ('pending', 'verifying')"), 8);
	cr_assert(testdb_scalar(conn, "SELECT count(*) FROM claims WHERE state ="
	    " 'verifying'") <= 2, "at most FAIRRATE_CLAIM_WORKERS fetches at once");
	api_client_stop(c);
	c = NULL;
	silent_stop(&s);
}

/* 429 with code and a Retry-After header. */
static void
expect_busy(const struct claim *cl, const char *code)
{
	struct api_response r;
	char got[64], after[16];

	api_client_request(c, "POST", cl->verify, NULL, "application/json", cl->body,
	    strlen(cl->body), 0, &r);
	cr_assert_eq(r.status, 429, "%s", r.body.data);
	cr_assert_str_eq(api_response_error_code(&r, got, sizeof(got)), code);
	cr_assert_not_null(api_response_header(&r, "Retry-After", after, sizeof(after)));
	cr_assert(atoi(after) > 0);
	api_response_free(&r);
}

Test(claims, checks_in_flight_are_capped_per_claim_per_client_and_in_total)
{
	static const char *const extra[] = {"FAIRRATE_CLAIM_WORKERS=1",
	    "FAIRRATE_CLAIM_PER_CLIENT=2", "FAIRRATE_CLAIM_QUEUE_MAX=3",
	    "FAIRRATE_OUTBOUND_TIMEOUT_MS=600000", NULL};
	struct claim a1, a2, a3, b1;
	struct silent s;
	char sql[160];
	json_t *v;

	silent_start(&s);
	serve_silent(&s, extra);
	make_claim("acme.example", &a1);
	make_claim("acme.example", &a2);
	make_claim("acme.example", &a3);
	make_claim("beta.example", &b1);
	json_decref(post(a1.verify, a1.body, 202));
	/* Per claim: one check at a time. */
	expect_busy(&a1, "verification_in_progress");
	json_decref(post(a2.verify, a2.body, 202));
	/* Per client address: two. */
	expect_busy(&a3, "too_many_verifications");
	/* In total: three. a1 and a2 now count for other clients. */
	snprintf(sql, sizeof(sql), "UPDATE claims SET requested_from = '192.0.2.1' WHERE"
	    " id IN (%ld, %ld)", a1.id, a2.id);
	api_world_exec(conn, sql);
	json_decref(post(b1.verify, b1.body, 202));
	expect_busy(&a3, "verification_queue_full");
	/* Refusals count no attempt. */
	v = poll_claim(a3.id, a3.secret, 200);
	cr_assert_eq(json_integer_value(json_object_get(v, "attempts")), 0);
	cr_assert_str_eq(field(v, "state"), "open");
	json_decref(v);
	api_client_stop(c);
	c = NULL;
	silent_stop(&s);
	/* The check cut short by the stop went back to the queue. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM claims WHERE state ="
	    " 'verifying'"), 0);
}

/* The audit: serving the token on an attributed subdomain (a portal run by a third
 * party) gave a full company key. */
Test(claims, only_a_registered_domain_can_be_claimed)
{
	json_t *v;

	api_world_exec(conn, "INSERT INTO assets (company_id, kind, value, source,"
	    " confidence) SELECT id, 'domain', 'portal.acme.example', 'registry', 1.0"
	    " FROM companies WHERE slug = 'acme'");
	serve(1, 1);
	v = post("/v1/claims", "{\"domain\": \"portal.acme.example\"}", 400);
	cr_assert_str_eq(api_call_error_code(v), "not_registered_domain");
	cr_assert_not_null(strstr(api_call_error_field(v, "message"), "acme.example"));
	json_decref(v);
	v = post("/v1/claims", "{\"domain\": \"co.jp\"}", 400);
	cr_assert_str_eq(api_call_error_code(v), "not_registered_domain");
	json_decref(v);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM claims"), 0);
}

/* The audit: a claim matched any attributed domain whatever its confidence. */
Test(claims, the_domain_must_be_attributed_firmly)
{
	static const char *const lower[] = {"FAIRRATE_CLAIM_MIN_CONFIDENCE=0.75", NULL};
	struct claim cl;
	char key[160];
	json_t *v;

	api_world_exec(conn, "UPDATE assets SET confidence = 0.8 WHERE value ="
	    " 'acme.example'");
	serve(1, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failed(&cl, "domain_not_attributed");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys"), 0);
	/* The threshold is the operator's setting. */
	api_client_stop(c);
	serve_with(1, 1, lower);
	v = check(&cl);
	take_key(v, key);
	json_decref(v);
}

/* The methodology in force sets the least confidence that counts; a claim needs at
 * least that too, whatever the operator's lower setting. */
Test(claims, the_methodology_s_minimum_confidence_binds_claims)
{
	static const char *const lower[] = {"FAIRRATE_CLAIM_MIN_CONFIDENCE=0.75", NULL};
	struct claim cl;

	api_world_exec(conn, "UPDATE assets SET confidence = 0.8 WHERE value ="
	    " 'acme.example';"
	    "INSERT INTO methodology_versions (version, status, definition,"
	    " definition_sha256, change_log, published_at, effective_at, notice_days)"
	    " SELECT '2026.8', 'published', d, encode(sha256(convert_to(d::text, 'UTF8')),"
	    " 'hex'), 'test', '2026-02-01', '2026-02-15', 0 FROM (SELECT jsonb_set(jsonb_set("
	    " jsonb_set(definition, '{version}', '\"2026.8\"'), '{effective_at}',"
	    " '\"2026-02-15T00:00:00Z\"'), '{attribution}', '{\"min_confidence\": 0.85}')"
	    " AS d FROM methodology_versions WHERE version = '2026.1') x");
	serve_with(1, 1, lower);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failed(&cl, "domain_not_attributed");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys"), 0);
}

Test(claims, existing_key_holders_or_staff_confirm_a_new_claim)
{
	struct claim cl, other;
	char *holder, *beta, *analyst, key[160], path[96], sql[256];
	struct api_response r;
	json_t *v;

	holder = api_client_create_key("company", "acme");
	beta = api_client_create_key("company", "beta");
	analyst = api_client_create_key("analyst", NULL);
	api_world_exec(conn, "INSERT INTO webhooks (company_id, url, secret) SELECT id,"
	    " 'https://hooks.example/fairrate', repeat('a', 64) FROM companies"
	    " WHERE slug = 'acme'");
	serve(1, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	v = check(&cl);
	cr_assert_str_eq(field(v, "state"), "awaiting_confirmation");
	cr_assert_null(json_object_get(v, "key"));
	json_decref(v);
	expect_refused(&cl, 409, "claim_awaiting_confirmation");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE role ="
	    " 'company' AND company_id = (SELECT id FROM companies WHERE slug = 'acme')"), 1);
	/* The company's webhook is told, in the same transaction. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries WHERE"
	    " event = 'claim.awaiting_confirmation'"), 1);
	/* The existing key holder sees it ... */
	v = api_call_json(c, "GET", "/v1/me/claims?state=awaiting_confirmation", holder,
	    NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v,
	    "items"), 0), "id")), cl.id);
	json_decref(v);
	/* ... another company neither sees nor decides it ... */
	v = api_call_json(c, "GET", "/v1/me/claims", beta, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/me/claims/%ld/decision", cl.id);
	json_decref(api_call_json(c, "POST", path, beta, "{\"outcome\": \"confirmed\"}",
	    404));
	/* ... and confirms it: the claimant's next poll gets a key, once. */
	json_decref(api_call_json(c, "POST", path, holder, "{\"outcome\": \"maybe\"}", 400));
	v = api_call_json(c, "POST", path, holder, "{\"outcome\": \"confirmed\","
	    " \"rationale\": \"our new security team\"}", 200);
	cr_assert_str_eq(field(v, "state"), "verified");
	json_decref(v);
	json_decref(api_call_json(c, "POST", path, holder, "{\"outcome\": \"rejected\"}",
	    409));
	v = poll_claim(cl.id, cl.secret, 200);
	take_key(v, key);
	json_decref(v);
	api_client_get(c, "/v1/me", key, &r);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action ="
	    " 'claim.confirmed' AND target = 'claim:%ld' AND actor LIKE 'company:%%'"
	    " AND actor_key_id IS NOT NULL", cl.id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	/* Another claim: staff reject it; the claimant learns so and gets nothing. */
	make_claim("acme.example", &other);
	tls_server_set_file(tls, other.token);
	v = check(&other);
	cr_assert_str_eq(field(v, "state"), "awaiting_confirmation");
	json_decref(v);
	v = api_call_json(c, "GET", "/v1/staff/claims?state=awaiting_confirmation", analyst,
	    NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	json_decref(api_call_json(c, "GET", "/v1/staff/claims", holder, NULL, 403));
	snprintf(path, sizeof(path), "/v1/staff/claims/%ld/decision", other.id);
	json_decref(api_call_json(c, "POST", path, analyst, "{\"outcome\": \"rejected\","
	    " \"rationale\": \"not the company\"}", 200));
	v = poll_claim(other.id, other.secret, 200);
	cr_assert_str_eq(field(v, "state"), "rejected");
	cr_assert_null(json_object_get(v, "key"));
	json_decref(v);
	expect_refused(&other, 409, "claim_rejected");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE role ="
	    " 'company' AND company_id = (SELECT id FROM companies WHERE slug = 'acme')"), 2);
	free(holder);
	free(beta);
	free(analyst);
}

struct create_call {
	long status;
};

static void *
create_thread(void *arg)
{
	struct create_call *cc = arg;
	struct api_response r;
	static const char body[] = "{\"domain\": \"acme.example\"}";

	api_client_request(c, "POST", "/v1/claims", NULL, "application/json", body,
	    strlen(body), 0, &r);
	cc->status = r.status;
	api_response_free(&r);
	return (NULL);
}

/* The audit: the claims-per-domain-an-hour limit was a count, then an insert, so that
 * parallel requests under READ COMMITTED all saw room. A trigger that makes each
 * insert slow keeps the race window open; the limit must hold all the same. */
Test(claims, the_per_domain_limit_holds_under_parallel_requests)
{
	static const char *const extra[] = {"FAIRRATE_THREADS=20", "FAIRRATE_POOL_SIZE=20",
	    NULL};
	struct create_call calls[20];
	pthread_t threads[20];
	int i, created = 0;

	api_world_exec(conn, "CREATE FUNCTION claims_slow_insert() RETURNS trigger"
	    " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.2); RETURN NEW; END $$;"
	    "CREATE TRIGGER claims_slow_insert BEFORE INSERT ON claims FOR EACH ROW"
	    " EXECUTE FUNCTION claims_slow_insert()");
	serve_with(1, 1, extra);
	for (i = 0; i < 20; i++) {
		calls[i].status = 0;
		cr_assert_eq(pthread_create(&threads[i], NULL, create_thread, &calls[i]), 0);
	}
	for (i = 0; i < 20; i++) {
		pthread_join(threads[i], NULL);
		cr_assert(calls[i].status == 201 || calls[i].status == 429, "status %ld",
		    calls[i].status);
		created += calls[i].status == 201;
	}
	cr_assert_eq(created, 5);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM claims WHERE domain ="
	    " 'acme.example'"), 5);
}
