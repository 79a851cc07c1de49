#ifndef FAIRRATE_API_PORTFOLIO_SUMMARY_H
#define FAIRRATE_API_PORTFOLIO_SUMMARY_H

#include <stddef.h>

#include <jansson.h>

/*
 * An investor portfolio at a glance, from its companies' current ratings and the
 * ratings that were in force 7, 30 and 90 days ago: how many companies, their grade
 * mix, and per period how many rose, fell or held and which fell most. Pure: the
 * store reads the rows (api/portfolio_store.h), this adds them up.
 */

#define PORTFOLIO_SUMMARY_PERIODS 3
#define PORTFOLIO_SUMMARY_MOVERS 5       /* worst movers listed per period */

/* The lengths of the periods, in days: 7, 30, 90. */
extern const int portfolio_summary_days[PORTFOLIO_SUMMARY_PERIODS];

enum portfolio_summary_status {
	PORTFOLIO_SUMMARY_NOT_RATED = 0,     /* no rating at all */
	PORTFOLIO_SUMMARY_RATED,
	PORTFOLIO_SUMMARY_INSUFFICIENT       /* rated "insufficient data" */
};

/* One company. The strings are borrowed for the call. grade is set when rated. A
 * period's past score exists (had_score) when the rating in force at its start had
 * a score. */
struct portfolio_summary_company {
	const char *slug, *name;
	enum portfolio_summary_status status;
	double score;
	const char *grade;
	int had_score[PORTFOLIO_SUMMARY_PERIODS];
	double past_score[PORTFOLIO_SUMMARY_PERIODS];
	const char *past_grade[PORTFOLIO_SUMMARY_PERIODS];
};

/* portfolio_summary_grade_cmp: order of two grades, best first: by letter (A before
 * B), then "+" before the plain letter before "-". <0, 0 or >0. */
int portfolio_summary_grade_cmp(const char *a, const char *b);

/* portfolio_summary_build: the summary of the n companies c:
 * {companies, rated, insufficient_data, not_rated, mean_score (null when none is
 * rated), grades: [{grade, companies}] best first, changes: [{days, compared, up,
 * down, unchanged, mean_change (null when none compared), worst_movers: [{slug, name,
 * score, grade, previous_score, previous_grade, change}]}]}. A company is compared
 * over a period when it is rated now and had a score at the period's start; changes
 * are rounded to 0.1 point; worst movers are those that fell, largest fall first
 * (then by slug), at most PORTFOLIO_SUMMARY_MOVERS. A new reference, or NULL when
 * memory is short. */
json_t *portfolio_summary_build(const struct portfolio_summary_company *c, size_t n);

#endif
