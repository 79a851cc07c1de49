/* fairrate disputes: the queue and one dispute from the command line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"
#include "dispute/dispute_store.h"
#include "tests/support/testdb.h"

static PGconn *conn;

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(disputes_cli, .fini = teardown, .timeout = 60);

Test(disputes_cli, lists_and_shows)
{
	struct dispute_actor company = {DISPUTE_ROLE_COMPANY, 0, 0};
	char out[8192], args[64];
	int64_t ev, id = 0;

	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE');"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " 'acme.example', 'import' FROM companies;"
	    " INSERT INTO evidence (company_id, asset_id, check_code, outcome,"
	    " observation_key, source, first_seen, last_seen) SELECT company_id, id,"
	    " 'tls.self_signed', 'fail', '', 'scan', now(), now() FROM assets;"
	    " INSERT INTO api_keys (prefix, secret_sha256, role, company_id) SELECT"
	    " 'clidispute01', repeat('a', 64), 'company', id FROM companies");
	company.company_id = testdb_scalar(conn, "SELECT id FROM companies");
	company.key_id = testdb_scalar(conn, "SELECT id FROM api_keys");
	ev = testdb_scalar(conn, "SELECT id FROM evidence");
	cr_assert_eq(dispute_store_open(conn, &company, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "Our certificate is from our own CA, trusted by"
	    " every client we serve.", &ev, 1, timefmt_now(), &id), DISPUTE_STORE_OK);

	cr_assert_eq(testdb_cli("disputes", out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "acme") != NULL && strstr(out, "false_positive") != NULL &&
	    strstr(out, "open") != NULL, "%s", out);
	cr_assert_eq(testdb_cli("disputes --company acme --json", out, sizeof(out)), 0, "%s",
	    out);
	cr_expect(strstr(out, "\"items\"") != NULL, "%s", out);
	snprintf(args, sizeof(args), "disputes show %lld", (long long)id);
	cr_assert_eq(testdb_cli(args, out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "own CA") != NULL && strstr(out, "evidence: #") != NULL, "%s",
	    out);
	cr_expect_eq(testdb_cli("disputes show 999999", out, sizeof(out)), 1);
	cr_expect(strstr(out, "no dispute 999999") != NULL, "%s", out);
	cr_expect_eq(testdb_cli("disputes --state nosuch", out, sizeof(out)), 2);
	cr_expect_eq(testdb_cli("disputes --company nosuch", out, sizeof(out)), 1);
}
