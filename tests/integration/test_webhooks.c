/* Webhooks delivered by the worker of `fairrate serve` to a local HTTPS receiver:
 * dispute state changes and rating changes to the company, rating changes of its
 * companies to an investor's portfolio; bodies signed (HMAC-SHA256) and verified here;
 * retries with backoff and one idempotency key per delivery; a restart loses and
 * duplicates nothing; an address the operator has not allowed is refused. */
#include <criterion/criterion.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "dispute/webhook.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"
#include "tests/support/tls_server.h"

static PGconn *conn;
static struct api_client *c;
static struct tls_server *rx;
static char *k_acme, *k_investor, *k_admin;
static char env_ca[256], env_connect[320];
static const char *env_extra;              /* one more setting for serve, or NULL */
static long ev_port;

static void
setup(void)
{
	conn = testdb_create();
	api_world_seed(conn);
	ev_port = testdb_scalar(conn, "SELECT id FROM evidence WHERE check_code ="
	    " 'exposed_services.open_port_risky'");
	k_acme = api_client_create_key("company", "acme");
	k_investor = api_client_create_key("investor", NULL);
	k_admin = api_client_create_key("admin", NULL);
	rx = tls_server_start("hooks.example");
	snprintf(env_ca, sizeof(env_ca), "FAIRRATE_OUTBOUND_CA_FILE=%s", tls_server_ca(rx));
	snprintf(env_connect, sizeof(env_connect), "FAIRRATE_OUTBOUND_CONNECT_TO="
	    "hooks.example:443:127.0.0.1:%u", tls_server_port(rx));
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	free(k_acme);
	free(k_investor);
	free(k_admin);
	tls_server_stop(rx);
	testdb_drop(conn);
}

TestSuite(webhooks, .init = setup, .fini = teardown, .timeout = 120);

static void
serve(int worker, int allow)
{
	const char *env[12];
	size_t n = 0;

	env[n++] = API_WORLD_NOW_ENV;
	env[n++] = "FAIRRATE_RATE_LIMIT=0";
	env[n++] = "FAIRRATE_KEY_CACHE_TTL=0";
	env[n++] = "FAIRRATE_WEBHOOK_POLL_MS=50";
	env[n++] = "FAIRRATE_WEBHOOK_BACKOFF_SECS=1";
	env[n++] = env_ca;
	env[n++] = env_connect;
	if (!worker)
		env[n++] = "FAIRRATE_WEBHOOK_WORKER=off";
	if (allow)
		env[n++] = "FAIRRATE_OUTBOUND_ALLOW=127.0.0.0/8";
	if (env_extra != NULL)
		env[n++] = env_extra;
	env[n] = NULL;
	c = api_client_start(env);
}

static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

/* PUT the webhook at path; returns its secret (malloc'd). */
static char *
set_webhook(const char *path, const char *key, const char *url)
{
	char body[256];
	json_t *v;
	char *secret;

	snprintf(body, sizeof(body), "{\"url\": \"%s\"}", url);
	v = call("PUT", path, key, body, 200);
	secret = strdup(json_string_value(json_object_get(v, "secret")));
	cr_assert_eq(strlen(secret), 64);
	json_decref(v);
	return (secret);
}

static long
open_dispute(void)
{
	char body[256];
	json_t *v;
	long id;

	snprintf(body, sizeof(body), "{\"reason\": \"false_positive\", \"explanation\":"
	    " \"closed\", \"evidence_ids\": [%ld]}", ev_port);
	v = call("POST", "/v1/me/disputes", k_acme, body, 201);
	id = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	return (id);
}

/* The i-th POST, checked: path, a valid signature under secret, an idempotency key;
 * returns its body parsed. */
static json_t *
received(size_t i, const char *path, const char *secret, struct tls_server_post *p)
{
	json_t *v;

	tls_server_post(rx, i, p);
	cr_assert_str_eq(p->path, path);
	cr_assert(webhook_verify(secret, p->signature, p->body, p->len, (int64_t)time(NULL),
	    300), "bad signature %s on %s", p->signature, p->body);
	cr_assert_not(webhook_verify("0000000000000000000000000000000000000000000000000000"
	    "000000000000", p->signature, p->body, p->len, (int64_t)time(NULL), 300));
	cr_assert_eq(strlen(p->idempotency_key), 36, "key %s", p->idempotency_key);
	v = json_loads(p->body, 0, NULL);
	cr_assert_not_null(v, "%s", p->body);
	return (v);
}

Test(webhooks, dispute_and_rating_changes_reach_company_and_portfolio)
{
	struct tls_server_post p;
	char path[128], *secret, *psecret;
	long id, portfolio;
	json_t *v;
	size_t n, i;
	int saw_company_rating = 0, saw_portfolio_rating = 0;

	serve(1, 1);
	secret = set_webhook("/v1/me/webhook", k_acme, "https://hooks.example/acme");
	v = call("POST", "/v1/portfolios", k_investor, "{\"name\": \"watch\"}", 201);
	portfolio = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/acme", portfolio);
	json_decref(call("PUT", path, k_investor, NULL, 204));
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/webhook", portfolio);
	psecret = set_webhook(path, k_investor, "https://hooks.example/investor");
	/* Someone else's portfolio is 404. */
	json_decref(call("GET", path, k_admin, NULL, 404));

	id = open_dispute();
	cr_assert_eq(tls_server_wait_posts(rx, 1, 10000), 1);
	v = received(0, "/acme", secret, &p);
	cr_assert_str_eq(p.event, "dispute.opened");
	cr_assert_str_eq(json_string_value(json_object_get(v, "company")), "acme");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "dispute"), "id")),
	    id);
	json_decref(v);
	free(p.body);

	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/assign", id);
	json_decref(call("POST", path, k_admin, "{}", 200));
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/decision", id);
	json_decref(call("POST", path, k_admin, "{\"outcome\": \"accepted\","
	    " \"rationale\": \"confirmed\"}", 200));
	/* assign, accept (two state changes) and the new rating to both webhooks. */
	n = tls_server_wait_posts(rx, 5, 10000);
	cr_assert_eq(n, 5);
	for (i = 1; i < n; i++) {
		int company = 0;

		tls_server_post(rx, i, &p);
		company = strcmp(p.path, "/acme") == 0;
		free(p.body);
		v = received(i, company ? "/acme" : "/investor", company ? secret : psecret, &p);
		if (strcmp(p.event, "rating.changed") == 0) {
			json_t *rating = json_object_get(v, "rating");

			cr_assert_str_eq(json_string_value(json_object_get(rating, "reason")),
			    "correction");
			if (company) {
				saw_company_rating = 1;
				cr_assert_eq(json_integer_value(json_object_get(json_object_get(
				    rating, "reason_detail"), "dispute_id")), id);
			} else {
				saw_portfolio_rating = 1;
				/* An investor never learns which dispute it was. */
				cr_assert(json_is_null(json_object_get(rating, "reason_detail")));
			}
		} else {
			cr_assert(company, "a dispute event went to the investor");
			cr_assert_str_eq(p.event, "dispute.state_changed");
		}
		json_decref(v);
		free(p.body);
	}
	cr_assert(saw_company_rating && saw_portfolio_rating);
	/* The delivery log, once the worker has recorded the last answers. */
	for (i = 0; i < 100 && testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries"
	    " WHERE state <> 'delivered'") > 0; i++)
		usleep(50000);
	v = call("GET", "/v1/me/webhook", k_acme, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "deliveries")), 4);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "deliveries"), 0), "state")), "delivered");
	cr_assert_null(json_object_get(v, "secret"));
	json_decref(v);
	free(secret);
	free(psecret);
}

Test(webhooks, retries_with_backoff_and_one_idempotency_key)
{
	struct tls_server_post a, b;
	char *secret;
	json_t *v;
	int tries;

	serve(1, 1);
	secret = set_webhook("/v1/me/webhook", k_acme, "https://hooks.example/acme");
	tls_server_fail_posts(rx, 1);
	open_dispute();
	cr_assert_eq(tls_server_wait_posts(rx, 2, 15000), 2);
	json_decref(received(0, "/acme", secret, &a));
	json_decref(received(1, "/acme", secret, &b));
	cr_assert_str_eq(a.idempotency_key, b.idempotency_key);
	cr_assert_str_eq(a.attempt, "1");
	cr_assert_str_eq(b.attempt, "2");
	free(a.body);
	free(b.body);
	/* The worker logs an attempt once the receiver has answered: give it that moment. */
	for (tries = 0; tries < 100 &&
	    testdb_scalar(conn, "SELECT count(*) FROM webhook_attempts") < 2; tries++)
		usleep(50000);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_attempts"), 2);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_attempts WHERE"
	    " http_status = 500"), 1);
	/* The retry came at least the backoff (1 s) after the failure. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_attempts a2 JOIN"
	    " webhook_attempts a1 ON a1.delivery_id = a2.delivery_id AND a1.attempt = 1"
	    " WHERE a2.attempt = 2 AND a2.at - a1.at >= interval '900 milliseconds'"), 1);
	v = call("GET", "/v1/me/webhook", k_acme, NULL, 200);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v,
	    "deliveries"), 0), "attempts")), 2);
	json_decref(v);
	free(secret);
}

Test(webhooks, a_restart_loses_and_duplicates_nothing)
{
	char *secret;

	/* Enqueued while no worker runs... */
	serve(0, 1);
	secret = set_webhook("/v1/me/webhook", k_acme, "https://hooks.example/acme");
	open_dispute();
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries WHERE"
	    " state = 'pending'"), 1);
	api_client_stop(c);
	c = NULL;
	/* ...and a delivery whose worker died holding its lease (due again when the
	 * lease runs out). */
	api_world_exec(conn, "UPDATE webhook_deliveries SET attempts = 1, lease_until ="
	    " now() + interval '1 second', next_attempt_at = now() + interval '1 second'");
	serve(1, 1);
	cr_assert_eq(tls_server_wait_posts(rx, 1, 10000), 1);
	tls_server_wait_posts(rx, 2, 1500);
	cr_assert_eq(tls_server_posts(rx), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries WHERE"
	    " state = 'delivered'"), 1);
	free(secret);
}

Test(webhooks, unallowed_addresses_and_bad_urls_are_refused)
{
	char *secret;
	long n = 0;
	int i;

	serve(1, 0);
	json_decref(call("PUT", "/v1/me/webhook", k_acme, "{\"url\": \"http://hooks.example/\"}",
	    400));
	json_decref(call("PUT", "/v1/me/webhook", k_acme,
	    "{\"url\": \"https://user:pw@hooks.example/\"}", 400));
	json_decref(call("PUT", "/v1/me/webhook", k_investor,
	    "{\"url\": \"https://hooks.example/\"}", 403));
	/* Non-public addresses written out are refused when set (issue 18), whatever
	 * their spelling; nothing is stored. */
	{
		static const char *const literal[] = {"https://127.0.0.1/", "https://[::1]/",
		    "https://2130706433/", "https://0x7f000001/", "https://127.1/",
		    "https://0177.0.0.1/", "https://[::ffff:127.0.0.1]/", "https://0/",
		    "https://10.0.0.8:8443/hook", "https://169.254.169.254/latest"};
		char body[128];
		json_t *v;
		size_t k;

		for (k = 0; k < sizeof(literal) / sizeof(literal[0]); k++) {
			snprintf(body, sizeof(body), "{\"url\": \"%s\"}", literal[k]);
			v = call("PUT", "/v1/me/webhook", k_acme, body, 422);
			cr_assert_str_eq(api_call_error_code(v), "non_public_address", "%s",
			    literal[k]);
			json_decref(v);
		}
		cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhooks"), 0);
	}
	secret = set_webhook("/v1/me/webhook", k_acme, "https://hooks.example/acme");
	open_dispute();
	for (i = 0; i < 100 && n == 0; i++) {
		n = testdb_scalar(conn, "SELECT count(*) FROM webhook_attempts WHERE error ="
		    " 'address_refused'");
		if (n == 0)
			tls_server_wait_posts(rx, 1, 50);
	}
	cr_assert_geq(n, 1);
	cr_assert_eq(tls_server_posts(rx), 0);
	json_decref(call("DELETE", "/v1/me/webhook", k_acme, NULL, 204));
	json_decref(call("GET", "/v1/me/webhook", k_acme, NULL, 404));
	free(secret);
}

/* Issue 18: one slow receiver delayed everybody (deliveries were sent one after
 * another under one lease) and rows that outlived the lease were sent twice. A
 * receiver that accepts TCP and never answers (slow.example) now holds only its own
 * senders (at most FAIRRATE_WEBHOOK_PER_RECEIVER of them): another webhook's event
 * arrives while the slow ones still hang, and no delivery is leased without being
 * sent. Causal checks, no timing: the fast post comes while the slow rows are still
 * leased; the slow timeout is far longer than the wait. */
Test(webhooks, a_slow_receiver_holds_only_its_own_senders)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char connect_to[320], path[128], *secret, *psecret;
	long id, portfolio, leased;
	json_t *v;
	int slow;

	cr_assert_geq(slow = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(slow, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(slow, 16), 0);   /* connections complete; nothing answers */
	cr_assert_eq(getsockname(slow, (struct sockaddr *)&sa, &len), 0);
	snprintf(connect_to, sizeof(connect_to), ",slow.example:443:127.0.0.1:%u",
	    (unsigned)ntohs(sa.sin_port));
	cr_assert_lt(strlen(env_connect) + strlen(connect_to), sizeof(env_connect));
	strcat(env_connect, connect_to);
	env_extra = "FAIRRATE_OUTBOUND_TIMEOUT_MS=60000";
	serve(1, 1);
	env_extra = NULL;
	secret = set_webhook("/v1/me/webhook", k_acme, "https://slow.example/acme");
	v = call("POST", "/v1/portfolios", k_investor, "{\"name\": \"watch\"}", 201);
	portfolio = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/companies/acme", portfolio);
	json_decref(call("PUT", path, k_investor, NULL, 204));
	snprintf(path, sizeof(path), "/v1/portfolios/%ld/webhook", portfolio);
	psecret = set_webhook(path, k_investor, "https://hooks.example/investor");

	/* The company's events (to the slow receiver) come first, then the rating change
	 * that goes to both. */
	id = open_dispute();
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/assign", id);
	json_decref(call("POST", path, k_admin, "{}", 200));
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/decision", id);
	json_decref(call("POST", path, k_admin, "{\"outcome\": \"accepted\","
	    " \"rationale\": \"confirmed\"}", 200));
	cr_assert_eq(tls_server_wait_posts(rx, 1, 30000), 1,
	    "the fast receiver waited behind the slow one");
	leased = testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries d JOIN webhooks"
	    " w ON w.id = d.webhook_id WHERE w.url LIKE 'https://slow.example/%'"
	    " AND d.state = 'pending' AND d.lease_until > now()");
	cr_assert_geq(leased, 1, "the slow sends were still hanging");
	cr_assert_leq(leased, 2, "more than FAIRRATE_WEBHOOK_PER_RECEIVER in flight");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM webhook_deliveries d JOIN"
	    " webhooks w ON w.id = d.webhook_id WHERE w.url LIKE 'https://slow.example/%'"
	    " AND d.attempts > 1"), 0, "a slow delivery was leased again while in flight");
	close(slow);
	free(secret);
	free(psecret);
}
