/*
 * Methodology governance end to end. Over HTTP on the small rated world
 * (tests/support/api_world.h: 2026.1 in force, 2026.2 upcoming on 2026-04-01, now
 * 2026-03-01, a 60-day notice period configured): draft validation errors with their
 * paths, create, read with diff, edit, preview, impact, the notice rules and the
 * short-notice path with its published reason, a company reading its projection and
 * every other role refused. From the command line on a demo world: the preview equals
 * an actual rescore under the version, preview writes no rating, and `fairrate tick`
 * switches at the effective time, once, keeping the old ratings.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/paths.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/shipped.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
setup_api(void)
{
	static const char *const env[] = {"FAIRRATE_NOTICE_DAYS=60", NULL};

	c = api_world_start(&conn, env);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
	c = NULL;
}

static json_t *
call(const char *method, const char *path, const char *key, const char *body, long status)
{
	return (api_call_json(c, method, path, key, body, status));
}

/* The shipped 2026.1 document as version, with mutate applied (may be NULL). */
static char *
document(const char *version, void (*mutate)(json_t *))
{
	json_t *d = shipped_json(JSON_PRESERVE_ORDER);
	char *text;

	json_object_set_new(d, "version", json_string(version));
	if (mutate != NULL)
		mutate(d);
	text = json_dumps(d, JSON_PRESERVE_ORDER);
	json_decref(d);
	return (text);
}

static void
heavier_tls(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "factors"), 0), "weight",
	    json_integer(35));
}

static void
broken(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "factors"), 0), "weight",
	    json_integer(-1));
	json_object_set_new(json_array_get(json_object_get(d, "checks"), 2), "factor",
	    json_string("tlss"));
}

TestSuite(governance_api, .init = setup_api, .fini = teardown, .timeout = 120);

Test(governance_api, draft_validation_errors_say_where)
{
	char *admin = api_client_create_key("admin", NULL), *doc = document("2026.4", broken);
	json_t *v, *d;
	size_t i;
	int saw_weight = 0, saw_factor = 0;

	v = call("POST", "/v1/staff/methodology/drafts", admin, doc, 400);
	cr_assert_str_eq(api_call_error_code(v), "invalid_methodology");
	json_array_foreach(json_object_get(json_object_get(v, "error"), "details"), i, d) {
		const char *p = json_string_value(json_object_get(d, "path"));

		saw_weight |= strcmp(p, "factors[0].weight") == 0;
		saw_factor |= strcmp(p, "checks[2].factor") == 0 &&
		    strstr(json_string_value(json_object_get(d, "message")), "tlss") != NULL;
	}
	cr_assert(saw_weight && saw_factor, "errors without their paths: %s",
	    json_dumps(v, 0));
	json_decref(v);
	/* Nothing was stored; an analyst may not create drafts. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM methodology_versions"
	    " WHERE version = '2026.4'"), 0);
	free(doc);
	doc = document("2026.4", NULL);
	{
		char *analyst = api_client_create_key("analyst", NULL);

		json_decref(call("POST", "/v1/staff/methodology/drafts", analyst, doc, 403));
		free(analyst);
	}
	free(doc);
	free(admin);
}

/* Staff list the drafts (the world's 2026.3 and a new one) with whether each has a
 * preview; published versions are not drafts; investors may not list them. */
Test(governance_api, staff_list_the_drafts)
{
	char *admin = api_client_create_key("admin", NULL), *doc = document("2026.4", NULL);
	char *analyst = api_client_create_key("analyst", NULL);
	char *investor = api_client_create_key("investor", NULL);
	json_t *v, *items;

	json_decref(call("POST", "/v1/staff/methodology/drafts", admin, doc, 201));
	json_decref(call("POST", "/v1/staff/methodology/drafts/2026.4/preview", admin, NULL,
	    200));
	v = call("GET", "/v1/staff/methodology/drafts", analyst, NULL, 200);
	items = json_object_get(v, "items");
	cr_assert_eq(json_array_size(items), 2, "%s", json_dumps(v, 0));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0),
	    "version")), "2026.3");
	cr_assert(json_is_false(json_object_get(json_array_get(items, 0), "previewed")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1),
	    "version")), "2026.4");
	cr_assert(json_is_true(json_object_get(json_array_get(items, 1), "previewed")));
	cr_assert_eq(strlen(json_string_value(json_object_get(json_array_get(items, 1),
	    "definition_sha256"))), 64);
	json_decref(v);
	json_decref(call("GET", "/v1/staff/methodology/drafts", investor, NULL, 403));
	free(doc);
	free(admin);
	free(analyst);
	free(investor);
}

Test(governance_api, draft_diff_preview_impact_and_publish_with_notice)
{
	char *admin = api_client_create_key("admin", NULL), *doc = document("2026.4", NULL);
	char *edited = document("2026.4", heavier_tls), *other = document("2026.5", NULL);
	json_t *v, *ch, *vs, *it;
	size_t i;
	int found = 0;

	v = call("POST", "/v1/staff/methodology/drafts", admin, doc, 201);
	cr_assert_str_eq(json_string_value(json_object_get(v, "status")), "draft");
	cr_assert_eq(json_array_size(json_object_get(json_object_get(v, "diff"), "changes")),
	    0);
	json_decref(v);
	json_decref(call("POST", "/v1/staff/methodology/drafts", admin, doc, 409));
	/* Edit: the diff shows the number that moved. */
	json_decref(call("PUT", "/v1/staff/methodology/drafts/2026.4", admin, other, 400));
	v = call("PUT", "/v1/staff/methodology/drafts/2026.4", admin, edited, 200);
	ch = json_array_get(json_object_get(json_object_get(v, "diff"), "changes"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(ch, "path")), "factors.tls.weight");
	cr_assert_eq(json_number_value(json_object_get(ch, "new")), 35);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "diff"),
	    "against")), "2026.1");
	json_decref(v);
	/* Publishing needs a preview of this very definition. */
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-06-01T00:00:00Z\"}", 409);
	cr_assert_str_eq(api_call_error_code(v), "preview_required");
	json_decref(v);
	json_decref(call("GET", "/v1/staff/methodology/drafts/2026.4/impact", admin, NULL,
	    404));
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/preview", admin, NULL, 200);
	cr_assert_eq(json_integer_value(json_object_get(v, "companies")), 5);
	cr_assert(json_is_true(json_object_get(v, "current")));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "impact"),
	    "companies")), 5);
	cr_assert_not_null(json_object_get(json_object_get(json_object_get(v, "impact"),
	    "grade_migration"), "matrix"));
	json_decref(v);
	{
		char *analyst = api_client_create_key("analyst", NULL);

		v = call("GET", "/v1/staff/methodology/drafts/2026.4/impact", analyst, NULL, 200);
		json_decref(v);
		json_decref(call("POST", "/v1/staff/methodology/drafts/2026.4/preview", analyst,
		    NULL, 403));
		free(analyst);
	}
	/* Notice: 60 days configured. In the past, too soon without a reason, a reason too
	 * thin, and before the upcoming 2026.2 are all refused. */
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-02-01T00:00:00Z\"}", 422);
	cr_assert_str_eq(api_call_error_code(v), "effective_in_past");
	json_decref(v);
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-04-10T00:00:00Z\"}", 422);
	cr_assert_str_eq(api_call_error_code(v), "notice_too_short");
	json_decref(v);
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-04-10T00:00:00Z\", \"reason\": \"urgent\"}", 422);
	cr_assert_str_eq(api_call_error_code(v), "invalid_reason");
	json_decref(v);
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-03-20T00:00:00Z\", \"reason\": \"a certificate flaw "
	    "exploited in the wild\"}", 409);
	cr_assert_str_eq(api_call_error_code(v), "effective_date_conflict");
	json_decref(v);
	/* The emergency path: 40 days' notice with a written reason. */
	v = call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-04-10T00:00:00Z\", \"reason\": \"a certificate flaw "
	    "exploited in the wild\"}", 200);
	cr_assert(json_is_true(json_object_get(v, "short_notice")));
	cr_assert_eq(json_integer_value(json_object_get(v, "notice_days")), 40);
	json_decref(v);
	json_decref(call("PUT", "/v1/staff/methodology/drafts/2026.4", admin, edited, 409));
	/* The public change log shows it with its reason and its impact. */
	vs = call("GET", "/v1/methodology/versions", NULL, NULL, 200);
	json_array_foreach(json_object_get(vs, "items"), i, it) {
		if (strcmp(json_string_value(json_object_get(it, "version")), "2026.4") != 0)
			continue;
		found = 1;
		cr_assert_str_eq(json_string_value(json_object_get(it, "short_notice_reason")),
		    "a certificate flaw exploited in the wild");
		cr_assert_eq(json_integer_value(json_object_get(it, "notice_days")), 40);
		cr_assert_not_null(strstr(json_string_value(json_object_get(it, "change_log")),
		    "Impact preview against 2026.1 over 5 companies"));
		cr_assert_not_null(strstr(json_string_value(json_object_get(it, "change_log")),
		    "Short notice (40 days): a certificate flaw"));
	}
	cr_assert(found, "2026.4 is not in the public change log");
	json_decref(vs);
	free(doc);
	free(edited);
	free(other);
	free(admin);
}

static void
new_summary(json_t *d)
{
	heavier_tls(d);
	json_object_set_new(d, "summary", json_string("TLS weighs 35 instead of 20."));
}

/* The version named version in the public change log (a borrowed reference). */
static json_t *
listed(json_t *vs, const char *version)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(vs, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "version")), version) == 0)
			return (it);
	cr_assert_fail("%s is not in the public change log", version);
	return (NULL);
}

/* Draft version from doc, previewed; the impact staff saw (a new reference). */
static json_t *
draft_and_preview(const char *admin, const char *version, const char *doc)
{
	char path[128];
	json_t *v, *im;

	json_decref(call("POST", "/v1/staff/methodology/drafts", admin, doc, 201));
	snprintf(path, sizeof(path), "/v1/staff/methodology/drafts/%s/preview", version);
	v = call("POST", path, admin, NULL, 200);
	im = json_incref(json_object_get(v, "impact"));
	json_decref(v);
	cr_assert(json_is_object(im));
	return (im);
}

Test(governance_api, change_log_serves_summary_reason_and_impact_as_fields)
{
	char *admin = api_client_create_key("admin", NULL);
	char *doc4 = document("2026.4", new_summary), *doc5 = document("2026.5", NULL);
	json_t *im4, *im5, *vs, *it, *pub, *one, *staff;
	const char *key;
	json_t *val;

	im4 = draft_and_preview(admin, "2026.4", doc4);
	im5 = NULL;
	json_decref(call("POST", "/v1/staff/methodology/drafts/2026.4/publish", admin,
	    "{\"effective_at\": \"2026-04-10T00:00:00Z\", \"reason\": \"a certificate flaw "
	    "exploited in the wild\"}", 200));
	im5 = draft_and_preview(admin, "2026.5", doc5);
	json_decref(call("POST", "/v1/staff/methodology/drafts/2026.5/publish", admin,
	    "{\"effective_at\": \"2026-05-15T00:00:00Z\"}", 200));
	vs = call("GET", "/v1/methodology/versions", NULL, NULL, 200);
	cr_assert_eq(json_array_size(json_object_get(vs, "items")), 4);

	/* 2026.4: its own summary, the reason on its own, the preview's aggregate figures
	 * (every one staff saw except the named top movers), and the text kept. */
	it = listed(vs, "2026.4");
	cr_assert_str_eq(json_string_value(json_object_get(it, "summary")),
	    "TLS weighs 35 instead of 20.");
	cr_assert_str_eq(json_string_value(json_object_get(it, "published_at")),
	    "2026-03-01T00:00:00Z", "the notice date");
	cr_assert_str_eq(json_string_value(json_object_get(it, "effective_at")),
	    "2026-04-10T00:00:00Z");
	cr_assert_str_eq(json_string_value(json_object_get(it, "short_notice_reason")),
	    "a certificate flaw exploited in the wild");
	cr_assert_not_null(strstr(json_string_value(json_object_get(it, "change_log")),
	    "Short notice (40 days): a certificate flaw"));
	pub = json_object_get(it, "impact");
	cr_assert(json_is_object(pub), "2026.4 has no structured impact");
	cr_assert_null(json_object_get(pub, "top_movers"), "top movers name companies");
	cr_assert_str_eq(json_string_value(json_object_get(pub, "before_version")), "2026.1");
	cr_assert_str_eq(json_string_value(json_object_get(pub, "after_version")), "2026.4");
	cr_assert_str_eq(json_string_value(json_object_get(pub, "as_of")),
	    "2026-03-01T00:00:00Z");
	cr_assert_eq(json_integer_value(json_object_get(pub, "companies")), 5);
	json_object_foreach(im4, key, val) {
		if (strcmp(key, "top_movers") == 0)
			continue;
		cr_assert(json_equal(json_object_get(pub, key), val),
		    "impact.%s differs from the preview staff saw", key);
	}
	cr_assert_gt(json_integer_value(json_object_get(json_object_get(pub, "delta"),
	    "down")), 0, "a heavier TLS weight moved nobody");

	/* 2026.5: full notice, so no reason; the shipped summary; its own preview. */
	it = listed(vs, "2026.5");
	cr_assert(json_is_null(json_object_get(it, "short_notice_reason")));
	cr_assert_eq(json_integer_value(json_object_get(it, "notice_days")), 75);
	cr_assert_str_eq(json_string_value(json_object_get(it, "summary")),
	    json_string_value(json_object_get(listed(vs, "2026.1"), "summary")));
	cr_assert_str_neq(json_string_value(json_object_get(it, "summary")), "");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(it, "impact"),
	    "after_version")), "2026.5");
	cr_assert(json_equal(json_object_get(json_object_get(it, "impact"), "grade_migration"),
	    json_object_get(im5, "grade_migration")));

	/* Versions published without a preview (seeded) say so with null. */
	cr_assert(json_is_null(json_object_get(listed(vs, "2026.1"), "impact")));
	cr_assert(json_is_null(json_object_get(listed(vs, "2026.2"), "impact")));

	/* The version's own document carries the same fields. */
	one = call("GET", "/v1/methodology/versions/2026.4", NULL, NULL, 200);
	cr_assert(json_equal(json_object_get(one, "impact"),
	    json_object_get(listed(vs, "2026.4"), "impact")));
	cr_assert_str_eq(json_string_value(json_object_get(one, "summary")),
	    "TLS weighs 35 instead of 20.");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(one,
	    "definition"), "version")), "2026.4");
	json_decref(one);
	/* Staff still see the top movers. */
	staff = call("GET", "/v1/staff/methodology/drafts/2026.4/impact", admin, NULL, 200);
	cr_assert_not_null(json_object_get(json_object_get(staff, "impact"), "top_movers"));
	json_decref(staff);

	json_decref(vs);
	json_decref(im4);
	json_decref(im5);
	free(doc4);
	free(doc5);
	free(admin);
}

Test(governance_api, a_company_reads_only_its_own_projection)
{
	char *acme = api_client_create_key("company", "acme");
	char *beta = api_client_create_key("company", "beta");
	char *investor = api_client_create_key("investor", NULL);
	char *admin = api_client_create_key("admin", NULL);
	json_t *a, *b, *pa, *pb;

	a = call("GET", "/v1/me/projection", acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(a, "version")), "2026.2");
	cr_assert_str_eq(json_string_value(json_object_get(a, "effective_at")),
	    "2026-04-01T00:00:00Z");
	cr_assert_str_eq(json_string_value(json_object_get(a, "in_force_version")), "2026.1");
	pa = json_object_get(a, "projection");
	cr_assert_str_eq(json_string_value(json_object_get(pa, "methodology_version")),
	    "2026.2");
	/* The fields the spec marks required of an explanation (issue 18): the stored
	 * rating it is set beside, when it was computed, and that it is no stored one. */
	cr_assert_eq(json_integer_value(json_object_get(pa, "rating_id")),
	    testdb_scalar(conn, "SELECT max(r.id) FROM ratings r JOIN companies c"
	    " ON c.id = r.company_id WHERE c.slug = 'acme'"));
	cr_assert_str_eq(json_string_value(json_object_get(pa, "computed_at")), API_WORLD_NOW);
	cr_assert_str_eq(json_string_value(json_object_get(pa, "reason")), "projection");
	cr_assert(json_is_false(json_object_get(pa, "matches_stored_rating")));
	b = call("GET", "/v1/me/projection", beta, NULL, 200);
	pb = json_object_get(b, "projection");
	cr_assert_str_neq(json_string_value(json_object_get(pa, "inputs_digest")),
	    json_string_value(json_object_get(pb, "inputs_digest")),
	    "two companies got the same projection");
	/* No other role may read a projection, and there is no way to name another
	 * company on this route. */
	json_decref(call("GET", "/v1/me/projection", investor, NULL, 403));
	json_decref(call("GET", "/v1/me/projection", admin, NULL, 403));
	json_decref(call("GET", "/v1/me/projection", NULL, NULL, 401));
	json_decref(call("GET", "/v1/me/projection?company=beta", acme, NULL, 400));
	json_decref(a);
	json_decref(b);
	free(acme);
	free(beta);
	free(investor);
	free(admin);
}

/* The command line on a demo world. */
static void
setup_cli(void)
{
	conn = testdb_create();
	c = NULL;
}

TestSuite(governance_cli, .init = setup_cli, .fini = teardown, .timeout = 180);

static void
run_ok(const char *const *args, struct buf *out)
{
	int rc;

	/* api_client_run starts the buffer afresh: give back the last output first. */
	buf_free(out);
	rc = api_client_run(args, out);
	cr_assert_eq(rc, 0, "%s %s failed (%d): %s", args[0], args[1] ? args[1] : "", rc,
	    out->data ? out->data : "");
}

Test(governance_cli, preview_equals_the_rescore_and_tick_switches_once)
{
	static const char *const demo[] = {"demo", "--companies", "40", "--seed", "7", NULL};
	static const char *const score[] = {"score", NULL};
	/* Rated as of the moment the switch will run, so that both see the same ages. */
	static const char *const preview[] = {"methodology", "preview", "2026.4", "--json",
	    "--as-of", "2026-12-20T00:00:30Z", NULL};
	static const char *const publish[] = {"methodology", "publish", "2026.4",
	    "--effective-at", "2026-12-20T00:00:00Z", "--reason",
	    "testing the switch on a short schedule", NULL};
	static const char *const tick[] = {"tick", NULL};
	char path[] = "/tmp/fairrate-gov-XXXXXX";
	const char *create[] = {"methodology", "create", path, NULL};
	char *doc = document("2026.4", heavier_tls), sql[512];
	json_t *im, *matrix, *grades, *mv;
	struct buf out;
	long rows_before, n;
	size_t i, j;
	FILE *f;
	int fd;

	buf_init(&out, 1 << 20);
	setenv("FAIRRATE_NOW", "2026-12-01T00:00:00Z", 1);
	run_ok(demo, &out);
	run_ok(score, &out);
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(doc, f);
	fclose(f);
	run_ok(create, &out);
	unlink(path);
	rows_before = testdb_scalar(conn, "SELECT count(*) FROM ratings");
	run_ok(preview, &out);
	im = json_loads(out.data, 0, NULL);
	cr_assert_not_null(im, "%s", out.data);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"), rows_before,
	    "the preview wrote ratings");
	run_ok(publish, &out);
	/* Before the effective time tick only records 2026.1's switch. */
	run_ok(tick, &out);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"), rows_before);
	setenv("FAIRRATE_NOW", "2026-12-20T00:00:30Z", 1);
	run_ok(tick, &out);
	cr_assert_not_null(strstr(out.data, "switched to methodology 2026.4"), "%s", out.data);
	/* Every company has a 2026.4 rating; the 2026.1 ones are all still there. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE"
	    " methodology_version = '2026.1'"), rows_before);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(DISTINCT company_id) FROM ratings"
	    " WHERE methodology_version = '2026.4' AND reason = 'methodology_change'"),
	    testdb_scalar(conn, "SELECT count(*) FROM companies"));
	/* The preview's grade columns are the grades the rescore gave. */
	grades = json_object_get(json_object_get(im, "grade_migration"), "grades");
	matrix = json_object_get(json_object_get(im, "grade_migration"), "matrix");
	for (j = 0; j < json_array_size(grades); j++) {
		const char *g = json_string_value(json_array_get(grades, j));
		long col = 0;

		for (i = 0; i < json_array_size(matrix); i++)
			col += (long)json_integer_value(json_array_get(json_array_get(matrix, i),
			    j));
		if (strcmp(g, "insufficient_data") == 0)
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM ratings WHERE"
			    " methodology_version = '2026.4' AND status = 'insufficient_data'");
		else
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM ratings WHERE"
			    " methodology_version = '2026.4' AND grade = '%s'", g);
		n = testdb_scalar(conn, sql);
		cr_assert_eq(n, col, "grade %s: preview %ld, rescore %ld", g, col, n);
	}
	/* Each top mover's projected score is the score the rescore gave it. */
	json_array_foreach(json_object_get(json_object_get(im, "top_movers"), "down"), i, mv) {
		snprintf(sql, sizeof(sql), "SELECT round(score * 10)::bigint FROM ratings WHERE"
		    " company_id = %lld AND methodology_version = '2026.4'",
		    (long long)json_integer_value(json_object_get(mv, "id")));
		cr_assert_eq(testdb_scalar(conn, sql),
		    (long)(json_number_value(json_object_get(mv, "after_score")) * 10 + 0.5));
	}
	cr_assert_gt(json_array_size(json_object_get(json_object_get(im, "top_movers"),
	    "down")), 0, "a heavier TLS weight moved nobody");
	/* A second tick does nothing. */
	n = testdb_scalar(conn, "SELECT count(*) FROM ratings");
	run_ok(tick, &out);
	cr_assert_not_null(strstr(out.data, "nothing to switch"), "%s", out.data);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"), n);
	json_decref(im);
	buf_free(&out);
	free(doc);
}

/* The shipped 2026.2 draft goes through the project's own governance: created from its
 * file, diffed (its options named), previewed, published with the full notice (no
 * reason needed) and switched to at its effective date by tick. */
Test(governance_cli, the_2026_2_draft_is_published_with_notice_and_switched_to)
{
	static const char *const demo[] = {"demo", "--companies", "40", "--seed", "11", NULL};
	static const char *const score[] = {"score", NULL};
	static const char *const diff[] = {"methodology", "diff", "2026.2", NULL};
	static const char *const preview[] = {"methodology", "preview", "2026.2", NULL};
	static const char *const publish[] = {"methodology", "publish", "2026.2",
	    "--effective-at", "2027-02-01T00:00:00Z", NULL};
	static const char *const tick[] = {"tick", NULL};
	static const char *const options[] = {"factor_curve: \"linear\" -> \"exponential\"",
	    "bonus_rule: \"cap\" -> \"within_grade\"", "sources: \"each\" -> \"one_per_fact\"",
	    "footprint.basis: \"attributed\" -> \"observed\"", "inputs_digest: 1 -> 2",
	    "factors.incidents.clean_if_covered_by: \"\" -> \"feed:\"", NULL};
	char path[1024];
	const char *create[] = {"methodology", "create", path, NULL};
	struct buf out;
	size_t i;

	cr_assert_eq(paths_join(path, sizeof(path), "methodology/drafts/2026.2.json"), 0);
	buf_init(&out, 1 << 20);
	setenv("FAIRRATE_NOW", "2026-12-01T00:00:00Z", 1);
	run_ok(demo, &out);
	run_ok(score, &out);
	run_ok(create, &out);
	run_ok(diff, &out);
	for (i = 0; options[i] != NULL; i++)
		cr_assert_not_null(strstr(out.data, options[i]), "diff lacks %s:\n%s",
		    options[i], out.data);
	run_ok(preview, &out);
	run_ok(publish, &out);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM methodology_versions WHERE"
	    " version = '2026.2' AND status = 'published' AND notice_days >= 30"), 1);
	setenv("FAIRRATE_NOW", "2027-02-01T00:00:30Z", 1);
	run_ok(tick, &out);
	cr_assert_not_null(strstr(out.data, "switched to methodology 2026.2"), "%s", out.data);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(DISTINCT company_id) FROM ratings"
	    " WHERE methodology_version = '2026.2'"),
	    testdb_scalar(conn, "SELECT count(*) FROM companies"));
	buf_free(&out);
}
