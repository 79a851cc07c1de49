/* Disputes over HTTP on the small rated world (tests/support/api_world.h): the whole
 * lifecycle with a comment thread, a request for information, a rejection, an appeal
 * to another reviewer and an acceptance that corrects the rating at once; refusals
 * as 409 with the current state; confidentiality (404 to other companies, 403 to
 * investors); bad input; the audit log; the statistics; two decisions at once. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;
static char *k_acme, *k_beta, *k_investor, *k_analyst1, *k_analyst2, *k_admin;
static long ev_port, ev_software;

/* Serve, a company opening at most per_day disputes a day; extra (may be NULL) is one
 * more NAME=value for the server's environment. */
static void
serve_with(const char *per_day, const char *extra)
{
	char limit[64];
	const char *env[] = {API_WORLD_NOW_ENV, "FAIRRATE_RATE_LIMIT=0",
	    "FAIRRATE_PUBLIC_RATE_LIMIT=0", "FAIRRATE_BODY_LIMIT=8000000",
	    "FAIRRATE_KEY_CACHE_TTL=0", "FAIRRATE_WEBHOOK_WORKER=off", limit, extra, NULL};

	snprintf(limit, sizeof(limit), "FAIRRATE_DISPUTES_PER_DAY=%s", per_day);
	c = api_client_start(env);
}

static void
serve(const char *per_day)
{
	serve_with(per_day, NULL);
}

static void
setup(void)
{
	conn = testdb_create();
	api_world_seed(conn);
	ev_port = testdb_scalar(conn, "SELECT id FROM evidence WHERE check_code ="
	    " 'exposed_services.open_port_risky'");
	ev_software = testdb_scalar(conn, "SELECT id FROM evidence WHERE check_code ="
	    " 'patching.outdated_software'");
	k_acme = api_client_create_key("company", "acme");
	k_beta = api_client_create_key("company", "beta");
	k_investor = api_client_create_key("investor", NULL);
	k_analyst1 = api_client_create_key("analyst", NULL);
	k_analyst2 = api_client_create_key("analyst", NULL);
	k_admin = api_client_create_key("admin", NULL);
	serve("20");
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	free(k_acme);
	free(k_beta);
	free(k_investor);
	free(k_analyst1);
	free(k_analyst2);
	free(k_admin);
	testdb_drop(conn);
}

TestSuite(dispute_api, .init = setup, .fini = teardown, .timeout = 120);

static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

static void
expect_error(const char *method, const char *path, const char *key, const char *body,
    long status, const char *code, const char *state)
{
	json_t *v = call(method, path, key, body, status);
	const char *got;

	cr_assert_str_eq(api_call_error_code(v), code, "%s %s", method, path);
	if (state != NULL) {
		got = api_call_error_field(v, "state");
		cr_assert_str_eq(got ? got : "(none)", state, "%s %s", method, path);
	}
	json_decref(v);
}

static const char *
state_of(json_t *v)
{
	const char *s = json_string_value(json_object_get(v, "state"));

	return (s ? s : "(none)");
}

/* POST path with body by key: must answer 200 with the dispute in state. */
static void
step(const char *path, const char *key, const char *body, const char *state)
{
	json_t *v = call("POST", path, key, body, 200);

	cr_assert_str_eq(state_of(v), state, "POST %s", path);
	json_decref(v);
}

static long
open_dispute(long evidence, const char *key, long status)
{
	char body[256];
	json_t *v;
	long id;

	snprintf(body, sizeof(body), "{\"reason\": \"false_positive\", \"explanation\":"
	    " \"the port is closed to the internet\", \"evidence_ids\": [%ld]}", evidence);
	v = call("POST", "/v1/me/disputes", key, body, status);
	id = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	return (id);
}

static int
company_disputed_now(const char *key)
{
	json_t *v = call("GET", "/v1/companies/acme", key, NULL, 200);
	int d = json_is_true(json_object_get(v, "disputed"));

	json_decref(v);
	return (d);
}

/* Whether the investor summary shows disputed == want within two seconds: the
 * server's summary cache is invalidated by a database notification, so a read right
 * after a change may still be served the summary of just before. */
static int
company_disputed_is(const char *key, int want)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (company_disputed_now(key) == want)
			return (1);
		usleep(20000);
	}
	return (0);
}

Test(dispute_api, lifecycle_reject_appeal_accept_corrects_the_rating)
{
	char path[128], sub[160];
	long id, ratings_before;
	json_t *v, *thread;
	size_t i, notes = 0;

	/* The world's one 'disputed' row has no dispute behind it: make it plain. */
	api_world_exec(conn, "UPDATE evidence SET status = 'active', status_reason = NULL"
	    " WHERE status = 'disputed'");
	cr_assert(company_disputed_is(k_investor, 0));
	id = open_dispute(ev_port, k_acme, 201);
	cr_assert_gt(id, 0);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld", id);
	/* While it is open the rating shows disputed to investors too. */
	cr_assert(company_disputed_is(k_investor, 1));
	/* A second open dispute on the same evidence. */
	expect_error("POST", "/v1/me/disputes", k_acme, "{\"reason\": \"other\","
	    " \"explanation\": \"again\", \"evidence_ids\": [999999999]}", 404, "not_found",
	    NULL);
	open_dispute(ev_port, k_acme, 409);

	/* Staff: take it, note internally, ask for more. */
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	step(sub, k_analyst1, "{}", "in_review");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/comments", id);
	step(sub, k_analyst1, "{\"body\": \"internal: check the scanner logs\", \"internal\":"
	    " true}", "in_review");
	step(sub, k_analyst1, "{\"body\": \"we are looking at it\"}", "in_review");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/request-info", id);
	step(sub, k_analyst1, "{\"body\": \"send the firewall rule\"}", "info_requested");
	/* The company answers with a comment; it sees no internal note. */
	snprintf(sub, sizeof(sub), "%s/comments", path);
	step(sub, k_acme, "{\"body\": \"rule attached: deny 6379 from any\"}", "in_review");
	v = call("GET", path, k_acme, NULL, 200);
	thread = json_object_get(v, "thread");
	cr_assert_gt(json_array_size(thread), 4);
	for (i = 0; i < json_array_size(thread); i++) {
		const char *b = json_string_value(json_object_get(json_array_get(thread, i),
		    "body"));

		cr_assert(b == NULL || strstr(b, "internal:") == NULL, "internal note shown");
	}
	json_decref(v);
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld", id);
	v = call("GET", sub, k_analyst2, NULL, 200);
	thread = json_object_get(v, "thread");
	for (i = 0; i < json_array_size(thread); i++)
		notes += json_is_true(json_object_get(json_array_get(thread, i), "internal"));
	cr_assert_eq(notes, 1);
	json_decref(v);

	/* Reject; an appeal goes to another reviewer. */
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
	expect_error("POST", sub, k_analyst1, "{\"outcome\": \"maybe\", \"rationale\": \"x\"}",
	    400, "invalid_field", NULL);
	step(sub, k_analyst1, "{\"outcome\": \"rejected\", \"rationale\": \"still open on"
	    " our scan\"}", "rejected");
	cr_assert(company_disputed_is(k_investor, 0));
	expect_error("POST", sub, k_analyst1, "{\"outcome\": \"accepted\", \"rationale\":"
	    " \"changed my mind\"}", 409, "invalid_state", "rejected");
	snprintf(sub, sizeof(sub), "%s/appeal", path);
	step(sub, k_acme, "{\"reason\": \"the scan hit our honeypot\"}", "appealed");
	expect_error("POST", sub, k_acme, "{\"reason\": \"again\"}", 409,
	    "appeal_already_made", "appealed");
	cr_assert(company_disputed_is(k_investor, 1));
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	expect_error("POST", sub, k_analyst1, "{}", 409, "same_reviewer", "appealed");
	step(sub, k_analyst2, "{}", "in_review_appeal");
	ratings_before = testdb_scalar(conn, "SELECT count(*) FROM ratings r JOIN companies"
	    " c ON c.id = r.company_id WHERE c.slug = 'acme'");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
	step(sub, k_analyst2, "{\"outcome\": \"accepted\", \"rationale\": \"honeypot"
	    " confirmed\"}", "appeal_accepted");
	/* Corrected in the same request: a new rating naming the dispute. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings r JOIN companies c"
	    " ON c.id = r.company_id WHERE c.slug = 'acme'"), ratings_before + 1);
	{
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM ratings WHERE reason ="
		    " 'correction' AND (reason_detail->>'dispute_id')::bigint = %ld", id);
		cr_assert_eq(testdb_scalar(conn, sql), 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE id = %ld AND"
		    " status = 'corrected'", ev_port);
		cr_assert_eq(testdb_scalar(conn, sql), 1);
	}
	v = call("GET", "/v1/companies/acme/history", k_investor, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "items"), 0), "reason")), "correction", "history: %s",
	    json_dumps(v, JSON_COMPACT));
	json_decref(v);
	/* Final: any further event is refused with the state. */
	expect_error("POST", sub, k_admin, "{\"outcome\": \"rejected\", \"rationale\":"
	    " \"no\"}", 409, "invalid_state", "appeal_accepted");
	/* The audit log has every change (admin only). */
	cr_assert_geq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action IN"
	    " ('dispute.open', 'dispute.assign', 'dispute.request_info', 'dispute.respond',"
	    " 'dispute.decide_reject', 'dispute.appeal', 'dispute.decide_accept')"), 8);
	v = call("GET", "/v1/staff/audit?action=dispute.&limit=3", k_admin, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 3);
	cr_assert(json_is_string(json_object_get(v, "next_cursor")));
	json_decref(v);
	expect_error("GET", "/v1/staff/audit", k_analyst1, NULL, 403, "forbidden", NULL);
	/* Statistics name no company. */
	{
		struct api_response r;

		api_client_get(c, "/v1/transparency/disputes", NULL, &r);
		cr_assert_eq(r.status, 200);
		cr_assert_null(strstr(r.body.data, "acme"));
		v = json_loads(r.body.data, 0, NULL);
		cr_assert_not_null(v, "not JSON: %s", r.body.data);
		cr_assert_eq(json_integer_value(json_object_get(v, "total")), 1);
		cr_assert_eq(json_integer_value(json_object_get(v, "accepted")), 1);
		json_decref(v);
		api_response_free(&r);
	}
}

/* Staff see what is disputed (check, asset, details, source, dates) and what
 * accepting would do, and accepting then does exactly that. */
Test(dispute_api, staff_see_the_disputed_evidence_and_the_effect_of_accepting)
{
	char path[128], sub[160], sql[256];
	json_t *v, *ev, *effect;
	double if_accepted;
	long id;

	api_world_exec(conn, "UPDATE evidence SET status = 'active', status_reason = NULL"
	    " WHERE status = 'disputed'");
	id = open_dispute(ev_port, k_acme, 201);
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/evidence", id);
	v = call("GET", path, k_analyst1, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "company")), "acme");
	cr_assert_str_eq(json_string_value(json_object_get(v, "kind")), "evidence");
	cr_assert_eq(json_array_size(json_object_get(v, "evidence")), 1);
	ev = json_array_get(json_object_get(v, "evidence"), 0);
	cr_assert_eq(json_integer_value(json_object_get(ev, "id")), ev_port);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "check")),
	    "exposed_services.open_port_risky");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "asset"),
	    "value")), API_WORLD_SECRET_HOST);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(ev, "details"),
	    "port")), 6379);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "source")), "portscan");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "status")), "disputed");
	effect = json_object_get(v, "effect_of_accepting");
	cr_assert_gt(json_real_value(json_object_get(effect, "change")), 0,
	    "an open risky port costs points");
	if_accepted = json_real_value(json_object_get(effect, "score_if_accepted"));
	json_decref(v);
	json_decref(call("GET", path, k_acme, NULL, 403));
	json_decref(call("GET", path, k_investor, NULL, 403));
	json_decref(call("GET", "/v1/staff/disputes/999999/evidence", k_analyst1, NULL, 404));

	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	step(sub, k_analyst1, "{}", "in_review");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
	step(sub, k_analyst1, "{\"outcome\": \"accepted\", \"rationale\": \"closed\"}",
	    "accepted");
	snprintf(sql, sizeof(sql), "SELECT round(score * 10) FROM ratings WHERE company_id ="
	    " (SELECT id FROM companies WHERE slug = 'acme') ORDER BY id DESC LIMIT 1");
	cr_assert_eq(testdb_scalar(conn, sql), (long)(if_accepted * 10 + 0.5),
	    "the rating after acceptance is the one staff were shown");
}

/* The company withdraws its own dispute before a decision, and only then. */
Test(dispute_api, the_company_withdraws_its_dispute)
{
	char path[128], sql[256];
	long id;

	api_world_exec(conn, "UPDATE evidence SET status = 'active', status_reason = NULL"
	    " WHERE status = 'disputed'");
	id = open_dispute(ev_port, k_acme, 201);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/withdraw", id);
	json_decref(call("POST", path, k_beta, "{}", 404));
	json_decref(call("POST", path, k_analyst1, "{}", 403));
	expect_error("POST", path, k_acme, "{\"reason\": 5}", 400, "invalid_field", NULL);
	step(path, k_acme, "{\"reason\": \"we fixed the firewall instead\"}", "withdrawn");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE id = %ld AND"
	    " status = 'active'", ev_port);
	cr_assert_eq(testdb_scalar(conn, sql), 1, "the evidence is no longer disputed");
	expect_error("POST", path, k_acme, "{}", 409, "invalid_state", "withdrawn");
	/* A decided dispute cannot be withdrawn. */
	id = open_dispute(ev_port, k_acme, 201);
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/assign", id);
	step(path, k_analyst1, "{}", "in_review");
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/decision", id);
	step(path, k_analyst1, "{\"outcome\": \"accepted\", \"rationale\": \"ok\"}",
	    "accepted");
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/withdraw", id);
	expect_error("POST", path, k_acme, "{}", 409, "invalid_state", "accepted");
}

Test(dispute_api, confidentiality_and_roles)
{
	char path[128];
	long id = open_dispute(ev_software, k_acme, 201);
	json_t *v;

	snprintf(path, sizeof(path), "/v1/me/disputes/%ld", id);
	/* Another company: 404, never 403; its own list is empty. */
	expect_error("GET", path, k_beta, NULL, 404, "not_found", NULL);
	v = call("GET", "/v1/me/disputes", k_beta, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	/* Beta cannot dispute acme's evidence. */
	open_dispute(ev_port, k_beta, 404);
	/* Investors reach no dispute route. */
	expect_error("GET", path, k_investor, NULL, 403, "forbidden", NULL);
	expect_error("GET", "/v1/staff/disputes", k_investor, NULL, 403, "forbidden", NULL);
	expect_error("GET", "/v1/staff/disputes", k_acme, NULL, 403, "forbidden", NULL);
	/* The queue: unassigned, then mine. */
	v = call("GET", "/v1/staff/disputes?assignee=none", k_analyst1, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	v = call("GET", "/v1/staff/disputes?assignee=me", k_analyst1, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	v = call("GET", "/v1/staff/disputes?overdue=true", k_analyst1, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	expect_error("GET", "/v1/staff/disputes?status=bogus", k_analyst1, NULL, 400,
	    "invalid_parameter", NULL);
	/* A company cannot decide its own dispute. */
	{
		char sub[160];

		snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
		expect_error("POST", sub, k_acme, "{\"outcome\": \"accepted\", \"rationale\":"
		    " \"mine\"}", 403, "forbidden", NULL);
		/* An analyst decides only what is assigned to them. */
		snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
		step(sub, k_admin, "{}", "in_review");
		snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
		expect_error("POST", sub, k_analyst1, "{\"outcome\": \"accepted\","
		    " \"rationale\": \"x\"}", 403, "not_assignee", NULL);
	}
	v = call("GET", "/v1/me/disputes", k_acme, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
}

/* A body with a string field of n 'a' characters. */
static char *
long_body(const char *before, size_t n, const char *after)
{
	size_t lb = strlen(before), la = strlen(after);
	char *b = malloc(lb + n + la + 1);

	cr_assert_not_null(b);
	memcpy(b, before, lb);
	memset(b + lb, 'a', n);
	memcpy(b + lb + n, after, la + 1);
	return (b);
}

Test(dispute_api, bad_input_and_attachments)
{
	char path[160], *body;
	long id = open_dispute(ev_software, k_acme, 201), aid;
	json_t *v;

	body = long_body("{\"reason\": \"other\", \"explanation\": \"", 4001,
	    "\", \"evidence_ids\": [1]}");
	expect_error("POST", "/v1/me/disputes", k_acme, body, 400, "field_too_long", NULL);
	free(body);
	expect_error("POST", "/v1/me/disputes", k_acme, "{\"reason\": \"because\","
	    " \"explanation\": \"x\", \"evidence_ids\": [1]}", 400, "invalid_field", NULL);
	expect_error("POST", "/v1/me/disputes", k_acme, "{\"reason\": \"other\","
	    " \"explanation\": \"x\"}", 400, "invalid_body", NULL);
	expect_error("POST", "/v1/me/disputes", k_acme, "{\"reason\": \"other\"}", 400,
	    "missing_field", NULL);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/comments", id);
	body = long_body("{\"body\": \"", 4001, "\"}");
	expect_error("POST", path, k_acme, body, 400, "field_too_long", NULL);
	free(body);

	/* Attachments: allow-listed types, 5 MiB at most. */
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/attachments", id);
	v = call("POST", path, k_acme, "{\"filename\": \"rule.txt\", \"content_type\":"
	    " \"text/plain\", \"content_base64\": \"ZGVueSA2Mzc5\"}", 201);
	aid = (long)json_integer_value(json_object_get(v, "id"));
	cr_assert_eq(json_integer_value(json_object_get(v, "size")), 9);
	json_decref(v);
	expect_error("POST", path, k_acme, "{\"filename\": \"x.exe\", \"content_type\":"
	    " \"application/x-msdownload\", \"content_base64\": \"AAAA\"}", 415,
	    "unsupported_attachment_type", NULL);
	expect_error("POST", path, k_acme, "{\"filename\": \"a/b.txt\", \"content_type\":"
	    " \"text/plain\", \"content_base64\": \"AAAA\"}", 400, "invalid_attachment", NULL);
	{
		/* 5 MiB + 3 bytes of content, base64: 413. */
		size_t n = ((size_t)5 * 1024 * 1024 + 3) / 3 * 4;

		body = long_body("{\"filename\": \"big.txt\", \"content_type\": \"text/plain\","
		    " \"content_base64\": \"", n, "\"}");
		expect_error("POST", path, k_acme, body, 413, "attachment_too_large", NULL);
		free(body);
	}
	/* Beta cannot attach to it; staff reads are audited. */
	expect_error("POST", path, k_beta, "{\"filename\": \"r.txt\", \"content_type\":"
	    " \"text/plain\", \"content_base64\": \"AAAA\"}", 404, "not_found", NULL);
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/attachments/%ld", id, aid);
	{
		struct api_response r;

		api_client_get(c, path, k_analyst1, &r);
		cr_assert_eq(r.status, 200);
		cr_assert_eq(r.body.len, 9);
		cr_assert_eq(memcmp(r.body.data, "deny 6379", 9), 0);
		api_response_free(&r);
	}
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action ="
	    " 'dispute.attachment.read'"), 1);
	snprintf(path, sizeof(path), "/v1/me/disputes/%ld/attachments/%ld", id, aid);
	expect_error("GET", path, k_beta, NULL, 404, "not_found", NULL);
}

struct decider {
	const char *key;
	char path[160];
	long status;
};

static void *
decide(void *arg)
{
	struct decider *d = arg;
	struct api_response r;
	const char *body = "{\"outcome\": \"accepted\", \"rationale\": \"both at once\"}";

	api_client_request(c, "POST", d->path, d->key, "application/json", body,
	    strlen(body), 0, &r);
	d->status = r.status;
	api_response_free(&r);
	return (NULL);
}

Test(dispute_api, two_decisions_at_once_one_applies)
{
	struct decider a, b;
	pthread_t ta, tb;
	char sub[160];
	long id = open_dispute(ev_port, k_acme, 201);

	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	step(sub, k_admin, "{}", "in_review");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.key = k_admin;
	b.key = k_admin;
	snprintf(a.path, sizeof(a.path), "/v1/staff/disputes/%ld/decision", id);
	snprintf(b.path, sizeof(b.path), "/v1/staff/disputes/%ld/decision", id);
	pthread_create(&ta, NULL, decide, &a);
	pthread_create(&tb, NULL, decide, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	cr_assert((a.status == 200 && b.status == 409) || (a.status == 409 &&
	    b.status == 200), "statuses %ld and %ld", a.status, b.status);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE reason ="
	    " 'correction'"), 1);
}

Test(dispute_api, disputes_per_company_are_rate_limited)
{
	struct api_response r;
	char retry[16];
	const char *body = "{\"reason\": \"other\", \"explanation\": \"x\","
	    " \"evidence_ids\": [1]}";

	api_client_stop(c);
	serve("1");
	open_dispute(ev_port, k_acme, 201);
	api_client_request(c, "POST", "/v1/me/disputes", k_acme, "application/json", body,
	    strlen(body), 0, &r);
	cr_assert_eq(r.status, 429, "%s", r.body.data);
	cr_assert_not_null(api_response_header(&r, "Retry-After", retry, sizeof(retry)));
	api_response_free(&r);
}

/* The key id of the only key of role. */
static long
key_id_of(const char *role)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT min(id) FROM api_keys WHERE role = '%s'", role);
	return (testdb_scalar(conn, sql));
}

Test(dispute_api, only_analyst_and_admin_keys_review)
{
	char sub[160], body[96];
	long id = open_dispute(ev_port, k_acme, 201), unfit[3];
	size_t i;

	unfit[0] = 999999999;
	unfit[1] = key_id_of("investor");
	unfit[2] = key_id_of("company");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	/* No such key (not a 500), an investor key, a company key: 422, unchanged. */
	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "{\"assignee_key_id\": %ld}", unfit[i]);
		expect_error("POST", sub, k_admin, body, 422, "invalid_assignee", "open");
	}
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disputes WHERE state = 'open'"
	    " AND assignee_key_id IS NULL AND version = 1"), 1);
	snprintf(body, sizeof(body), "{\"assignee_key_id\": %ld}", key_id_of("analyst"));
	step(sub, k_admin, body, "in_review");
}

Test(dispute_api, an_analyst_not_assigned_is_refused_before_the_state)
{
	char sub[160];
	long id = open_dispute(ev_port, k_acme, 201);

	/* Open and unassigned: 403 not_assignee, as for a dispute in review. */
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
	expect_error("POST", sub, k_analyst1, "{\"outcome\": \"accepted\", \"rationale\":"
	    " \"x\"}", 403, "not_assignee", NULL);
	/* An admin, who may decide any dispute, learns the state. */
	expect_error("POST", sub, k_admin, "{\"outcome\": \"accepted\", \"rationale\":"
	    " \"x\"}", 409, "invalid_state", "open");
}

Test(dispute_api, an_appeal_comes_within_the_appeal_window)
{
	char sub[160], appeal[160];
	long id = open_dispute(ev_port, k_acme, 201);

	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/assign", id);
	step(sub, k_analyst1, "{}", "in_review");
	snprintf(sub, sizeof(sub), "/v1/staff/disputes/%ld/decision", id);
	step(sub, k_analyst1, "{\"outcome\": \"rejected\", \"rationale\": \"open\"}",
	    "rejected");
	/* Rejected 31 days before the server's now: past the default 30 days. */
	api_world_exec(conn, "UPDATE disputes SET opened_at = opened_at - interval '31 days',"
	    " first_response_at = first_response_at - interval '31 days',"
	    " resolved_at = resolved_at - interval '31 days'");
	snprintf(appeal, sizeof(appeal), "/v1/me/disputes/%ld/appeal", id);
	expect_error("POST", appeal, k_acme, "{\"reason\": \"late\"}", 409,
	    "appeal_window_closed", "rejected");
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE id = %ld AND"
		    " status = 'active'", ev_port);
		cr_assert_eq(testdb_scalar(conn, sql), 1, "a refused appeal disputes nothing");
	}
	/* FAIRRATE_APPEAL_WINDOW_DAYS sets the window. */
	api_client_stop(c);
	serve_with("20", "FAIRRATE_APPEAL_WINDOW_DAYS=45");
	step(appeal, k_acme, "{\"reason\": \"in time\"}", "appealed");
}

#define PARALLEL_OPENS 12

struct opener {
	long evidence;
	long status;
};

static void *
open_in_parallel(void *arg)
{
	struct opener *o = arg;
	struct api_response r;
	char body[160];

	snprintf(body, sizeof(body), "{\"reason\": \"other\", \"explanation\": \"x\","
	    " \"evidence_ids\": [%ld]}", o->evidence);
	api_client_request(c, "POST", "/v1/me/disputes", k_acme, "application/json", body,
	    strlen(body), 0, &r);
	o->status = r.status;
	api_response_free(&r);
	return (NULL);
}

Test(dispute_api, parallel_opens_never_pass_the_daily_limit)
{
	struct opener o[PARALLEL_OPENS];
	pthread_t th[PARALLEL_OPENS];
	char sql[512];
	int i, created = 0, limited = 0;

	api_client_stop(c);
	serve("3");
	for (i = 0; i < PARALLEL_OPENS; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO evidence (company_id, asset_id,"
		    " check_code, outcome, observation_key, source, first_seen, last_seen)"
		    " SELECT company_id, asset_id, check_code, outcome, 'parallel-%d', source,"
		    " first_seen, last_seen FROM evidence WHERE id = %ld RETURNING id", i,
		    ev_port);
		o[i].evidence = testdb_scalar(conn, sql);
		o[i].status = 0;
	}
	for (i = 0; i < PARALLEL_OPENS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, open_in_parallel, &o[i]), 0);
	for (i = 0; i < PARALLEL_OPENS; i++) {
		pthread_join(th[i], NULL);
		created += o[i].status == 201;
		limited += o[i].status == 429;
	}
	cr_assert_eq(created, 3, "%d disputes opened against a limit of 3", created);
	cr_assert_eq(limited, PARALLEL_OPENS - 3);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disputes"), 3);
}
