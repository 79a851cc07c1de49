/* Whether the schema can be distributed by company the way Citus requires, read from
 * the catalogue of a freshly migrated database (docs/operations.md "Scaling out"):
 * a company-scoped table (one with a company_id column; companies itself by id) is
 * distributed by that column, every other table is a reference table, and
 *   R1  every primary key and unique constraint of a distributed table includes its
 *       distribution column;
 *   R2  its distribution column is NOT NULL;
 *   R3  a foreign key between two distributed tables includes the distribution column
 *       on both sides;
 *   R4  no reference table has a foreign key to a distributed table (such a table is a
 *       company's rows without the company's column).
 * The schema does not meet these yet. This test is a ratchet: it lists every
 * violation it finds and requires exactly the known ones below, so that a change can
 * only shrink the list (remove an entry when a migration fixes it) and never add one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/testdb.h"

/* Known violations, as the query below spells them, sorted. */
static const char *const known[] = {
	"R1 api_keys api_keys_pkey",
	"R1 api_keys api_keys_prefix_key",
	"R1 asset_candidates asset_candidates_pkey",
	"R1 assets assets_pkey",
	"R1 audit_log audit_log_pkey",
	"R1 claims claims_pkey",
	"R1 companies companies_slug_key",
	"R1 company_summaries company_summaries_slug_key",
	"R1 disclosures disclosures_pkey",
	"R1 dispute_items dispute_items_dispute_id_asset_id_key",
	"R1 dispute_items dispute_items_dispute_id_evidence_id_key",
	"R1 dispute_items dispute_items_pkey",
	"R1 disputes disputes_pkey",
	"R1 evidence evidence_pkey",
	"R1 incidents incidents_pkey",
	"R1 ratings ratings_pkey",
	"R1 scan_jobs scan_jobs_asset_id_key",
	"R1 scan_jobs scan_jobs_pkey",
	"R1 share_grants share_grants_pkey",
	"R1 webhooks webhooks_pkey",
	"R1 webhooks webhooks_portfolio_id_key",
	"R2 api_keys",
	"R2 audit_log",
	"R2 claims",
	"R2 webhooks",
	"R3 audit_log audit_log_actor_key_id_fkey",
	"R3 claims claims_key_id_fkey",
	"R3 disclosures disclosures_decided_by_fkey",
	"R3 disclosures disclosures_submitted_by_fkey",
	"R3 disputes disputes_assignee_key_id_fkey",
	"R3 disputes disputes_opened_by_fkey",
	"R3 disputes disputes_rejected_by_fkey",
	"R3 evidence evidence_asset_id_fkey",
	"R3 scan_jobs scan_jobs_asset_id_fkey",
	"R3 share_grants share_grants_created_by_fkey",
	"R3 share_grants share_grants_grantee_company_id_fkey",
	"R3 share_grants share_grants_grantee_key_id_fkey",
	"R3 webhooks webhooks_created_by_fkey",
	"R4 attachments attachments_dispute_id_fkey",
	"R4 attachments attachments_uploaded_by_fkey",
	"R4 disclosure_attachments disclosure_attachments_disclosure_id_fkey",
	"R4 disclosure_attachments disclosure_attachments_uploaded_by_fkey",
	"R4 dispute_events dispute_events_actor_key_id_fkey",
	"R4 dispute_events dispute_events_dispute_id_fkey",
	"R4 portfolios portfolios_owner_key_id_fkey",
	"R4 webhook_deliveries webhook_deliveries_webhook_id_fkey",
	NULL,
};

static const char violations_sql[] =
    "WITH dist AS ("
    "  SELECT c.oid, c.relname, CASE WHEN c.relname = 'companies' THEN 'id'"
    "   ELSE 'company_id' END AS col FROM pg_class c"
    "  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND"
    "  (c.relname = 'companies' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE"
    "   a.attrelid = c.oid AND a.attname = 'company_id' AND NOT a.attisdropped))),"
    " distcol AS (SELECT d.oid, d.relname, a.attnum, a.attnotnull FROM dist d"
    "  JOIN pg_attribute a ON a.attrelid = d.oid AND a.attname = d.col),"
    " v AS ("
    "  SELECT 'R1 ' || d.relname || ' ' || k.conname AS v FROM distcol d"
    "   JOIN pg_constraint k ON k.conrelid = d.oid AND k.contype IN ('p', 'u')"
    "   WHERE NOT d.attnum = ANY (k.conkey)"
    "  UNION ALL SELECT 'R2 ' || relname FROM distcol WHERE NOT attnotnull"
    "  UNION ALL SELECT 'R3 ' || a.relname || ' ' || k.conname FROM pg_constraint k"
    "   JOIN distcol a ON a.oid = k.conrelid JOIN distcol b ON b.oid = k.confrelid"
    "   WHERE k.contype = 'f' AND NOT (a.attnum = ANY (k.conkey) AND"
    "   b.attnum = ANY (k.confkey) AND array_position(k.conkey, a.attnum) ="
    "   array_position(k.confkey, b.attnum))"
    "  UNION ALL SELECT 'R4 ' || k.conrelid::regclass::text || ' ' || k.conname"
    "   FROM pg_constraint k JOIN dist b ON b.oid = k.confrelid"
    "   WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace"
    "   AND k.conrelid NOT IN (SELECT oid FROM dist))"
    " SELECT v FROM v ORDER BY v COLLATE \"C\"";

Test(distribution, only_the_known_violations_of_distribution_by_company)
{
	PGconn *conn = testdb_create();
	PGresult *res = PQexec(conn, violations_sql);
	char found[8192] = "", want[8192] = "";
	size_t i;
	int n;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	for (n = 0; n < PQntuples(res); n++) {
		strncat(found, PQgetvalue(res, n, 0), sizeof(found) - strlen(found) - 2);
		strcat(found, "\n");
	}
	for (i = 0; known[i] != NULL; i++) {
		strncat(want, known[i], sizeof(want) - strlen(want) - 2);
		strcat(want, "\n");
	}
	cr_expect_str_eq(found, want, "violations found:\n%s", found);
	PQclear(res);
	testdb_drop(conn);
}
