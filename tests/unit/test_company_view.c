/* The investor view of a stored rating: what is kept, what is dropped, and when a
 * factor counts as disputed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "rater/methodology.h"
#include "tests/support/shipped.h"

/* A row in the full form that ratings.factors held before the stored form was made
 * short: read as it is. */
static const char factors[] =
    "{\"tls\": {\"name\": \"TLS\", \"kind\": \"penalty\", \"has_data\": true,"
    " \"score\": 80.5, \"weight\": 20, \"weight_share\": 0.2, \"contribution\": 16.1,"
    " \"divisor\": 1, \"evidence_count\": 3, \"disputed\": false,"
    " \"findings_by_severity\": {\"high\": 1},"
    " \"findings\": [{\"evidence_id\": 42, \"check\": \"tls.self_signed\", \"cost\": 3}]},"
    " \"patching\": {\"name\": \"Patching\", \"kind\": \"penalty\", \"has_data\": true,"
    " \"score\": 100, \"weight\": 15, \"disputed\": true, \"findings\": [],"
    " \"findings_by_severity\": {}}}";

/* The stored form: names, weights and severities come from the methodology. */
static const char stored[] =
    "{\"tls\":{\"has_data\":true,\"score\":80.5,\"weight_share\":0.2,"
    "\"contribution\":16.1,\"evidence_count\":3,\"findings\":[{\"evidence_id\":42,"
    "\"check\":\"tls.self_signed\",\"cost\":3.0}]},\"web_headers\":{},\"email_auth\":{},"
    "\"exposed_services\":{},\"patching\":{\"has_data\":true,\"score\":100.0,"
    "\"disputed\":true},\"compromised_systems\":{},\"incidents\":{},\"governance\":{}}";

Test(company_view, keeps_only_what_investors_may_see)
{
	struct methodology *m = shipped_methodology();
	const char *texts[] = {factors, stored};
	json_t *v, *tls;
	char *text;
	size_t i;

	for (i = 0; i < 2; i++) {
		v = company_view_factors(texts[i], "[]", m);
		cr_assert_not_null(v);
		tls = json_object_get(v, "tls");
		cr_assert_eq(json_object_size(tls), 7);
		cr_assert_null(json_object_get(tls, "findings"));
		cr_assert_null(json_object_get(tls, "contribution"));
		cr_assert_float_eq(json_real_value(json_object_get(tls, "score")), 80.5, 1e-9);
		cr_assert_eq(json_integer_value(json_object_get(json_object_get(tls,
		    "findings_by_severity"), "high")), 1);
		text = json_dumps(v, 0);
		cr_assert_null(strstr(text, "evidence_id"));
		cr_assert_null(strstr(text, "tls.self_signed"));
		free(text);
		cr_assert(json_is_true(json_object_get(json_object_get(v, "patching"), "disputed")),
		    "the stored flag is kept");
		cr_assert(json_is_false(json_object_get(tls, "disputed")));
		json_decref(v);
	}
	v = company_view_factors(stored, "[]", m);
	tls = json_object_get(v, "tls");
	cr_assert_str_eq(json_string_value(json_object_get(tls, "name")),
	    m->factors[methodology_find_factor(m, "tls")].name, "from the methodology");
	cr_assert_float_eq(json_real_value(json_object_get(tls, "weight")),
	    m->factors[methodology_find_factor(m, "tls")].weight, 1e-9);
	cr_assert_eq(json_object_size(json_object_get(tls, "findings_by_severity")), 5);
	cr_assert(json_is_false(json_object_get(json_object_get(v, "incidents"), "has_data")));
	json_decref(v);
	methodology_free(m);
}

Test(company_view, disputes_opened_since_the_rating_mark_their_factor)
{
	struct methodology *m = shipped_methodology();
	json_t *v = company_view_factors(factors, "[\"tls.weak_key\"]", m);

	cr_assert(json_is_true(json_object_get(json_object_get(v, "tls"), "disputed")));
	json_decref(v);
	v = company_view_factors(factors, "[\"email_auth.spf_missing\"]", m);
	cr_assert(json_is_false(json_object_get(json_object_get(v, "tls"), "disputed")),
	    "a dispute elsewhere does not mark tls");
	json_decref(v);
	methodology_free(m);
}

Test(company_view, malformed_factors_are_refused)
{
	struct methodology *m = shipped_methodology();

	cr_assert_null(company_view_factors("[1, 2]", NULL, m));
	cr_assert_null(company_view_factors("{\"tls\": 3}", NULL, m));
	cr_assert_null(company_view_factors("{", NULL, m));
	cr_assert_null(company_view_factors(factors, "{}", m));
	cr_assert_null(company_view_factors(stored, NULL, NULL), "no methodology");
	methodology_free(m);
}

Test(company_view, summary_of_a_rated_and_an_unrated_company)
{
	struct methodology *m = shipped_methodology();
	struct company_view_row row;
	json_t *v;

	memset(&row, 0, sizeof(row));
	row.slug = "acme";
	row.name = "Acme";
	row.sector = "finance";
	row.size_band = "small";
	row.country = "DE";
	row.status = "rated";
	row.score = "89.9";
	row.grade = "B";
	row.confidence = "high";
	row.methodology_version = "2026.1";
	row.factors = stored;
	row.as_of = "1772323200";
	row.disputed_checks = "[\"tls.weak_key\"]";
	row.upcoming_version = "2026.2";
	row.upcoming_effective_at = "1775001600";
	v = company_view_summary(&row, m);
	cr_assert_not_null(v);
	cr_assert(json_is_true(json_object_get(json_object_get(json_object_get(v, "factors"),
	    "tls"), "disputed")), "tls.weak_key is disputed now");
	cr_assert_float_eq(json_real_value(json_object_get(v, "score")), 89.9, 1e-9);
	cr_assert_str_eq(json_string_value(json_object_get(v, "as_of")), "2026-03-01T00:00:00Z");
	cr_assert(json_is_true(json_object_get(v, "disputed")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v,
	    "upcoming_methodology"), "effective_at")), "2026-04-01T00:00:00Z");
	json_decref(v);

	memset(&row, 0, sizeof(row));
	row.slug = "new";
	row.name = "New";
	row.disputed_checks = "[]";
	v = company_view_summary(&row, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(v, "status")), "not_rated");
	cr_assert(json_is_null(json_object_get(v, "score")));
	cr_assert(json_is_false(json_object_get(v, "disputed")));
	cr_assert(json_is_null(json_object_get(v, "upcoming_methodology")));
	cr_assert_eq(json_object_size(json_object_get(v, "factors")), 0);
	json_decref(v);
	methodology_free(m);
}
