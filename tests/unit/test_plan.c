/*
 * The plan to a target (rater/plan.h) against hand-worked cases. Expected numbers are
 * worked out in the comments from the formulas of docs/methodology.md.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "rater/methodology.h"
#include "rater/plan.h"
#include "rater/rating.h"

/*
 * Two penalty factors of weight 50, linear curve (factor score = max(0, 100 - sum of
 * points)), nothing normalised, nothing clean by absence:
 *   a.x 60 points, a.y 10 points (factor a); b.x 30 points (factor b).
 */
static const char plan_methodology[] =
    "{\"version\": \"2099.1\", \"title\": \"test\", \"summary\": \"\","
    " \"effective_at\": \"2026-01-01T00:00:00Z\", \"change_log\": \"\","
    " \"factors\": ["
    "  {\"code\": \"a\", \"name\": \"A\", \"kind\": \"penalty\", \"weight\": 50,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": false},"
    "  {\"code\": \"b\", \"name\": \"B\", \"kind\": \"penalty\", \"weight\": 50,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": false}],"
    " \"checks\": ["
    "  {\"code\": \"a.x\", \"title\": \"ax\", \"factor\": \"a\", \"severity\": \"critical\", \"points\": 60},"
    "  {\"code\": \"a.y\", \"title\": \"ay\", \"factor\": \"a\", \"severity\": \"low\", \"points\": 10},"
    "  {\"code\": \"b.x\", \"title\": \"bx\", \"factor\": \"b\", \"severity\": \"high\", \"points\": 30}],"
    " \"footprint\": {\"reference_assets\": 4, \"exponent\": 0.5},"
    " \"confidence\": {\"min_evidence\": 2, \"min_factors\": 1,"
    "  \"high\": {\"evidence\": 6, \"factors\": 2}, \"medium\": {\"evidence\": 4, \"factors\": 2}},"
    " \"grades\": [{\"grade\": \"A\", \"min_score\": 90}, {\"grade\": \"B\", \"min_score\": 80},"
    "  {\"grade\": \"C\", \"min_score\": 70}, {\"grade\": \"F\", \"min_score\": 0}]}";

#define AS_OF ((int64_t)1780000000)
#define DAY ((int64_t)TIMEFMT_DAY)

static struct methodology *m;

static void
setup(void)
{
	struct methodology_errors errs;
	char text[4096];

	m = methodology_parse(plan_methodology, strlen(plan_methodology), &errs);
	cr_assert_not_null(m, "%s", methodology_errors_format(&errs, "test", text,
	    sizeof(text)));
}

static void
teardown(void)
{
	methodology_free(m);
}

TestSuite(plan, .init = setup, .fini = teardown);

static void
ev(struct rating_evidence *e, int64_t id, const char *code, int64_t asset,
    enum rating_outcome outcome, uint64_t fact)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	snprintf(e->check_code, sizeof(e->check_code), "%s", code);
	e->asset_id = asset;
	e->outcome = outcome;
	e->last_seen = AS_OF - DAY;
	e->first_seen = e->last_seen - 10 * DAY;
	e->fact = fact;
}

static struct rating_input
input(const struct rating_evidence *e, size_t n)
{
	struct rating_input in = {.methodology = m, .evidence = e, .nevidence = n,
	    .asset_count = 3, .as_of = AS_OF};

	return (in);
}

Test(plan, targets_are_grades_of_the_methodology_or_scores)
{
	char grade[4], err[200];
	double score;

	cr_assert_eq(plan_target_parse(m, "b", &score, grade, err, sizeof(err)), 0);
	cr_assert_float_eq(score, 80.0, 1e-9);
	cr_assert_str_eq(grade, "B");
	cr_assert_eq(plan_target_parse(m, "85.5", &score, grade, err, sizeof(err)), 0);
	cr_assert_float_eq(score, 85.5, 1e-9);
	cr_assert_str_eq(grade, "");
	cr_assert_eq(plan_target_parse(m, "100", &score, grade, err, sizeof(err)), 0);
	cr_assert_eq(plan_target_parse(m, "D", &score, grade, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "A, B, C, F"), "%s", err);
	cr_assert_eq(plan_target_parse(m, "0", &score, grade, err, sizeof(err)), -1);
	cr_assert_eq(plan_target_parse(m, "100.1", &score, grade, err, sizeof(err)), -1);
	cr_assert_eq(plan_target_parse(m, "80x", &score, grade, err, sizeof(err)), -1);
	cr_assert_eq(plan_target_parse(m, "nan", &score, grade, err, sizeof(err)), -1);
	cr_assert_eq(plan_target_parse(m, "", &score, grade, err, sizeof(err)), -1);
}

/*
 * Three a.x (180 points: a = 0, at its floor) and one b.x (b = 70): score 35.
 * Fixing one a.x alone gains nothing (120 points: still 0), so the remediation list
 * shows +0.00 for each. b.x alone gains 15 (b = 100). Two a.x together bring a to 40:
 * +20 for two fixes, 10 per fix, less than 15: the plan takes b.x first (50.0 F), then
 * the group of two a.x (70.0 C), then the last a.x (+30: 100.0 A).
 */
Test(plan, a_factor_at_its_floor_is_fixed_as_a_group)
{
	struct rating_evidence e[4];
	struct rating_input in;
	struct plan p;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "a.x", 2, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 3, "a.x", 3, RATING_OUTCOME_FAIL, 0);
	ev(&e[3], 4, "b.x", 1, RATING_OUTCOME_FAIL, 0);
	in = input(e, 4);
	cr_assert_eq(plan_compute(&in, 80, "B", &p), 0);
	cr_assert_eq(p.status, PLAN_REACHED);
	cr_assert_float_eq(p.start_score, 35.0, 1e-9);
	cr_assert_str_eq(p.start_grade, "F");
	cr_assert_eq(p.nsteps, 3);
	cr_assert_eq(p.steps[0].nfixes, 1);
	cr_assert_eq(p.fixes[p.steps[0].first_fix].evidence_id, 4);
	cr_assert_not(p.steps[0].together);
	cr_assert_float_eq(p.steps[0].gain, 15.0, 1e-9);
	cr_assert_eq(p.steps[1].nfixes, 2);
	cr_assert(p.steps[1].together);
	cr_assert_eq(p.steps[1].factor, 0);
	cr_assert_float_eq(p.steps[1].score_after, 70.0, 1e-9);
	cr_assert_str_eq(p.steps[1].grade_after, "C");
	cr_assert_float_eq(p.steps[2].score_after, 100.0, 1e-9);
	cr_assert_str_eq(p.end_grade, "A");
	cr_assert_eq(p.nfixes, 4);
	/* The caller's evidence is left as it was. */
	cr_assert_eq(e[0].outcome, RATING_OUTCOME_FAIL);
	plan_free(&p);
}

/* Each step's score is what the engine gives for the evidence with every fix so far
 * applied, the gains add up, and the scores only rise. */
Test(plan, every_step_is_the_engines_score_of_the_fixes_so_far)
{
	struct rating_evidence e[12], fixed[12];
	struct rating_input in;
	struct rating *r;
	struct plan p;
	double sum = 0, prev;
	size_t i, j, k;

	for (i = 0; i < 12; i++)
		ev(&e[i], (int64_t)i + 10, i % 3 == 0 ? "b.x" : i % 3 == 1 ? "a.x" : "a.y",
		    (int64_t)i, RATING_OUTCOME_FAIL, 0);
	in = input(e, 12);
	cr_assert_eq(plan_compute(&in, 100, NULL, &p), 0);
	cr_assert_eq(p.status, PLAN_REACHED);
	memcpy(fixed, e, sizeof(e));
	prev = p.start_score;
	for (i = 0; i < p.nsteps; i++) {
		for (j = p.steps[i].first_fix; j < p.steps[i].first_fix + p.steps[i].nfixes; j++)
			for (k = 0; k < 12; k++)
				if (fixed[k].id == p.fixes[j].evidence_id)
					fixed[k].outcome = RATING_OUTCOME_PASS;
		in = input(fixed, 12);
		r = rating_compute(&in);
		cr_assert_float_eq(r->score_unrounded, p.steps[i].score_after, 1e-9);
		cr_assert_str_eq(r->grade, p.steps[i].grade_after);
		cr_assert_gt(p.steps[i].gain, 0);
		cr_assert_geq(p.steps[i].score_after_rounded, prev);
		prev = p.steps[i].score_after_rounded;
		sum += p.steps[i].gain;
		rating_free(r);
	}
	cr_assert_float_eq(p.start_score + sum, 100.0, 0.05);
	plan_free(&p);
}

/* Two sources of one fact (same check, asset and observation key) are one fix: the
 * second is listed as the same fact. */
Test(plan, a_fix_fixes_every_source_of_the_fact)
{
	struct rating_evidence e[3];
	struct rating_input in;
	struct plan p;

	ev(&e[0], 1, "b.x", 7, RATING_OUTCOME_FAIL, 99);
	ev(&e[1], 2, "b.x", 7, RATING_OUTCOME_FAIL, 99);
	ev(&e[2], 3, "a.y", 7, RATING_OUTCOME_PASS, 0);
	in = input(e, 3);
	cr_assert_eq(plan_compute(&in, 90, "A", &p), 0);
	cr_assert_eq(p.status, PLAN_REACHED);
	cr_assert_eq(p.nsteps, 1);
	cr_assert_eq(p.steps[0].nfixes, 2);
	cr_assert_eq(p.fixes[0].same_fact_as, 0);
	cr_assert_eq(p.fixes[1].same_fact_as, p.fixes[0].evidence_id);
	cr_assert_float_eq(p.end_score, 100.0, 1e-9);
	plan_free(&p);
}

Test(plan, a_met_target_needs_nothing_and_insufficient_data_has_no_plan)
{
	struct rating_evidence e[2];
	struct rating_input in;
	struct plan p;
	json_t *o;

	ev(&e[0], 1, "a.y", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	in = input(e, 2);
	cr_assert_eq(plan_compute(&in, 90, "A", &p), 0);
	cr_assert_eq(p.status, PLAN_REACHED);
	cr_assert_eq(p.nsteps, 0);
	cr_assert_float_eq(p.start_score, 95.0, 1e-9);
	plan_free(&p);

	in = input(e, 1);
	cr_assert_eq(plan_compute(&in, 90, "A", &p), 0);
	cr_assert_eq(p.status, PLAN_INSUFFICIENT_DATA);
	cr_assert_eq(p.nsteps, 0);
	o = plan_json(&p, m);
	cr_assert_str_eq(json_string_value(json_object_get(o, "status")),
	    "insufficient_data");
	cr_assert(json_is_null(json_object_get(json_object_get(o, "start"), "score")));
	json_decref(o);
	plan_free(&p);
}

Test(plan, json_names_checks_factors_and_steps)
{
	struct rating_evidence e[4];
	struct rating_input in;
	struct plan p;
	json_t *o, *steps, *s1;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "a.x", 2, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 3, "a.x", 3, RATING_OUTCOME_FAIL, 0);
	ev(&e[3], 4, "b.x", 0, RATING_OUTCOME_FAIL, 0);
	in = input(e, 4);
	cr_assert_eq(plan_compute(&in, 70, "C", &p), 0);
	o = plan_json(&p, m);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_string_value(json_object_get(o, "status")), "reached");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "target"),
	    "grade")), "C");
	steps = json_object_get(o, "steps");
	cr_assert_eq(json_array_size(steps), 2);
	s1 = json_array_get(steps, 1);
	cr_assert_str_eq(json_string_value(json_object_get(s1, "factor")), "a");
	cr_assert(json_is_true(json_object_get(s1, "together")));
	cr_assert_float_eq(json_real_value(json_object_get(s1, "score_after")), 70.0, 1e-9);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(s1, "fixes"), 0), "check")), "a.x");
	cr_assert(json_is_null(json_object_get(json_array_get(json_object_get(
	    json_array_get(steps, 0), "fixes"), 0), "asset_id")));
	json_decref(o);
	plan_free(&p);
}
