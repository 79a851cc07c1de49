#ifndef FAIRRATE_BACKTEST_H
#define FAIRRATE_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * Back-testing a methodology (principle 3): rate every company as of past dates with
 * the engine, using only the evidence known on each date (first_seen <= date; last_seen
 * capped at the date; corrected evidence left out), count the companies with an
 * incident in the window that follows, and compute incident rates by grade, relative
 * risk against the best grade and the ROC AUC (rater/backtest_stats.h). The figures
 * are stored in methodology_validation (0007) and published by the API.
 */

#define BACKTEST_MAX_DATES 24
#define BACKTEST_DEFAULT_WINDOW 365
#define BACKTEST_DEFAULT_DATES 4
#define BACKTEST_DEFAULT_STEP 91    /* days between default dates */

struct backtest_options {
	const char *version;           /* any stored version, draft or published */
	int64_t dates[BACKTEST_MAX_DATES]; /* as-of dates, Unix seconds */
	size_t ndates;                 /* 0: BACKTEST_DEFAULT_DATES dates, every
	                                  BACKTEST_DEFAULT_STEP days back from
	                                  now - window */
	int window_days;               /* 0: BACKTEST_DEFAULT_WINDOW */
	int64_t now;                   /* every window must end by now */
	int store;                     /* 1: store the figures (published versions) */
};

/* backtest_run: back-test against the database at url (NULL: db_url()). Sets *figures
 * (a new reference): {version, window_days, as_of_dates, observations, companies,
 * insufficient_data, incidents, by_grade: [{grade, companies, incidents, rate,
 * relative_risk, relative_risk_ci}], roc_auc, roc_auc_se, roc_auc_ci, method, by_date:
 * [{as_of, companies, rated, insufficient_data, incidents}]}. 0, or -1 after logging
 * (no such version, a window that ends after now, a database error). */
int backtest_run(const char *url, const struct backtest_options *opt, json_t **figures);

#endif
