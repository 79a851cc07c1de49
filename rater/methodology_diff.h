#ifndef FAIRRATE_METHODOLOGY_DIFF_H
#define FAIRRATE_METHODOLOGY_DIFF_H

#include <jansson.h>

#include "rater/methodology.h"

/*
 * What changes between two methodology versions, factor by factor and number by
 * number: the document a reviewer reads before a draft is previewed and published.
 * Pure: no I/O.
 *
 * Each change is an object {"path", "change", "old", "new"}:
 *   path    where it is, by code rather than position: "factors.tls.weight",
 *           "checks.tls.expired_certificate.points", "grades.B.min_score",
 *           "footprint.exponent", "confidence.min_evidence", "summary"
 *   change  "added", "removed" or "changed"
 *   old,new the values (numbers as numbers, codes and texts as strings; a whole added
 *           or removed factor, check or grade as its object); null on the side where
 *           it does not exist
 * Changes come in a fixed order: top-level texts, footprint, confidence, factors (by
 * code), checks (by code), grades (by grade, best first in new then removed ones).
 */

/* methodology_diff: the changes from old to new. Returns a new array (empty when the
 * two agree on everything but version and effective date), or NULL when memory is
 * short. */
json_t *methodology_diff(const struct methodology *old, const struct methodology *new);

/* methodology_diff_text: one line per change, "PATH: OLD -> NEW" ("PATH: added NEW",
 * "PATH: removed OLD"), appended to a new malloc'd string (the caller frees it); NULL
 * when memory is short. */
char *methodology_diff_text(const json_t *changes);

#endif
