/* Governance disclosures over HTTP on the small rated world (tests/support/api_world.h,
 * now 2026-03-01): a company submits its ISMS certificate, an analyst verifies it, the
 * governance bonus appears in the rating at once and investors see the item verified
 * with its publication reference; a withdrawal, a rejection and a certificate past
 * its date (`fairrate tick`) take the bonus away again; a newer disclosure supersedes
 * the older; supporting documents for the company and staff only; every role and
 * bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/attachment.h"
#include "common/buf.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;
static char *k_acme, *k_beta, *k_investor, *k_analyst, *k_admin;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	k_acme = api_client_create_key("company", "acme");
	k_beta = api_client_create_key("company", "beta");
	k_investor = api_client_create_key("investor", NULL);
	k_analyst = api_client_create_key("analyst", NULL);
	k_admin = api_client_create_key("admin", NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
	free(k_acme);
	free(k_beta);
	free(k_investor);
	free(k_analyst);
	free(k_admin);
}

TestSuite(disclosure_api, .init = setup, .fini = teardown, .timeout = 120);

static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

static void
expect_error(const char *method, const char *path, const char *key, const char *body,
    long status, const char *code)
{
	api_call_expect_error(c, method, path, key, body, status, code);
}

static const char *
str(json_t *v, const char *field)
{
	const char *s = json_string_value(json_object_get(v, field));

	return (s ? s : "(none)");
}

#define ISMS "{\"item\": \"third_party_certification\", \"statement\": \"Our head office" \
    " holds ISO/IEC 27001.\", \"published_url\": \"https://acme.example/isms\"," \
    " \"report_name\": \"Annual securities report 2025\", \"report_page\": \"42\"," \
    " \"certification\": {\"scheme\": \"ISO/IEC 27001:2022\", \"number\": \"IS 123456\"," \
    " \"body\": \"Example Certification Ltd\", \"scope\": \"head office IT\"," \
    " \"valid_from\": \"2025-03-15\", \"valid_until\": \"%s\"}}"

#define POLICY "{\"item\": \"basic_policy\", \"statement\": \"%s\"," \
    " \"published_url\": \"https://acme.example/policy\"}"

static long
submit(const char *key, const char *body, long status)
{
	json_t *v = call("POST", "/v1/me/disclosures", key, body, status);
	long id = (long)json_integer_value(json_object_get(v, "id"));

	if (status == 201)
		cr_assert_str_eq(str(v, "state"), "submitted");
	json_decref(v);
	return (id);
}

static long
submit_isms(const char *valid_until)
{
	char body[1024];

	snprintf(body, sizeof(body), ISMS, valid_until);
	return (submit(k_acme, body, 201));
}

/* POST the decision on id by key; the answer must be status with state (a
 * disclosure, or a refusal naming the current state). */
static void
decide(long id, const char *key, const char *body, long status, const char *state)
{
	char path[96];
	json_t *v, *e;

	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld/decision", id);
	v = call("POST", path, key, body, status);
	e = json_object_get(v, "error");
	cr_assert_str_eq(str(e != NULL ? e : v, "state"), state, "%s", path);
	json_decref(v);
}

/* The governance factor's score in acme's summary, -1 when it has no data. */
static double
governance_score_now(void)
{
	json_t *v = call("GET", "/v1/companies/acme", k_investor, NULL, 200);
	json_t *g = json_object_get(json_object_get(v, "factors"), "governance");
	json_t *score = json_object_get(g, "score");
	double d = json_is_true(json_object_get(g, "has_data")) && json_is_number(score) ?
	    json_number_value(score) : -1;

	json_decref(v);
	return (d);
}

/* Whether the summary shows the governance score want (-1: none) within two
 * seconds: the server's summary cache is invalidated by a database notification, so
 * a read right after a change may still be served the summary of just before. */
static int
governance_is(double want)
{
	double got = -2;
	int i;

	for (i = 0; i < 100; i++) {
		got = governance_score_now();
		if (got > want - 1e-9 && got < want + 1e-9)
			return (1);
		usleep(20000);
	}
	cr_log_error("governance score %g, expected %g", got, want);
	return (0);
}

static long
acme_ratings(void)
{
	return (testdb_scalar(conn, "SELECT count(*) FROM ratings r JOIN companies c"
	    " ON c.id = r.company_id WHERE c.slug = 'acme'"));
}

/* The status an investor sees for item of acme (its publication url into url, or ""). */
static void
investor_item(const char *item, const char *status, const char *url)
{
	json_t *v = call("GET", "/v1/companies/acme/disclosures", k_investor, NULL, 200);
	json_t *items = json_object_get(v, "items"), *it, *pub;
	size_t i;
	int found = 0;

	cr_assert_eq(json_array_size(items), 5);
	json_array_foreach(items, i, it) {
		if (strcmp(str(it, "item"), item) != 0)
			continue;
		found = 1;
		cr_assert_str_eq(str(it, "status"), status, "%s", item);
		pub = json_object_get(it, "publication");
		if (url == NULL)
			cr_assert(json_is_null(pub), "%s shows a publication", item);
		else
			cr_assert_str_eq(str(pub, "url"), url);
	}
	cr_assert(found, "%s missing", item);
	json_decref(v);
}

Test(disclosure_api, isms_verified_counts_then_withdrawn_does_not)
{
	long id, before;
	char path[256];
	json_t *v;

	cr_assert(governance_is(-1), "acme has governance evidence already");
	investor_item("third_party_certification", "not_disclosed", NULL);
	id = submit_isms("2027-03-15");
	cr_assert_gt(id, 0);
	/* Submitted: investors see it waits, with no reference yet; nothing counts. */
	investor_item("third_party_certification", "submitted", NULL);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure'"), 0);
	/* The analyst's queue holds it, with its decision clock. */
	v = call("GET", "/v1/staff/disclosures", k_analyst, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	cr_assert_str_eq(str(json_object_get(json_array_get(json_object_get(v, "items"), 0),
	    "sla"), "state"), "on_time");
	json_decref(v);

	before = acme_ratings();
	decide(id, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	/* The evidence the engine understands, naming the disclosure, and a new rating
	 * that carries the bonus (1.5 points for a certification). */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure' AND check_code = 'governance.third_party_certification'"
	    " AND outcome = 'pass' AND status = 'active' AND asset_id IS NULL"), 1);
	snprintf(path, sizeof(path), "SELECT count(*) FROM evidence WHERE"
	    " details->>'disclosure_id' = '%ld' AND details->>'report_page' = '42'"
	    " AND details->'certification'->>'valid_until' = '2027-03-15'", id);
	cr_assert_eq(testdb_scalar(conn, path), 1);
	cr_assert_eq(acme_ratings(), before + 1, "the verification did not rescore");
	snprintf(path, sizeof(path), "SELECT count(*) FROM ratings WHERE"
	    " reason_detail->>'disclosure_id' = '%ld'", id);
	cr_assert_eq(testdb_scalar(conn, path), 1);
	cr_assert(governance_is(1.5));
	investor_item("third_party_certification", "verified", "https://acme.example/isms");

	/* The company withdraws it: the bonus goes at once, the evidence is corrected. */
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld/withdraw", id);
	v = call("POST", path, k_acme, NULL, 200);
	cr_assert_str_eq(str(v, "state"), "withdrawn");
	json_decref(v);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure' AND status = 'corrected'"), 1);
	cr_assert_eq(acme_ratings(), before + 2);
	cr_assert(governance_is(-1), "the bonus outlived the withdrawal");
	investor_item("third_party_certification", "not_disclosed", NULL);
	/* Again: refused with the current state. */
	v = call("POST", path, k_acme, NULL, 409);
	cr_assert_str_eq(api_call_error_code(v), "invalid_state");
	cr_assert_str_eq(api_call_error_field(v, "state"), "withdrawn");
	json_decref(v);
	/* The audit log holds the submission, verification and withdrawal. */
	v = call("GET", "/v1/staff/audit?action=disclosure.verify", k_admin, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action IN"
	    " ('disclosure.submit', 'disclosure.verify', 'disclosure.withdraw')"), 3);
}

Test(disclosure_api, rejection_needs_a_reason_and_takes_a_verification_back)
{
	char body[256], path[96], *dump;
	long id, before;
	json_t *v;

	snprintf(body, sizeof(body), POLICY, "The board approved our policy in 2024.");
	id = submit(k_acme, body, 201);
	decide(id, k_analyst, "{\"outcome\": \"rejected\"}", 400, "(none)");
	decide(id, k_analyst, "{\"outcome\": \"maybe\", \"reason\": \"x\"}", 400, "(none)");
	decide(id, k_analyst, "{\"outcome\": \"rejected\", \"reason\": \"the page does not"
	    " mention a policy\"}", 200, "rejected");
	/* The company reads why; staff cannot decide again. */
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld", id);
	v = call("GET", path, k_acme, NULL, 200);
	cr_assert_str_eq(str(v, "decision_reason"), "the page does not mention a policy");
	cr_assert_str_eq(str(v, "statement"), "The board approved our policy in 2024.");
	json_decref(v);
	decide(id, k_analyst, "{\"outcome\": \"verified\"}", 409, "rejected");
	cr_assert(governance_is(-1));

	/* A verified disclosure found wrong later is rejected: its bonus goes. */
	id = submit(k_acme, body, 201);
	decide(id, k_admin, "{\"outcome\": \"verified\"}", 200, "verified");
	cr_assert(governance_is(2.0));
	before = acme_ratings();
	decide(id, k_analyst, "{\"outcome\": \"rejected\", \"reason\": \"the policy page was"
	    " taken down\"}", 200, "rejected");
	cr_assert_eq(acme_ratings(), before + 1);
	cr_assert(governance_is(-1));
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure' AND status = 'corrected'"), 1);

	/* The public figures count the decisions, name nobody. */
	v = call("GET", "/v1/transparency/disclosures", NULL, NULL, 200);
	cr_expect_eq(json_integer_value(json_object_get(v, "total")), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(v, "by_state"),
	    "rejected")), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(v, "by_item"),
	    "basic_policy")), 2);
	cr_expect_eq(json_integer_value(json_object_get(v, "decided")), 2);
	cr_expect_eq(json_integer_value(json_object_get(v, "waiting")), 0);
	cr_expect_eq(json_integer_value(json_object_get(v, "decided_within_sla")), 2);
	cr_expect(json_is_number(json_object_get(v, "median_hours_to_decision")));
	dump = json_dumps(v, 0);
	cr_expect(dump != NULL && strstr(dump, "acme") == NULL);
	free(dump);
	json_decref(v);
}

Test(disclosure_api, a_newer_disclosure_supersedes_the_verified_one)
{
	char body[256], sql[160];
	long first, second;

	snprintf(body, sizeof(body), POLICY, "Policy, 2024 edition.");
	first = submit(k_acme, body, 201);
	/* One of an item waits at a time. */
	submit(k_acme, body, 409);
	decide(first, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	snprintf(body, sizeof(body), POLICY, "Policy, 2026 edition.");
	second = submit(k_acme, body, 201);
	/* While the new one waits, the verified one still counts. */
	cr_assert(governance_is(2.0));
	decide(second, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM disclosures WHERE id = %ld AND"
	    " state = 'superseded'", first);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure' AND status = 'active' AND details->>'disclosure_id' = '%ld'",
	    second);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure'"), 1);
	cr_assert(governance_is(2.0));
}

Test(disclosure_api, tick_expires_a_certificate_on_its_date)
{
	static const char *const tick[] = {"tick", NULL};
	struct buf out;
	long id, before;
	char sql[160];

	id = submit_isms("2026-03-15");
	decide(id, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	cr_assert(governance_is(1.5));
	before = acme_ratings();
	/* The day before: it still counts. */
	setenv("FAIRRATE_NOW", "2026-03-14T23:59:59Z", 1);
	buf_init(&out, 0);
	cr_assert_eq(api_client_run(tick, &out), 0, "%s", out.data ? out.data : "");
	buf_free(&out);
	cr_assert_eq(acme_ratings(), before);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM disclosures WHERE id = %ld AND"
	    " state = 'verified'", id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	/* On its date: expired, the evidence expired, the company rescored. */
	setenv("FAIRRATE_NOW", "2026-03-15T00:00:00Z", 1);
	buf_init(&out, 0);
	cr_assert_eq(api_client_run(tick, &out), 0, "%s", out.data ? out.data : "");
	cr_assert_not_null(strstr(out.data, "1 disclosures expired"), "%s", out.data);
	buf_free(&out);
	unsetenv("FAIRRATE_NOW");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM disclosures WHERE id = %ld AND"
	    " state = 'expired'", id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'verified_disclosure' AND status = 'expired'"), 1);
	cr_assert_eq(acme_ratings(), before + 1);
	cr_assert(governance_is(-1), "an expired certificate still counts");
	investor_item("third_party_certification", "not_disclosed", NULL);
	/* A submission already past its date is refused; staff cannot verify one that
	 * passed its date while waiting (the server's clock is 2026-03-01). */
	expect_error("POST", "/v1/me/disclosures", k_acme, "{\"item\":"
	    " \"third_party_certification\", \"statement\": \"s\", \"report_name\": \"r\","
	    " \"certification\": {\"scheme\": \"a\", \"number\": \"b\", \"body\": \"c\","
	    " \"scope\": \"d\", \"valid_from\": \"2025-01-01\", \"valid_until\":"
	    " \"2026-03-01\"}}", 422, "invalid_date");
}

Test(disclosure_api, roles_and_confidentiality)
{
	char body[256], path[96];
	long id;
	json_t *v;

	snprintf(body, sizeof(body), POLICY, "Our policy.");
	id = submit(k_acme, body, 201);
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld", id);
	/* Another company: 404, never 403. */
	expect_error("GET", path, k_beta, NULL, 404, "not_found");
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld/withdraw", id);
	expect_error("POST", path, k_beta, NULL, 404, "not_found");
	/* Only the company submits and withdraws; staff only decide, and cannot edit. */
	expect_error("POST", "/v1/me/disclosures", k_analyst, body, 403, "forbidden");
	expect_error("POST", path, k_admin, NULL, 403, "forbidden");
	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld/decision", id);
	expect_error("POST", path, k_acme, "{\"outcome\": \"verified\"}", 403, "forbidden");
	expect_error("POST", path, k_investor, "{\"outcome\": \"verified\"}", 403,
	    "forbidden");
	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld", id);
	expect_error("PUT", path, k_admin, "{\"statement\": \"edited\"}", 405,
	    "method_not_allowed");
	v = call("GET", path, k_analyst, NULL, 200);
	cr_assert_str_eq(str(v, "statement"), "Our policy.");
	cr_assert_str_eq(str(v, "company"), "acme");
	json_decref(v);
	/* Investors: the five items, no private company. */
	expect_error("GET", "/v1/me/disclosures", k_investor, NULL, 403, "forbidden");
	expect_error("GET", "/v1/companies/hidden/disclosures", k_investor, NULL, 404,
	    "not_found");
	v = call("GET", "/v1/me/disclosures", k_beta, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 0);
	json_decref(v);
	v = call("GET", "/v1/me/disclosures?status=submitted", k_acme, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 1);
	json_decref(v);
	expect_error("GET", "/v1/me/disclosures?status=nope", k_acme, NULL, 400,
	    "invalid_parameter");
}

Test(disclosure_api, bad_input_changes_nothing)
{
	static const char *const bad[][3] = {
		{"{\"statement\": \"s\", \"report_name\": \"r\"}", "400", "missing_field"},
		{"{\"item\": \"firewall\", \"statement\": \"s\", \"report_name\": \"r\"}",
		    "400", "invalid_field"},
		{"{\"item\": \"basic_policy\", \"report_name\": \"r\"}", "400",
		    "missing_field"},
		{"{\"item\": \"basic_policy\", \"statement\": \"s\"}", "400", "missing_field"},
		{"{\"item\": \"basic_policy\", \"statement\": \"s\", \"published_url\":"
		    " \"ftp://x\"}", "400", "invalid_field"},
		{"{\"item\": \"basic_policy\", \"statement\": 5, \"report_name\": \"r\"}",
		    "400", "invalid_field"},
		{"{\"item\": \"basic_policy\", \"statement\": \"s\", \"report_page\": \"3\","
		    " \"published_url\": \"https://a.example\"}", "400", "invalid_field"},
		{"{\"item\": \"basic_policy\", \"statement\": \"s\", \"report_name\": \"r\","
		    " \"certification\": {\"scheme\": \"x\"}}", "400", "invalid_field"},
		{"{\"item\": \"third_party_certification\", \"statement\": \"s\","
		    " \"report_name\": \"r\", \"certification\": {\"scheme\": \"a\"}}", "400",
		    "missing_field"},
		{"{\"item\": \"third_party_certification\", \"statement\": \"s\","
		    " \"report_name\": \"r\", \"certification\": {\"scheme\": \"a\", \"number\":"
		    " \"b\", \"body\": \"c\", \"scope\": \"d\", \"valid_from\": \"2025-02-30\","
		    " \"valid_until\": \"2027-01-01\"}}", "422", "invalid_date"},
		{"{\"item\": \"third_party_certification\", \"statement\": \"s\","
		    " \"report_name\": \"r\", \"certification\": {\"scheme\": \"a\", \"number\":"
		    " \"b\", \"body\": \"c\", \"scope\": \"d\", \"valid_from\": \"2025-01-01\","
		    " \"valid_until\": \"next year\"}}", "422", "invalid_date"},
		{"{\"item\": \"third_party_certification\", \"statement\": \"s\","
		    " \"report_name\": \"r\", \"certification\": {\"scheme\": \"a\", \"number\":"
		    " \"b\", \"body\": \"c\", \"scope\": \"d\", \"valid_from\": \"2026-01-01\","
		    " \"valid_until\": \"2025-12-31\"}}", "422", "invalid_date"},
		{"{\"item\": \"third_party_certification\", \"statement\": \"s\","
		    " \"report_name\": \"r\", \"certification\": {\"scheme\": \"a\", \"number\":"
		    " \"b\", \"body\": \"c\", \"scope\": \"d\", \"valid_from\": \"2026-06-01\","
		    " \"valid_until\": \"2029-01-01\"}}", "422", "invalid_date"},
		{"[1]", "400", "invalid_body"},
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error("POST", "/v1/me/disclosures", k_acme, bad[i][0],
		    strtol(bad[i][1], NULL, 10), bad[i][2]);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disclosures"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action LIKE"
	    " 'disclosure.%'"), 0);
	expect_error("GET", "/v1/staff/disclosures?overdue=maybe", k_analyst, NULL, 400,
	    "invalid_parameter");
}

/* POST a document to disclosure id by key; the answer must be status. Returns the
 * attachment id (0 when refused). */
static long
attach(long id, const char *key, const char *type, const char *base64, long status)
{
	char path[96], *body;
	size_t n = strlen(base64) + 200;
	json_t *v;
	long aid;

	body = malloc(n);
	cr_assert_not_null(body);
	snprintf(body, n, "{\"filename\": \"isms-certificate.pdf\", \"content_type\":"
	    " \"%s\", \"content_base64\": \"%s\"}", type, base64);
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld/attachments", id);
	v = call("POST", path, key, body, status);
	aid = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	free(body);
	return (aid);
}

Test(disclosure_api, documents_for_the_company_and_staff_only)
{
	struct api_response r;
	char path[128], *big;
	long id, aid;
	json_t *v;
	size_t n;

	id = submit_isms("2027-03-15");
	/* "%PDF-1.7 test" */
	aid = attach(id, k_acme, "application/pdf", "JVBERi0xLjcgdGVzdA==", 201);
	cr_assert_gt(aid, 0);
	attach(id, k_acme, "application/zip", "UEsDBA==", 415);
	attach(id, k_acme, "application/pdf", "not base64!", 400);
	attach(id, k_beta, "application/pdf", "JVBERi0xLjcgdGVzdA==", 404);
	/* Past the cap: 413, nothing stored. */
	n = (ATTACHMENT_MAX / 3 + 2) * 4;
	big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, 'A', n);
	big[n] = '\0';
	attach(id, k_acme, "application/pdf", big, 413);
	free(big);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disclosure_attachments"), 1);

	/* The company and staff see it listed and read it; a staff read is audited. */
	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld", id);
	v = call("GET", path, k_analyst, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(v, "attachments")), 1);
	cr_assert_str_eq(str(json_array_get(json_object_get(v, "attachments"), 0),
	    "filename"), "isms-certificate.pdf");
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/staff/disclosures/%ld/attachments/%ld", id, aid);
	api_client_get(c, path, k_analyst, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body.len, 13);
	cr_assert_eq(memcmp(r.body.data, "%PDF-1.7 test", 13), 0);
	api_response_free(&r);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action ="
	    " 'disclosure.attachment.read'"), 1);
	snprintf(path, sizeof(path), "/v1/me/disclosures/%ld/attachments/%ld", id, aid);
	api_client_get(c, path, k_acme, &r);
	cr_assert_eq(r.status, 200);
	api_response_free(&r);
	expect_error("GET", path, k_beta, NULL, 404, "not_found");
	expect_error("GET", path, k_investor, NULL, 403, "forbidden");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log WHERE action ="
	    " 'disclosure.attachment.read'"), 1, "a company read was audited as staff");

	/* Once decided, no more documents; investors never see one. */
	decide(id, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	attach(id, k_acme, "application/pdf", "JVBERi0xLjcgdGVzdA==", 409);
	api_client_get(c, "/v1/companies/acme/disclosures", k_investor, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_null(strstr(r.body.data, "isms-certificate"), "%s", r.body.data);
	cr_assert_null(strstr(r.body.data, "attachment"), "%s", r.body.data);
	api_response_free(&r);
}

Test(disclosure_api, sector_comparison_counts_public_companies_only)
{
	struct api_response r;
	char body[256];
	json_t *v, *policy;
	long id;

	snprintf(body, sizeof(body), POLICY, "Acme's policy.");
	id = submit(k_acme, body, 201);
	decide(id, k_analyst, "{\"outcome\": \"verified\"}", 200, "verified");
	snprintf(body, sizeof(body), POLICY, "Beta's policy.");
	submit(k_beta, body, 201);
	/* A private company's verified disclosure is not counted. */
	api_world_exec(conn, "INSERT INTO disclosures (company_id, item, state, statement,"
	    " report_name, submitted_at, decided_at) SELECT id, 'basic_policy', 'verified',"
	    " 'hidden policy', 'r', '2026-02-01', '2026-02-02' FROM companies"
	    " WHERE slug = 'hidden'");
	v = call("GET", "/v1/public/sectors/finance/disclosures", NULL, NULL, 200);
	cr_assert_eq(json_integer_value(json_object_get(v, "companies")), 2);
	cr_assert_eq(json_array_size(json_object_get(v, "items")), 5);
	policy = json_array_get(json_object_get(v, "items"), 0);
	cr_assert_str_eq(str(policy, "item"), "basic_policy");
	cr_assert_eq(json_integer_value(json_object_get(policy, "verified")), 1);
	cr_assert_eq(json_integer_value(json_object_get(policy, "submitted")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v,
	    "items"), 4), "verified")), 0);
	json_decref(v);
	/* Aggregate only: no company named. */
	api_client_get(c, "/v1/public/sectors/finance/disclosures", NULL, &r);
	cr_assert_null(strstr(r.body.data, "acme"), "%s", r.body.data);
	cr_assert_null(strstr(r.body.data, "beta"), "%s", r.body.data);
	api_response_free(&r);
	expect_error("GET", "/v1/public/sectors/mining/disclosures", NULL, NULL, 404,
	    "not_found");
}
