/* A published inputs digest stays verifiable after an ordinary re-scan (issue 13):
 * under a methodology whose inputs digest has form 2, re-observing the same facts does
 * not change what the stored rating's digest covers, so /v1/me/rating recomputes it
 * at the stored as-of and matches; rescoring with nothing changed writes no row, and
 * a new fact writes one. Form 1 (2026.1) is shown to break, as the issue found. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "collector/scan_results.h"
#include "rater/rescore.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

static PGconn *conn;

/* 2026-02-10, 02-11, 02-20, 02-21 and 02-22 (Unix seconds). */
#define T_SCAN1 1770681600
#define T_RATE1 1770768000
#define T_SCAN2 1771545600
#define T_RATE2 1771632000
#define T_RATE3 1771718400

static void
setup(void)
{
	conn = testdb_create();
	/* 2026.5: 2026.1 with the digest of form 2, in force from 2026-02-01. */
	testdb_exec(conn,
	    "INSERT INTO methodology_versions (version, status, definition,"
	    " definition_sha256, change_log, published_at, effective_at, notice_days)"
	    " SELECT '2026.5', 'published', d, encode(sha256(convert_to(d::text, 'UTF8')),"
	    " 'hex'), 'test: inputs digest form 2', '2026-01-01', '2026-02-01', 0"
	    " FROM (SELECT jsonb_set(jsonb_set(jsonb_set(definition, '{version}',"
	    " '\"2026.5\"'), '{effective_at}', '\"2026-02-01T00:00:00Z\"'),"
	    " '{inputs_digest}', '2') AS d FROM methodology_versions"
	    " WHERE version = '2026.1') x;"
	    "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('acme', 'Acme', 'finance', 'small', 'JP');"
	    "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT id, 'domain', 'acme.example', 'test' FROM companies;");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(digest_after_rescan, .init = setup, .fini = teardown, .timeout = 120);

/* The scanner observes the same facts about acme.example at `at`, plus extra (a code,
 * may be NULL) as a new finding. */
static void
scan(int64_t at, const char *extra)
{
	static const char *const fails[] = {"web_headers.hsts_missing",
	    "web_headers.csp_missing", "email_auth.dmarc_missing", "tls.weak_key", NULL};
	static const char *const passes[] = {"tls.self_signed", "tls.hostname_mismatch",
	    "email_auth.spf_missing", "web_headers.frame_options_missing", NULL};
	struct scan_results r = {0};
	struct scan_results_item item = {"acme", "acme.example", at, &r};
	int i;

	for (i = 0; fails[i] != NULL; i++)
		cr_assert_eq(scan_results_add(&r, fails[i], "fail", NULL, NULL), 0);
	for (i = 0; passes[i] != NULL; i++)
		cr_assert_eq(scan_results_add(&r, passes[i], "pass", NULL, NULL), 0);
	if (extra != NULL)
		cr_assert_eq(scan_results_add(&r, extra, "fail", NULL, NULL), 0);
	cr_assert_eq(scan_results_store(conn, &item, 1, NULL), 0);
}

static long
rescore(int64_t as_of)
{
	struct rescore_options opt = {.as_of = as_of, .threads = 1};
	struct rescore_summary sum;

	cr_assert_eq(rescore_run(testdb_url(), &opt, &sum), 0);
	return ((long)sum.new_rows);
}

static int
matches(int64_t now)
{
	return (api_call_rating_matches("acme", now));
}

Test(digest_after_rescan, form_2_stays_verifiable_and_writes_rows_only_for_new_inputs)
{
	scan(T_SCAN1, NULL);
	cr_assert_eq(rescore(T_RATE1), 1);
	cr_assert(matches(T_RATE1));
	/* The daily re-scan moves last_seen only: still verifiable. */
	scan(T_SCAN2, NULL);
	cr_assert(matches(T_SCAN2), "the stored digest must survive a re-scan");
	/* Rescoring later with the same facts writes nothing. */
	cr_assert_eq(rescore(T_RATE2), 0);
	/* A new finding is a new input: a new row, verifiable in its turn. */
	scan(T_RATE2 + 60, "web_headers.content_type_options_missing");
	cr_assert_eq(rescore(T_RATE3), 1);
	cr_assert(matches(T_RATE3));
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"), 2);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE"
	    " methodology_version = '2026.5'"), 2);
}

Test(digest_after_rescan, form_1_loses_the_digest_after_a_rescan)
{
	/* 2026.1 is in force in January. */
	scan(T_SCAN1 - 30 * 86400, NULL);
	cr_assert_eq(rescore(T_RATE1 - 30 * 86400), 1);
	cr_assert(matches(T_RATE1 - 30 * 86400));
	scan(T_SCAN2 - 30 * 86400, NULL);
	cr_assert(!matches(T_SCAN2 - 30 * 86400), "form 1 names last_seen: it breaks");
}
