/*
 * The rating engine against hand-worked cases. Each expected number is worked out in
 * the comment above its test from the formulas of docs/methodology.md.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "common/timefmt.h"
#include "rater/methodology.h"
#include "rater/rating.h"
#include "rater/rating_json.h"

/*
 * A small methodology for the arithmetic: weights 30 + 10 + 20 + 40 = 100.
 *   a: penalty, weight 30, lifetime 30 d, footprint-normalised
 *   b: penalty, weight 10, lifetime 30 d
 *   c: penalty, weight 20, half-life 10 d, max age 40 d
 *   d: penalty, weight 40, lifetime 30 d, absence is clean (scores 100 with no data)
 *   g: bonus, lifetime 30 d, cap 3
 */
static const char test_methodology[] =
    "{\"version\": \"2099.1\", \"title\": \"test\", \"summary\": \"\","
    " \"effective_at\": \"2026-01-01T00:00:00Z\", \"change_log\": \"\","
    " \"factors\": ["
    "  {\"code\": \"a\", \"name\": \"A\", \"kind\": \"penalty\", \"weight\": 30,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": true},"
    "  {\"code\": \"b\", \"name\": \"B\", \"kind\": \"penalty\", \"weight\": 10,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": false},"
    "  {\"code\": \"c\", \"name\": \"C\", \"kind\": \"penalty\", \"weight\": 20,"
    "   \"half_life_days\": 10, \"max_age_days\": 40, \"absence_is_clean\": false,"
    "   \"footprint_normalised\": false},"
    "  {\"code\": \"d\", \"name\": \"D\", \"kind\": \"penalty\", \"weight\": 40,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": true, \"footprint_normalised\": false},"
    "  {\"code\": \"g\", \"name\": \"G\", \"kind\": \"bonus\", \"lifetime_days\": 30,"
    "   \"absence_is_clean\": false, \"footprint_normalised\": false, \"bonus_cap\": 3}],"
    " \"checks\": ["
    "  {\"code\": \"a.x\", \"title\": \"ax\", \"factor\": \"a\", \"severity\": \"high\", \"points\": 20},"
    "  {\"code\": \"a.y\", \"title\": \"ay\", \"factor\": \"a\", \"severity\": \"critical\", \"points\": 60},"
    "  {\"code\": \"b.x\", \"title\": \"bx\", \"factor\": \"b\", \"severity\": \"medium\", \"points\": 10},"
    "  {\"code\": \"b.edge_up\", \"title\": \"e1\", \"factor\": \"b\", \"severity\": \"low\", \"points\": 50.25},"
    "  {\"code\": \"b.edge_down\", \"title\": \"e2\", \"factor\": \"b\", \"severity\": \"low\", \"points\": 50.3},"
    "  {\"code\": \"c.x\", \"title\": \"cx\", \"factor\": \"c\", \"severity\": \"critical\", \"points\": 40},"
    "  {\"code\": \"d.x\", \"title\": \"dx\", \"factor\": \"d\", \"severity\": \"high\", \"points\": 30},"
    "  {\"code\": \"g.p\", \"title\": \"gp\", \"factor\": \"g\", \"severity\": \"info\", \"points\": 2},"
    "  {\"code\": \"g.q\", \"title\": \"gq\", \"factor\": \"g\", \"severity\": \"info\", \"points\": 2}],"
    " \"footprint\": {\"reference_assets\": 4, \"exponent\": 0.5},"
    " \"confidence\": {\"min_evidence\": 2, \"min_factors\": 1,"
    "  \"high\": {\"evidence\": 6, \"factors\": 3}, \"medium\": {\"evidence\": 4, \"factors\": 2}},"
    " \"grades\": [{\"grade\": \"A\", \"min_score\": 90}, {\"grade\": \"B\", \"min_score\": 80},"
    "  {\"grade\": \"C\", \"min_score\": 70}, {\"grade\": \"F\", \"min_score\": 0}]}";

#define AS_OF ((int64_t)1780000000)
#define DAY ((int64_t)TIMEFMT_DAY)
#define DIGEST_PIN "1081422459be604647d7324d5604ce02afc8f887a12c976d2f63128b457103c1"

enum { FA, FB, FC, FD, FG };

static struct methodology *m;

static void
setup(void)
{
	struct methodology_errors errs;
	char text[4096];

	m = methodology_parse(test_methodology, strlen(test_methodology), &errs);
	cr_assert_not_null(m, "%s", methodology_errors_format(&errs, "test", text,
	    sizeof(text)));
}

static void
teardown(void)
{
	methodology_free(m);
}

TestSuite(rating, .init = setup, .fini = teardown);

/* An evidence item seen from 60 days before as_of until age_s seconds before it. */
static void
ev(struct rating_evidence *e, int64_t id, const char *code, int64_t asset,
    enum rating_outcome outcome, int64_t age_s)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	snprintf(e->check_code, sizeof(e->check_code), "%s", code);
	e->asset_id = asset;
	e->outcome = outcome;
	e->last_seen = AS_OF - age_s;
	e->first_seen = e->last_seen - 60 * DAY;
}

static struct rating *
rate(const struct rating_evidence *e, size_t n, size_t assets)
{
	struct rating_input in = {.methodology = m, .evidence = e, .nevidence = n,
	    .asset_count = assets, .as_of = AS_OF};
	struct rating *r = rating_compute(&in);

	cr_assert_not_null(r);
	return (r);
}

#define NEAR(x, y) cr_assert(fabs((x) - (y)) < 1e-9, "%s = %.17g, expected %.17g", #x, \
    (double)(x), (double)(y))

/*
 * a.x fails (20 points), b.x fails (10) and passes on another asset; 4 assets, so the
 * divisor is max(1, (4/4)^0.5) = 1. S_a = 80, S_b = 90, c has no data (left out),
 * d is clean by absence (100). B = (30*80 + 10*90 + 40*100) / 80 = 7300/80 = 91.25,
 * rounded 91.3, grade A. Costs: a.x 20*30/80 = 7.5, b.x 10*10/80 = 1.25; together
 * 8.75 = 100 - 91.25. 3 items in 2 factors: confidence low (medium needs 4 items).
 */
Test(rating, hand_worked_basic_case)
{
	struct rating_evidence e[3];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[2], 3, "b.x", 2, RATING_OUTCOME_PASS, DAY);
	r = rate(e, 3, 4);
	cr_assert_eq(r->status, RATING_RATED);
	cr_assert_eq(r->score_unrounded, 91.25);
	cr_assert_eq(r->score, 91.3);
	cr_assert_str_eq(r->grade, "A");
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_LOW);
	cr_assert_eq(r->factors[FA].score, 80.0);
	cr_assert_eq(r->factors[FB].score, 90.0);
	cr_assert_eq(r->factors[FC].has_data, 0);
	cr_assert_eq(r->factors[FD].has_data, 1);
	cr_assert_eq(r->factors[FD].score, 100.0);
	cr_assert_eq(r->factors[FA].weight_share, 30.0 / 80.0);
	cr_assert_eq(r->factors[FB].evidence_count, 2);
	cr_assert_eq(r->factors[FA].findings_by_severity[METHODOLOGY_SEV_HIGH], 1);
	cr_assert_eq(r->nfindings, 2);
	cr_assert_eq(r->findings[0].evidence_id, 1);
	cr_assert_eq(r->findings[0].cost, 7.5);
	cr_assert_eq(r->findings[1].evidence_id, 2);
	cr_assert_eq(r->findings[1].cost, 1.25);
	cr_assert_eq(r->evidence_used, 3);
	cr_assert_eq(r->evidence_ignored, 0);
	cr_assert_eq(r->disputed, 0);
	cr_assert_str_eq(r->methodology_version, "2099.1");
	rating_free(r);
}

/* Exactly lifetime_days (30 d) old still counts; one second more does not. */
Test(rating, lifetime_boundary)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 30 * DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	cr_assert_eq(r->evidence_used, 2);
	cr_assert_eq(r->factors[FA].score, 80.0);
	rating_free(r);

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 30 * DAY + 1);
	r = rate(e, 2, 1);
	cr_assert_eq(r->evidence_used, 1);
	cr_assert_eq(r->evidence_ignored, 1);
	cr_assert_eq(r->factors[FA].has_data, 0);
	rating_free(r);
}

/*
 * c.x (40 points) last seen one half-life (10 d) ago: decay 0.5, penalty 20, S_c = 80.
 * With b.x passing: B = (10*100 + 20*80 + 40*100) / 70 = 6600/70; c.x costs
 * 20 * 20/70 = 5.714...
 */
Test(rating, half_life_halves_the_cost)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "c.x", 0, RATING_OUTCOME_FAIL, 10 * DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	cr_assert_eq(r->findings[0].decay, 0.5);
	cr_assert_eq(r->findings[0].penalty, 20.0);
	cr_assert_eq(r->factors[FC].score, 80.0);
	NEAR(r->score_unrounded, 6600.0 / 70.0);
	NEAR(r->findings[0].cost, 400.0 / 70.0);
	cr_assert_eq(r->score, 94.3);
	rating_free(r);
}

/* At max_age (40 d = 4 half-lives) the decay is 1/16: 40/16 = 2.5 points, S_c = 97.5;
 * one second older and the item is ignored. */
Test(rating, max_age_boundary)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "c.x", 0, RATING_OUTCOME_FAIL, 40 * DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	cr_assert_eq(r->findings[0].decay, 0.0625);
	cr_assert_eq(r->factors[FC].score, 97.5);
	rating_free(r);

	ev(&e[0], 1, "c.x", 0, RATING_OUTCOME_FAIL, 40 * DAY + 1);
	r = rate(e, 2, 1);
	cr_assert_eq(r->evidence_ignored, 1);
	cr_assert_eq(r->factors[FC].has_data, 0);
	rating_free(r);
}

/*
 * Only b (weight 10) and the clean d (40): B = (10*S_b + 4000)/50 = 0.2*S_b + 80.
 * b.edge_up costs 50.25: S_b = 49.75, B = 89.95, rounds half away from zero to 90.0: A.
 * b.edge_down costs 50.3: S_b = 49.7, B = 89.94, rounds to 89.9: B.
 */
Test(rating, grade_band_edges)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "b.edge_up", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "b.x", 2, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	NEAR(r->score_unrounded, 89.95);
	cr_assert_eq(r->score, 90.0);
	cr_assert_str_eq(r->grade, "A");
	rating_free(r);

	ev(&e[0], 1, "b.edge_down", 1, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 2, 1);
	NEAR(r->score_unrounded, 89.94);
	cr_assert_eq(r->score, 89.9);
	cr_assert_str_eq(r->grade, "B");
	rating_free(r);
}

/* One item is below min_evidence (2): insufficient data, no grade, no confidence. */
Test(rating, insufficient_for_too_few_items)
{
	struct rating_evidence e[1];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 1, 1);
	cr_assert_eq(r->status, RATING_INSUFFICIENT_DATA);
	cr_assert_str_eq(r->grade, "");
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_NONE);
	cr_assert_eq(r->score, 0.0);
	cr_assert_neq(r->insufficient_reason[0], '\0');
	cr_assert_not_null(strstr(r->insufficient_reason, "at least 2 items"));
	rating_free(r);
}

/* Two bonus items are enough items, but no penalty factor has evidence of its own
 * (d is clean by absence only, which does not count): insufficient data. */
Test(rating, insufficient_for_too_few_factors)
{
	struct rating_evidence e[2];
	struct rating_remediation *plan;
	struct rating_input in = {.methodology = NULL};
	struct rating *r;
	size_t n;

	ev(&e[0], 1, "g.p", 0, RATING_OUTCOME_PASS, 0);
	ev(&e[1], 2, "g.q", 0, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	cr_assert_eq(r->status, RATING_INSUFFICIENT_DATA);
	cr_assert_eq(r->evidence_used, 2);
	cr_assert_str_eq(r->grade, "");
	in.methodology = m;
	in.evidence = e;
	in.nevidence = 2;
	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(plan);
	rating_free(r);
}

/* low: 3 items; medium: >= 4 items in >= 2 factors; high: >= 6 items in >= 3. */
Test(rating, confidence_levels)
{
	struct rating_evidence e[6];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[1], 2, "a.x", 2, RATING_OUTCOME_PASS, 0);
	ev(&e[2], 3, "b.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[3], 4, "b.x", 2, RATING_OUTCOME_PASS, 0);
	ev(&e[4], 5, "c.x", 0, RATING_OUTCOME_PASS, 0);
	ev(&e[5], 6, "d.x", 0, RATING_OUTCOME_PASS, 0);
	r = rate(e, 3, 1);
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_LOW);
	rating_free(r);
	r = rate(e, 4, 1);
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_MEDIUM);
	rating_free(r);
	r = rate(e, 5, 1);          /* 5 items in 3 factors: still medium */
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_MEDIUM);
	rating_free(r);
	r = rate(e, 6, 1);
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_HIGH);
	cr_assert_eq(r->score, 100.0);
	rating_free(r);
}

/* 16 assets: divisor (16/4)^0.5 = 2 on a (normalised) but not on b. a.x costs 10,
 * b.x 10: B = (30*90 + 10*90 + 40*100)/80 = 7600/80 = 95. Two assets: divisor
 * max(1, 0.707) = 1. */
Test(rating, footprint_divisor)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 2, 16);
	cr_assert_eq(r->factors[FA].divisor, 2.0);
	cr_assert_eq(r->factors[FB].divisor, 1.0);
	cr_assert_eq(r->factors[FA].score, 90.0);
	cr_assert_eq(r->factors[FB].score, 90.0);
	cr_assert_eq(r->score_unrounded, 95.0);
	rating_free(r);
	r = rate(e, 2, 2);
	cr_assert_eq(r->factors[FA].divisor, 1.0);
	cr_assert_eq(r->factors[FA].score, 80.0);
	rating_free(r);
}

/*
 * Two a.y findings (60 each) give P_a = 120: S_a floors at 0. With b.x passing:
 * B = (30*0 + 10*100 + 40*100)/80 = 62.5. Each raw cost 60*30/80 = 22.5 is scaled by
 * 100/120 to 18.75, so the two add up to a's real loss 37.5 = 100 - 62.5.
 * Remediation: fixing one leaves P_a = 60, S_a = 40, B = 6200/80 = 77.5: gain 15 each
 * (ties ordered by evidence id). The gains (30) differ from the costs (37.5): costs
 * are an allocation, gains are exact.
 */
Test(rating, floor_cost_scaling_and_remediation)
{
	struct rating_evidence e[3];
	struct rating_input in;
	struct rating_remediation *plan;
	struct rating *r;
	size_t n;

	ev(&e[0], 7, "a.y", 2, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 5, "a.y", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 9, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 3, 1);
	cr_assert_eq(r->factors[FA].score, 0.0);
	cr_assert_eq(r->score_unrounded, 62.5);
	cr_assert_eq(r->score, 62.5);
	cr_assert_str_eq(r->grade, "F");
	cr_assert_eq(r->nfindings, 2);
	cr_assert_eq(r->findings[0].evidence_id, 5, "asset 1 sorts first");
	NEAR(r->findings[0].cost, 18.75);
	NEAR(r->findings[1].cost, 18.75);
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = e;
	in.nevidence = 3;
	in.asset_count = 1;
	in.as_of = AS_OF;
	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(plan[0].gain, 15.0);
	cr_assert_eq(plan[1].gain, 15.0);
	cr_assert_eq(plan[0].evidence_id, 5);
	cr_assert_eq(plan[1].evidence_id, 7);
	free(plan);
	rating_free(r);
}

/* The basic case plus a 2-point bonus: 91.25 + 2 = 93.25. Fixing a.x gives
 * B = (3000+900+4000)/80 = 98.75, + 2 = 100.75, capped at 100: gain 6.75. Fixing b.x
 * gives (2400+1000+4000)/80 = 92.5, + 2 = 94.5: gain 1.25. */
Test(rating, remediation_orders_by_gain)
{
	struct rating_evidence e[3];
	struct rating_input in;
	struct rating_remediation *plan;
	struct rating *r;
	size_t n;

	ev(&e[0], 2, "b.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[1], 1, "a.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[2], 3, "g.p", 0, RATING_OUTCOME_PASS, DAY);
	r = rate(e, 3, 4);
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = e;
	in.nevidence = 3;
	in.asset_count = 4;
	in.as_of = AS_OF;
	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &n), 0);
	cr_assert_eq(n, 2, "bonus items are not in the plan");
	cr_assert_eq(plan[0].evidence_id, 1);
	cr_assert_eq(r->score_unrounded, 93.25);
	cr_assert_eq(plan[0].gain, 6.75);
	cr_assert_eq(plan[1].evidence_id, 2);
	cr_assert_eq(plan[1].gain, 1.25);
	free(plan);
	rating_free(r);
}

/*
 * The basic case plus g.p and g.q passing (2 points each): 4 > cap 3, so G = 3 and
 * the score is 91.25 + 3 = 94.25, rounded half away from zero to 94.3. Each bonus
 * costs -2 * 3/4 = -1.5; all costs add up to 8.75 - 3 = 5.75 = 100 - 94.25.
 * 5 items in 2 factors: confidence medium.
 */
Test(rating, bonus_cap)
{
	struct rating_evidence e[5];
	struct rating *r;
	double sum = 0;
	size_t i;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[2], 3, "b.x", 2, RATING_OUTCOME_PASS, DAY);
	ev(&e[3], 4, "g.p", 0, RATING_OUTCOME_PASS, DAY);
	ev(&e[4], 5, "g.q", 0, RATING_OUTCOME_PASS, DAY);
	r = rate(e, 5, 4);
	cr_assert_eq(r->factors[FG].score, 3.0);
	cr_assert_eq(r->score_unrounded, 94.25);
	cr_assert_eq(r->score, 94.3);
	cr_assert_eq(r->confidence, RATING_CONFIDENCE_MEDIUM);
	cr_assert_eq(r->nfindings, 4);
	cr_assert_eq(r->findings[2].cost, -1.5);
	cr_assert_eq(r->findings[3].cost, -1.5);
	for (i = 0; i < r->nfindings; i++)
		sum += r->findings[i].cost;
	NEAR(sum, 100.0 - r->score_unrounded);
	rating_free(r);
}

/* Near the top the ceiling of 100 cuts the bonus: a.x fails with 400 assets (divisor
 * (400/4)^0.5 = 10, penalty 2, S_a = 98): B = (30*98 + 40*100)/70 = 6940/70 = 99.14...,
 * + 3 would pass 100, so the score is 100, the bonus adds 100 - B, and the bonus costs
 * shrink so that all costs still add up to 100 - 100 = 0. */
Test(rating, score_never_passes_100)
{
	struct rating_evidence e[6];
	struct rating *r;
	double sum = 0;
	size_t i;

	ev(&e[0], 1, "d.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[1], 2, "d.x", 2, RATING_OUTCOME_PASS, 0);
	ev(&e[2], 3, "g.p", 0, RATING_OUTCOME_PASS, 0);
	ev(&e[3], 4, "g.q", 0, RATING_OUTCOME_PASS, 0);
	ev(&e[4], 5, "a.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[5], 6, "a.x", 3, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 6, 400);
	cr_assert_eq(r->factors[FA].divisor, 10.0);
	NEAR(r->factors[FG].contribution, 100.0 - 6940.0 / 70.0);
	cr_assert_eq(r->score_unrounded, 100.0);
	cr_assert_eq(r->score, 100.0);
	for (i = 0; i < r->nfindings; i++)
		sum += r->findings[i].cost;
	NEAR(sum, 0.0);
	rating_free(r);
}

/* Evidence first seen after as_of, or of an unknown check, is ignored. */
Test(rating, not_yet_seen_and_unknown_checks_are_ignored)
{
	struct rating_evidence e[4];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	e[0].first_seen = AS_OF + 1;
	e[0].last_seen = AS_OF + 10;
	ev(&e[1], 2, "zz.unknown", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 3, "b.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[3], 4, "b.x", 2, RATING_OUTCOME_PASS, 0);
	r = rate(e, 4, 1);
	cr_assert_eq(r->evidence_used, 2);
	cr_assert_eq(r->evidence_ignored, 2);
	cr_assert_eq(r->factors[FA].has_data, 0);
	cr_assert_eq(r->score, 100.0);
	rating_free(r);
}

/* Evidence seen until after as_of (a rescore of the past) has age 0. */
Test(rating, last_seen_after_as_of_counts_as_age_zero)
{
	struct rating_evidence e[2];
	struct rating *r;

	ev(&e[0], 1, "c.x", 1, RATING_OUTCOME_FAIL, 0);
	e[0].last_seen = AS_OF + 100 * DAY;
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 1);
	cr_assert_eq(r->findings[0].decay, 1.0);
	cr_assert_eq(r->factors[FC].score, 60.0);
	rating_free(r);
}

Test(rating, disputed_flags)
{
	struct rating_evidence e[3];
	struct rating *r;

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	ev(&e[2], 3, "b.x", 2, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 3, 1);
	cr_assert_eq(r->disputed, 0);
	rating_free(r);
	e[1].disputed = 1;          /* a disputed pass still marks its factor */
	r = rate(e, 3, 1);
	cr_assert_eq(r->disputed, 1);
	cr_assert_eq(r->factors[FB].disputed, 1);
	cr_assert_eq(r->factors[FA].disputed, 0);
	rating_free(r);
}

/* The same evidence in several orders: bit-identical ratings and digests. */
Test(rating, order_independence_bit_for_bit)
{
	static const char *const codes[] = {"a.x", "a.y", "b.x", "c.x", "d.x", "g.p", "g.q",
	    "b.edge_up"};
	struct rating_evidence e[40], tmp;
	struct rating *first, *r;
	unsigned seed;
	size_t i, j, k, round_;

	srand(7);
	for (i = 0; i < 40; i++) {
		ev(&e[i], (int64_t)(100 - i), codes[rand() % 8], rand() % 5,
		    (enum rating_outcome)(rand() % 3), (int64_t)(rand() % (45 * DAY)));
		e[i].disputed = rand() % 7 == 0;
	}
	e[3].id = e[4].id;           /* even a duplicate id must not depend on order */
	first = rate(e, 40, 9);
	cr_assert_gt(first->nfindings, 5);
	for (round_ = 0; round_ < 6; round_++) {
		seed = (unsigned)round_ * 7919u + 1u;
		for (i = 39; i > 0; i--) {
			j = (size_t)rand_r(&seed) % (i + 1);
			tmp = e[i];
			e[i] = e[j];
			e[j] = tmp;
		}
		r = rate(e, 40, 9);
		cr_assert_eq(memcmp(&r->score_unrounded, &first->score_unrounded,
		    sizeof(double)), 0);
		cr_assert_str_eq(r->inputs_digest, first->inputs_digest);
		cr_assert_str_eq(r->outcome_digest, first->outcome_digest);
		cr_assert_eq(r->nfindings, first->nfindings);
		for (k = 0; k < r->nfactors; k++)
			cr_assert_eq(memcmp(&r->factors[k], &first->factors[k],
			    sizeof(r->factors[k])), 0, "factor %zu", k);
		for (k = 0; k < r->nfindings; k++)
			cr_assert_eq(memcmp(&r->findings[k], &first->findings[k],
			    sizeof(r->findings[k])), 0, "finding %zu", k);
		rating_free(r);
	}
	rating_free(first);
}

/*
 * The inputs digest is SHA-256 of exactly the text docs/methodology.md describes;
 * the fixed value pins it so that a change of format cannot go unnoticed.
 */
Test(rating, inputs_digest_is_the_documented_text)
{
	struct rating_evidence e[3];
	struct rating *r;
	struct buf text;
	char t1[21], t2[21], hex[65], as_of[21];

	ev(&e[0], 11, "b.x", 1, RATING_OUTCOME_PASS, DAY);
	ev(&e[1], 10, "a.x", 2, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 12, "zz.unknown", 1, RATING_OUTCOME_FAIL, 0);
	r = rate(e, 3, 3);
	buf_init(&text, 4096);
	timefmt_format(AS_OF, as_of);
	cr_assert_eq(buf_appendf(&text, "fairrate-inputs-v1\nmethodology 2099.1\nas_of %s\n"
	    "assets 3\n", as_of), 0);
	cr_assert_eq(buf_appendf(&text, "10\ta.x\t2\tfail\t%s\t%s\n",
	    timefmt_format(e[1].first_seen, t1), timefmt_format(e[1].last_seen, t2)), 0);
	cr_assert_eq(buf_appendf(&text, "11\tb.x\t1\tpass\t%s\t%s\n",
	    timefmt_format(e[0].first_seen, t1), timefmt_format(e[0].last_seen, t2)), 0);
	cr_assert_eq(sha256_hex(text.data, text.len, hex), 0);
	cr_assert_str_eq(r->inputs_digest, hex);
	cr_assert_str_eq(as_of, "2026-05-28T20:26:40Z");
	cr_assert_str_eq(r->inputs_digest, DIGEST_PIN);
	buf_free(&text);
	rating_free(r);
}

/* Form 2 of the inputs digest (a methodology with "inputs_digest": 2): last_seen is
 * left out ("-") for factors with a lifetime, so a re-observation of a fact does not
 * change it; it stays for half-life factors, whose decay it sets. */
Test(rating, inputs_digest_form_2_leaves_out_last_seen_where_it_decides_nothing)
{
	struct rating_evidence e[2];
	struct rating *r1, *r2, *r3;
	struct buf text;
	char t1[21], t2[21], hex[65];

	m->inputs_digest = 2;
	ev(&e[0], 10, "a.x", 2, RATING_OUTCOME_FAIL, 3 * DAY);
	ev(&e[1], 11, "c.x", 1, RATING_OUTCOME_FAIL, 2 * DAY);
	r1 = rate(e, 2, 3);
	buf_init(&text, 4096);
	cr_assert_eq(buf_appendf(&text, "fairrate-inputs-v2\nmethodology 2099.1\n"
	    "assets 3\n"), 0);
	cr_assert_eq(buf_appendf(&text, "10\ta.x\t2\tfail\t%s\t-\n",
	    timefmt_format(e[0].first_seen, t1)), 0);
	cr_assert_eq(buf_appendf(&text, "11\tc.x\t1\tfail\t%s\t%s\n",
	    timefmt_format(e[1].first_seen, t1), timefmt_format(e[1].last_seen, t2)), 0);
	cr_assert_eq(sha256_hex(text.data, text.len, hex), 0);
	cr_assert_str_eq(r1->inputs_digest, hex);
	/* Seen again (a re-scan) within the lifetime: the same digest and score. */
	e[0].last_seen += 2 * DAY;
	r2 = rate(e, 2, 3);
	cr_assert_str_eq(r2->inputs_digest, r1->inputs_digest);
	NEAR(r2->score_unrounded, r1->score_unrounded);
	/* The half-life item seen again decays less: another digest. */
	e[1].last_seen += DAY;
	r3 = rate(e, 2, 3);
	cr_assert_str_neq(r3->inputs_digest, r1->inputs_digest);
	buf_free(&text);
	rating_free(r1);
	rating_free(r2);
	rating_free(r3);
	m->inputs_digest = 1;
}

/* The outcome digest follows what a reader sees: a change below the rounding of
 * every shown number leaves it alone; a changed factor score does not. */
Test(rating, outcome_digest_tracks_what_is_shown)
{
	struct rating_evidence e[3];
	struct rating *r1, *r2, *r3;

	ev(&e[0], 1, "c.x", 1, RATING_OUTCOME_FAIL, 10 * DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r1 = rate(e, 2, 1);
	e[0].last_seen += 1;        /* decay moves by ~1e-6: nothing shown changes */
	r2 = rate(e, 2, 1);
	cr_assert_neq(r1->score_unrounded, r2->score_unrounded);
	cr_assert_str_neq(r1->inputs_digest, r2->inputs_digest);
	cr_assert_str_eq(r1->outcome_digest, r2->outcome_digest);
	e[0].last_seen += 5 * DAY;
	r3 = rate(e, 2, 1);
	cr_assert_str_neq(r1->outcome_digest, r3->outcome_digest);
	rating_free(r1);
	rating_free(r2);
	rating_free(r3);
}

Test(rating, names_and_outcome_parsing)
{
	enum rating_outcome o;

	cr_assert_str_eq(rating_confidence_name(RATING_CONFIDENCE_HIGH), "high");
	cr_assert_str_eq(rating_confidence_name(RATING_CONFIDENCE_NONE), "none");
	cr_assert_eq(rating_outcome_parse("fail", &o), 0);
	cr_assert_eq(o, RATING_OUTCOME_FAIL);
	cr_assert_eq(rating_outcome_parse("info", &o), 0);
	cr_assert_eq(o, RATING_OUTCOME_INFO);
	cr_assert_eq(rating_outcome_parse("FAIL", &o), -1);
}

/* The outcome digest is SHA-256 of the documented text (the basic case: 91.25). */
Test(rating, outcome_digest_is_the_documented_text)
{
	static const char text[] =
	    "fairrate-outcome-v1\nstatus rated\nscore 91.3\ngrade A\nconfidence low\n"
	    "factor a 1 80.0 0 0 0 1 0 0\n"
	    "factor b 1 90.0 0 0 1 0 0 1\n"
	    "factor c 0 0.0 0 0 0 0 0 0\n"
	    "factor d 1 100.0 0 0 0 0 0 0\n"
	    "factor g 0 0.0 0 0 0 0 0 0\n";
	struct rating_evidence e[3];
	struct rating *r;
	char hex[65];

	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_FAIL, DAY);
	ev(&e[2], 3, "b.x", 2, RATING_OUTCOME_PASS, DAY);
	e[2].disputed = 1;
	r = rate(e, 3, 4);
	cr_assert_eq(sha256_hex(text, strlen(text), hex), 0);
	cr_assert_str_eq(r->outcome_digest, hex);
	rating_free(r);
}

/* Times in the inputs digest are written as timefmt_format writes them, including
 * before 1970, on leap days and at the end of a century. */
Test(rating, inputs_digest_times_match_timefmt)
{
	static const int64_t times[] = {-86401, -1, 0, 951782400, 951868799, 4107542399LL,
	    4107542400LL, 253402300799LL};
	struct rating_evidence e[1];
	struct rating_input in;
	struct rating *r;
	struct buf text;
	char t[21], hex[65];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ev(&e[0], 1, "b.x", 1, RATING_OUTCOME_PASS, 0);
		e[0].first_seen = times[i];
		e[0].last_seen = 253402300799LL;
		memset(&in, 0, sizeof(in));
		in.methodology = m;
		in.evidence = e;
		in.nevidence = 1;
		in.as_of = e[0].last_seen;
		r = rating_compute(&in);
		cr_assert_not_null(r);
		cr_assert_eq(r->evidence_used, 1);
		buf_init(&text, 4096);
		buf_appendf(&text, "fairrate-inputs-v1\nmethodology 2099.1\nas_of %s\nassets 0\n",
		    timefmt_format(in.as_of, t));
		buf_appendf(&text, "1\tb.x\t1\tpass\t%s\t", timefmt_format(times[i], t));
		buf_appendf(&text, "%s\n", timefmt_format(in.as_of, t));
		cr_assert_eq(sha256_hex(text.data, text.len, hex), 0);
		cr_assert_str_eq(r->inputs_digest, hex, "time %lld", (long long)times[i]);
		buf_free(&text);
		rating_free(r);
	}
}

/* The stored form of ratings.factors, expanded with the methodology, says exactly
 * what the full jansson object says; and it is much shorter. */
Test(rating, stored_factors_expand_to_the_jansson_object)
{
	static const char *const codes[] = {"a.x", "a.y", "b.x", "c.x", "d.x", "g.p", "g.q"};
	struct rating_evidence e[30];
	json_t *built, *expanded;
	struct rating *r;
	struct buf text;
	char *full;
	size_t i;
	int round;

	srand(11);
	for (round = 0; round < 50; round++) {
		for (i = 0; i < 30; i++) {
			ev(&e[i], (int64_t)i + 1, codes[rand() % 7], rand() % 4,
			    (enum rating_outcome)(rand() % 3), (int64_t)(rand() % (35 * DAY)));
			e[i].disputed = rand() % 5 == 0;
		}
		r = rate(e, 1 + (size_t)(rand() % 30), 25);
		built = rating_json_factors(r, m);
		cr_assert_not_null(built);
		buf_init(&text, 1 << 20);
		cr_assert_eq(rating_json_factors_stored(r, m, &text), 0);
		expanded = rating_json_factors_expand(text.data, m);
		cr_assert_not_null(expanded, "%s", text.data);
		cr_assert(json_equal(expanded, built), "round %d: %s", round, text.data);
		full = json_dumps(built, RATING_JSON_DUMP_FLAGS);
		cr_assert_lt(text.len * 3, strlen(full) * 2, "%zu >= 2/3 of %zu", text.len,
		    strlen(full));
		/* A row in the full form (written before the short one) reads as it is. */
		json_decref(expanded);
		expanded = rating_json_factors_expand(full, m);
		cr_assert(json_equal(expanded, built));
		free(full);
		json_decref(expanded);
		json_decref(built);
		buf_free(&text);
		rating_free(r);
	}
	r = rate(e, 30, 25);
	buf_init(&text, 100);
	cr_assert_eq(rating_json_factors_stored(r, m, &text), -1, "past the cap is an error");
	buf_free(&text);
	rating_free(r);
}

/* A stored text that does not fit the methodology is refused, not guessed at. */
Test(rating, stored_factors_that_do_not_fit_are_refused)
{
	static const char *const bad[] = {
		"[]", "{", "{\"a\":{}}",
		/* every factor but one */
		"{\"a\":{},\"b\":{},\"c\":{},\"d\":{}}",
	};
	struct rating_evidence e[2];
	struct rating *r;
	struct buf text;
	json_t *v;
	char *p, *s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_null(rating_json_factors_expand(bad[i], m), "%s", bad[i]);
	cr_assert_null(rating_json_factors_expand(NULL, m));
	ev(&e[0], 1, "a.x", 1, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "b.x", 1, RATING_OUTCOME_PASS, 0);
	r = rate(e, 2, 25);
	buf_init(&text, 1 << 20);
	cr_assert_eq(rating_json_factors_stored(r, m, &text), 0);
	v = rating_json_factors_expand(text.data, m);
	cr_assert_not_null(v, "%s", text.data);
	json_decref(v);
	cr_assert_null(rating_json_factors_expand(text.data, NULL), "no methodology");
	/* A finding moved under a check of another factor. */
	s = strdup(text.data);
	cr_assert_not_null(p = strstr(s, "\"a.x\""), "%s", s);
	p[1] = 'b';
	cr_assert_null(rating_json_factors_expand(s, m), "%s", s);
	free(s);
	/* A number where a flag belongs. */
	s = strdup(text.data);
	cr_assert_not_null(p = strstr(s, "true"), "%s", s);
	memcpy(p, "1234", 4);
	cr_assert_null(rating_json_factors_expand(s, m), "%s", s);
	free(s);
	buf_free(&text);
	rating_free(r);
}

/* Without the inputs digest the rating is the same rating: what callers that only
 * compare outcomes use. */
Test(rating, outcome_only_rating_is_the_same_rating)
{
	static const char *const codes[] = {"a.x", "a.y", "b.x", "c.x", "d.x", "g.p", "g.q"};
	struct rating_evidence e[30];
	struct rating_input in;
	struct rating *full, *outcome;
	size_t i;

	srand(7);
	for (i = 0; i < 30; i++)
		ev(&e[i], (int64_t)i + 1, codes[rand() % 7], rand() % 4,
		    (enum rating_outcome)(rand() % 3), (int64_t)(rand() % (35 * DAY)));
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = e;
	in.nevidence = 30;
	in.asset_count = 25;
	in.as_of = AS_OF;
	full = rating_compute(&in);
	outcome = rating_compute_outcome(&in);
	cr_assert_not_null(full);
	cr_assert_not_null(outcome);
	cr_assert_str_eq(outcome->outcome_digest, full->outcome_digest);
	cr_assert_eq(outcome->score_unrounded, full->score_unrounded);
	cr_assert_eq(outcome->nfindings, full->nfindings);
	cr_assert_str_eq(outcome->inputs_digest, "");
	cr_assert_eq(strlen(full->inputs_digest), 64);
	rating_free(full);
	rating_free(outcome);
}

/*
 * attribution.min_confidence 0.9: asset 7 (0.5) neither brings its a.x finding nor
 * counts in the footprint; asset 8 (0.95) counts. 16 assets of which one below: 15
 * count, divisor (15/4)^0.5. Without the field (m above) both count: 16, divisor 2.
 */
Test(rating, assets_below_the_minimum_confidence_do_not_count)
{
	static const struct rating_asset unsure[] = {{7, 0.5}, {8, 0.95}};
	struct methodology_errors errs;
	struct rating_evidence e[3];
	struct methodology *mm;
	struct rating_input in;
	struct rating *r;
	char *doc, text[4096];
	const char *at = strstr(test_methodology, " \"footprint\":");

	cr_assert_not_null(at);
	cr_assert_not_null(doc = malloc(strlen(test_methodology) + 64));
	snprintf(doc, strlen(test_methodology) + 64, "%.*s \"attribution\":"
	    " {\"min_confidence\": 0.9},%s", (int)(at - test_methodology), test_methodology,
	    at);
	mm = methodology_parse(doc, strlen(doc), &errs);
	cr_assert_not_null(mm, "%s", methodology_errors_format(&errs, "test", text,
	    sizeof(text)));
	NEAR(mm->min_asset_confidence, 0.9);
	NEAR(m->min_asset_confidence, 0.0);
	ev(&e[0], 1, "a.x", 7, RATING_OUTCOME_FAIL, 0);
	ev(&e[1], 2, "a.x", 8, RATING_OUTCOME_FAIL, 0);
	ev(&e[2], 3, "b.x", 1, RATING_OUTCOME_FAIL, 0);
	memset(&in, 0, sizeof(in));
	in.methodology = mm;
	in.evidence = e;
	in.nevidence = 3;
	in.asset_count = 16;
	in.uncertain = unsure;
	in.nuncertain = 2;
	in.as_of = AS_OF;
	cr_assert_not_null(r = rating_compute(&in));
	cr_assert_eq(r->evidence_used, 2);
	cr_assert_eq(r->evidence_ignored, 1);
	cr_assert_eq(r->factors[FA].evidence_count, 1);
	NEAR(r->factors[FA].divisor, sqrt(15.0 / 4.0));
	rating_free(r);
	in.methodology = m;
	cr_assert_not_null(r = rating_compute(&in));
	cr_assert_eq(r->evidence_used, 3);
	cr_assert_eq(r->factors[FA].divisor, 2.0);
	rating_free(r);
	methodology_free(mm);
	free(doc);
}
