/* Principle 5, independence: no commercial relationship is an input to scoring. A
 * world is rated, commercial data is added (customers, subscriptions up to
 * 'enterprise' plans), the ratings are thrown away and the world rated again with the
 * same as-of time: every rating must be bit-identical. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/timefmt.h"
#include "rater/rescore.h"
#include "tests/support/testdb.h"

#define AS_OF "2026-06-01T00:00:00Z"
#define COMPANIES 60

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	log_set_quiet(1);
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(independence, .init = setup, .fini = teardown, .timeout = 120);

static void
sql(const char *q)
{
	testdb_exec(conn, q);
}

static void
rate_world(void)
{
	struct rescore_options o;
	struct rescore_summary s;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(timefmt_parse(AS_OF, &o.as_of), 0);
	cr_assert_eq(rescore_run(NULL, &o, &s), 0);
	cr_assert_eq(s.companies, COMPANIES);
	cr_assert_eq(s.new_rows, COMPANIES);
}

/* Every rating as one text, company by company: what must not change. Returned
 * malloc'd. */
static char *
every_rating(void)
{
	PGresult *res = PQexec(conn, "SELECT string_agg(concat_ws('|', c.slug, r.status, "
	    "r.score, r.grade, r.confidence, r.insufficient_reason, r.evidence_count, "
	    "r.methodology_version, r.as_of, r.inputs_digest, r.outcome_digest, "
	    "r.factors::text), E'\\n' ORDER BY c.slug) FROM ratings r "
	    "JOIN companies c ON c.id = r.company_id");
	char *text;

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1, "%s",
	    PQresultErrorMessage(res));
	text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (text);
}

/* A varied world: sizes, assets, evidence of every factor with passes and failures,
 * some disputed, some too old, some companies with too little evidence. */
static void
make_world(void)
{
	char q[4096];

	snprintf(q, sizeof(q), "INSERT INTO companies (slug, name, sector, size_band, "
	    "country) SELECT 'co-' || g, 'Company ' || g, 'finance', "
	    "(ARRAY['micro','small','medium','large','enterprise'])[1 + g %% 5], 'DE' "
	    "FROM generate_series(1, %d) g", COMPANIES);
	sql(q);
	sql("INSERT INTO assets (company_id, kind, value, source) SELECT c.id, 'domain', "
	    "'d' || k || '.' || c.slug || '.example', 'test' FROM companies c, "
	    "generate_series(1, 1 + c.id % 7) k");
	sql("INSERT INTO evidence (company_id, check_code, outcome, source, first_seen, "
	    "last_seen, status) "
	    "SELECT c.id, m.code, CASE WHEN (c.id * 7 + m.n) % 3 = 0 THEN 'fail' "
	    "  WHEN (c.id + m.n) % 11 = 0 THEN 'info' ELSE 'pass' END, 'test', "
	    "  timestamptz '" AS_OF "' - ((c.id * 13 + m.n * 5) % 200 + 30) * interval '1 day', "
	    "  timestamptz '" AS_OF "' - ((c.id * 13 + m.n * 5) % 200) * interval '1 day', "
	    "  CASE WHEN (c.id + m.n) % 17 = 0 THEN 'disputed' ELSE 'active' END "
	    "FROM companies c, (SELECT f ->> 'code' AS code, row_number() OVER () AS n "
	    "  FROM methodology_versions v, jsonb_array_elements(v.definition -> 'checks') f "
	    "  WHERE v.version = '2026.1') m "
	    "WHERE (c.id * 3 + m.n) % (1 + c.id % 4) = 0");
}

Test(independence, commercial_data_changes_no_rating)
{
	char *before, *after;

	make_world();
	cr_assert_gt(testdb_scalar(conn, "SELECT count(*) FROM evidence"), COMPANIES * 5);
	rate_world();
	cr_assert_gt(testdb_scalar(conn, "SELECT count(*) FROM ratings "
	    "WHERE status = 'rated'"), COMPANIES / 3, "the world has real ratings");
	before = every_rating();

	/* Customers: a third of the companies subscribe, on every plan, some paying a
	 * lot; one customer with no rated company at all. */
	sql("INSERT INTO commercial.customers (name) SELECT 'Customer ' || g "
	    "FROM generate_series(1, 21) g");
	sql("INSERT INTO commercial.subscriptions (customer_id, company_id, plan, "
	    "annual_value_eur, started_at) SELECT cu.id, c.id, "
	    "(ARRAY['free','standard','premium','enterprise'])[1 + c.id % 4], "
	    "(c.id % 4) * 250000, timestamptz '2025-01-01' "
	    "FROM companies c JOIN commercial.customers cu ON cu.id = 1 + (c.id / 3) % 20 "
	    "WHERE c.id % 3 = 0");
	sql("INSERT INTO commercial.subscriptions (customer_id, company_id, plan, "
	    "annual_value_eur) VALUES (21, NULL, 'enterprise', 999999)");
	cr_assert_gt(testdb_scalar(conn, "SELECT count(*) FROM commercial.subscriptions "
	    "WHERE plan = 'enterprise' AND company_id IS NOT NULL"), 0);

	sql("DELETE FROM ratings");
	rate_world();
	after = every_rating();
	cr_assert_str_eq(before, after, "a rating changed with commercial data");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE reason = "
	    "'initial'"), COMPANIES);
	free(before);
	free(after);
}
