/* fairrate feed blocklist: published IP blocklists attributed to IP ranges. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/blocklist_store.h"
#include "common/timefmt.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static char errors[8192];

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('acme', 'Acme', 'retail', 'small', 'DE'), ('beta', 'Beta', 'retail', 'small',"
	    " 'DE'), ('gamma', 'Gamma', 'retail', 'small', 'DE')");
	testdb_exec(conn, "INSERT INTO assets (company_id, kind, value, source) SELECT c.id, v.kind, v.value,"
	    " 'test' FROM companies c JOIN (VALUES ('acme', 'ip_range', '192.0.2.0/24'),"
	    " ('acme', 'ip_range', '2001:db8:1::/48'), ('beta', 'ip_range', '203.0.113.0/25'),"
	    " ('gamma', 'domain', 'gamma.example')) AS v(slug, kind, value) ON v.slug = c.slug");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(blocklist, .init = setup, .fini = teardown);

static int
run(const char *file, enum blocklist_category cat, const char *source, const char *at,
    struct blocklist_counts *c)
{
	struct blocklist_options o;
	FILE *err = fmemopen(errors, sizeof(errors), "w");
	int rc;

	cr_assert_not_null(err);
	memset(&o, 0, sizeof(o));
	o.path = file;
	o.source = source;
	o.category = cat;
	o.errors = err;
	cr_assert_eq(timefmt_parse(at, &o.observed_at), 0);
	rc = blocklist_run(conn, &o, c);
	fclose(err);
	return (rc);
}

Test(blocklist, a_drop_list_becomes_evidence_of_the_overlapping_ranges)
{
	struct blocklist_counts c;

	cr_assert_eq(run("tests/data/feeds/drop.txt", BLOCKLIST_SPAM, "spamhaus-drop",
	    "2026-12-01T10:00:00Z", &c), 0, "%s", errors);
	cr_expect_eq(c.listed, 3);
	cr_expect_eq(c.matched, 2);
	cr_expect_eq(c.companies_covered, 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE e.check_code = 'compromised_systems.spam_source'"
	    " AND e.outcome = 'fail' AND e.source = 'spamhaus-drop' AND ("
	    " (a.value = '192.0.2.0/24' AND e.details->>'listed' = '192.0.2.128/25'"
	    "  AND e.details->>'reference' = 'SBL000001') OR"
	    " (a.value = '203.0.113.0/25' AND e.details->>'listed' = '203.0.113.0/24'))"), 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 2,
	    "198.51.100.0/24 is nobody's");
	/* Covered: both companies with a range, found or not; not the one without. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage v JOIN"
	    " companies c ON c.id = v.company_id WHERE v.collector = 'feed:spamhaus-drop'"
	    " AND c.slug IN ('acme', 'beta')"), 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage"), 2);
	/* The same list again: nothing doubles. */
	cr_assert_eq(run("tests/data/feeds/drop.txt", BLOCKLIST_SPAM, "spamhaus-drop",
	    "2026-12-01T10:00:00Z", &c), 0, "%s", errors);
	cr_expect_eq(c.evidence.evidence_inserted, 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 2);
}

Test(blocklist, feodo_csv_and_ipv6)
{
	struct blocklist_counts c;

	cr_assert_eq(run("tests/data/feeds/feodo.csv", BLOCKLIST_BOTNET, "feodotracker",
	    "2026-12-01T10:00:00Z", &c), 0, "%s", errors);
	cr_expect_eq(c.listed, 3);
	cr_expect_eq(c.matched, 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE e.check_code = 'compromised_systems.botnet_infection'"
	    " AND ((a.value = '192.0.2.0/24' AND e.details->>'reference' = 'QakBot') OR"
	    " (a.value = '2001:db8:1::/48' AND e.details->>'listed' = '2001:db8:1::5/128'"
	    "  AND e.details->>'reference' = 'Pikabot'))"), 2);
}

Test(blocklist, a_bad_line_is_named_and_nothing_is_imported)
{
	struct blocklist_counts c;

	cr_expect_eq(run("tests/data/feeds/bad.txt", BLOCKLIST_MALWARE, "bad-list",
	    "2026-12-01T10:00:00Z", &c), 1);
	cr_expect(strstr(errors, "tests/data/feeds/bad.txt:2: 'not-an-address' is not an IP"
	    " address or CIDR network") != NULL, "%s", errors);
	cr_expect(strstr(errors, "tests/data/feeds/bad.txt:3:") != NULL, "%s", errors);
	cr_expect(strstr(errors, "nothing was imported") != NULL, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage"), 0);
}

Test(blocklist, a_correction_sticks_across_a_reimport)
{
	struct blocklist_counts c;

	cr_assert_eq(run("tests/data/feeds/drop.txt", BLOCKLIST_SPAM, "spamhaus-drop",
	    "2026-12-01T10:00:00Z", &c), 0, "%s", errors);
	testdb_exec(conn, "UPDATE evidence SET status = 'corrected', corrected_at = '2026-12-02T00:00:00Z',"
	    " status_reason = 'dispute 3: the range was reassigned'"
	    " WHERE details->>'listed' = '192.0.2.128/25'");
	/* The same list, fetched before the correction: the correction stands. */
	cr_assert_eq(run("tests/data/feeds/drop.txt", BLOCKLIST_SPAM, "spamhaus-drop",
	    "2026-12-01T22:00:00Z", &c), 0, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE details->>'listed' = '192.0.2.128/25' AND status = 'corrected'"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 2);
	/* Listed again after the correction: a new fact. */
	cr_assert_eq(run("tests/data/feeds/drop.txt", BLOCKLIST_SPAM, "spamhaus-drop",
	    "2026-12-03T10:00:00Z", &c), 0, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE details->>'listed' = '192.0.2.128/25' AND status = 'active'"), 1);
}

/* The command line: a category is required, and a plain list imports. */
Test(blocklist, the_command)
{
	const char *bin = getenv("FAIRRATE_BIN");
	char cmd[512];

	cr_assert_not_null(bin);
	snprintf(cmd, sizeof(cmd), "%s feed blocklist tests/data/feeds/plain.txt --source x"
	    " 2>/dev/null", bin);
	cr_expect_eq(WEXITSTATUS(system(cmd)), 2, "no --category");
	snprintf(cmd, sizeof(cmd), "%s feed blocklist tests/data/feeds/plain.txt --category"
	    " malware --source 'Bad Name' 2>/dev/null", bin);
	cr_expect_eq(WEXITSTATUS(system(cmd)), 2, "a bad source name");
	snprintf(cmd, sizeof(cmd), "DATABASE_URL='%s' %s feed blocklist"
	    " tests/data/feeds/plain.txt --category malware --source plain-list"
	    " --observed-at 2026-12-01T00:00:00Z >/dev/null", testdb_url(), bin);
	cr_expect_eq(WEXITSTATUS(system(cmd)), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE check_code ="
	    " 'compromised_systems.malware_host' AND source = 'plain-list'"), 2,
	    "192.0.2.99 and 2001:db8:1::/48 are acme's; 10.9.8.7 is nobody's");
}
