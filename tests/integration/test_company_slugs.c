/* company_slugs (migration 0036) keeps a company's slug unique now that companies, a
 * distributed table, may not: the statements that change companies keep it, and the
 * global tables that name a company through it follow a company's deletion. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'finance', 'small', 'JP'),"
	    " ('beta', 'Beta', 'retail', 'small', 'JP')");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(company_slugs, .init = setup, .fini = teardown);

/* The slugs as "slug:company slug", in slug order, each company named by its own
 * slug in companies (so that a slug row pointing elsewhere shows). */
static void
slugs(char *out, size_t n)
{
	PGresult *res = PQexec(conn, "SELECT coalesce(string_agg(k.slug || ':' ||"
	    " coalesce(c.slug, '?'), ' ' ORDER BY k.slug), '') FROM company_slugs k"
	    " LEFT JOIN companies c ON c.id = k.company_id");

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	cr_assert_lt(strlen(PQgetvalue(res, 0, 0)), n);
	strcpy(out, PQgetvalue(res, 0, 0));
	PQclear(res);
}

/* sql's failure: its SQLSTATE and the constraint it names. */
static void
refused(const char *sql, const char *state, const char *constraint)
{
	PGresult *res = PQexec(conn, sql);
	const char *c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	cr_assert_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "%s: accepted", sql);
	cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), state, "%s: %s", sql,
	    PQresultErrorMessage(res));
	cr_assert_str_eq(c != NULL ? c : "", constraint, "%s", PQresultErrorMessage(res));
	PQclear(res);
}

Test(company_slugs, follow_inserts_renames_and_swaps)
{
	char got[256];

	slugs(got, sizeof(got));
	cr_expect_str_eq(got, "acme:acme beta:beta");
	testdb_exec(conn, "UPDATE companies SET slug = 'acme-corp' WHERE slug = 'acme'");
	slugs(got, sizeof(got));
	cr_expect_str_eq(got, "acme-corp:acme-corp beta:beta");
	/* The old slug is free again. */
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme Two', 'finance', 'small', 'JP')");
	testdb_exec(conn, "UPDATE companies SET slug = CASE slug WHEN 'acme' THEN 'beta'"
	    " ELSE 'acme' END WHERE slug IN ('acme', 'beta')");
	slugs(got, sizeof(got));
	cr_expect_str_eq(got, "acme:acme acme-corp:acme-corp beta:beta");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM companies c JOIN company_slugs k"
	    " ON k.company_id = c.id AND k.slug = c.slug"), 3);
	testdb_exec(conn, "UPDATE companies SET name = 'Beta Renamed' WHERE slug = 'beta'");
	slugs(got, sizeof(got));
	cr_expect_str_eq(got, "acme:acme acme-corp:acme-corp beta:beta");
}

Test(company_slugs, a_taken_slug_is_refused)
{
	refused("INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Other', 'finance', 'small', 'JP')", "23505",
	    "company_slugs_pkey");
	refused("UPDATE companies SET slug = 'acme' WHERE slug = 'beta'", "23505",
	    "company_slugs_pkey");
	/* A key may only name a company that exists. */
	refused("INSERT INTO api_keys (prefix, secret_sha256, role, company_id)"
	    " VALUES ('p00000000001', repeat('a', 64), 'company', 999999)", "23503",
	    "api_keys_company_id_fkey");
}

Test(company_slugs, a_deleted_company_takes_its_global_rows)
{
	char got[256];

	testdb_exec(conn,
	    "INSERT INTO api_keys (prefix, secret_sha256, role, company_id) SELECT"
	    " 'p00000000002', repeat('a', 64), 'company', id FROM companies"
	    " WHERE slug = 'acme';"
	    "INSERT INTO api_keys (prefix, secret_sha256, role) VALUES ('p00000000003',"
	    " repeat('a', 64), 'investor');"
	    "INSERT INTO audit_log (actor, action, target, company_id, details) SELECT"
	    " 'staff', 'test', 'acme', id, '{}' FROM companies WHERE slug = 'acme';"
	    "INSERT INTO share_grants (company_id, grantee_company_id, scope, created_at,"
	    " expires_at) SELECT b.id, a.id, '{evidence}', now(), now() + interval '1 day'"
	    " FROM companies a,"
	    " companies b WHERE a.slug = 'acme' AND b.slug = 'beta'");
	cr_assert_eq(testdb_scalar(conn, "SELECT (SELECT count(*) FROM api_keys) +"
	    " (SELECT count(*) FROM share_grants) + (SELECT count(*) FROM audit_log"
	    " WHERE company_id IS NOT NULL)"), 4);
	testdb_exec(conn, "DELETE FROM companies WHERE slug = 'acme'");
	slugs(got, sizeof(got));
	cr_expect_str_eq(got, "beta:beta");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM api_keys"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM share_grants"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log"
	    " WHERE target = 'acme' AND company_id IS NULL"), 1);
}

/* Evidence refers to its asset with the company (migration 0036): deleting the asset
 * clears the evidence's asset_id only, as before, never its company. */
Test(company_slugs, a_deleted_asset_leaves_its_evidence_with_the_company)
{
	testdb_exec(conn,
	    "INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " 'acme.example', 'test' FROM companies WHERE slug = 'acme';"
	    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, source,"
	    " first_seen, last_seen) SELECT company_id, id, 'tls.certificate_expired', 'fail',"
	    " 'test', now(), now() FROM assets;"
	    "DELETE FROM assets");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN companies c"
	    " ON c.id = e.company_id WHERE c.slug = 'acme' AND e.asset_id IS NULL"), 1);
}
