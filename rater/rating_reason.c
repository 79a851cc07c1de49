#include "rater/rating_reason.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"
#include "rater/rating_json.h"

static const char *const rating_reason_names[] = {
	[RATING_REASON_NONE] = "none",
	[RATING_REASON_INITIAL] = "initial",
	[RATING_REASON_METHODOLOGY_CHANGE] = "methodology_change",
	[RATING_REASON_CORRECTION] = "correction",
	[RATING_REASON_NEW_EVIDENCE] = "new_evidence",
	[RATING_REASON_EVIDENCE_EXPIRED] = "evidence_expired",
	[RATING_REASON_EVIDENCE_CHANGED] = "evidence_changed",
};

enum rating_reason
rating_reason_decide(const struct rating_reason_previous *prev,
    const struct rating_reason_changes *chg, const char *version,
    const char *outcome_digest, const char *inputs_digest, int64_t as_of)
{
	int64_t since;

	if (!prev->exists)
		return (RATING_REASON_INITIAL);
	if (strcmp(prev->methodology_version, version) != 0)
		return (RATING_REASON_METHODOLOGY_CHANGE);
	if (strcmp(prev->outcome_digest, outcome_digest) == 0 && (inputs_digest == NULL ||
	    strcmp(prev->inputs_digest, inputs_digest) == 0))
		return (RATING_REASON_NONE);
	since = prev->computed_at_us;
	if (chg->last_corrected_us > since)
		return (RATING_REASON_CORRECTION);
	if (chg->last_recorded_us > since)
		return (RATING_REASON_NEW_EVIDENCE);
	if (chg->last_updated_us > since)
		return (RATING_REASON_EVIDENCE_CHANGED);
	if (as_of > prev->as_of)
		return (RATING_REASON_EVIDENCE_EXPIRED);
	return (RATING_REASON_EVIDENCE_CHANGED);
}

const char *
rating_reason_name(enum rating_reason reason)
{
	if ((size_t)reason >= sizeof(rating_reason_names) / sizeof(rating_reason_names[0]))
		return ("none");
	return (rating_reason_names[reason]);
}

/* Floor division, so that times before 1970 format as the second they fall in (and
 * as the second PostgreSQL shows for computed_at; evidence times are rounded instead,
 * pg_unix_us_to_seconds, as extract(epoch)::bigint does). */
static int64_t
rating_reason_us_to_s(int64_t us)
{
	return (us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000));
}

/* ,"key":"YYYY-MM-DDTHH:MM:SSZ" */
static int
rating_reason_put_time(struct buf *out, const char *key, int64_t t)
{
	char iso[21];

	timefmt_format(t, iso);
	return (buf_append(out, ",\"", 2) || buf_append(out, key, strlen(key)) ||
	    buf_append(out, "\":\"", 3) || buf_append(out, iso, strlen(iso)) ||
	    buf_append(out, "\"", 1) ? -1 : 0);
}

int
rating_reason_detail_text(enum rating_reason reason,
    const struct rating_reason_previous *prev, const struct rating_reason_changes *chg,
    const char *version, int64_t as_of, struct buf *out)
{
	char id[24];
	int64_t since;

	if (buf_append(out, "{\"methodology_version\":", 23) ||
	    rating_json_put_string(out, version) ||
	    rating_reason_put_time(out, "as_of", as_of))
		return (-1);
	if (reason != RATING_REASON_NONE && reason != RATING_REASON_INITIAL && prev->exists) {
		snprintf(id, sizeof(id), "%" PRId64, prev->id);
		if (buf_append(out, ",\"previous_rating_id\":", 22) ||
		    buf_append(out, id, strlen(id)) ||
		    buf_append(out, ",\"previous_methodology_version\":", 32) ||
		    rating_json_put_string(out, prev->methodology_version) ||
		    rating_reason_put_time(out, "previous_as_of", prev->as_of) ||
		    rating_reason_put_time(out, "previous_computed_at",
		    rating_reason_us_to_s(prev->computed_at_us)))
			return (-1);
		since = prev->computed_at_us;
		if ((chg->last_corrected_us > since && rating_reason_put_time(out,
		    "corrected_at", rating_reason_us_to_s(chg->last_corrected_us))) ||
		    (chg->last_recorded_us > since && rating_reason_put_time(out,
		    "recorded_at", rating_reason_us_to_s(chg->last_recorded_us))) ||
		    (chg->last_updated_us > since && rating_reason_put_time(out,
		    "updated_at", rating_reason_us_to_s(chg->last_updated_us))))
			return (-1);
	}
	return (buf_append(out, "}", 1));
}
