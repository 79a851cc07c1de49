/*
 * Back-test statistics on small cases computed by hand: the AUC through the
 * Mann-Whitney statistic (ties count one half), its Hanley-McNeil interval, and
 * incident rates and relative risks by grade.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "rater/backtest_stats.h"

#define EPS 1e-9

Test(backtest_stats, auc_with_a_tie)
{
	/* Incidents at 50 and 70; none at 70, 90, 30. Pairs (incident, none) where the
	 * incident company scored lower: 50<70, 50<90, 70<90 = 3, the 70/70 tie 0.5,
	 * out of 2 x 3 = 6 pairs: 3.5 / 6. */
	struct backtest_obs o[] = {{50, 1}, {70, 0}, {90, 0}, {70, 1}, {30, 0}};
	struct backtest_auc a;
	double A = 3.5 / 6.0, q1 = A / (2 - A), q2 = 2 * A * A / (1 + A);
	double se = sqrt((A * (1 - A) + 1 * (q1 - A * A) + 2 * (q2 - A * A)) / 6.0);

	cr_assert_eq(backtest_stats_auc(o, 5, &a), 0);
	cr_assert(a.defined);
	cr_assert_eq(a.positives, 2);
	cr_assert_eq(a.negatives, 3);
	cr_assert_float_eq(a.auc, A, EPS);
	cr_assert_float_eq(a.se, se, EPS);
	cr_assert_float_eq(a.ci_low, fmax(0, A - 1.959963984540054 * se), EPS);
	cr_assert_float_eq(a.ci_high, fmin(1, A + 1.959963984540054 * se), EPS);
}

Test(backtest_stats, auc_perfect_and_inverted)
{
	struct backtest_obs good[] = {{10, 1}, {20, 1}, {80, 0}, {90, 0}};
	struct backtest_obs bad[] = {{10, 0}, {20, 0}, {80, 1}, {90, 1}};
	struct backtest_auc a;

	cr_assert_eq(backtest_stats_auc(good, 4, &a), 0);
	cr_assert_float_eq(a.auc, 1.0, EPS);
	cr_assert_eq(backtest_stats_auc(bad, 4, &a), 0);
	cr_assert_float_eq(a.auc, 0.0, EPS);
}

Test(backtest_stats, auc_all_tied_is_one_half)
{
	struct backtest_obs o[] = {{60, 1}, {60, 0}, {60, 0}, {60, 1}, {60, 0}};
	struct backtest_auc a;

	cr_assert_eq(backtest_stats_auc(o, 5, &a), 0);
	cr_assert_float_eq(a.auc, 0.5, EPS);
}

Test(backtest_stats, auc_needs_both_outcomes)
{
	struct backtest_obs o[] = {{60, 0}, {70, 0}};
	struct backtest_auc a;

	cr_assert_eq(backtest_stats_auc(o, 2, &a), 0);
	cr_assert_not(a.defined);
	cr_assert_eq(a.negatives, 2);
	cr_assert_eq(backtest_stats_auc(NULL, 0, &a), 0);
	cr_assert_not(a.defined);
}

Test(backtest_stats, relative_risk_by_grade)
{
	/* A: 2 of 100; B: 5 of 50; C: 0 of 10; D: none rated. */
	struct backtest_grade g[4] = {{.companies = 100, .incidents = 2},
	    {.companies = 50, .incidents = 5}, {.companies = 10, .incidents = 0},
	    {.companies = 0, .incidents = 0}};
	double se = sqrt(1.0 / 5 - 1.0 / 50 + 1.0 / 2 - 1.0 / 100);

	backtest_stats_grades(g, 4);
	cr_assert_float_eq(g[0].rate, 0.02, EPS);
	cr_assert_float_eq(g[0].relative_risk, 1.0, EPS);
	cr_assert_float_eq(g[1].rate, 0.1, EPS);
	cr_assert_float_eq(g[1].relative_risk, 5.0, EPS);
	cr_assert(g[1].rr_ci_defined);
	cr_assert_float_eq(g[1].rr_low, exp(log(5.0) - 1.959963984540054 * se), EPS);
	cr_assert_float_eq(g[1].rr_high, exp(log(5.0) + 1.959963984540054 * se), EPS);
	cr_assert(g[2].rr_defined);
	cr_assert_float_eq(g[2].relative_risk, 0.0, EPS);
	cr_assert_not(g[2].rr_ci_defined);
	cr_assert_not(g[3].rr_defined);
	cr_assert_float_eq(g[3].rate, 0.0, EPS);
}

Test(backtest_stats, relative_risk_undefined_without_reference_incidents)
{
	struct backtest_grade g[2] = {{.companies = 40, .incidents = 0},
	    {.companies = 10, .incidents = 3}};

	backtest_stats_grades(g, 2);
	cr_assert_not(g[0].rr_defined);
	cr_assert_not(g[1].rr_defined);
	cr_assert_float_eq(g[1].rate, 0.3, EPS);
}
