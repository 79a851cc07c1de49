#include "dispute/dispute_json.h"

#include <stdio.h>

#include "common/timefmt.h"
#include "dispute/dispute_state.h"

/* A time, or null when 0 ("not yet"). */
static json_t *
json_time(int64_t t)
{
	char buf[21];

	if (t == 0)
		return (json_null());
	return (json_string(timefmt_format(t, buf)));
}

/* Set key to v (stolen); returns -1 when v is NULL or the set fails. */
static int
put(json_t *obj, const char *key, json_t *v)
{
	return (v == NULL ? -1 : json_object_set_new(obj, key, v));
}

static json_t *
sla_object(const struct dispute *d, const struct dispute_sla_config *cfg, int64_t now)
{
	struct dispute_sla_times t;
	json_t *o = json_object();
	int64_t fr_due = 0, res_due;

	if (o == NULL)
		return (NULL);
	dispute_store_sla_times(d, &t);
	if (!d->facts.appealed)
		fr_due = dispute_sla_first_response_due(cfg, t.opened_at);
	res_due = dispute_sla_resolution_due(cfg, t.opened_at,
	    dispute_sla_paused_total(&t, now));
	if (put(o, "state", json_string(dispute_sla_state_name(dispute_sla_state(cfg, &t,
	    now)))) != 0 || put(o, "first_response_due", json_time(fr_due)) != 0 ||
	    put(o, "resolution_due", json_time(res_due)) != 0 ||
	    put(o, "paused", json_boolean(t.paused_since != 0)) != 0) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

static json_t *
thread_array(const struct dispute *d, enum dispute_json_view view)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < d->nthread; i++) {
		const struct dispute_thread_entry *t = &d->thread[i];
		json_t *e;

		if (view != DISPUTE_JSON_STAFF && t->internal)
			continue;
		e = json_pack("{s:I, s:o, s:s, s:s, s:s?, s:s, s:s}", "id", (json_int_t)t->id,
		    "at", json_time(t->at), "role", dispute_role_name(t->role),
		    "event", t->event, "from_state", t->from_state[0] ? t->from_state : NULL,
		    "to_state", t->to_state, "body", t->body);
		if (e != NULL && view == DISPUTE_JSON_STAFF &&
		    (put(e, "internal", json_boolean(t->internal)) != 0 ||
		    put(e, "actor_key_id", t->actor_key_id ?
		    json_integer(t->actor_key_id) : json_null()) != 0)) {
			json_decref(e);
			e = NULL;
		}
		if (e == NULL || json_array_append_new(a, e) != 0) {
			json_decref(a);
			return (NULL);
		}
	}
	return (a);
}

static json_t *
attachment_array(const struct dispute *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < d->nattachments; i++) {
		const struct dispute_attachment_info *f = &d->attachments[i];
		json_t *e = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o}",
		    "id", (json_int_t)f->id, "filename", f->filename,
		    "content_type", f->content_type, "size", (json_int_t)f->size,
		    "sha256", f->sha256, "uploaded_role", dispute_role_name(f->uploaded_role),
		    "uploaded_at", json_time(f->uploaded_at));

		if (e == NULL || json_array_append_new(a, e) != 0) {
			json_decref(a);
			return (NULL);
		}
	}
	return (a);
}

static json_t *
id_array(const int64_t *ids, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_integer(ids[i])) != 0) {
			json_decref(a);
			return (NULL);
		}
	return (a);
}

static json_t *
key_or_null(int64_t id)
{
	return (id != 0 ? json_integer(id) : json_null());
}

json_t *
dispute_json_dispute(const struct dispute *d, enum dispute_json_view view,
    const struct dispute_sla_config *cfg, int64_t now)
{
	json_t *o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o,"
	    " s:s?, s:s?, s:i}",
	    "id", (json_int_t)d->id, "company", d->company_slug,
	    "kind", dispute_kind_name(d->kind), "reason", dispute_reason_name(d->reason),
	    "explanation", d->explanation ? d->explanation : "",
	    "state", dispute_state_name(d->state),
	    "assigned", d->facts.assignee != 0, "appealed", d->facts.appealed,
	    "opened_at", json_time(d->sla.opened_at),
	    "first_response_at", json_time(d->sla.first_response_at),
	    "resolved_at", json_time(d->sla.resolved_at),
	    "appealed_at", json_time(d->appealed_at),
	    "appeal_resolved_at", json_time(d->appeal_resolved_at),
	    "decision", d->decision[0] ? d->decision : NULL,
	    "decision_rationale", d->decision_rationale && d->decision_rationale[0] ?
	    d->decision_rationale : NULL,
	    "version", d->version);
	if (o == NULL)
		return (NULL);
	if (put(o, d->kind == DISPUTE_KIND_ATTRIBUTION ? "asset_ids" : "evidence_ids",
	    id_array(d->items, d->nitems)) != 0 ||
	    put(o, "thread", thread_array(d, view)) != 0 ||
	    put(o, "attachments", attachment_array(d)) != 0 ||
	    put(o, "sla", sla_object(d, cfg, now)) != 0)
		goto fail;
	if (view == DISPUTE_JSON_STAFF &&
	    (put(o, "assignee_key_id", key_or_null(d->facts.assignee)) != 0 ||
	    put(o, "rejected_by", key_or_null(d->facts.rejected_by)) != 0 ||
	    put(o, "opened_by", key_or_null(d->opened_by)) != 0))
		goto fail;
	return (o);
fail:
	json_decref(o);
	return (NULL);
}

json_t *
dispute_json_list(const struct dispute_list *l, enum dispute_json_view view)
{
	json_t *items = json_array(), *o;
	char cursor[24];
	size_t i;

	for (i = 0; items != NULL && i < l->n; i++) {
		const struct dispute_summary *s = &l->items[i];
		json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:I, s:s}",
		    "id", (json_int_t)s->id, "company", s->company_slug,
		    "kind", dispute_kind_name(s->kind), "reason", dispute_reason_name(s->reason),
		    "state", dispute_state_name(s->state), "opened_at", json_time(s->opened_at),
		    "items", (json_int_t)s->nitems, "sla", dispute_sla_state_name(s->sla));

		if (e != NULL && view == DISPUTE_JSON_STAFF &&
		    put(e, "assignee_key_id", key_or_null(s->assignee)) != 0) {
			json_decref(e);
			e = NULL;
		}
		if (e == NULL || json_array_append_new(items, e) != 0) {
			json_decref(items);
			return (NULL);
		}
	}
	if (items == NULL)
		return (NULL);
	snprintf(cursor, sizeof(cursor), "%lld", (long long)l->next_after);
	o = json_pack("{s:o, s:s?}", "items", items,
	    "next_cursor", l->next_after != 0 ? cursor : NULL);
	return (o);
}

/* {"median_seconds": m, "p90_seconds": p}, null figures when there is no data. */
static json_t *
durations(double median, double p90)
{
	return (json_pack("{s:o, s:o}",
	    "median_seconds", median < 0 ? json_null() : json_real(median),
	    "p90_seconds", p90 < 0 ? json_null() : json_real(p90)));
}

json_t *
dispute_json_stats(const struct dispute_stats *s)
{
	json_t *o = NULL, *by_state = json_object(), *by_reason = json_object();
	int i;

	if (by_state == NULL || by_reason == NULL)
		goto fail;
	for (i = 0; i < DISPUTE_NSTATES; i++)
		if (put(by_state, dispute_state_name(i), json_integer(s->by_state[i])) != 0)
			goto fail;
	for (i = 0; i < DISPUTE_NREASONS; i++)
		if (put(by_reason, dispute_reason_name(i), json_integer(s->by_reason[i])) != 0)
			goto fail;
	o = json_pack("{s:I, s:o, s:o, s:I, s:I, s:o, s:o, s:o}",
	    "total", (json_int_t)s->total, "by_state", by_state, "by_reason", by_reason,
	    "decided", (json_int_t)s->decided, "accepted", (json_int_t)s->accepted,
	    "acceptance_rate", s->acceptance_rate < 0 ? json_null() :
	    json_real(s->acceptance_rate),
	    "time_to_first_response", durations(s->first_response_median,
	    s->first_response_p90),
	    "time_to_resolution", durations(s->resolution_median, s->resolution_p90));
	return (o);
fail:
	json_decref(by_state);
	json_decref(by_reason);
	return (NULL);
}

json_t *
dispute_json_refusal(const struct dispute_apply_result *r)
{
	return (json_pack("{s:{s:s, s:s, s:s}}", "error",
	    "code", dispute_refusal_name(r->refusal),
	    "message", r->message ? r->message : "",
	    "state", dispute_state_name(r->state)));
}
