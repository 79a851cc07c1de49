/* The scanner's two ways of writing results: scan_results_store (each domain resolved
 * once, rows staged with their ids) writes exactly the evidence and counts that
 * scan_results_store_staged (the importer's staging by slug and value) writes for the
 * same results: new facts, re-observations, a fixed problem, corrected evidence kept
 * while the same fact is seen, a changed fact, a detached asset, a company gone, an
 * unknown check code, and one fact twice in a batch. Two companies, "fast" and
 * "staged", hold the same domains; each path writes one of them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "collector/scan_results.h"
#include "tests/support/testdb.h"

static PGconn *conn;

/* 2026-03-01, +1 day, +2 days, +3 days (Unix seconds). */
#define T1 1772323200
#define T2 (T1 + 86400)
#define T3 (T1 + 2 * 86400)
#define T4 (T1 + 3 * 86400)
#define NDOMAINS 3

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn,
	    "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('fast', 'Fast', 'retail', 'small', 'DE'),"
	    " ('staged', 'Staged', 'retail', 'small', 'DE');"
	    "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT c.id, 'domain', format('d%s.test', g), 'test'"
	    " FROM companies c, generate_series(1, 3) g;");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(scan_results_paths, .init = setup, .fini = teardown, .timeout = 120);

typedef int store_fn(PGconn *, const struct scan_results_item *, size_t,
    struct scan_results_counts *);

/* One scan of the three domains at `at`, written for company by store: hsts_missing
 * fails (or, fixed, passes), csp_missing fails with details, two cookie results by
 * key, a pass; extra (may be NULL) adds a code to d1.test; twice repeats a result in
 * d2.test. The counts go to c. */
static void
scan(store_fn *store, const char *company, int64_t at, int fixed, const char *csp,
    const char *extra, int twice, struct scan_results_counts *c)
{
	static const char *const domains[NDOMAINS] = {"d1.test", "d2.test", "d3.test"};
	static struct scan_results r[NDOMAINS];
	struct scan_results_item items[NDOMAINS];
	int i;

	memset(r, 0, sizeof(r));
	memset(c, 0, sizeof(*c));
	for (i = 0; i < NDOMAINS; i++) {
		items[i].company = company;
		items[i].domain = domains[i];
		items[i].observed_at = at;
		items[i].results = &r[i];
		cr_assert_eq(scan_results_add(&r[i], "web_headers.hsts_missing",
		    fixed ? "pass" : "fail", NULL, "{\"value\":null}"), 0);
		cr_assert_eq(scan_results_add(&r[i], "web_headers.csp_missing", "fail", NULL,
		    csp), 0);
		cr_assert_eq(scan_results_add(&r[i], "web_headers.cookie_insecure", "fail",
		    "sid", "{\"cookies\":1}"), 0);
		cr_assert_eq(scan_results_add(&r[i], "web_headers.cookie_insecure", "pass",
		    "lang", NULL), 0);
		cr_assert_eq(scan_results_add(&r[i], "tls.self_signed", "pass", NULL, NULL), 0);
	}
	if (extra != NULL)
		cr_assert_eq(scan_results_add(&r[0], extra, "fail", NULL, NULL), 0);
	if (twice)
		cr_assert_eq(scan_results_add(&r[1], "tls.self_signed", "fail", NULL,
		    "{\"again\":true}"), 0);
	cr_assert_eq(store(conn, items, NDOMAINS, c), 0);
}

/* Both paths scan alike; their counts must match. */
static void
scan_both(int64_t at, int fixed, const char *csp, const char *extra, int twice)
{
	struct scan_results_counts f, s;

	scan(scan_results_store, "fast", at, fixed, csp, extra, twice, &f);
	scan(scan_results_store_staged, "staged", at, fixed, csp, extra, twice, &s);
	cr_expect_eq(f.results, s.results, "results %ld / %ld", f.results, s.results);
	cr_expect_eq(f.inserted, s.inserted, "inserted %ld / %ld", f.inserted, s.inserted);
	cr_expect_eq(f.updated, s.updated, "updated %ld / %ld", f.updated, s.updated);
	cr_expect_eq(f.unchanged, s.unchanged, "unchanged %ld / %ld", f.unchanged,
	    s.unchanged);
	cr_expect_eq(f.corrected_kept, s.corrected_kept, "corrected_kept %ld / %ld",
	    f.corrected_kept, s.corrected_kept);
	cr_expect_eq(f.domains_rejected, s.domains_rejected, "domains_rejected %ld / %ld",
	    f.domains_rejected, s.domains_rejected);
}

/* The evidence of both companies is the same, row for row (the asset by its value),
 * and so is their coverage. */
static void
expect_same(const char *when)
{
	static const char rows[] =
	    "WITH r AS (SELECT c.slug, a.value, e.check_code, e.outcome, e.observation_key,"
	    "   e.details, e.source, e.collector_version, e.first_seen, e.last_seen, e.status,"
	    "   e.status_reason, e.corrected_at"
	    " FROM evidence e JOIN companies c ON c.id = e.company_id"
	    " LEFT JOIN assets a ON a.id = e.asset_id AND a.company_id = e.company_id),"
	    " f AS (SELECT value, check_code, outcome, observation_key, details, source,"
	    "   collector_version, first_seen, last_seen, status, status_reason, corrected_at"
	    "   FROM r WHERE slug = 'fast'),"
	    " s AS (SELECT value, check_code, outcome, observation_key, details, source,"
	    "   collector_version, first_seen, last_seen, status, status_reason, corrected_at"
	    "   FROM r WHERE slug = 'staged')"
	    " SELECT (SELECT count(*) FROM (SELECT * FROM f EXCEPT ALL SELECT * FROM s) x)"
	    "   + (SELECT count(*) FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM f) y)";
	static const char coverage[] =
	    "SELECT count(*) FROM (SELECT collector, covered_at, first_covered_at"
	    "   FROM collector_coverage k JOIN companies c ON c.id = k.company_id"
	    "   WHERE c.slug = 'fast'"
	    " EXCEPT ALL SELECT collector, covered_at, first_covered_at"
	    "   FROM collector_coverage k JOIN companies c ON c.id = k.company_id"
	    "   WHERE c.slug = 'staged') x";

	cr_expect_eq(testdb_scalar(conn, rows), 0, "%s: the evidence differs", when);
	cr_expect_eq(testdb_scalar(conn, coverage), 0, "%s: the coverage differs", when);
}

/* A dispute corrects the evidence of check on domain for both companies. */
static void
correct(const char *domain, const char *check)
{
	char q[512];

	snprintf(q, sizeof(q), "UPDATE evidence e SET status = 'corrected',"
	    " corrected_at = e.last_seen + interval '1 hour', status_reason = 'dispute'"
	    " FROM assets a WHERE a.id = e.asset_id AND a.value = '%s'"
	    " AND e.check_code = '%s'", domain, check);
	testdb_exec(conn, q);
}

Test(scan_results_paths, write_the_same_evidence)
{
	scan_both(T1, 0, "{\"value\":\"a\"}", NULL, 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 2 * 3 * 5);
	expect_same("new facts");

	/* Corrections; then the same facts again (kept corrected), one of them with
	 * other details (a new fact), and hsts fixed (a pass now). */
	correct("d1.test", "web_headers.cookie_insecure");
	correct("d2.test", "web_headers.csp_missing");
	correct("d3.test", "web_headers.csp_missing");
	scan_both(T2, 1, "{\"value\":\"a\"}", NULL, 0);
	expect_same("re-observed, fixed, corrections kept");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE status = 'corrected'"), 2 * 4, "the same facts stay corrected");
	scan_both(T3, 1, "{\"value\":\"b\"}", NULL, 0);
	expect_same("a changed fact");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE status = 'corrected'"), 2 * 2, "a changed fact is new");

	/* A result repeated in a batch: the import merges it. */
	scan_both(T3, 1, "{\"value\":\"b\"}", NULL, 1);
	expect_same("one fact twice");

	/* An unknown code refuses d1.test's results only. */
	scan_both(T4, 0, "{\"value\":\"b\"}", "tls.nowhere_at_all", 0);
	expect_same("an unknown code");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e"
	    " JOIN assets a ON a.id = e.asset_id WHERE a.value = 'd1.test'"
	    " AND e.last_seen = to_timestamp(" "1772582400" ")"), 0);
}

Test(scan_results_paths, refuse_a_detached_asset_and_a_company_gone)
{
	struct scan_results_counts f, s;

	scan_both(T1, 0, "{}", NULL, 0);
	testdb_exec(conn, "UPDATE assets SET detached_at = now(), detached_reason = 'sold'"
	    " WHERE value = 'd2.test'");
	scan_both(T2, 1, "{}", NULL, 0);
	expect_same("a detached asset");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e"
	    " JOIN assets a ON a.id = e.asset_id WHERE a.value = 'd2.test'"
	    " AND e.last_seen > e.first_seen"), 0, "nothing written for d2.test");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e"
	    " JOIN assets a ON a.id = e.asset_id WHERE a.value <> 'd2.test'"
	    " AND e.last_seen > e.first_seen"), 2 * 2 * 5, "the others are written");
	/* An asset removed, then the whole company. */
	testdb_exec(conn, "DELETE FROM assets WHERE value = 'd3.test'");
	scan_both(T3, 1, "{}", NULL, 0);
	expect_same("an asset gone");
	testdb_exec(conn, "UPDATE companies SET slug = slug || '-old'");
	scan(scan_results_store, "fast", T4, 0, "{}", NULL, 0, &f);
	scan(scan_results_store_staged, "staged", T4, 0, "{}", NULL, 0, &s);
	cr_expect_eq(f.domains_rejected, 3);
	cr_expect_eq(s.domains_rejected, 3);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE last_seen = to_timestamp(1772582400)"), 0, "a company gone: nothing");
}
