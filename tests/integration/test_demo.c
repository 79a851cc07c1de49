/*
 * fairrate demo against a real database: it loads exactly what the generator makes,
 * the rows hold together, --if-empty is a no-op the second time, a second load without
 * it changes nothing, and a reload gives byte-identical tables.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "demo/demo_world.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "tests/support/testdb.h"

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

TestSuite(demo, .init = setup, .fini = teardown);

#define AS_OF_ARG "2026-06-15T13:45:00Z"
#define AS_OF_DAY "2026-06-15T00:00:00Z"

static int
run_demo(const char *companies, const char *seed, int if_empty)
{
	char *argv[] = {"demo", "--companies", (char *)companies, "--seed", (char *)seed,
	    "--as-of", AS_OF_ARG, "--if-empty", NULL};
	int argc = if_empty ? 8 : 7;
	FILE *keep = stdout;
	int rc;

	stdout = fopen("/dev/null", "w");
	cr_assert_not_null(stdout);
	rc = cmd_demo(argc, argv);
	fclose(stdout);
	stdout = keep;
	return (rc);
}

struct counts {
	long companies, assets, evidence, incidents, disclosed_evidence_incidents;
};

static int
count_company(void *ctx, const struct demo_company *c)
{
	(void)c;
	((struct counts *)ctx)->companies++;
	return (0);
}

static int
count_asset(void *ctx, const struct demo_asset *a)
{
	(void)a;
	((struct counts *)ctx)->assets++;
	return (0);
}

static int
count_evidence(void *ctx, const struct demo_evidence *e)
{
	(void)e;
	((struct counts *)ctx)->evidence++;
	return (0);
}

static int
count_incident(void *ctx, const struct demo_incident *in)
{
	struct counts *c = ctx;

	c->incidents++;
	c->disclosed_evidence_incidents += in->disclosed_at != 0 &&
	    (strcmp(in->kind, "breach") == 0 || strcmp(in->kind, "ransomware") == 0 ||
	    strcmp(in->kind, "data_exposure") == 0);
	return (0);
}

static struct counts
expected(size_t n, uint64_t seed)
{
	struct demo_world_params p = {seed, n, 0};
	struct demo_sink sink = {0};
	struct counts c;

	memset(&c, 0, sizeof(c));
	cr_assert_eq(timefmt_parse(AS_OF_DAY, &p.as_of), 0);
	sink.ctx = &c;
	sink.company = count_company;
	sink.asset = count_asset;
	sink.evidence = count_evidence;
	sink.incident = count_incident;
	cr_assert_eq(demo_world_generate(&p, &sink), 0);
	return (c);
}

Test(demo, loads_exactly_what_the_generator_makes)
{
	struct counts want = expected(80, 9);

	cr_assert_eq(run_demo("80", "9", 0), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), want.companies);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets"), want.assets);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), want.evidence);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), want.incidents);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM commercial.customers"), 6);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM commercial.subscriptions "
	    "WHERE company_id IS NOT NULL"), 2);
	cr_assert_gt(testdb_scalar(conn, "SELECT count(DISTINCT sector) FROM companies"), 6);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(DISTINCT size_band) FROM companies"), 5);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence "
	    "WHERE check_code LIKE 'incidents.%'"), want.disclosed_evidence_incidents);
}

Test(demo, the_rows_hold_together)
{
	cr_assert_eq(run_demo("80", "9", 0), 0);
	/* Evidence about an asset names an asset of the same company. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a "
	    "ON a.id = e.asset_id WHERE a.company_id <> e.company_id"), 0);
	/* Each incident evidence row is a disclosed incident, dated at its disclosure. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e "
	    "WHERE e.check_code LIKE 'incidents.%' AND NOT EXISTS (SELECT 1 FROM incidents i "
	    "WHERE i.company_id = e.company_id AND i.external_ref = e.observation_key "
	    "AND i.disclosed_at = e.first_seen AND e.first_seen = e.last_seen)"), 0);
	/* Every check code is one of the methodology that migrate loaded. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e WHERE NOT EXISTS "
	    "(SELECT 1 FROM methodology_versions m, jsonb_array_elements(m.definition->"
	    "'checks') c WHERE m.version = '2026.1' AND c->>'code' = e.check_code)"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(DISTINCT split_part(check_code, '.', 1)) "
	    "FROM evidence"), 8);
	/* Nothing after the as-of day; only reserved names and documentation ranges. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE last_seen > "
	    "'" AS_OF_DAY "' OR first_seen > last_seen"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE NOT (kind = "
	    "'domain' AND (value LIKE '%.example' OR value LIKE '%.test') OR kind = 'ip_range' "
	    "AND value::cidr <<= ANY (ARRAY['192.0.2.0/24', '198.51.100.0/24', "
	    "'203.0.113.0/24']::cidr[]))"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE source <> 'demo' "
	    "OR confidence <> 1"), 0);
	/* The sequences moved past the ids the load wrote itself. */
	cr_assert_eq(testdb_scalar(conn, "WITH x AS (INSERT INTO companies (slug, name, sector, "
	    "size_band, country) VALUES ('after-demo', 'After', 'media', 'micro', 'GB') "
	    "RETURNING id) SELECT count(*) FROM x"), 1);
	cr_assert_eq(testdb_scalar(conn, "WITH x AS (INSERT INTO assets (company_id, kind, "
	    "value, source) SELECT id, 'domain', 'after.example', 'test' FROM companies "
	    "WHERE slug = 'after-demo' RETURNING id) SELECT count(*) FROM x"), 1);
}

Test(demo, if_empty_is_a_no_op_the_second_time)
{
	long companies, evidence;

	cr_assert_eq(run_demo("30", "4", 1), 0);
	companies = testdb_scalar(conn, "SELECT count(*) FROM companies");
	evidence = testdb_scalar(conn, "SELECT count(*) FROM evidence");
	cr_assert_eq(companies, 30);
	cr_assert_eq(run_demo("30", "4", 1), 0);
	cr_assert_eq(run_demo("50", "5", 1), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), companies);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), evidence);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM commercial.customers"), 6);
}

Test(demo, a_second_load_without_if_empty_fails_and_changes_nothing)
{
	long evidence;

	cr_assert_eq(run_demo("30", "4", 0), 0);
	evidence = testdb_scalar(conn, "SELECT count(*) FROM evidence");
	cr_assert_eq(run_demo("30", "4", 0), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), 30);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), evidence);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM commercial.customers"), 6);
}

static void
table_digests(char out[4][33])
{
	static const char *const sql[4] = {
		"SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM companies c",
		"SELECT md5(string_agg(a::text, '|' ORDER BY id)) FROM assets a",
		"SELECT md5(string_agg(e::text, '|' ORDER BY id)) FROM evidence e",
		"SELECT md5(string_agg(i::text, '|' ORDER BY id)) FROM incidents i",
	};
	size_t k;

	for (k = 0; k < 4; k++) {
		PGresult *res = PQexec(conn, sql[k]);

		cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
		snprintf(out[k], 33, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
}

Test(demo, a_reload_gives_byte_identical_tables)
{
	char first[4][33], second[4][33];
	size_t k;
	PGresult *res;

	cr_assert_eq(run_demo("40", "2026", 0), 0);
	table_digests(first);
	res = PQexec(conn, "TRUNCATE company_slugs, companies, commercial.customers"
	    " RESTART IDENTITY CASCADE");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	cr_assert_eq(run_demo("40", "2026", 0), 0);
	table_digests(second);
	for (k = 0; k < 4; k++)
		cr_assert_str_eq(first[k], second[k], "table %zu differs after a reload", k);
}

/* --history-months rates the new world every 30 days before its as-of time, oldest
 * first and never before the first methodology took effect (2026.1: 2026-01-01). */
Test(demo, history_months_rate_the_world_back_in_time)
{
	char *argv[] = {"demo", "--companies", "20", "--seed", "7", "--as-of", AS_OF_ARG,
	    "--history-months", "8", NULL};
	FILE *keep = stdout;

	stdout = fopen("/dev/null", "w");
	cr_assert_not_null(stdout);
	cr_assert_eq(cmd_demo(9, argv), 0);
	fclose(stdout);
	stdout = keep;
	/* 2026-06-15 less 30-day steps from 240 days: only those from 2026-01-01 on. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(DISTINCT as_of) FROM ratings"), 5);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"
	    " WHERE as_of < '2026-01-01'"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT (max(as_of)::date = '2026-05-16')::int"
	    " FROM ratings"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings a JOIN ratings b"
	    " ON a.company_id = b.company_id AND a.id < b.id AND a.as_of > b.as_of"), 0,
	    "every company's history is in time order");
	cr_assert_gt(testdb_scalar(conn, "SELECT count(*) FROM (SELECT company_id FROM"
	    " ratings GROUP BY 1 HAVING count(*) >= 2) x"), 0);
}

Test(demo, bad_arguments_are_usage_errors)
{
	char *no_seed[] = {"demo", "--companies", "10", NULL};
	char *zero[] = {"demo", "--companies", "0", "--seed", "1", NULL};
	char *bad_time[] = {"demo", "--companies", "10", "--seed", "1", "--as-of", "soon",
	    NULL};
	char *bad_months[] = {"demo", "--companies", "10", "--seed", "1", "--history-months",
	    "25", NULL};
	FILE *keep = stderr;

	stderr = fopen("/dev/null", "w");
	cr_assert_not_null(stderr);
	cr_assert_eq(cmd_demo(3, no_seed), 2);
	cr_assert_eq(cmd_demo(5, zero), 2);
	cr_assert_eq(cmd_demo(7, bad_time), 2);
	cr_assert_eq(cmd_demo(7, bad_months), 2);
	fclose(stderr);
	stderr = keep;
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), 0);
}

/* On a terminal the load shows a meter per pass (common/progress.h); in a pipe, none. */
Test(demo, shows_progress_on_a_terminal_only)
{
	const char *bin = getenv("FAIRRATE_BIN");
	static char out[1 << 20];
	char cmd[1024], piped[8192];
	size_t n = 0, got;
	FILE *f;

	cr_assert_not_null(bin);
	/* script(1) gives the command a pseudo-terminal. */
	snprintf(cmd, sizeof(cmd), "script -qec '%s demo --companies 1000 --seed 11' /dev/null"
	    " 2>&1", bin);
	cr_assert_not_null(f = popen(cmd, "r"));
	while (n < sizeof(out) - 1 && (got = fread(out + n, 1, sizeof(out) - 1 - n, f)) > 0)
		n += got;
	out[n] = '\0';
	cr_assert_eq(pclose(f), 0, "%s", out);
	cr_expect_not_null(strstr(out, "demo evidence: "), "%.2000s", out);
	cr_expect_not_null(strstr(out, "/1.0k companies"), "%.2000s", out);
	cr_assert_eq(testdb_cli("demo --companies 40 --seed 12 --if-empty", piped,
	    sizeof(piped)), 0, "%s", piped);
	cr_expect_null(strstr(piped, "demo evidence: "), "%s", piped);
}
