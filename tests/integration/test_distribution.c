/* The schema can be distributed by company the way Citus requires: read from the
 * catalogue of a freshly migrated database against the plan in docs/distribution.json
 * (docs/operations.md "Scaling out"). Each table of every schema is in the plan as
 * distributed by a column, a reference table, or local; and
 *   R0  a distributed table has the column the plan names;
 *   R1  every unique index of a distributed table (primary keys and unique
 *       constraints included) and every exclusion constraint has that column;
 *   R2  that column is NOT NULL;
 *   R3  a foreign key between two distributed tables has the column on both sides,
 *       in the same place;
 *   R4  no reference or local table has a foreign key to a distributed table;
 *   R5  a foreign key between distributed tables never sets the column to NULL or
 *       its default when the referenced row goes (ON DELETE SET NULL (cols) names
 *       the other columns).
 * The plan and docs/operations.md's table of it say the same. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "tests/support/testdb.h"

/* $1: the plan's "tables" array as JSON. One row per finding, sorted. */
static const char violations_sql[] =
    "WITH plan AS (SELECT p.\"table\" AS name, p.\"as\" AS kind, p.by AS col"
    "  FROM json_to_recordset($1::json) AS p(\"table\" text, \"as\" text, by text)),"
    " rel AS (SELECT c.oid, n.nspname || '.' || c.relname AS name FROM pg_class c"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
    "  AND NOT c.relispartition AND n.nspname NOT LIKE 'pg\\_%'"
    "  AND n.nspname <> 'information_schema'),"
    " cls AS (SELECT r.oid, r.name, p.kind, p.col FROM rel r JOIN plan p USING (name)),"
    " dist AS (SELECT c.oid, c.name, a.attnum, a.attnotnull FROM cls c"
    "  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = c.col"
    "   AND NOT a.attisdropped WHERE c.kind = 'distributed'),"
    " fk AS (SELECT k.conname, k.conrelid, k.confrelid, k.conkey, k.confkey,"
    "  k.confdeltype, k.confdelsetcols FROM pg_constraint k WHERE k.contype = 'f'),"
    " v AS ("
    "  SELECT 'unplanned ' || name AS v FROM rel WHERE name NOT IN (SELECT name FROM plan)"
    "  UNION ALL SELECT 'no such table ' || name FROM plan"
    "   WHERE name NOT IN (SELECT name FROM rel)"
    "  UNION ALL SELECT 'bad plan entry ' || coalesce(name, '?') FROM plan"
    "   WHERE name IS NULL OR kind IS NULL OR kind NOT IN ('distributed', 'reference',"
    "   'local') OR (kind = 'distributed') <> (col IS NOT NULL)"
    "   OR name IN (SELECT name FROM plan GROUP BY name HAVING count(*) > 1)"
    "  UNION ALL SELECT 'R0 ' || name FROM dist WHERE attnum IS NULL"
    "  UNION ALL SELECT 'R1 ' || d.name || ' ' || i.indexrelid::regclass::text"
    "   FROM dist d JOIN pg_index i ON i.indrelid = d.oid AND i.indisunique"
    "   WHERE NOT d.attnum = ANY (i.indkey::int2[])"
    "  UNION ALL SELECT 'R1 ' || d.name || ' ' || k.conname FROM dist d"
    "   JOIN pg_constraint k ON k.conrelid = d.oid AND k.contype = 'x'"
    "   WHERE NOT d.attnum = ANY (k.conkey)"
    "  UNION ALL SELECT 'R2 ' || name FROM dist WHERE NOT attnotnull"
    "  UNION ALL SELECT 'R3 ' || a.name || ' ' || k.conname FROM fk k"
    "   JOIN dist a ON a.oid = k.conrelid JOIN dist b ON b.oid = k.confrelid"
    "   WHERE NOT coalesce(a.attnum = ANY (k.conkey) AND b.attnum = ANY (k.confkey) AND"
    "   array_position(k.conkey, a.attnum) = array_position(k.confkey, b.attnum), false)"
    "  UNION ALL SELECT 'R4 ' || c.name || ' ' || k.conname FROM fk k"
    "   JOIN cls c ON c.oid = k.conrelid AND c.kind <> 'distributed'"
    "   JOIN dist b ON b.oid = k.confrelid"
    "  UNION ALL SELECT 'R5 ' || a.name || ' ' || k.conname FROM fk k"
    "   JOIN dist a ON a.oid = k.conrelid JOIN dist b ON b.oid = k.confrelid"
    "   WHERE k.confdeltype IN ('n', 'd') AND (k.confdelsetcols IS NULL"
    "   OR a.attnum = ANY (k.confdelsetcols)))"
    " SELECT v FROM v ORDER BY v COLLATE \"C\"";

/* $1: the plan's "tables"; $2: docs/operations.md. The plan's entries the docs' table
 * lacks, and the docs' rows the plan lacks. */
static const char docs_sql[] =
    "WITH plan AS (SELECT p.\"table\" || ' ' || p.\"as\" || coalesce(' ' || p.by, '') AS e"
    "  FROM json_to_recordset($1::json) AS p(\"table\" text, \"as\" text, by text)),"
    " docs AS (SELECT m[1] || ' ' || m[2] || coalesce(' ' || m[4], '') AS e FROM"
    "  regexp_matches($2, '^\\| `([a-z_]+\\.[a-z_]+)` \\| ([a-z]+) \\| (`([a-z_]+)`)? *\\|',"
    "  'gn') AS m)"
    " SELECT v FROM (SELECT 'docs lack ' || e AS v FROM plan EXCEPT ALL"
    "  SELECT 'docs lack ' || e FROM docs UNION ALL (SELECT 'plan lacks ' || e FROM docs"
    "  EXCEPT ALL SELECT 'plan lacks ' || e FROM plan)) x ORDER BY v COLLATE \"C\"";

/* The shipped file rel (under the share folder), malloc'd and NUL-terminated. */
static char *
read_shipped(const char *rel)
{
	char path[4096], *text;
	FILE *f;
	long len;

	cr_assert_eq(paths_join(path, sizeof(path), rel), 0);
	cr_assert_not_null(f = fopen(path, "rb"), "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	cr_assert_geq(len = ftell(f), 0);
	rewind(f);
	cr_assert_not_null(text = malloc((size_t)len + 1));
	cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len, "cannot read %s", path);
	text[len] = '\0';
	fclose(f);
	return (text);
}

/* The plan's "tables" array. */
static json_t *
plan_tables(void)
{
	char *text = read_shipped("docs/distribution.json");
	json_error_t err;
	json_t *doc = json_loads(text, 0, &err), *tables;

	cr_assert_not_null(doc, "docs/distribution.json line %d: %s", err.line, err.text);
	cr_assert(json_is_array(tables = json_object_get(doc, "tables")),
	    "docs/distribution.json has no \"tables\" array");
	json_incref(tables);
	json_decref(doc);
	free(text);
	return (tables);
}

/* The rows of sql (parameters p, n of them), one a line, into out (size cap). */
static void
findings(PGconn *conn, const char *sql, int n, const char *const *p, char *out, size_t cap)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, p, NULL, NULL, 0);
	int i;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	out[0] = '\0';
	for (i = 0; i < PQntuples(res); i++) {
		cr_assert_lt(strlen(out) + (size_t)PQgetlength(res, i, 0) + 2, cap);
		strcat(out, PQgetvalue(res, i, 0));
		strcat(out, "\n");
	}
	PQclear(res);
}

/* The checker's findings for plan tables on conn's database. */
static void
check(PGconn *conn, json_t *tables, char *out, size_t cap)
{
	char *text = json_dumps(tables, JSON_COMPACT);
	const char *p[1] = {text};

	cr_assert_not_null(text);
	findings(conn, violations_sql, 1, p, out, cap);
	free(text);
}

Test(distribution, every_table_is_planned_and_meets_the_rules)
{
	PGconn *conn = testdb_create();
	json_t *tables = plan_tables();
	char found[8192];

	check(conn, tables, found, sizeof(found));
	cr_expect_str_eq(found, "", "the schema breaks the distribution plan:\n%s", found);
	json_decref(tables);
	testdb_drop(conn);
}

/* A rating is read as one of its company's (its latest, its history), never by id
 * alone: the key of ratings leads with company_id and no index leads with id, so that
 * no planner, however wrong its statistics (a new database's first rescoring, which
 * analysed ratings empty), can find "a company's latest rating" by walking ratings in
 * id order. With the key (id, company_id) the first rescoring of 100,000 companies
 * took 37 s instead of 2.3 s (migrations/0037). */
Test(distribution, no_index_of_ratings_leads_with_its_id)
{
	PGconn *conn = testdb_create();

	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM pg_index i JOIN pg_attribute a"
	    " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
	    " WHERE i.indrelid = 'ratings'::regclass AND i.indisprimary"
	    " AND a.attname = 'company_id'"), 1, "the key is (company_id, ...)");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM pg_index i JOIN pg_attribute a"
	    " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
	    " WHERE i.indrelid = 'ratings'::regclass AND a.attname = 'id'"), 0);
	testdb_drop(conn);
}

/* The checker is not blind: each rule, broken once, is reported. */
Test(distribution, each_broken_rule_is_reported)
{
	PGconn *conn = testdb_create();
	json_t *tables = plan_tables();
	char found[8192];

	testdb_exec(conn,
	    "CREATE TABLE probe (id bigint PRIMARY KEY, company_id bigint, asset_id bigint,"
	    " FOREIGN KEY (asset_id, company_id) REFERENCES assets (id, company_id)"
	    "  ON DELETE SET NULL);"
	    "CREATE TABLE stray (id bigint);"
	    "ALTER TABLE incidents ADD CONSTRAINT incidents_ref_key UNIQUE (external_ref);"
	    "CREATE UNIQUE INDEX evidence_code_once ON evidence (check_code) WHERE false;"
	    "ALTER TABLE share_grants ADD CONSTRAINT grantee_fkey FOREIGN KEY"
	    " (grantee_company_id) REFERENCES companies (id);"
	    "ALTER TABLE api_keys ADD CONSTRAINT key_company_fkey FOREIGN KEY (company_id)"
	    " REFERENCES companies (id);"
	    "ALTER TABLE collector_coverage ADD CONSTRAINT one_collector"
	    " EXCLUDE (collector WITH =);");
	json_array_append_new(tables, json_pack("{s:s, s:s, s:s}", "table", "public.probe",
	    "as", "distributed", "by", "company_id"));
	json_array_append_new(tables, json_pack("{s:s, s:s, s:s}", "table", "public.gone",
	    "as", "distributed", "by", "company_id"));
	json_array_append_new(tables, json_pack("{s:s, s:s}", "table", "public.kev",
	    "as", "distributed"));
	check(conn, tables, found, sizeof(found));
	cr_expect_str_eq(found,
	    "R0 public.kev\n"
	    "R1 public.collector_coverage one_collector\n"
	    "R1 public.evidence evidence_code_once\n"
	    "R1 public.incidents incidents_ref_key\n"
	    "R1 public.probe probe_pkey\n"
	    "R2 public.probe\n"
	    "R3 public.share_grants grantee_fkey\n"
	    "R4 public.api_keys key_company_fkey\n"
	    "R5 public.probe probe_asset_id_company_id_fkey\n"
	    "bad plan entry public.kev\n"
	    "bad plan entry public.kev\n"
	    "no such table public.gone\n"
	    "unplanned public.stray\n", "%s", found);
	json_decref(tables);
	testdb_drop(conn);
}

Test(distribution, the_docs_table_is_the_plan)
{
	PGconn *conn = testdb_create();
	json_t *tables = plan_tables();
	char *plan = json_dumps(tables, JSON_COMPACT), *docs = read_shipped("docs/operations.md");
	const char *p[2] = {plan, docs};
	char found[8192];

	findings(conn, docs_sql, 2, p, found, sizeof(found));
	cr_expect_str_eq(found, "", "docs/operations.md and docs/distribution.json differ:\n%s",
	    found);
	free(docs);
	free(plan);
	json_decref(tables);
	testdb_drop(conn);
}
