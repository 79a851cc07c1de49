/* Evidence of a check in the catalogue of unweighted checks (migrations/0022,
 * rater/unweighted_checks.h): the scanner's store accepts it, the company sees it with
 * its title, factor and severity marked unweighted, and no rating counts it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "collector/scan_results.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	api_world_exec(conn, "INSERT INTO unweighted_checks (code, factor, severity, title,"
	    " description) VALUES ('tls.test_weak_suite', 'tls', 'high',"
	    " 'A test weakness', 'Recorded without weight.')");
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(unweighted_evidence, .init = setup, .fini = teardown, .timeout = 120);

/* Store one failing result of code on acme.example as the scanner would. */
static void
scan_store(const char *code, struct scan_results_counts *counts)
{
	struct scan_results results = {0};
	struct scan_results_item item = {"acme", "acme.example", 1772323200, &results};

	cr_assert_eq(scan_results_add(&results, code, "fail", NULL, "{\"why\":\"test\"}"), 0);
	cr_assert_eq(scan_results_store(conn, &item, 1, counts), 0);
}

static double
rating_score(const char *key)
{
	json_t *v = api_call_json(c, "GET", "/v1/me/rating", key, NULL, 200);
	double s = json_real_value(json_object_get(v, "score"));

	json_decref(v);
	return (s);
}

Test(unweighted_evidence, is_stored_shown_unweighted_and_counted_by_no_rating)
{
	struct scan_results_counts counts = {0};
	char *key = api_client_create_key("company", "acme");
	json_t *v, *item, *found = NULL;
	double before, after;
	size_t i;

	before = rating_score(key);
	scan_store("tls.test_weak_suite", &counts);
	cr_assert_eq(counts.inserted, 1);
	cr_assert_eq(counts.domains_rejected, 0);
	/* A code in neither the methodology nor the catalogue is still refused. */
	memset(&counts, 0, sizeof(counts));
	scan_store("tls.nowhere_at_all", &counts);
	cr_assert_eq(counts.domains_rejected, 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'tls.nowhere_at_all'"), 0);

	/* The engine rates acme again from all its evidence: the score does not move. */
	api_world_rate(conn, "acme", "evidence_changed");
	after = rating_score(key);
	cr_assert_float_eq(after, before, 1e-9);

	v = api_call_json(c, "GET", "/v1/me/evidence?factor=tls&limit=500", key, NULL, 200);
	json_array_foreach(json_object_get(v, "items"), i, item) {
		if (strcmp(json_string_value(json_object_get(item, "check")),
		    "tls.test_weak_suite") == 0)
			found = item;
		else
			cr_assert(json_is_true(json_object_get(item, "weighted")));
	}
	cr_assert_not_null(found, "the unweighted finding is listed under its factor");
	cr_assert(json_is_false(json_object_get(found, "weighted")));
	cr_assert_str_eq(json_string_value(json_object_get(found, "title")),
	    "A test weakness");
	cr_assert_str_eq(json_string_value(json_object_get(found, "factor")), "tls");
	cr_assert_str_eq(json_string_value(json_object_get(found, "severity")), "high");
	cr_assert_str_eq(json_string_value(json_object_get(found, "status")), "active");
	cr_assert(json_is_string(json_object_get(found, "expires_at")),
	    "it lives as long as its factor's evidence");
	json_decref(v);
	free(key);
}
