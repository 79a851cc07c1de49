#ifndef FAIRRATE_BACKTEST_STATS_H
#define FAIRRATE_BACKTEST_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The statistics of a back-test (principle 3): how well ratings given at past dates
 * ranked the companies that went on to have an incident within the follow-up window.
 * Pure: no I/O. docs/methodology.md ("Validation") states each formula.
 */

/* One rated company at one as-of date. */
struct backtest_obs {
	double score;                  /* the score it had then */
	int incident;                  /* 1: at least one incident in the window after */
};

struct backtest_auc {
	int defined;                   /* 0 when there are no positives or no negatives */
	int64_t positives;             /* observations with an incident */
	int64_t negatives;
	double auc;                    /* P(an incident company scored lower than one
	                                  without), ties counting one half */
	double se;                     /* Hanley and McNeil (1982) standard error */
	double ci_low, ci_high;        /* auc -/+ 1.96 se, clipped to [0, 1] */
};

/* backtest_stats_auc: the ROC AUC of the score as a predictor of an incident (a lower
 * score predicting one), through the Mann-Whitney U statistic with mid-ranks for ties.
 * Sorts obs in place by score. 0, or -1 when memory is short. */
int backtest_stats_auc(struct backtest_obs *obs, size_t n, struct backtest_auc *out);

struct backtest_grade {
	int64_t companies;             /* observations with this grade */
	int64_t incidents;             /* ... of which had an incident in the window */
	double rate;                   /* incidents / companies (0 when no companies) */
	int rr_defined;                /* 0 when this grade or the best grade has no
	                                  companies, or the best grade has no incident */
	double relative_risk;          /* rate / the best grade's rate */
	int rr_ci_defined;             /* 0 also when either has no incident */
	double rr_low, rr_high;        /* Katz log-based 95% interval */
};

/* backtest_stats_grades: fill rate and relative risk in g[0..n), whose companies and
 * incidents the caller counted; g[0] is the best grade, the reference. */
void backtest_stats_grades(struct backtest_grade *g, size_t n);

#endif
