#ifndef FAIRRATE_RATING_REASON_H
#define FAIRRATE_RATING_REASON_H

#include <stdint.h>

#include "common/buf.h"

/*
 * Rating history: whether a freshly computed rating deserves a new ratings row, and if
 * so why. Pure: no I/O, no clock. Times of change ("_us") are Unix microseconds so
 * that a change made a moment after a rating is told apart from one made before it.
 */

enum rating_reason {
	RATING_REASON_NONE = 0,            /* same outcome, same methodology: no new row */
	RATING_REASON_INITIAL,             /* the company's first rating */
	RATING_REASON_METHODOLOGY_CHANGE,  /* another methodology version is in force */
	RATING_REASON_CORRECTION,          /* evidence corrected since the last rating */
	RATING_REASON_NEW_EVIDENCE,        /* evidence recorded since the last rating */
	RATING_REASON_EVIDENCE_EXPIRED,    /* nothing new; as-of moved on: aged out or decayed */
	RATING_REASON_EVIDENCE_CHANGED     /* anything else (status, last_seen, assets, ...) */
};

/* The company's latest ratings row, as read back. exists == 0: it has none. */
struct rating_reason_previous {
	int exists;
	int64_t id;
	char methodology_version[32];
	char outcome_digest[65];
	char inputs_digest[65];            /* "" when not read */
	int64_t computed_at_us;
	int64_t as_of;                     /* Unix seconds */
};

/* What happened to the company's evidence: the latest time of each kind of change
 * over all its evidence, 0 when there is none. */
struct rating_reason_changes {
	int64_t last_corrected_us;         /* evidence.corrected_at */
	int64_t last_recorded_us;          /* evidence.recorded_at (active or disputed) */
	int64_t last_updated_us;           /* evidence.updated_at (active or disputed) */
};

/* rating_reason_decide: the reason for writing a rating whose methodology is version
 * and whose outcome digest is outcome_digest, given the previous row and the changes.
 * RATING_REASON_NONE when the outcome digest and the version are both unchanged and,
 * when inputs_digest is not NULL (methodologies whose inputs digest has form 2), the
 * inputs digest too: then every stored rating stays recomputable from the evidence
 * as it is (docs/methodology.md "Inputs digest"). Otherwise the first that holds of:
 * initial, methodology_change, correction, new_evidence, evidence_changed (evidence
 * updated since), evidence_expired (as_of later than the previous as-of),
 * evidence_changed. */
enum rating_reason rating_reason_decide(const struct rating_reason_previous *prev,
    const struct rating_reason_changes *chg, const char *version,
    const char *outcome_digest, const char *inputs_digest, int64_t as_of);

/* rating_reason_name: the ratings.reason text ("initial", ...), or "none". */
const char *rating_reason_name(enum rating_reason reason);

/* rating_reason_detail_text: the ratings.reason_detail object for reason, appended to
 * out as compact JSON text: methodology_version and as_of of the new row and, for
 * every reason but initial, the previous rating's id, methodology version, as-of and
 * computed-at, and the change times that led to the reason (ISO 8601 UTC). 0, or -1
 * when out's cap or memory is reached. */
int rating_reason_detail_text(enum rating_reason reason,
    const struct rating_reason_previous *prev, const struct rating_reason_changes *chg,
    const char *version, int64_t as_of, struct buf *out);

#endif
