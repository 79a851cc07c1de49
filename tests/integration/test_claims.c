/* Profile claims by domain control against a local HTTPS server on 127.0.0.1 with a
 * test CA: the key is returned once when the token is published; loopback is refused
 * unless the operator allows it; TLS is verified; redirects to plain HTTP and loops
 * fail; unrated domains, expired claims and too many attempts are refused. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	tls = tls_server_start("acme.example,norating.example");
	p = tls_server_port(tls);
	snprintf(env_ca, sizeof(env_ca), "FAIRRATE_OUTBOUND_CA_FILE=%s", tls_server_ca(tls));
	snprintf(env_connect, sizeof(env_connect), "FAIRRATE_OUTBOUND_CONNECT_TO="
	    "acme.example:443:127.0.0.1:%u,norating.example:443:127.0.0.1:%u", p, p);
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	tls_server_stop(tls);
	testdb_drop(conn);
}

TestSuite(claims, .init = setup, .fini = teardown, .timeout = 120);

/* Serve with the test CA and the mapping to the local server; allow: whether the
 * operator allows loopback; ca: whether the test CA is trusted. */
static void
serve(int allow, int ca)
{
	const char *env[8];
	size_t n = 0;

	env[n++] = API_WORLD_NOW_ENV;
	env[n++] = "FAIRRATE_PUBLIC_RATE_LIMIT=0";
	env[n++] = "FAIRRATE_WEBHOOK_WORKER=off";
	env[n++] = env_connect;
	if (ca)
		env[n++] = env_ca;
	if (allow)
		env[n++] = "FAIRRATE_OUTBOUND_ALLOW=127.0.0.0/8,::1/128";
	env[n] = NULL;
	c = api_client_start(env);
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
	char body[128];
	json_t *v;

	snprintf(body, sizeof(body), "{\"domain\": \"%s\"}", domain);
	v = post("/v1/claims", body, 201);
	cl->id = (long)json_integer_value(json_object_get(v, "id"));
	snprintf(cl->token, sizeof(cl->token), "%s",
	    json_string_value(json_object_get(v, "token")));
	snprintf(cl->secret, sizeof(cl->secret), "%s",
	    json_string_value(json_object_get(v, "secret")));
	cr_assert_str_eq(json_string_value(json_object_get(v, "publish_at")), strcmp(domain,
	    "acme.example") == 0 ? "https://acme.example/.well-known/fairrate-verification.txt"
	    : "https://norating.example/.well-known/fairrate-verification.txt");
	json_decref(v);
	snprintf(cl->verify, sizeof(cl->verify), "/v1/claims/%ld/verify", cl->id);
	snprintf(cl->body, sizeof(cl->body), "{\"secret\": \"%s\"}", cl->secret);
}

static void
expect_failure(const struct claim *cl, long status, const char *code, const char *words)
{
	json_t *v = post(cl->verify, cl->body, status);
	const char *got = api_call_error_field(v, "code");
	const char *msg = api_call_error_field(v, "message");

	cr_assert_str_eq(got ? got : "", code);
	if (words != NULL)
		cr_assert(msg != NULL && strstr(msg, words) != NULL, "message: %s", msg);
	json_decref(v);
}

Test(claims, domain_control_returns_a_company_key_once)
{
	struct api_response r;
	struct claim cl;
	char file[128], key[160];
	json_t *v;

	serve(1, 1);
	make_claim("acme.example", &cl);
	/* Nothing published yet. */
	expect_failure(&cl, 422, "verification_failed", "token_not_found");
	/* Another secret finds no claim. */
	v = post(cl.verify, "{\"secret\": \"0000000000000000000000000000000000000000000000"
	    "000000000000000000\"}", 404);
	json_decref(v);
	snprintf(file, sizeof(file), "# fairrate\n%s\r\n", cl.token);
	tls_server_set_file(tls, file);
	v = post(cl.verify, cl.body, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "company")), "acme");
	snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(json_object_get(v,
	    "key"), "secret")));
	json_decref(v);
	/* The key works for acme's own routes. */
	api_client_get(c, "/v1/me", key, &r);
	cr_assert_eq(r.status, 200, "%s", r.body.data);
	cr_assert_not_null(strstr(r.body.data, "\"acme\""));
	api_response_free(&r);
	/* Once only. */
	expect_failure(&cl, 409, "claim_verified", NULL);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys WHERE role ="
	    " 'company'"), 1);
}

Test(claims, loopback_is_refused_unless_the_operator_allows_it)
{
	struct claim cl;

	serve(0, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failure(&cl, 422, "verification_failed", "address_refused");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys"), 0);
}

Test(claims, tls_is_verified)
{
	struct claim cl;

	serve(1, 0);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	expect_failure(&cl, 422, "verification_failed", "tls_failed");
}

Test(claims, redirects_https_only_and_few)
{
	struct claim cl;
	json_t *v;

	serve(1, 1);
	make_claim("acme.example", &cl);
	tls_server_set_file(tls, cl.token);
	tls_server_set_redirect(tls, "http://acme.example/moved.txt");
	expect_failure(&cl, 422, "verification_failed", NULL);
	tls_server_set_redirect(tls, "/loop");
	expect_failure(&cl, 422, "verification_failed", "too_many_redirects");
	tls_server_set_redirect(tls, "https://acme.example/moved.txt");
	v = post(cl.verify, cl.body, 200);
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
	expect_failure(&cl, 422, "verification_failed", "domain_not_rated");
	/* Expired. */
	make_claim("acme.example", &old);
	snprintf(sql, sizeof(sql), "UPDATE claims SET created_at = created_at - interval"
	    " '8 days', expires_at = expires_at - interval '8 days' WHERE id = %ld", old.id);
	api_world_exec(conn, sql);
	expect_failure(&old, 410, "claim_expired", NULL);
	/* Attempts are counted: ten, then 429. */
	tls_server_set_file(tls, "nothing here");
	make_claim("acme.example", &cl);
	for (i = 0; i < 10; i++)
		expect_failure(&cl, 422, "verification_failed", "token_not_found");
	expect_failure(&cl, 429, "too_many_attempts", NULL);
	/* Claims per domain an hour: one made on acme.example in this hour (the other
	 * was moved eight days back), five allowed. */
	for (i = 0; i < 4; i++)
		make_claim("acme.example", &old);
	v = post("/v1/claims", "{\"domain\": \"acme.example\"}", 429);
	json_decref(v);
}
