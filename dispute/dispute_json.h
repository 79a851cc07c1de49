#ifndef FAIRRATE_DISPUTE_JSON_H
#define FAIRRATE_DISPUTE_JSON_H

#include <stdint.h>

#include <jansson.h>

#include "dispute/dispute_sla.h"
#include "dispute/dispute_store.h"

/*
 * Disputes as the API shows them (JSON, times ISO 8601 UTC, null when not yet), so
 * that the HTTP handlers only route, authorise and map results. Pure: no I/O.
 * Two views: the company's (no internal notes, which dispute_store_get already
 * leaves out, and no staff key ids) and staff's (everything).
 */

enum dispute_json_view {
	DISPUTE_JSON_COMPANY = 0,
	DISPUTE_JSON_STAFF
};

/* dispute_json_dispute: d with its items ("evidence_ids" or "asset_ids"), thread,
 * attachments (metadata only) and SLA ({"state", "first_response_due",
 * "resolution_due"} as of now under cfg). Returns a new reference, or NULL when
 * memory is short. */
json_t *dispute_json_dispute(const struct dispute *d, enum dispute_json_view view,
    const struct dispute_sla_config *cfg, int64_t now);

/* dispute_json_list: {"items": [summary...], "next_cursor": "<id>" | null}; each
 * summary has id, company (slug), kind, reason, state, opened_at, items (count), sla
 * and, for staff, assignee_key_id. New reference, or NULL when memory is short. */
json_t *dispute_json_list(const struct dispute_list *l, enum dispute_json_view view);

/* dispute_json_stats: the transparency figures: total, by_state, by_reason (every
 * name, zero included), decided, accepted, acceptance_rate, and
 * time_to_first_response / time_to_resolution as {"median_seconds", "p90_seconds"};
 * figures without data are null. New reference, or NULL when memory is short. */
json_t *dispute_json_stats(const struct dispute_stats *s);

/* dispute_json_refusal: {"error": {"code": <refusal name>, "message": ...,
 * "state": <current state>}} for a refused event. New reference or NULL. */
json_t *dispute_json_refusal(const struct dispute_apply_result *r);

#endif
