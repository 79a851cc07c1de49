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

/* rating_json_factors: the object stored in ratings.factors, keyed by factor code:
 * {"tls": {"name", "kind" ("penalty"|"bonus"), "has_data", "score", "weight"
 * (bonus_cap for a bonus factor, with "bonus_cap" too), "weight_share",
 * "contribution", "divisor", "evidence_count", "findings_by_severity": {"info": n,
 * ...}, "disputed", "findings": [{"evidence_id", "check", "severity", "decay",
 * "cost", "disputed"}]}}. r was computed with m. Returns a new reference, or NULL
 * (logged) when memory is short. */
json_t *rating_json_factors(const struct rating *r, const struct methodology *m);

/* rating_json_factors_text: the same object as rating_json_factors, written directly
 * as compact JSON text and appended to out (about 10 times faster than building and
 * dumping it with jansson: for the rescoring's ratings rows). Parsed back it is
 * json_equal to rating_json_factors(r, m). Returns 0, or -1 when out's cap or memory
 * is reached (out may then hold part of the text: reset it). */
int rating_json_factors_text(const struct rating *r, const struct methodology *m,
    struct buf *out);

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
