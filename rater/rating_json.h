#ifndef FAIRRATE_RATING_JSON_H
#define FAIRRATE_RATING_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "common/buf.h"
#include "rater/methodology.h"
#include "rater/rating.h"

/*
 * A rating as JSON (jansson), for the ratings.factors column and the API. Pure: no
 * I/O. Numbers are rounded for people: scores to 1 decimal, costs, gains and
 * contributions to 2, shares, divisors and decays to 4. Dump with
 * RATING_JSON_DUMP_FLAGS so that a rounded 89.9 prints as 89.9, not
 * 89.900000000000006 (jansson's default precision is 17 digits).
 */

#define RATING_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* rating_json_factors: the full factors object the API shows, keyed by factor code
 * (ratings.factors holds the shorter stored form, rating_json_factors_stored):
 * {"tls": {"name", "kind" ("penalty"|"bonus"), "has_data", "score", "weight"
 * (bonus_cap for a bonus factor, with "bonus_cap" too), "weight_share",
 * "contribution", "divisor", "evidence_count", "findings_by_severity": {"info": n,
 * ...}, "disputed", "findings": [{"evidence_id", "check", "severity", "decay",
 * "cost", "disputed"}]}}. r was computed with m. Returns a new reference, or NULL
 * (logged) when memory is short. */
json_t *rating_json_factors(const struct rating *r, const struct methodology *m);

/* rating_json_factors_stored: what ratings.factors holds, appended to out as compact
 * JSON text: per factor (every factor of m, keyed by code) only what the rating alone
 * knows, {"has_data", "score", "weight_share", "contribution", "divisor",
 * "evidence_count", "disputed", "findings": [{"evidence_id", "check", "decay",
 * "cost", "disputed"}]}, each member left out when it is at its default (false, 0,
 * 1 for divisor and decay, [] for findings; numbers judged as rounded). Names, kinds,
 * weights, severities and counts by severity follow from the methodology version the
 * row names, and rating_json_factors_expand puts them back. About a third of the full
 * object's size, written without jansson: a first full rescore writes one per
 * company (docs/rescoring.md). Returns 0, or -1 when out's cap or memory is reached
 * (out may then hold part of the text: reset it). */
int rating_json_factors_stored(const struct rating *r, const struct methodology *m,
    struct buf *out);

/* rating_json_factors_expand: the full factors object (as rating_json_factors gives
 * it, json_equal to it for the rating that was stored) from a ratings.factors text
 * and m, the methodology version of that row. A text written before the stored form
 * was made short (it has findings_by_severity) is returned as it is. Returns a new
 * reference, or NULL when the text is not a stored factors object under m (a factor
 * missing or unknown, a member of the wrong type, a finding whose check is not of
 * its factor) or memory is short. */
json_t *rating_json_factors_expand(const char *stored, const struct methodology *m);

/* rating_json_round: x rounded to 1/scale (scale 10: one decimal), never -0. */
double rating_json_round(double x, double scale);

/* rating_json_put_string: append s as a JSON string (quoted, escaped) to out. 0, or
 * -1 when out's cap or memory is reached. */
int rating_json_put_string(struct buf *out, const char *s);

/* rating_json_explanation: the full explanation for the rated company itself: status
 * ("rated"|"insufficient_data"), score and grade (null when insufficient),
 * confidence, insufficient_reason (null when rated), as_of (ISO 8601),
 * methodology_version, inputs_digest, outcome_digest, disputed, evidence_used,
 * evidence_ignored, factors (as rating_json_factors), remediation ([{evidence_id,
 * check, title, gain}] in plan order; plan may be NULL when nplan is 0) and a
 * "recompute" note. Returns a new reference, or NULL (logged). */
json_t *rating_json_explanation(const struct rating *r, const struct methodology *m,
    const struct rating_remediation *plan, size_t nplan);

/* rating_json_summary: what an investor may see (principle 6): status, score, grade,
 * confidence, methodology_version, as_of, disputed and per factor {name, kind,
 * has_data, score, weight, findings_by_severity, disputed}; no evidence ids, no
 * findings. Returns a new reference, or NULL (logged). */
json_t *rating_json_summary(const struct rating *r, const struct methodology *m);

#endif
