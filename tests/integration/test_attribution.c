/* The minimum attribution confidence that counts is a methodology field (issue 12):
 * under a version with attribution.min_confidence 0.9, an asset attributed at 0.5
 * (a shared address, a stranger's certificate) neither brings its evidence nor counts
 * in the footprint, in the full rescoring and in the single company's path (the
 * stored rating matches /v1/me/rating's recomputation); under 2026.1, which has no
 * minimum, it counts; raising the asset to 0.9 makes it count. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rater/rescore.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

static PGconn *conn;

/* 2026-01-20 (2026.1 in force) and 2026-03-01 (2026.7 in force, from 02-01). */
#define T_BEFORE 1768867200
#define T_AFTER 1772323200

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn,
	    "INSERT INTO methodology_versions (version, status, definition,"
	    " definition_sha256, change_log, published_at, effective_at, notice_days)"
	    " SELECT '2026.7', 'published', d, encode(sha256(convert_to(d::text, 'UTF8')),"
	    " 'hex'), 'test: a minimum attribution confidence', '2026-01-01', '2026-02-01', 0"
	    " FROM (SELECT jsonb_set(jsonb_set(jsonb_set(definition, '{version}',"
	    " '\"2026.7\"'), '{effective_at}', '\"2026-02-01T00:00:00Z\"'),"
	    " '{attribution}', '{\"min_confidence\": 0.9}') AS d FROM methodology_versions"
	    " WHERE version = '2026.1') x;"
	    "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('sure', 'Sure', 'finance', 'small', 'JP'),"
	    " ('unsure', 'Unsure', 'finance', 'small', 'JP');"
	    "INSERT INTO assets (company_id, kind, value, source, confidence)"
	    " SELECT id, 'domain', slug || '.example', 'test', 1.0 FROM companies;"
	    "INSERT INTO assets (company_id, kind, value, source, confidence)"
	    " SELECT id, 'domain', 'shared-host.example', 'test', 0.5 FROM companies"
	    " WHERE slug = 'unsure';"
	    /* The same facts on each company's own domain (rated: 8 items, 3 factors). */
	    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, source,"
	    " first_seen, last_seen, status, recorded_at, updated_at)"
	    " SELECT a.company_id, a.id, v.code, v.outcome, 'test', '2026-01-10',"
	    " '2026-01-10', 'active', '2026-01-10', '2026-01-10' FROM assets a, (VALUES"
	    " ('web_headers.hsts_missing', 'fail'), ('web_headers.csp_missing', 'fail'),"
	    " ('email_auth.dmarc_missing', 'fail'), ('tls.weak_key', 'fail'),"
	    " ('tls.self_signed', 'pass'), ('tls.hostname_mismatch', 'pass'),"
	    " ('email_auth.spf_missing', 'pass'),"
	    " ('web_headers.frame_options_missing', 'pass')) v (code, outcome)"
	    " WHERE a.confidence = 1.0;"
	    /* And a grave finding on the host attributed at 0.5 only. */
	    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, source,"
	    " first_seen, last_seen, status, recorded_at, updated_at)"
	    " SELECT company_id, id, 'tls.certificate_expired', 'fail', 'test', '2026-01-10',"
	    " '2026-01-10', 'active', '2026-01-10', '2026-01-10' FROM assets"
	    " WHERE confidence = 0.5;");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(attribution, .init = setup, .fini = teardown, .timeout = 120);

static void
rescore(int64_t as_of)
{
	struct rescore_options opt = {.as_of = as_of, .threads = 2};
	struct rescore_summary sum;

	cr_assert_eq(rescore_run(testdb_url(), &opt, &sum), 0);
}

/* The latest stored score of slug, times 10. */
static long
score10(const char *slug)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT round(score * 10) FROM ratings r JOIN companies c"
	    " ON c.id = r.company_id WHERE c.slug = '%s' ORDER BY r.id DESC LIMIT 1", slug);
	return (testdb_scalar(conn, sql));
}

static int
matches(int64_t now)
{
	return (api_call_rating_matches("unsure", now));
}

Test(attribution, an_asset_below_the_minimum_neither_brings_evidence_nor_counts)
{
	rescore(T_AFTER);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE"
	    " methodology_version = '2026.7' AND status = 'rated'"), 2);
	cr_expect_eq(score10("unsure"), score10("sure"), "the 0.5 host's finding counted");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(DISTINCT evidence_count) FROM ratings"),
	    1);
	cr_expect(matches(T_AFTER), "the single company's path must agree");
}

Test(attribution, without_a_minimum_every_attributed_asset_counts)
{
	rescore(T_BEFORE);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE"
	    " methodology_version = '2026.1'"), 2);
	cr_expect_lt(score10("unsure"), score10("sure"));
	cr_expect(matches(T_BEFORE));
}

Test(attribution, an_asset_raised_to_the_minimum_counts)
{
	testdb_exec(conn, "UPDATE assets SET confidence = 0.9 WHERE confidence = 0.5");
	rescore(T_AFTER);
	cr_expect_lt(score10("unsure"), score10("sure"));
	cr_expect(matches(T_AFTER));
}
