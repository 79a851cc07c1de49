/* fairrate feed veris: VCDB-format incidents of rated companies. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme Corporation', 'retail', 'small', 'JP'),"
	    " ('twin-a', 'Twin Co', 'retail', 'small', 'DE'),"
	    " ('twin-b', 'Twin Co', 'retail', 'small', 'FR')");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(veris, .init = setup, .fini = teardown, .timeout = 60);

Test(veris, incidents_of_rated_companies_are_imported)
{
	char out[2048];

	cr_assert_eq(testdb_cli("feed veris tests/data/feeds/vcdb.json", out, sizeof(out)), 0,
	    "%s", out);
	cr_expect(strstr(out, "4 records: 2 of rated companies (2 incidents added, 0 changed),"
	    " 1 of others, 1 of a name several companies share") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents i JOIN companies c ON"
	    " c.id = i.company_id WHERE c.slug = 'acme' AND i.source = 'vcdb' AND ((i.kind ="
	    " 'ransomware' AND i.severity = 'high' AND i.occurred_at = '2025-06-03T00:00:00Z')"
	    " OR (i.kind = 'breach' AND i.severity = 'high'"
	    " AND i.summary LIKE '%(52000 records)'))"), 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE check_code LIKE"
	    " 'incidents.%'"), 2, "both were disclosed");
	cr_assert_eq(testdb_cli("feed veris tests/data/feeds/vcdb.json --source vcdb", out,
	    sizeof(out)), 0, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), 2, "no doubles");
}

Test(veris, a_bad_record_is_named_and_nothing_is_imported)
{
	char out[2048];

	cr_expect_eq(testdb_cli("feed veris tests/data/feeds/vcdb-bad.jsonl", out, sizeof(out)),
	    1);
	cr_expect(strstr(out, "vcdb-bad.jsonl:2: timeline.incident: no year") != NULL, "%s", out);
	cr_expect(strstr(out, "nothing was imported") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), 0);
}
