#ifndef FAIRRATE_IMPACT_H
#define FAIRRATE_IMPACT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rater/methodology.h"
#include "rater/rating.h"

/*
 * The impact of a methodology change on every rating: each company rated under the
 * version in force ("before") and under the draft ("after"), from the same evidence at
 * the same time, is added one at a time; the summary is what staff review before
 * publishing (principle 4). Pure: no I/O. Memory does not grow with the number of
 * companies (score deltas are multiples of 0.1 and are counted in a histogram).
 */

/* One side of a company's comparison. */
struct impact_side {
	enum rating_status status;
	double score;                  /* rounded to 0.1; RATED only */
	char grade[4];                 /* "" when insufficient data */
	enum rating_confidence confidence;
};

struct impact_company {
	int64_t id;
	char slug[64];
	struct impact_side before, after;
};

/* The largest top_n accepted by impact_new. */
#define IMPACT_MAX_TOP 100

struct impact;

/* impact_new: an empty summary for a change from before to after (both borrowed; they
 * must outlive the summary), keeping the top_n (1..IMPACT_MAX_TOP) movers each way.
 * NULL when memory is short or top_n is out of range. */
struct impact *impact_new(const struct methodology *before,
    const struct methodology *after, size_t top_n);

/* impact_side_of: the side that rating r shows. */
void impact_side_of(const struct rating *r, struct impact_side *out);

/* impact_add: count one company. 0, or -1 when a grade is not one of either
 * methodology's bands (nothing is counted then). */
int impact_add(struct impact *im, const struct impact_company *c);

/* impact_companies: how many companies were added. */
int64_t impact_companies(const struct impact *im);

/* impact_json: the summary, a new object (NULL when memory is short):
 *   companies, before_version, after_version,
 *   delta: over companies rated both times: companies, up, down, unchanged, mean,
 *     min, p10, median, p90, max (nearest rank; null when none), histogram [{from, to,
 *     companies}] with inclusive bounds in points,
 *   grade_migration: {grades: [best first..., "insufficient_data"], matrix: rows are
 *     before, columns after, counts}, upgrades, downgrades, same_grade,
 *   top_movers: {up: [...], down: [...]} each {id, slug, before_score, after_score,
 *     delta, before_grade, after_grade}, largest moves first, ties by slug,
 *   confidence: {changed, changes: [{from, to, companies}] for each pair that moved},
 *   insufficient_data: {before, after, became_insufficient, became_rated}. */
json_t *impact_json(const struct impact *im);

/* impact_free: release im; NULL is a no-op. */
void impact_free(struct impact *im);

#endif
