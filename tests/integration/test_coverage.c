/* Coverage (collector/coverage.h, migrations/0024): when each collector last covered a
 * company, written with the collector's evidence and only moving forward. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/coverage.h"
#include "collector/scan_results.h"
#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn,
	    "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('acme', 'Acme', 'finance', 'small', 'JP'),"
	    " ('beta', 'Beta', 'retail', 'micro', 'JP');"
	    "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT id, 'domain', slug || '.example', 'test' FROM companies;");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(coverage, .init = setup, .fini = teardown);

static long
covered_at(const char *slug, const char *collector)
{
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT extract(epoch FROM covered_at)"
	    "::bigint FROM collector_coverage k JOIN companies c ON c.id = k.company_id"
	    " WHERE c.slug = '%s' AND k.collector = '%s'), -1)", slug, collector);
	return (testdb_scalar(conn, sql));
}

Test(coverage, records_keep_the_latest_time_and_skip_unknown_companies)
{
	const char *slugs[] = {"acme", "beta", "nobody", "acme"};

	cr_assert_eq(coverage_record(conn, "ports", slugs, 4, 2000000000), 0);
	cr_assert_eq(covered_at("acme", "ports"), 2000000000);
	cr_assert_eq(covered_at("beta", "ports"), 2000000000);
	cr_assert_eq(coverage_record(conn, "ports", slugs, 1, 1900000000), 0);
	cr_assert_eq(covered_at("acme", "ports"), 2000000000, "never moves back");
	cr_assert_eq(coverage_record(conn, "feed:kev", slugs, 1, 2100000000), 0);
	cr_assert_eq(covered_at("acme", "feed:kev"), 2100000000);
	cr_assert_eq(covered_at("beta", "feed:kev"), -1);
	cr_assert_eq(coverage_record(conn, "Ports", slugs, 1, 2100000000), -1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage"), 3);
}

Test(coverage, a_scan_covers_the_parts_that_produced_results)
{
	struct scan_results r = {0};
	struct scan_results_item item = {"acme", "acme.example", 2000000000, &r};

	cr_assert_eq(scan_results_add(&r, "tls.self_signed", "pass", NULL, NULL), 0);
	cr_assert_eq(scan_results_add(&r, "web_headers.hsts_missing", "fail", NULL, NULL), 0);
	cr_assert_eq(scan_results_store(conn, &item, 1, NULL), 0);
	cr_assert_eq(covered_at("acme", "tls"), 2000000000);
	cr_assert_eq(covered_at("acme", "web"), 2000000000);
	cr_assert_eq(covered_at("acme", "mail"), -1, "no mail result: mail not covered");
	cr_assert_eq(covered_at("beta", "tls"), -1);
}

Test(coverage, a_refused_scan_covers_nothing)
{
	struct scan_results r = {0};
	struct scan_results_item item = {"beta", "beta.example", 2000000000, &r};
	struct scan_results_counts counts = {0};

	cr_assert_eq(scan_results_add(&r, "email_auth.spf_missing", "fail", NULL, NULL), 0);
	cr_assert_eq(scan_results_add(&r, "email_auth.no_such_check", "fail", NULL, NULL), 0);
	cr_assert_eq(scan_results_store(conn, &item, 1, &counts), 0);
	cr_assert_eq(counts.domains_rejected, 1);
	cr_assert_eq(covered_at("beta", "mail"), -1);
}
