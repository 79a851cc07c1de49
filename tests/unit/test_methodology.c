/*
 * Methodology documents: the shipped 2026.1 parses to the agreed content, and each kind
 * of mistake is reported with its JSON path and a precise message, all at once.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rater/methodology.h"
#include "tests/support/shipped.h"

static char *shipped;
static size_t shipped_len;

static void
load_shipped(void)
{
	shipped = shipped_text(&shipped_len);
}

static void
free_shipped(void)
{
	free(shipped);
}

TestSuite(methodology, .init = load_shipped, .fini = free_shipped);

/* The shipped document, changed by mutate, then parsed; it must fail. */
static void
parse_changed(void (*mutate)(json_t *), struct methodology_errors *errs)
{
	json_error_t jerr;
	json_t *root = json_loadb(shipped, shipped_len, 0, &jerr);
	struct methodology *m;
	char *text;

	cr_assert_not_null(root);
	mutate(root);
	text = json_dumps(root, 0);
	cr_assert_not_null(text);
	m = methodology_parse(text, strlen(text), errs);
	cr_assert_null(m, "the changed document was accepted");
	free(text);
	json_decref(root);
}

/* Assert an error at exactly `where` whose message contains `part`. */
static void
assert_error(const struct methodology_errors *errs, const char *where, const char *part)
{
	char all[8192];
	size_t i;

	for (i = 0; i < errs->n && i < METHODOLOGY_MAX_ERRORS; i++)
		if (strcmp(errs->items[i].where, where) == 0 &&
		    strstr(errs->items[i].message, part) != NULL)
			return;
	cr_assert_fail("no error at '%s' containing '%s'; got:\n%s", where, part,
	    methodology_errors_format(errs, NULL, all, sizeof(all)));
}

static json_t *
factor(json_t *root, size_t i)
{
	return (json_array_get(json_object_get(root, "factors"), i));
}

static json_t *
check(json_t *root, size_t i)
{
	return (json_array_get(json_object_get(root, "checks"), i));
}

Test(methodology, the_shipped_version_parses_with_the_agreed_content)
{
	struct methodology_errors errs;
	struct methodology *m = methodology_parse(shipped, shipped_len, &errs);
	const struct methodology_check *c;
	char text[4096];
	size_t i;
	int f;

	cr_assert_not_null(m, "%s", methodology_errors_format(&errs, "2026.1.json", text,
	    sizeof(text)));
	cr_assert_str_eq(m->version, "2026.1");
	cr_assert_eq(m->effective_at, 1767225600, "2026-01-01T00:00:00Z");
	cr_assert_eq(m->nfactors, 8);
	cr_assert_eq(m->nchecks, 43);
	for (i = 1; i < m->nchecks; i++)
		cr_assert_lt(strcmp(m->checks[i - 1].code, m->checks[i].code), 0, "sorted");
	f = methodology_find_factor(m, "incidents");
	cr_assert_eq(f, 6);
	cr_assert_eq(m->factors[f].half_life_days, 120.0);
	cr_assert_eq(m->factors[f].max_age_days, 1095);
	cr_assert_eq(m->factors[f].absence_is_clean, 1);
	cr_assert_eq(m->factors[f].footprint_normalised, 0);
	f = methodology_find_factor(m, "governance");
	cr_assert_eq(m->factors[f].kind, METHODOLOGY_FACTOR_BONUS);
	cr_assert_eq(m->factors[f].bonus_cap, 5.0);
	cr_assert_eq(m->factors[f].lifetime_days, 365);
	cr_assert_eq(m->factors[methodology_find_factor(m, "compromised_systems")].weight, 25.0);
	c = methodology_find_check(m, "tls.certificate_expired");
	cr_assert_not_null(c);
	cr_assert_eq(c->severity, METHODOLOGY_SEV_CRITICAL);
	cr_assert_eq(c->points, 40.0);
	cr_assert_str_eq(m->factors[c->factor].code, "tls");
	c = methodology_find_check(m, "governance.information_sharing");
	cr_assert_not_null(c);
	cr_assert_eq(c->points, 0.5);
	cr_assert_null(methodology_find_check(m, "tls.nope"));
	cr_assert_null(methodology_find_check(m, "aaa"));
	cr_assert_null(methodology_find_check(m, "zzz"));
	cr_assert_eq(methodology_find_factor(m, "tlss"), -1);
	cr_assert_eq(m->footprint_reference_assets, 4.0);
	cr_assert_eq(m->footprint_exponent, 0.5);
	cr_assert_eq(m->min_evidence, 5);
	cr_assert_eq(m->min_factors, 3);
	cr_assert_eq(m->high_evidence, 20);
	cr_assert_eq(m->high_factors, 5);
	cr_assert_eq(m->medium_evidence, 10);
	cr_assert_eq(m->medium_factors, 4);
	cr_assert_eq(m->nbands, 5);
	cr_assert_str_eq(m->bands[1].grade, "B");
	cr_assert_eq(m->bands[1].min_score, 80.0);
	cr_assert_str_eq(methodology_severity_name(METHODOLOGY_SEV_HIGH), "high");
	cr_assert_neq(m->change_log[0], '\0');
	methodology_free(m);
	methodology_free(NULL);
}

Test(methodology, malformed_json_gives_line_and_column)
{
	static const char text[] = "{\"version\": \"2026.1\",\n  \"title\": ,}";
	struct methodology_errors errs;

	cr_assert_null(methodology_parse(text, strlen(text), &errs));
	cr_assert_eq(errs.n, 1);
	assert_error(&errs, "document", "malformed JSON at line 2 column");
}

Test(methodology, a_document_past_the_cap_is_refused)
{
	struct methodology_errors errs;
	size_t n = METHODOLOGY_MAX_DOCUMENT + 1;
	char *big = malloc(n);

	cr_assert_not_null(big);
	memset(big, ' ', n);
	cr_assert_null(methodology_parse(big, n, &errs));
	assert_error(&errs, "document", "too large");
	free(big);
}

static void drop_title(json_t *r) { json_object_del(r, "title"); }
Test(methodology, a_missing_key)
{
	struct methodology_errors errs;

	parse_changed(drop_title, &errs);
	assert_error(&errs, "title", "missing");
}

static void add_unknown(json_t *r)
{
	json_object_set_new(r, "colour", json_string("blue"));
	json_object_set_new(factor(r, 0), "wieght", json_integer(3));
}
Test(methodology, unknown_keys)
{
	struct methodology_errors errs;

	parse_changed(add_unknown, &errs);
	assert_error(&errs, "document", "unknown key 'colour'");
	assert_error(&errs, "factors[0]", "unknown key 'wieght'");
}

static void wrong_types(json_t *r)
{
	json_object_set_new(factor(r, 1), "weight", json_string("10"));
	json_object_set_new(factor(r, 2), "absence_is_clean", json_integer(0));
	json_object_set_new(factor(r, 3), "lifetime_days", json_real(60.5));
}
Test(methodology, wrong_types)
{
	struct methodology_errors errs;

	parse_changed(wrong_types, &errs);
	assert_error(&errs, "factors[1].weight", "must be a number");
	assert_error(&errs, "factors[2].absence_is_clean", "must be true or false");
	assert_error(&errs, "factors[3].lifetime_days", "must be an integer");
}

static void bad_version(json_t *r) { json_object_set_new(r, "version", json_string("26.1")); }
Test(methodology, a_bad_version)
{
	struct methodology_errors errs;

	parse_changed(bad_version, &errs);
	assert_error(&errs, "version", "'26.1' is not a version (YYYY.N)");
}

static void digest_3(json_t *r) { json_object_set_new(r, "inputs_digest", json_integer(3)); }
static void digest_text(json_t *r) { json_object_set_new(r, "inputs_digest", json_string("2")); }
Test(methodology, the_inputs_digest_form_is_1_or_2)
{
	struct methodology_errors errs;
	json_t *root = json_loadb(shipped, shipped_len, 0, NULL);
	struct methodology *m;
	char *text;

	parse_changed(digest_3, &errs);
	assert_error(&errs, "inputs_digest", "3 is out of range [1, 2]");
	parse_changed(digest_text, &errs);
	assert_error(&errs, "inputs_digest", "must be an integer");
	m = methodology_parse(shipped, shipped_len, &errs);
	cr_assert_eq(m->inputs_digest, 1, "absent: form 1, as 2026.1 was published");
	methodology_free(m);
	json_object_set_new(root, "inputs_digest", json_integer(2));
	text = json_dumps(root, 0);
	m = methodology_parse(text, strlen(text), &errs);
	cr_assert_not_null(m);
	cr_assert_eq(m->inputs_digest, 2);
	methodology_free(m);
	free(text);
	json_decref(root);
}

static void dup_factor(json_t *r)
{
	json_object_set_new(factor(r, 1), "code", json_string("tls"));
}
Test(methodology, a_duplicate_factor_code)
{
	struct methodology_errors errs;

	parse_changed(dup_factor, &errs);
	assert_error(&errs, "factors[1].code", "duplicate factor code 'tls'");
}

static void dup_check(json_t *r)
{
	json_object_set(check(r, 1), "code", json_object_get(check(r, 0), "code"));
}
Test(methodology, a_duplicate_check_code)
{
	struct methodology_errors errs;

	parse_changed(dup_check, &errs);
	assert_error(&errs, "checks[1].code", "duplicate check code 'tls.https_unavailable'");
}

static void wrong_prefix(json_t *r)
{
	json_object_set_new(check(r, 0), "code", json_string("web_headers.https"));
}
Test(methodology, a_check_code_without_its_factor_prefix)
{
	struct methodology_errors errs;

	parse_changed(wrong_prefix, &errs);
	assert_error(&errs, "checks[0].code",
	    "check code 'web_headers.https' does not start with 'tls.'");
}

static void unknown_factor(json_t *r)
{
	json_object_set_new(check(r, 3), "factor", json_string("tlss"));
}
Test(methodology, an_unknown_factor)
{
	struct methodology_errors errs;

	parse_changed(unknown_factor, &errs);
	assert_error(&errs, "checks[3].factor", "unknown factor 'tlss'");
}

static void zero_weight(json_t *r) { json_object_set_new(factor(r, 0), "weight", json_integer(0)); }
Test(methodology, a_non_positive_weight)
{
	struct methodology_errors errs;

	parse_changed(zero_weight, &errs);
	assert_error(&errs, "factors[0].weight", "must be positive (got 0)");
}

static void negative_points(json_t *r)
{
	json_object_set_new(check(r, 2), "points", json_real(-1.5));
}
Test(methodology, negative_points)
{
	struct methodology_errors errs;

	parse_changed(negative_points, &errs);
	assert_error(&errs, "checks[2].points", "must not be negative (got -1.5)");
}

static void both_lives(json_t *r)
{
	json_object_set_new(factor(r, 0), "half_life_days", json_integer(30));
	json_object_set_new(factor(r, 0), "max_age_days", json_integer(90));
}
Test(methodology, both_lifetime_and_half_life)
{
	struct methodology_errors errs;

	parse_changed(both_lives, &errs);
	assert_error(&errs, "factors[0]", "not both");
}

static void no_life(json_t *r) { json_object_del(factor(r, 1), "lifetime_days"); }
Test(methodology, neither_lifetime_nor_half_life)
{
	struct methodology_errors errs;

	parse_changed(no_life, &errs);
	assert_error(&errs, "factors[1]", "needs lifetime_days, or half_life_days");
}

static void short_max_age(json_t *r)
{
	json_object_set_new(factor(r, 6), "max_age_days", json_integer(100));
}
Test(methodology, max_age_below_half_life)
{
	struct methodology_errors errs;

	parse_changed(short_max_age, &errs);
	assert_error(&errs, "factors[6].max_age_days",
	    "max_age_days (100) is less than half_life_days (120)");
}

static void bands_up(json_t *r)
{
	json_object_set_new(json_array_get(json_object_get(r, "grades"), 2), "min_score",
	    json_integer(85));
}
Test(methodology, bands_not_strictly_decreasing)
{
	struct methodology_errors errs;

	parse_changed(bands_up, &errs);
	assert_error(&errs, "grades[2].min_score", "strictly decreasing: 85 is not below 80");
}

static void last_band(json_t *r)
{
	json_object_set_new(json_array_get(json_object_get(r, "grades"), 4), "min_score",
	    json_integer(10));
}
Test(methodology, the_last_band_must_start_at_0)
{
	struct methodology_errors errs;

	parse_changed(last_band, &errs);
	assert_error(&errs, "grades[4].min_score", "the last band's min_score must be 0");
}

static void no_patching_checks(json_t *r)
{
	json_t *arr = json_object_get(r, "checks");
	size_t i = json_array_size(arr);

	while (i-- > 0)
		if (strcmp(json_string_value(json_object_get(json_array_get(arr, i), "factor")),
		    "patching") == 0)
			json_array_remove(arr, i);
}
Test(methodology, a_factor_without_checks)
{
	struct methodology_errors errs;

	parse_changed(no_patching_checks, &errs);
	cr_assert_eq(errs.n, 1);
	assert_error(&errs, "factors[4]", "factor 'patching' has no checks");
}

static void weighted_bonus(json_t *r)
{
	json_object_set_new(factor(r, 7), "weight", json_integer(5));
}
Test(methodology, a_bonus_factor_with_a_weight)
{
	struct methodology_errors errs;

	parse_changed(weighted_bonus, &errs);
	assert_error(&errs, "factors[7].weight", "a bonus factor has no weight");
}

static void all_bonus(json_t *r)
{
	size_t i;
	json_t *f;

	for (i = 0; i < 7; i++) {
		f = factor(r, i);
		json_object_set_new(f, "kind", json_string("bonus"));
		json_object_del(f, "weight");
		json_object_set_new(f, "bonus_cap", json_integer(1));
		json_object_set_new(f, "absence_is_clean", json_false());
		json_object_set_new(f, "footprint_normalised", json_false());
	}
}
Test(methodology, no_penalty_factor)
{
	struct methodology_errors errs;

	parse_changed(all_bonus, &errs);
	assert_error(&errs, "factors", "no penalty factor");
}

static void bad_confidence(json_t *r)
{
	json_t *c = json_object_get(r, "confidence");

	json_object_set_new(json_object_get(c, "high"), "evidence", json_integer(8));
	json_object_set_new(json_object_get(c, "medium"), "factors", json_integer(2));
}
Test(methodology, inconsistent_confidence_thresholds)
{
	struct methodology_errors errs;

	parse_changed(bad_confidence, &errs);
	assert_error(&errs, "confidence.high.evidence", "8 is below medium.evidence (10)");
	assert_error(&errs, "confidence.medium.factors", "2 is below min_factors (3)");
}

static void over_caps(json_t *r)
{
	char name[300];
	json_t *factors = json_object_get(r, "factors");

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	json_object_set_new(check(r, 0), "title", json_string(name));
	while (json_array_size(factors) <= METHODOLOGY_MAX_FACTORS)
		json_array_append(factors, factor(r, 0));
}
Test(methodology, caps_on_lengths_and_counts)
{
	struct methodology_errors errs;

	parse_changed(over_caps, &errs);
	assert_error(&errs, "checks[0].title", "too long (299 bytes; at most 119)");
	assert_error(&errs, "factors", "must hold 1 to 32 elements (has 33)");
}

static void bad_enums(json_t *r)
{
	json_object_set_new(check(r, 0), "severity", json_string("severe"));
	json_object_set_new(factor(r, 0), "kind", json_string("malus"));
	json_object_set_new(json_array_get(json_object_get(r, "grades"), 0), "grade",
	    json_string("AA"));
}
Test(methodology, unknown_severity_kind_and_grade_label)
{
	struct methodology_errors errs;

	parse_changed(bad_enums, &errs);
	assert_error(&errs, "checks[0].severity", "'severe' is not info, low, medium");
	assert_error(&errs, "factors[0].kind", "'malus' is not 'penalty' or 'bonus'");
	assert_error(&errs, "grades[0].grade", "'AA' is not a grade");
}

static void three_mistakes(json_t *r)
{
	json_object_set_new(r, "effective_at", json_string("next tuesday"));
	json_object_set_new(check(r, 5), "factor", json_string("dns"));
	json_object_set_new(json_object_get(r, "footprint"), "exponent", json_integer(2));
}
Test(methodology, several_errors_are_reported_at_once)
{
	struct methodology_errors errs;
	char text[4096];

	parse_changed(three_mistakes, &errs);
	cr_assert_eq(errs.n, 3, "%s", methodology_errors_format(&errs, NULL, text,
	    sizeof(text)));
	assert_error(&errs, "effective_at", "'next tuesday' is not an ISO 8601 time");
	assert_error(&errs, "checks[5].factor", "unknown factor 'dns'");
	assert_error(&errs, "footprint.exponent", "2 is out of range [0, 1]");
	methodology_errors_format(&errs, "draft.json", text, sizeof(text));
	cr_assert_not_null(strstr(text, "draft.json: checks[5].factor: unknown factor 'dns'\n"));
}

static void many_mistakes(json_t *r)
{
	size_t i;

	for (i = 0; i < 40; i++)
		json_object_set_new(check(r, i), "points", json_integer(-1));
}
Test(methodology, more_errors_than_kept_are_counted)
{
	struct methodology_errors errs;
	char text[16384];

	parse_changed(many_mistakes, &errs);
	cr_assert_eq(errs.n, 40);
	methodology_errors_format(&errs, NULL, text, sizeof(text));
	cr_assert_not_null(strstr(text, "... and 8 more\n"));
}

static void attribution_bad(json_t *r)
{
	json_object_set_new(r, "attribution", json_pack("{s:f, s:i}", "min_confidence", 1.5,
	    "min_sources", 2));
}
Test(methodology, attribution_is_optional_and_checked)
{
	struct methodology_errors errs;

	parse_changed(attribution_bad, &errs);
	assert_error(&errs, "attribution.min_confidence", "out of range");
	assert_error(&errs, "attribution", "unknown key 'min_sources'");
}
