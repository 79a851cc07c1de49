/*
 * The worked example of docs/methodology.md, built item for item: the engine must
 * produce exactly the numbers the document prints, so that the document stays a spec a
 * third party can follow. The document itself is read to check that it still prints
 * them.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "common/timefmt.h"
#include "rater/methodology.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "tests/support/shipped.h"

#define EXAMPLE_INPUTS_DIGEST \
    "2f7fb0f0e94a1f060cf59aa66deac0833160153e6eeaa68f472d01c0bf9a07f3"

static const struct {
	int64_t id;
	const char *check;
	int64_t asset;
	const char *outcome;
	const char *first_seen, *last_seen;
} example[] = {
	{101, "tls.certificate_expiring", 11, "fail", "2026-02-10T00:00:00Z",
	    "2026-02-27T00:00:00Z"},
	{102, "tls.legacy_protocol", 12, "fail", "2025-11-20T00:00:00Z",
	    "2026-02-27T00:00:00Z"},
	{103, "tls.https_unavailable", 13, "pass", "2025-11-20T00:00:00Z",
	    "2026-02-27T00:00:00Z"},
	{104, "web_headers.hsts_missing", 11, "fail", "2025-12-01T00:00:00Z",
	    "2026-02-27T00:00:00Z"},
	{105, "email_auth.dmarc_policy_none", 11, "fail", "2025-10-01T00:00:00Z",
	    "2026-02-28T00:00:00Z"},
	{106, "email_auth.spf_missing", 11, "pass", "2025-10-01T00:00:00Z",
	    "2026-02-28T00:00:00Z"},
	{107, "exposed_services.open_port_risky", 14, "fail", "2026-01-05T00:00:00Z",
	    "2026-02-26T00:00:00Z"},
	{108, "incidents.breach_disclosed", 0, "fail", "2025-07-04T00:00:00Z",
	    "2025-07-04T00:00:00Z"},
	{109, "governance.third_party_certification", 0, "pass", "2025-09-01T00:00:00Z",
	    "2026-01-15T00:00:00Z"},
	{110, "patching.outdated_software", 12, "pass", "2025-12-01T00:00:00Z",
	    "2026-02-27T00:00:00Z"},
};
#define NEXAMPLE (sizeof(example) / sizeof(example[0]))

static struct methodology *m;
static struct rating_evidence ev[NEXAMPLE];
static struct rating_input in;
static struct rating *r;

static void
setup(void)
{
	size_t i;

	m = shipped_methodology();
	for (i = 0; i < NEXAMPLE; i++) {
		ev[i].id = example[i].id;
		snprintf(ev[i].check_code, sizeof(ev[i].check_code), "%s", example[i].check);
		ev[i].asset_id = example[i].asset;
		cr_assert_eq(rating_outcome_parse(example[i].outcome, &ev[i].outcome), 0);
		cr_assert_eq(timefmt_parse(example[i].first_seen, &ev[i].first_seen), 0);
		cr_assert_eq(timefmt_parse(example[i].last_seen, &ev[i].last_seen), 0);
		ev[i].disputed = 0;
	}
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = ev;
	in.nevidence = NEXAMPLE;
	in.asset_count = 9;
	cr_assert_eq(timefmt_parse("2026-03-01T00:00:00Z", &in.as_of), 0);
	r = rating_compute(&in);
	cr_assert_not_null(r);
}

static void
teardown(void)
{
	rating_free(r);
	methodology_free(m);
}

TestSuite(worked_example, .init = setup, .fini = teardown);

#define NEAR(x, y) cr_assert(fabs((x) - (y)) < 1e-9, "%s = %.17g, expected %.17g", #x, \
    (double)(x), (double)(y))

static const struct rating_factor *
factor(const char *code)
{
	int f = methodology_find_factor(m, code);

	cr_assert_geq(f, 0);
	return (&r->factors[f]);
}

static double
cost_of(int64_t id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].evidence_id == id)
			return (r->findings[i].cost);
	cr_assert_fail("no finding for evidence %lld", (long long)id);
	return (0);
}

/* Step 1-3 of the document: divisor, decay, factor scores. */
Test(worked_example, factor_scores)
{
	cr_assert_eq(factor("tls")->divisor, 1.5, "sqrt(9 / 4)");
	cr_assert_eq(factor("email_auth")->divisor, 1.0, "not footprint-normalised");
	NEAR(factor("tls")->score, 100.0 - 25.0 / 1.5);              /* 83.3333 */
	NEAR(factor("web_headers")->score, 100.0 - 10.0 / 1.5);      /* 93.3333 */
	cr_assert_eq(factor("email_auth")->score, 85.0);
	NEAR(factor("exposed_services")->score, 100.0 - 20.0 / 1.5); /* 86.6667 */
	cr_assert_eq(factor("patching")->score, 100.0);
	cr_assert_eq(factor("compromised_systems")->score, 100.0);
	cr_assert_eq(factor("compromised_systems")->evidence_count, 0);
	cr_assert_eq(factor("compromised_systems")->has_data, 1, "absence is clean");
	cr_assert_eq(factor("incidents")->score, 90.0);
	cr_assert_eq(factor("governance")->score, 1.5);
	cr_assert_eq(r->findings[r->nfindings - 2].decay, 0.25, "two half-lives");
	cr_assert_eq(factor("tls")->findings_by_severity[METHODOLOGY_SEV_HIGH], 1);
	cr_assert_eq(factor("tls")->findings_by_severity[METHODOLOGY_SEV_LOW], 1);
	cr_assert_eq(factor("tls")->evidence_count, 3);
}

/* Step 4-6: base, bonus, score, grade, confidence. */
Test(worked_example, score_grade_confidence)
{
	NEAR(r->score_unrounded, (11408.0 + 1.0 / 3.0) / 125.0 + 1.5);  /* 92.766667 */
	cr_assert_eq(r->score, 92.8);
	cr_assert_str_eq(r->grade, "A");
	cr_assert_eq(r->status, RATING_RATED);
	cr_assert_eq(r->evidence_used, 10);
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_MEDIUM);
	NEAR(factor("tls")->weight_share, 0.16);
}

/* Step 7: costs, as printed to 2 decimals, and their sum. */
Test(worked_example, finding_costs)
{
	double sum = 0;
	size_t i;

	NEAR(cost_of(101), 0.16 * 5.0 / 1.5);      /* 0.53 */
	NEAR(cost_of(102), 0.16 * 20.0 / 1.5);     /* 2.13 */
	NEAR(cost_of(104), 0.08 * 10.0 / 1.5);     /* 0.53 */
	NEAR(cost_of(105), 1.8);
	NEAR(cost_of(107), 0.16 * 20.0 / 1.5);     /* 2.13 */
	NEAR(cost_of(108), 1.6);
	NEAR(cost_of(109), -1.5);
	cr_assert_eq(r->nfindings, 7);
	for (i = 0; i < r->nfindings; i++)
		sum += r->findings[i].cost;
	NEAR(sum, 100.0 - r->score_unrounded);     /* 7.233333 */
}

/* Step 8: no factor is floored and the ceiling is not reached, so each gain equals
 * the finding's cost. */
Test(worked_example, remediation_gains_equal_costs_here)
{
	struct rating_remediation *plan;
	size_t n, i;

	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &n), 0);
	cr_assert_eq(n, 6);
	for (i = 0; i < n; i++)
		NEAR(plan[i].gain, cost_of(plan[i].evidence_id));
	cr_assert(plan[0].evidence_id == 102 || plan[0].evidence_id == 107);
	cr_assert_eq(plan[2].evidence_id, 105);
	cr_assert_eq(plan[3].evidence_id, 108);
	free(plan);
}

Test(worked_example, inputs_digest_is_the_one_printed)
{
	cr_assert_str_eq(r->inputs_digest, EXAMPLE_INPUTS_DIGEST);
}

/* The document prints the numbers checked above. */
Test(worked_example, the_document_prints_these_numbers)
{
	static const char *const printed[] = {EXAMPLE_INPUTS_DIGEST, "| **92.8** |",
	    "91.266667", "92.766667", "83.333333", "93.333333", "86.666667",
	    "11408.333333", "7.233333", NULL};
	char path[1024], *doc;
	size_t i;
	long n;
	FILE *f;

	cr_assert_eq(paths_join(path, sizeof(path), "docs/methodology.md"), 0);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	doc = calloc(1, (size_t)n + 1);
	cr_assert_not_null(doc);
	cr_assert_eq(fread(doc, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (i = 0; printed[i] != NULL; i++)
		cr_assert_not_null(strstr(doc, printed[i]), "docs/methodology.md lacks '%s'",
		    printed[i]);
	free(doc);
}

/* What investors see leaves out evidence ids and findings (principle 6); the
 * company's own explanation has them, with the remediation plan. */
Test(worked_example, summary_and_explanation_json)
{
	struct rating_remediation *plan;
	json_t *sum, *exp, *tls;
	char *text;
	size_t n;

	sum = rating_json_summary(r, m);
	cr_assert_not_null(sum);
	text = json_dumps(sum, RATING_JSON_DUMP_FLAGS);
	cr_assert_not_null(text);
	cr_assert_null(strstr(text, "evidence_id"));
	cr_assert_null(strstr(text, "findings\""));
	cr_assert_null(strstr(text, "tls.legacy_protocol"));
	cr_assert_not_null(strstr(text, "\"score\":92.8"));
	cr_assert_not_null(strstr(text, "\"high\":1"));
	free(text);
	json_decref(sum);

	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &n), 0);
	exp = rating_json_explanation(r, m, plan, n);
	cr_assert_not_null(exp);
	cr_assert_str_eq(json_string_value(json_object_get(exp, "inputs_digest")),
	    EXAMPLE_INPUTS_DIGEST);
	cr_assert_eq(json_array_size(json_object_get(exp, "remediation")), 6);
	tls = json_object_get(json_object_get(exp, "factors"), "tls");
	cr_assert_eq(json_real_value(json_object_get(tls, "score")), 83.3);
	cr_assert_eq(json_array_size(json_object_get(tls, "findings")), 2);
	cr_assert_eq(json_real_value(json_object_get(json_array_get(
	    json_object_get(tls, "findings"), 1), "cost")), 2.13);
	cr_assert(json_is_null(json_object_get(exp, "insufficient_reason")));
	text = json_dumps(exp, RATING_JSON_DUMP_FLAGS);
	cr_assert_not_null(strstr(text, "\"as_of\":\"2026-03-01T00:00:00Z\""));
	free(text);
	json_decref(exp);
	free(plan);
}

/* The variations that follow the worked example: every disclosure verified (the bonus
 * cap bites and scales the bonus costs) and one fact reported by a second source. */
static struct rating *
rate_with(const struct rating_evidence *extra, size_t nextra, const struct methodology *mm)
{
	struct rating_evidence all[NEXAMPLE + 8];
	struct rating_input in2 = in;
	struct rating *x;

	memcpy(all, ev, sizeof(ev));
	memcpy(all + NEXAMPLE, extra, nextra * sizeof(*extra));
	in2.evidence = all;
	in2.nevidence = NEXAMPLE + nextra;
	in2.methodology = mm;
	cr_assert_not_null(x = rating_compute(&in2));
	return (x);
}

static struct rating_evidence
variant(int64_t id, const char *check, int64_t asset, enum rating_outcome o,
    const char *first, const char *last)
{
	struct rating_evidence e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	snprintf(e.check_code, sizeof(e.check_code), "%s", check);
	e.asset_id = asset;
	e.outcome = o;
	cr_assert_eq(timefmt_parse(first, &e.first_seen), 0);
	cr_assert_eq(timefmt_parse(last, &e.last_seen), 0);
	return (e);
}

Test(worked_example, variation_a_capped_bonus)
{
	static const char *const codes[] = {"governance.basic_policy",
	    "governance.management_structure", "governance.education_training",
	    "governance.information_sharing"};
	static const double scaled[] = {-1.25, -2 * 5.0 / 6, -1 * 5.0 / 6, -1 * 5.0 / 6,
	    -0.5 * 5.0 / 6};
	static const int64_t ids[] = {109, 111, 112, 113, 114};
	struct rating_evidence extra[4];
	struct rating *x;
	size_t i, k;

	for (i = 0; i < 4; i++)
		extra[i] = variant(111 + (int64_t)i, codes[i], 0, RATING_OUTCOME_PASS,
		    "2025-09-01T00:00:00Z", "2026-01-15T00:00:00Z");
	x = rate_with(extra, 4, m);
	NEAR(x->factors[methodology_find_factor(m, "governance")].score, 5.0);
	NEAR(x->score_unrounded, 96.266666666666666);
	cr_assert_eq(x->score, 96.3);
	for (k = 0; k < 5; k++)
		for (i = 0; i < x->nfindings; i++)
			if (x->findings[i].evidence_id == ids[k])
				NEAR(x->findings[i].cost, scaled[k]);
	rating_free(x);
}

Test(worked_example, variation_b_a_second_source_of_one_fact)
{
	struct rating_evidence extra[1];
	struct methodology_errors errs;
	struct methodology *once;
	struct rating *x, *y;
	json_t *doc = shipped_json(0);
	char *text;

	extra[0] = variant(115, "email_auth.dmarc_policy_none", 11, RATING_OUTCOME_FAIL,
	    "2025-10-01T00:00:00Z", "2026-02-28T00:00:00Z");
	x = rate_with(extra, 1, m);
	NEAR(x->factors[methodology_find_factor(m, "email_auth")].score, 70.0);
	NEAR(x->score_unrounded, 90.966666666666666);
	cr_assert_eq(x->score, 91.0);
	/* The same document with sources one_per_fact: 115 is ignored (same last_seen as
	 * 105, higher id) and the rating is the example's, digest included. */
	json_object_set_new(doc, "sources", json_string("one_per_fact"));
	text = json_dumps(doc, 0);
	cr_assert_not_null(once = methodology_parse(text, strlen(text), &errs));
	y = rate_with(extra, 1, once);
	NEAR(y->score_unrounded, 92.766666666666666);
	cr_assert_eq(y->evidence_used, NEXAMPLE);
	cr_assert_str_eq(y->inputs_digest, EXAMPLE_INPUTS_DIGEST);
	rating_free(x);
	rating_free(y);
	methodology_free(once);
	free(text);
	json_decref(doc);
}
