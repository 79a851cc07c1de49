/* fairrate feed endoflife|kev|osv and fairrate patching on sample files in the
 * formats endoflife.date, CISA and OSV publish (tests/data/feeds/). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('old', 'Old', 'retail', 'small', 'DE'), ('new', 'New', 'retail',"
	    " 'small', 'DE');"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " slug || '.example', 'import' FROM companies;"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'ip_range',"
	    " '192.0.2.0/24', 'import' FROM companies WHERE slug = 'old';"
	    /* What the scans wrote: versions in headers, a banner. */
	    " INSERT INTO evidence (company_id, asset_id, check_code, outcome, observation_key,"
	    " details, source, first_seen, last_seen) SELECT a.company_id, a.id,"
	    " 'web_headers.version_disclosure', 'fail', '', CASE a.value WHEN 'old.example'"
	    " THEN '{\"server\":\"nginx/1.18.0\",\"x-powered-by\":\"PHP/7.4.3\"}'::jsonb ELSE"
	    " '{\"server\":\"nginx/1.27.3\"}'::jsonb END, 'fairrate-scan',"
	    " '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z' FROM assets a WHERE kind = 'domain';"
	    " INSERT INTO evidence (company_id, asset_id, check_code, outcome, observation_key,"
	    " details, source, first_seen, last_seen) SELECT a.company_id, a.id,"
	    " 'exposed_services.open_port_admin', 'fail', '192.0.2.9:22/tcp',"
	    " '{\"address\":\"192.0.2.9\",\"port\":22,\"service\":\"ssh\",\"banner\":"
	    "\"SSH-2.0-OpenSSH_7.4p1 Debian-10\"}'::jsonb, 'fairrate-ports',"
	    " '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z' FROM assets a"
	    " WHERE kind = 'ip_range'");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(patching, .init = setup, .fini = teardown, .timeout = 60);

static long
verdict(const char *asset, const char *code, const char *product, const char *outcome)
{
	char sql[600];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence e JOIN assets a ON a.id ="
	    " e.asset_id WHERE a.value = '%s' AND e.check_code = '%s' AND e.observation_key ="
	    " '%s' AND e.outcome = '%s' AND e.source = 'fairrate-patching'", asset, code,
	    product, outcome);
	return (testdb_scalar(conn, sql));
}

static void
load_all(void)
{
	char out[2048];

	cr_assert_eq(testdb_cli("feed endoflife tests/data/feeds/endoflife-nginx.json --product"
	    " nginx", out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "3 release cycles loaded") != NULL, "%s", out);
	cr_assert_eq(testdb_cli("feed endoflife tests/data/feeds/endoflife-php.json --product"
	    " php", out, sizeof(out)), 0, "%s", out);
	cr_assert_eq(testdb_cli("feed kev tests/data/feeds/kev.json", out, sizeof(out)), 0, "%s",
	    out);
	cr_assert_eq(testdb_cli("feed osv tests/data/feeds/osv.json", out, sizeof(out)), 0, "%s",
	    out);
	cr_expect(strstr(out, "2 affected products loaded, 1 of other products skipped") !=
	    NULL, "%s", out);
}

Test(patching, software_seen_is_judged_against_the_data_sets)
{
	char out[2048];

	load_all();
	cr_assert_eq(testdb_cli("patching --as-of 2026-12-01T00:00:00Z", out, sizeof(out)), 0,
	    "%s", out);
	/* nginx 1.18.0: its cycle ended in 2021; it is that cycle's latest; CVE-2099-10001
	 * (before 1.20.1) is exploited. */
	cr_expect_eq(verdict("old.example", "patching.end_of_life_software", "nginx", "fail"), 1);
	cr_expect_eq(verdict("old.example", "patching.outdated_software", "nginx", "pass"), 1);
	cr_expect_eq(verdict("old.example", "patching.known_vulnerability", "nginx", "fail"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE check_code ="
	    " 'patching.known_vulnerability' AND details->'cves' = '[\"CVE-2099-10001\"]'"
	    " AND details->>'version' = '1.18.0'"), 1);
	/* PHP 7.4.3: past end of life, behind 7.4.33, inside 7.4.0..7.4.30. */
	cr_expect_eq(verdict("old.example", "patching.end_of_life_software", "php", "fail"), 1);
	cr_expect_eq(verdict("old.example", "patching.outdated_software", "php", "fail"), 1);
	cr_expect_eq(verdict("old.example", "patching.known_vulnerability", "php", "fail"), 1);
	/* nginx 1.27.3: supported, current, not affected. */
	cr_expect_eq(verdict("new.example", "patching.end_of_life_software", "nginx", "pass"), 1);
	cr_expect_eq(verdict("new.example", "patching.outdated_software", "nginx", "pass"), 1);
	cr_expect_eq(verdict("new.example", "patching.known_vulnerability", "nginx", "pass"), 1);
	/* OpenSSH: no data loaded for it, no verdict. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " observation_key = 'openssh'"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage WHERE"
	    " collector = 'patching'"), 2);
	/* Again: nothing doubles. */
	cr_assert_eq(testdb_cli("patching --as-of 2026-12-01T00:00:00Z", out, sizeof(out)), 0,
	    "%s", out);
	cr_expect(strstr(out, "evidence: 0 added") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'fairrate-patching'"), 9);
}

Test(patching, bad_files_load_nothing)
{
	char out[2048];

	cr_expect_eq(testdb_cli("feed endoflife tests/data/feeds/endoflife-bad.json --product"
	    " nginx", out, sizeof(out)), 1);
	cr_expect(strstr(out, "endoflife-bad.json: cycle 0 (1.27): eol is neither a date") !=
	    NULL, "%s", out);
	cr_expect_eq(testdb_cli("feed endoflife tests/data/feeds/endoflife-nginx.json", out,
	    sizeof(out)), 2, "no --product");
	cr_expect_eq(testdb_cli("feed endoflife tests/data/feeds/endoflife-nginx.json --product"
	    " nosuch", out, sizeof(out)), 2);
	cr_expect_eq(testdb_cli("feed kev tests/data/feeds/endoflife-nginx.json", out,
	    sizeof(out)), 1);
	cr_expect(strstr(out, "not the KEV catalogue") != NULL, "%s", out);
	cr_expect_eq(testdb_cli("feed osv tests/data/feeds/no-such-file.json", out, sizeof(out)),
	    1);
	cr_expect(strstr(out, "no-such-file.json:") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT (SELECT count(*) FROM software_cycles) +"
	    " (SELECT count(*) FROM kev) + (SELECT count(*) FROM software_vulns)"), 0);
}
