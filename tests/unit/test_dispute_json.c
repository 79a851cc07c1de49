/* The API's JSON views of disputes: what the company sees, what staff see. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "dispute/dispute_json.h"

#define OPENED 1767225600 /* 2026-01-01T00:00:00Z */

static struct dispute *
sample(void)
{
	struct dispute *d = calloc(1, sizeof(*d));

	cr_assert_not_null(d);
	d->id = 42;
	d->company_id = 7;
	snprintf(d->company_slug, sizeof(d->company_slug), "acme");
	d->kind = DISPUTE_KIND_EVIDENCE;
	d->reason = DISPUTE_REASON_FALSE_POSITIVE;
	d->explanation = strdup("port 3389 is closed");
	d->state = DISPUTE_INFO_REQUESTED;
	d->facts.assignee = 11;
	d->opened_by = 5;
	d->sla.opened_at = OPENED;
	d->sla.first_response_at = OPENED + 3600;
	d->sla.paused_since = OPENED + 2 * TIMEFMT_DAY;
	d->decision_rationale = strdup("");
	d->version = 4;
	d->nitems = 2;
	d->items = calloc(2, sizeof(*d->items));
	d->items[0] = 100;
	d->items[1] = 101;
	d->nthread = 3;
	d->thread = calloc(3, sizeof(*d->thread));
	snprintf(d->thread[0].event, sizeof(d->thread[0].event), "open");
	snprintf(d->thread[0].to_state, sizeof(d->thread[0].to_state), "open");
	d->thread[0].actor_key_id = 5;
	d->thread[0].body = strdup("");
	d->thread[0].at = OPENED;
	snprintf(d->thread[1].event, sizeof(d->thread[1].event), "comment");
	snprintf(d->thread[1].from_state, sizeof(d->thread[1].from_state), "in_review");
	snprintf(d->thread[1].to_state, sizeof(d->thread[1].to_state), "in_review");
	d->thread[1].role = DISPUTE_ROLE_ANALYST;
	d->thread[1].actor_key_id = 11;
	d->thread[1].internal = 1;
	d->thread[1].body = strdup("internal note");
	snprintf(d->thread[2].event, sizeof(d->thread[2].event), "request_info");
	snprintf(d->thread[2].from_state, sizeof(d->thread[2].from_state), "in_review");
	snprintf(d->thread[2].to_state, sizeof(d->thread[2].to_state), "info_requested");
	d->thread[2].role = DISPUTE_ROLE_ANALYST;
	d->thread[2].actor_key_id = 11;
	d->thread[2].body = strdup("send a scan");
	d->attachments = calloc(1, sizeof(*d->attachments));
	return (d);
}

Test(dispute_json, the_company_view_hides_internal_notes_and_staff_keys)
{
	struct dispute_sla_config cfg;
	struct dispute *d = sample();
	json_t *o, *thread;
	size_t i;

	dispute_sla_default(&cfg);
	o = dispute_json_dispute(d, DISPUTE_JSON_COMPANY, &cfg, OPENED + 10 * TIMEFMT_DAY);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_string_value(json_object_get(o, "state")), "info_requested");
	cr_assert_str_eq(json_string_value(json_object_get(o, "opened_at")),
	    "2026-01-01T00:00:00Z");
	cr_assert(json_is_null(json_object_get(o, "resolved_at")));
	cr_assert(json_is_null(json_object_get(o, "decision_rationale")));
	cr_assert_eq(json_array_size(json_object_get(o, "evidence_ids")), 2);
	cr_assert_null(json_object_get(o, "asset_ids"));
	cr_assert_null(json_object_get(o, "assignee_key_id"));
	cr_assert(json_is_true(json_object_get(o, "assigned")));
	thread = json_object_get(o, "thread");
	cr_assert_eq(json_array_size(thread), 2);
	for (i = 0; i < json_array_size(thread); i++) {
		cr_assert_null(json_object_get(json_array_get(thread, i), "actor_key_id"));
		cr_assert_str_neq(json_string_value(json_object_get(json_array_get(thread, i),
		    "body")), "internal note");
	}
	cr_assert(json_is_null(json_object_get(json_array_get(thread, 0), "from_state")));
	/* Paused since day 2 and asked on day 10: resolution due moves to day 38. */
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "sla"),
	    "resolution_due")), "2026-02-08T00:00:00Z");
	cr_assert(json_is_true(json_object_get(json_object_get(o, "sla"), "paused")));
	json_decref(o);
	dispute_free(d);
}

Test(dispute_json, the_staff_view_has_everything)
{
	struct dispute_sla_config cfg;
	struct dispute *d = sample();
	json_t *o, *thread;

	dispute_sla_default(&cfg);
	o = dispute_json_dispute(d, DISPUTE_JSON_STAFF, &cfg, OPENED);
	cr_assert_not_null(o);
	cr_assert_eq(json_integer_value(json_object_get(o, "assignee_key_id")), 11);
	cr_assert(json_is_null(json_object_get(o, "rejected_by")));
	thread = json_object_get(o, "thread");
	cr_assert_eq(json_array_size(thread), 3);
	cr_assert(json_is_true(json_object_get(json_array_get(thread, 1), "internal")));
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(thread, 1),
	    "actor_key_id")), 11);
	json_decref(o);
	dispute_free(d);
}

Test(dispute_json, lists_carry_a_cursor_until_the_last_page)
{
	struct dispute_summary items[1];
	struct dispute_list l = {1, items, 9};
	json_t *o;

	memset(items, 0, sizeof(items));
	items[0].id = 9;
	snprintf(items[0].company_slug, sizeof(items[0].company_slug), "acme");
	items[0].sla = DISPUTE_SLA_OVERDUE;
	o = dispute_json_list(&l, DISPUTE_JSON_STAFF);
	cr_assert_not_null(o);
	cr_assert_str_eq(json_string_value(json_object_get(o, "next_cursor")), "9");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "items"), 0), "sla")), "overdue");
	json_decref(o);
	l.next_after = 0;
	o = dispute_json_list(&l, DISPUTE_JSON_COMPANY);
	cr_assert(json_is_null(json_object_get(o, "next_cursor")));
	cr_assert_null(json_object_get(json_array_get(json_object_get(o, "items"), 0),
	    "assignee_key_id"));
	json_decref(o);
}

Test(dispute_json, statistics_name_every_state_and_null_what_is_unknown)
{
	struct dispute_stats s;
	json_t *o;

	memset(&s, 0, sizeof(s));
	s.acceptance_rate = -1;
	s.first_response_median = s.first_response_p90 = -1;
	s.resolution_median = 86400;
	s.resolution_p90 = 2 * 86400;
	s.by_state[DISPUTE_OPEN] = 3;
	s.total = 3;
	o = dispute_json_stats(&s);
	cr_assert_not_null(o);
	cr_assert_eq(json_object_size(json_object_get(o, "by_state")), DISPUTE_NSTATES);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "by_state"),
	    "open")), 3);
	cr_assert_eq(json_object_size(json_object_get(o, "by_reason")), DISPUTE_NREASONS);
	cr_assert(json_is_null(json_object_get(o, "acceptance_rate")));
	cr_assert(json_is_null(json_object_get(json_object_get(o, "time_to_first_response"),
	    "median_seconds")));
	cr_assert_float_eq(json_real_value(json_object_get(json_object_get(o,
	    "time_to_resolution"), "p90_seconds")), 172800.0, 1e-9);
	json_decref(o);
}

Test(dispute_json, a_refusal_names_the_current_state)
{
	struct dispute_apply_result r = {DISPUTE_ACCEPTED, 5, DISPUTE_REFUSAL_STATE,
	    "only a dispute in review can be decided"};
	json_t *o = dispute_json_refusal(&r), *e;

	cr_assert_not_null(o);
	e = json_object_get(o, "error");
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")), "invalid_state");
	cr_assert_str_eq(json_string_value(json_object_get(e, "state")), "accepted");
	json_decref(o);
}
