#include "dispute/dispute_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "dispute/dispute_correction.h"
#include "dispute/dispute_store_impl.h"

static const char *const kind_names[] = {"evidence", "attribution"};
static const char *const reason_names[DISPUTE_NREASONS] = {
	"not_our_asset", "false_positive", "remediated", "compensating_control", "other",
};

const char *
dispute_kind_name(enum dispute_kind k)
{
	return ((unsigned)k < 2 ? kind_names[k] : "?");
}

const char *
dispute_reason_name(enum dispute_reason r)
{
	return ((unsigned)r < DISPUTE_NREASONS ? reason_names[r] : "?");
}

int
dispute_kind_parse(const char *s, enum dispute_kind *out)
{
	int i;

	for (i = 0; s != NULL && i < 2; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum dispute_kind)i;
			return (0);
		}
	return (-1);
}

int
dispute_reason_parse(const char *s, enum dispute_reason *out)
{
	int i;

	for (i = 0; s != NULL && i < DISPUTE_NREASONS; i++)
		if (strcmp(s, reason_names[i]) == 0) {
			*out = (enum dispute_reason)i;
			return (0);
		}
	return (-1);
}

void
dispute_store_fmt_i64(char out[24], int64_t v)
{
	snprintf(out, 24, "%" PRId64, v);
}

int64_t
dispute_store_i64(const PGresult *res, int row, int col)
{
	return (PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10));
}

/* Run a statement; a unique violation is expected (a conflict) and not logged.
 * Returns the result for the caller (PQclear it) or NULL; *unique set on 23505. */
static PGresult *
store_run(PGconn *conn, const char *sql, int n, const char *const *params, int *unique)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	*unique = 0;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (res);
	if (strcmp(db_sqlstate(res), "23505") == 0)
		*unique = 1;
	else
		log_error("dispute store: %s", res ? PQresultErrorMessage(res) :
		    PQerrorMessage(conn));
	PQclear(res);
	return (NULL);
}

/* "{1,2,3}" for a bigint[] parameter. */
static int
id_array(struct buf *b, const int64_t *ids, size_t n)
{
	size_t i;

	if (buf_append(b, "{", 1) != 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (buf_appendf(b, "%s%" PRId64, i ? "," : "", ids[i]) != 0)
			return (-1);
	return (buf_append(b, "}", 1));
}

/* The evidence a dispute covers: its evidence items, and the evidence of its assets. */
#define COVERED "e.company_id = $2::bigint AND (e.id IN (SELECT i.evidence_id FROM" \
    " dispute_items i WHERE i.dispute_id = $1::bigint) OR e.asset_id IN (SELECT" \
    " i.asset_id FROM dispute_items i WHERE i.dispute_id = $1::bigint))"

static const char sql_mark_disputed[] =
    "UPDATE evidence e SET status = 'disputed', updated_at = now()"
    " WHERE e.status = 'active' AND " COVERED;

/* Back to active unless another open dispute still covers the row. */
static const char sql_release[] =
    "UPDATE evidence e SET status = 'active', updated_at = now()"
    " WHERE e.status = 'disputed' AND " COVERED
    " AND NOT EXISTS (SELECT 1 FROM dispute_items o WHERE o.active"
    " AND (o.evidence_id = e.id OR o.asset_id = e.asset_id))";

static const char sql_event[] =
    "INSERT INTO dispute_events (company_id, dispute_id, actor_key_id, actor_role, event,"
    " from_state, to_state, at, body, internal)"
    " SELECT d.company_id, d.id, $2::bigint, $3::text, $4::text, $5::text, $6::text,"
    " to_timestamp($7::bigint), $8::text, $9::boolean FROM disputes d WHERE d.id = $1::bigint";

static int
record_event(PGconn *conn, const char *sid, const struct dispute_actor *actor,
    const char *event, const char *from, const char *to, const char *snow,
    const char *body, int internal)
{
	char skey[24];
	const char *p[9];

	dispute_store_fmt_i64(skey, actor->key_id);
	p[0] = sid;
	p[1] = actor->key_id > 0 ? skey : NULL;
	p[2] = dispute_role_name(actor->role);
	p[3] = event;
	p[4] = from;
	p[5] = to;
	p[6] = snow;
	p[7] = body ? body : "";
	p[8] = internal ? "true" : "false";
	return (db_exec(conn, sql_event, 9, p));
}

/* The lock that makes a company's count of recent disputes and its next dispute one
 * step: pg_advisory_xact_lock(DISPUTE_STORE_OPEN_LOCK_CLASS, company id folded into
 * an int4; two companies sharing a fold only wait for each other). "dspo" in ASCII. */
#define DISPUTE_STORE_OPEN_LOCK_CLASS "1685287023"

/* In the open transaction: LIMIT when company scompany opened per_day disputes in the
 * 24 hours before snow, else OK; ERROR (logged). Takes the company's lock first. */
static enum dispute_store_result
open_within_limit(PGconn *conn, const char *scompany, long per_day, const char *snow)
{
	static const char sql_lock[] =
	    "SELECT pg_advisory_xact_lock(" DISPUTE_STORE_OPEN_LOCK_CLASS ","
	    " ($1::bigint % 2147483648)::int)";
	static const char sql_count[] =
	    "SELECT count(*) FROM disputes WHERE company_id = $1::bigint"
	    " AND opened_at >= to_timestamp($2::bigint - 86400)";
	const char *p[2] = {scompany, snow};
	PGresult *res;
	long n;

	if (db_exec(conn, sql_lock, 1, p) != 0 ||
	    (res = db_query(conn, sql_count, 2, p)) == NULL)
		return (DISPUTE_STORE_ERROR);
	n = (long)dispute_store_i64(res, 0, 0);
	PQclear(res);
	return (n >= per_day ? DISPUTE_STORE_LIMIT : DISPUTE_STORE_OK);
}

enum dispute_store_result
dispute_store_open(PGconn *conn, const struct dispute_actor *actor, enum dispute_kind kind,
    enum dispute_reason reason, const char *explanation, const int64_t *items,
    size_t nitems, int64_t now, int64_t *id)
{
	return (dispute_store_open_limited(conn, actor, kind, reason, explanation, items,
	    nitems, 0, now, id));
}

enum dispute_store_result
dispute_store_open_limited(PGconn *conn, const struct dispute_actor *actor,
    enum dispute_kind kind, enum dispute_reason reason, const char *explanation,
    const int64_t *items, size_t nitems, long per_day, int64_t now, int64_t *id)
{
	static const char sql_check_evidence[] =
	    "SELECT (SELECT count(DISTINCT x) FROM unnest($1::bigint[]) x),"
	    " (SELECT count(*) FROM evidence WHERE company_id = $2::bigint"
	    "  AND id = ANY ($1::bigint[]) AND status IN ('active', 'disputed'))";
	static const char sql_check_assets[] =
	    "SELECT (SELECT count(DISTINCT x) FROM unnest($1::bigint[]) x),"
	    " (SELECT count(*) FROM assets WHERE company_id = $2::bigint"
	    "  AND id = ANY ($1::bigint[]) AND detached_at IS NULL)";
	static const char sql_insert[] =
	    "INSERT INTO disputes (company_id, kind, reason, explanation, opened_by,"
	    " opened_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::bigint)) RETURNING id";
	static const char sql_items_evidence[] =
	    "INSERT INTO dispute_items (dispute_id, company_id, evidence_id)"
	    " SELECT DISTINCT $1::bigint, $2::bigint, x FROM unnest($3::bigint[]) x";
	static const char sql_items_assets[] =
	    "INSERT INTO dispute_items (dispute_id, company_id, asset_id)"
	    " SELECT DISTINCT $1::bigint, $2::bigint, x FROM unnest($3::bigint[]) x";
	enum dispute_store_result ret = DISPUTE_STORE_ERROR;
	char scompany[24], skey[24], snow[24], sid[24];
	const char *p[6];
	PGresult *res = NULL;
	struct buf arr;
	int unique, began = 0;

	buf_init(&arr, DISPUTE_ITEMS_MAX * 24);
	if (actor->role != DISPUTE_ROLE_COMPANY || explanation == NULL ||
	    explanation[0] == '\0' ||
	    utf8_length(explanation, strlen(explanation)) > DISPUTE_TEXT_MAX ||
	    nitems == 0 || nitems > DISPUTE_ITEMS_MAX || (unsigned)kind > 1 ||
	    (unsigned)reason >= DISPUTE_NREASONS) {
		ret = DISPUTE_STORE_INVALID;
		goto cleanup;
	}
	if (id_array(&arr, items, nitems) != 0) {
		log_error("dispute: item list too long");
		goto cleanup;
	}
	dispute_store_fmt_i64(scompany, actor->company_id);
	dispute_store_fmt_i64(skey, actor->key_id);
	dispute_store_fmt_i64(snow, now);
	if (db_begin(conn) != 0)
		goto cleanup;
	began = 1;
	if (per_day > 0 && (ret = open_within_limit(conn, scompany, per_day, snow)) !=
	    DISPUTE_STORE_OK)
		goto cleanup;
	ret = DISPUTE_STORE_ERROR;

	p[0] = arr.data;
	p[1] = scompany;
	res = db_query(conn, kind == DISPUTE_KIND_EVIDENCE ? sql_check_evidence :
	    sql_check_assets, 2, p);
	if (res == NULL)
		goto cleanup;
	if (dispute_store_i64(res, 0, 0) != dispute_store_i64(res, 0, 1)) {
		ret = DISPUTE_STORE_NOT_FOUND;
		goto cleanup;
	}
	PQclear(res);

	p[0] = scompany;
	p[1] = dispute_kind_name(kind);
	p[2] = dispute_reason_name(reason);
	p[3] = explanation;
	p[4] = actor->key_id > 0 ? skey : NULL;
	p[5] = snow;
	res = db_query(conn, sql_insert, 6, p);
	if (res == NULL)
		goto cleanup;
	*id = dispute_store_i64(res, 0, 0);
	dispute_store_fmt_i64(sid, *id);
	PQclear(res);

	p[0] = sid;
	p[1] = scompany;
	p[2] = arr.data;
	res = store_run(conn, kind == DISPUTE_KIND_EVIDENCE ? sql_items_evidence :
	    sql_items_assets, 3, p, &unique);
	if (res == NULL) {
		if (unique)
			ret = DISPUTE_STORE_CONFLICT;
		goto cleanup;
	}
	PQclear(res);
	res = NULL;
	if (db_exec(conn, sql_mark_disputed, 2, p) != 0 ||
	    record_event(conn, sid, actor, "open", NULL, "open", snow, NULL, 0) != 0 ||
	    db_commit(conn) != 0)
		goto cleanup;
	began = 0;
	ret = DISPUTE_STORE_OK;
cleanup:
	PQclear(res);
	if (began)
		db_rollback(conn);
	buf_free(&arr);
	return (ret);
}


/* Fill the scalar fields of d from row r of a DISPUTE_STORE_COLS result. */
int
dispute_store_row(const PGresult *res, int r, struct dispute *d)
{
	memset(d, 0, sizeof(*d));
	d->id = dispute_store_i64(res, r, 0);
	d->company_id = dispute_store_i64(res, r, 1);
	snprintf(d->company_slug, sizeof(d->company_slug), "%s", PQgetvalue(res, r, 2));
	if (dispute_kind_parse(PQgetvalue(res, r, 3), &d->kind) != 0 ||
	    dispute_reason_parse(PQgetvalue(res, r, 4), &d->reason) != 0 ||
	    dispute_state_parse(PQgetvalue(res, r, 5), &d->state) != 0) {
		log_error("dispute %" PRId64 ": unknown kind, reason or state", d->id);
		return (-1);
	}
	d->facts.assignee = dispute_store_i64(res, r, 6);
	d->facts.rejected_by = dispute_store_i64(res, r, 7);
	d->facts.appealed = PQgetvalue(res, r, 8)[0] == 't';
	d->opened_by = dispute_store_i64(res, r, 9);
	d->sla.opened_at = dispute_store_i64(res, r, 10);
	d->sla.first_response_at = dispute_store_i64(res, r, 11);
	d->sla.resolved_at = dispute_store_i64(res, r, 12);
	d->sla.paused_secs = dispute_store_i64(res, r, 13);
	d->sla.paused_since = dispute_store_i64(res, r, 14);
	d->appealed_at = dispute_store_i64(res, r, 15);
	d->appeal_resolved_at = dispute_store_i64(res, r, 16);
	snprintf(d->decision, sizeof(d->decision), "%s", PQgetvalue(res, r, 17));
	d->version = (int)dispute_store_i64(res, r, 19);
	d->nitems = (size_t)dispute_store_i64(res, r, 21);
	return (0);
}

/* The company filter: NULL for staff (every dispute). */
const char *
dispute_store_company_param(const struct dispute_actor *actor, char buf[24])
{
	if (actor->role != DISPUTE_ROLE_COMPANY)
		return (NULL);
	dispute_store_fmt_i64(buf, actor->company_id);
	return (buf);
}

/* The columns dispute_store_apply changes, as computed from the transition. */
struct apply_row {
	char state[24], assignee[24], rejected_by[24], first_response[24], resolved[24];
	char paused_seconds[24], paused_since[24], appealed_at[24], appeal_resolved[24];
	char decision[12];
	const char *rationale;
};

/* Fill the new column values (text; "" for NULL) of a dispute moving from d to t. */
static void
apply_columns(const struct dispute *d, const struct dispute_transition *t,
    const struct dispute_action *a, int64_t now, struct apply_row *row)
{
	int64_t paused = d->sla.paused_secs, since = d->sla.paused_since;
	int64_t resolved = d->sla.resolved_at, appeal_resolved = d->appeal_resolved_at;
	int64_t appealed_at = d->appealed_at;
	int64_t first = d->sla.first_response_at;

	if (t->first_response && first == 0)
		first = now;
	if (d->state == DISPUTE_INFO_REQUESTED && t->to != DISPUTE_INFO_REQUESTED) {
		paused += now > since ? now - since : 0;
		since = 0;
	} else if (d->state != DISPUTE_INFO_REQUESTED && t->to == DISPUTE_INFO_REQUESTED)
		since = now;
	if ((t->to == DISPUTE_ACCEPTED || t->to == DISPUTE_REJECTED ||
	    t->to == DISPUTE_WITHDRAWN) && resolved == 0)
		resolved = now;
	if (t->to == DISPUTE_APPEALED && appealed_at == 0)
		appealed_at = now;
	if (t->to == DISPUTE_APPEAL_ACCEPTED || t->to == DISPUTE_APPEAL_REJECTED)
		appeal_resolved = now;
	snprintf(row->state, sizeof(row->state), "%s", dispute_state_name(t->to));
	row->assignee[0] = row->rejected_by[0] = row->first_response[0] = '\0';
	row->resolved[0] = row->paused_since[0] = row->appealed_at[0] = '\0';
	row->appeal_resolved[0] = '\0';
	if (t->facts.assignee != 0)
		dispute_store_fmt_i64(row->assignee, t->facts.assignee);
	if (t->facts.rejected_by != 0)
		dispute_store_fmt_i64(row->rejected_by, t->facts.rejected_by);
	if (first != 0)
		dispute_store_fmt_i64(row->first_response, first);
	if (resolved != 0)
		dispute_store_fmt_i64(row->resolved, resolved);
	dispute_store_fmt_i64(row->paused_seconds, paused);
	if (since != 0)
		dispute_store_fmt_i64(row->paused_since, since);
	if (appealed_at != 0)
		dispute_store_fmt_i64(row->appealed_at, appealed_at);
	if (appeal_resolved != 0)
		dispute_store_fmt_i64(row->appeal_resolved, appeal_resolved);
	snprintf(row->decision, sizeof(row->decision), "%s", d->decision);
	row->rationale = d->decision_rationale;
	if (a->event == DISPUTE_EV_DECIDE_ACCEPT || a->event == DISPUTE_EV_DECIDE_REJECT) {
		snprintf(row->decision, sizeof(row->decision), "%s",
		    a->event == DISPUTE_EV_DECIDE_ACCEPT ? "accepted" : "rejected");
		row->rationale = a->body;
	}
}

static const char *
or_null(const char *s)
{
	return (s != NULL && s[0] != '\0' ? s : NULL);
}

static int
write_row(PGconn *conn, const char *sid, const struct apply_row *row, int *unique)
{
	static const char sql[] =
	    "UPDATE disputes SET state = $2, assignee_key_id = $3, rejected_by = $4,"
	    " appealed = $5::bigint IS NOT NULL,"
	    " first_response_at = to_timestamp($6::bigint),"
	    " resolved_at = to_timestamp($7::bigint), paused_seconds = $8,"
	    " paused_since = to_timestamp($9::bigint), appealed_at = to_timestamp($5::bigint),"
	    " appeal_resolved_at = to_timestamp($10::bigint), decision = $11,"
	    " decision_rationale = $12, version = version + 1, updated_at = now()"
	    " WHERE id = $1";
	const char *p[12];
	PGresult *res;

	p[0] = sid;
	p[1] = row->state;
	p[2] = or_null(row->assignee);
	p[3] = or_null(row->rejected_by);
	p[4] = or_null(row->appealed_at);
	p[5] = or_null(row->first_response);
	p[6] = or_null(row->resolved);
	p[7] = row->paused_seconds;
	p[8] = or_null(row->paused_since);
	p[9] = or_null(row->appeal_resolved);
	p[10] = or_null(row->decision);
	p[11] = or_null(row->rationale);
	res = store_run(conn, sql, 12, p, unique);
	PQclear(res);
	return (res != NULL ? 0 : -1);
}

/* Read the dispute row under FOR UPDATE into d (scalar fields and rationale). */
static enum dispute_store_result
lock_dispute(PGconn *conn, const struct dispute_actor *actor, const char *sid,
    struct dispute *d)
{
	static const char sql[] =
	    "SELECT " DISPUTE_STORE_COLS " FROM disputes d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.id = $1 AND ($2::bigint IS NULL OR d.company_id = $2::bigint)"
	    " FOR UPDATE OF d";
	char scompany[24];
	const char *p[2] = {sid, dispute_store_company_param(actor, scompany)};
	PGresult *res = db_query(conn, sql, 2, p);
	enum dispute_store_result ret = DISPUTE_STORE_ERROR;

	if (res == NULL)
		return (DISPUTE_STORE_ERROR);
	if (PQntuples(res) == 0)
		ret = DISPUTE_STORE_NOT_FOUND;
	else if (dispute_store_row(res, 0, d) == 0 &&
	    (d->decision_rationale = strdup(PQgetvalue(res, 0, DISPUTE_STORE_COL_RATIONALE))) != NULL)
		ret = DISPUTE_STORE_OK;
	PQclear(res);
	return (ret);
}

/* Whether key_id may not review disputes: 1 when there is no such key, it is revoked
 * or it is not an analyst or admin key; 0 when it may (the key row is then held FOR
 * KEY SHARE, so it stays until the commit); -1 on error (logged). */
static int
reviewer_unfit(PGconn *conn, int64_t key_id)
{
	static const char sql[] =
	    "SELECT 1 FROM api_keys WHERE id = $1::bigint AND role IN ('analyst', 'admin')"
	    " AND revoked_at IS NULL FOR KEY SHARE";
	char skey[24];
	const char *p[1] = {skey};
	PGresult *res;
	int unfit;

	dispute_store_fmt_i64(skey, key_id);
	if ((res = db_query(conn, sql, 1, p)) == NULL)
		return (-1);
	unfit = PQntuples(res) == 0;
	PQclear(res);
	return (unfit);
}

enum dispute_store_result
dispute_store_apply(PGconn *conn, const struct dispute_actor *actor, int64_t id,
    const struct dispute_action *action, int64_t now, struct dispute_apply_result *res)
{
	enum dispute_store_result ret = DISPUTE_STORE_ERROR, r;
	struct dispute_request req;
	struct dispute_transition t;
	struct apply_row row;
	struct dispute d;
	char sid[24], scompany[24], snow[24];
	const char *p[2] = {sid, scompany};
	int began = 0, unique, was_active, is_active;

	memset(&d, 0, sizeof(d));
	memset(res, 0, sizeof(*res));
	res->message = "";
	if (action->body != NULL &&
	    utf8_length(action->body, strlen(action->body)) > DISPUTE_TEXT_MAX)
		return (DISPUTE_STORE_INVALID);
	dispute_store_fmt_i64(sid, id);
	dispute_store_fmt_i64(snow, now);
	if (db_begin(conn) != 0)
		return (DISPUTE_STORE_ERROR);
	began = 1;
	if ((r = lock_dispute(conn, actor, sid, &d)) != DISPUTE_STORE_OK) {
		ret = r;
		goto cleanup;
	}
	dispute_store_fmt_i64(scompany, d.company_id);
	res->state = d.state;
	res->version = d.version;
	if (action->expected_version > 0 && action->expected_version != d.version) {
		ret = DISPUTE_STORE_CONFLICT;
		goto cleanup;
	}
	req.event = action->event;
	req.role = actor->role;
	req.actor_id = actor->key_id;
	req.target = action->target;
	req.internal = action->internal;
	req.target_unfit = 0;
	req.appeal_late = 0;
	if (action->event == DISPUTE_EV_ASSIGN && action->target != 0 &&
	    (req.target_unfit = reviewer_unfit(conn, action->target)) < 0)
		goto cleanup;
	if (action->event == DISPUTE_EV_APPEAL)
		req.appeal_late = !dispute_sla_appeal_open(action->appeal_window_secs > 0 ?
		    action->appeal_window_secs : DISPUTE_SLA_APPEAL_WINDOW_DEFAULT,
		    d.sla.resolved_at, now);
	if (dispute_transition_apply(d.state, &d.facts, &req, &t) != 0) {
		res->refusal = t.refusal;
		res->message = t.message;
		ret = DISPUTE_STORE_REFUSED;
		goto cleanup;
	}
	if ((action->event == DISPUTE_EV_DECIDE_ACCEPT ||
	    action->event == DISPUTE_EV_DECIDE_REJECT || action->event == DISPUTE_EV_COMMENT ||
	    action->event == DISPUTE_EV_RESPOND) &&
	    (action->body == NULL || action->body[0] == '\0')) {
		ret = DISPUTE_STORE_INVALID;
		goto cleanup;
	}
	apply_columns(&d, &t, action, now, &row);
	if (write_row(conn, sid, &row, &unique) != 0) {
		if (unique)
			ret = DISPUTE_STORE_CONFLICT;
		goto cleanup;
	}
	was_active = dispute_state_is_active(d.state);
	is_active = dispute_state_is_active(t.to);
	if (t.to == DISPUTE_ACCEPTED || t.to == DISPUTE_APPEAL_ACCEPTED) {
		if (dispute_correction_apply(conn, id, d.company_id, now, NULL) != 0)
			goto cleanup;
	} else if (was_active && !is_active) {
		if (db_exec(conn, sql_release, 2, p) != 0)
			goto cleanup;
	} else if (!was_active && is_active) {
		if (db_exec(conn, sql_mark_disputed, 2, p) != 0)
			goto cleanup;
	}
	if (record_event(conn, sid, actor, dispute_event_name(action->event),
	    dispute_state_name(d.state), dispute_state_name(t.to), snow, action->body,
	    action->event == DISPUTE_EV_COMMENT && action->internal) != 0 ||
	    db_commit(conn) != 0)
		goto cleanup;
	began = 0;
	res->state = t.to;
	res->version = d.version + 1;
	ret = DISPUTE_STORE_OK;
cleanup:
	if (began)
		db_rollback(conn);
	free(d.decision_rationale);
	return (ret);
}
