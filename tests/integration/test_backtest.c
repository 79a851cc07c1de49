/*
 * Back-tests on a demo world: the figures add up (grades to observations, dates to
 * companies), evidence first seen after an as-of date changes nothing at that date,
 * an incident in the window counts and one after it does not, a window that has not
 * ended is refused, and the stored figures are what the API publishes.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	static const char *const demo[] = {"demo", "--companies", "60", "--seed", "11", NULL};
	struct buf out;

	conn = testdb_create();
	setenv("FAIRRATE_NOW", "2026-11-27T00:00:00Z", 1);
	buf_init(&out, 1 << 20);
	cr_assert_eq(api_client_run(demo, &out), 0, "%s", out.data ? out.data : "");
	buf_free(&out);
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(backtest, .init = setup, .fini = teardown, .timeout = 120);

static json_t *
validate(int dry_run, int expect)
{
	const char *args[] = {"validate", "--version", "2026.1", "--as-of",
	    "2025-06-01T00:00:00Z", "--json", dry_run ? "--dry-run" : NULL, NULL};
	struct buf out;
	json_t *v = NULL;
	int rc;

	buf_init(&out, 1 << 20);
	rc = api_client_run(args, &out);
	cr_assert_eq(rc, expect, "validate exited %d: %s", rc, out.data ? out.data : "");
	if (rc == 0) {
		v = json_loads(out.data, 0, NULL);
		cr_assert_not_null(v, "%s", out.data);
	}
	buf_free(&out);
	return (v);
}

static long
num(const json_t *o, const char *k)
{
	return ((long)json_integer_value(json_object_get(o, k)));
}

Test(backtest, figures_add_up_and_use_only_what_was_known)
{
	json_t *a, *b, *g, *d;
	long sum = 0, inc = 0, before;
	size_t i;

	a = validate(1, 0);
	json_array_foreach(json_object_get(a, "by_grade"), i, g) {
		sum += num(g, "companies");
		inc += num(g, "incidents");
	}
	cr_assert_eq(sum, num(a, "observations"));
	cr_assert_eq(inc, num(a, "incidents"));
	d = json_array_get(json_object_get(a, "by_date"), 0);
	cr_assert_eq(num(d, "companies"), testdb_scalar(conn, "SELECT count(*) FROM companies"));
	cr_assert_eq(num(d, "rated") + num(d, "insufficient_data"), num(d, "companies"));
	cr_assert(json_is_number(json_object_get(a, "roc_auc")));
	/* Failing evidence first seen after the as-of date, everywhere: nothing moves. */
	testdb_scalar(conn, "WITH x AS (INSERT INTO evidence (company_id, check_code, outcome,"
	    " source, first_seen, last_seen) SELECT id, 'tls.expired_certificate', 'fail',"
	    " 'later', '2025-06-02', '2025-07-01' FROM companies RETURNING 1)"
	    " SELECT count(*) FROM x");
	b = validate(1, 0);
	cr_assert(json_equal(a, b), "evidence seen after the date changed the back-test");
	json_decref(b);
	/* An incident after the window does not count; one inside it does. */
	before = num(a, "incidents");
	testdb_scalar(conn, "WITH c AS (SELECT c.id FROM companies c WHERE NOT EXISTS"
	    " (SELECT 1 FROM incidents i WHERE i.company_id = c.id AND i.occurred_at >"
	    " '2025-06-01' AND i.occurred_at <= '2026-06-01') AND (SELECT count(*) FROM"
	    " evidence e WHERE e.company_id = c.id AND e.first_seen <= '2025-06-01') >= 40"
	    " ORDER BY c.id LIMIT 1), x AS (INSERT INTO incidents (company_id, occurred_at,"
	    " kind, severity, source, external_ref) SELECT id, '2026-07-01', 'breach', 'high',"
	    " 'test', 'late' FROM c RETURNING company_id) SELECT count(*) FROM x");
	b = validate(1, 0);
	cr_assert_eq(num(b, "incidents"), before);
	json_decref(b);
	testdb_scalar(conn, "WITH x AS (INSERT INTO incidents (company_id, occurred_at, kind,"
	    " severity, source, external_ref) SELECT company_id, '2026-01-15', 'breach',"
	    " 'high', 'test', 'inside' FROM incidents WHERE external_ref = 'late'"
	    " RETURNING 1) SELECT count(*) FROM x");
	b = validate(1, 0);
	cr_assert_eq(num(b, "incidents"), before + 1, "the incident in the window was missed");
	json_decref(b);
	json_decref(a);
}

Test(backtest, stored_figures_and_an_unfinished_window)
{
	const char *args[] = {"validate", "--version", "2026.1", "--as-of",
	    "2026-01-01T00:00:00Z", NULL};
	struct buf out;
	json_t *a;

	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM methodology_validation"), 0);
	a = validate(0, 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM methodology_validation WHERE"
	    " version = '2026.1' AND rated_as_of = '2025-06-01' AND followed_until ="
	    " '2026-06-01' AND (figures->>'observations')::int > 0"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT (figures->>'observations')::int FROM"
	    " methodology_validation"), num(a, "observations"));
	json_decref(a);
	buf_init(&out, 1 << 16);
	cr_assert_eq(api_client_run(args, &out), 1, "a window ending after now was accepted");
	buf_free(&out);
}
