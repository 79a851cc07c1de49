#include "disclosure/disclosure_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "disclosure/disclosure_evidence.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The five items in the methodology's order, as rows i (item, n). */
#define ITEMS "unnest(ARRAY['basic_policy', 'management_structure'," \
    " 'education_training', 'information_sharing', 'third_party_certification'])" \
    " WITH ORDINALITY AS i (item, n)"

/* The publication reference and the certificate of disclosure d, as JSON. */
#define PUBLICATION "jsonb_build_object('url', d.published_url, 'report_name'," \
    " d.report_name, 'report_page', d.report_page)"
#define CERTIFICATION "CASE WHEN d.cert_scheme IS NULL THEN NULL ELSE" \
    " jsonb_build_object('scheme', d.cert_scheme, 'number', d.cert_number, 'body'," \
    " d.cert_body, 'scope', d.cert_scope, 'valid_from', d.valid_from::text," \
    " 'valid_until', d.valid_until::text) END"

/* One disclosure as its company and staff see it (column 0), then what the decision
 * clock needs: submitted_at (1) and when it was resolved (2; NULL while waiting). */
#define VIEW_COLS \
    "jsonb_build_object('id', d.id, 'company', c.slug, 'item', d.item, 'check_code'," \
    " 'governance.' || d.item, 'state', d.state, 'statement', d.statement," \
    " 'publication', " PUBLICATION ", 'certification', " CERTIFICATION "," \
    " 'submitted_at', " ISO("d.submitted_at") ", 'decided_at', " ISO("d.decided_at") "," \
    " 'decision_reason', d.decision_reason, 'ended_at', " ISO("d.ended_at") "," \
    " 'version', d.version, 'attachments', (SELECT coalesce(jsonb_agg(" \
    " jsonb_build_object('id', a.id, 'filename', a.filename, 'content_type'," \
    " a.content_type, 'size', a.size, 'sha256', a.sha256, 'uploaded_at', " \
    ISO("a.uploaded_at") ") ORDER BY a.id), '[]'::jsonb) FROM disclosure_attachments a" \
    " WHERE a.disclosure_id = d.id))::text," \
    " extract(epoch FROM d.submitted_at)::bigint," \
    " extract(epoch FROM coalesce(d.decided_at, d.ended_at))::bigint"

static void
fmt_i64(char out[24], int64_t v)
{
	snprintf(out, 24, "%" PRId64, v);
}

static int64_t
cell_i64(const PGresult *res, int row, int col)
{
	return (PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10));
}

/* The view of row r of res (VIEW_COLS first), with its decision clock. NULL on error
 * (logged). */
static json_t *
view_row(const PGresult *res, int r, const struct dispute_sla_config *cfg, int64_t now)
{
	struct dispute_sla_times t;
	json_error_t err;
	char due[21];
	json_t *v = json_loads(PQgetvalue(res, r, 0), 0, &err);

	if (v == NULL) {
		log_error("disclosure store: a view does not parse: %s", err.text);
		return (NULL);
	}
	memset(&t, 0, sizeof(t));
	t.opened_at = cell_i64(res, r, 1);
	t.resolved_at = cell_i64(res, r, 2);
	timefmt_format(dispute_sla_resolution_due(cfg, t.opened_at, 0), due);
	if (json_object_set_new(v, "sla", json_pack("{s:s, s:s}", "state",
	    dispute_sla_state_name(dispute_sla_resolution_state(cfg, &t, now)), "due_at",
	    due)) != 0) {
		json_decref(v);
		return (NULL);
	}
	return (v);
}

static int
audit(PGconn *conn, const struct disclosure_actor *actor, const char *sid,
    const char *scompany, const char *event, const char *from, const char *to,
    const char *reason)
{
	char skey[24], action[40], target[40];
	const char *p[8];

	fmt_i64(skey, actor->key_id);
	snprintf(action, sizeof(action), "disclosure.%s", event);
	snprintf(target, sizeof(target), "disclosure:%s", sid);
	p[0] = actor->key_id > 0 ? skey : NULL;
	p[1] = disclosure_role_name(actor->role);
	p[2] = action;
	p[3] = target;
	p[4] = scompany;
	p[5] = from;
	p[6] = to;
	p[7] = reason;
	return (db_exec(conn, "INSERT INTO audit_log (actor_key_id, actor, action, target,"
	    " company_id, details) VALUES ($1::bigint, $2, $3, $4, $5::bigint,"
	    " jsonb_strip_nulls(jsonb_build_object('from', $6::text, 'to', $7::text,"
	    " 'reason', $8::text)))", 8, p));
}

enum disclosure_store_result
disclosure_store_submit(PGconn *conn, const struct disclosure_actor *actor,
    const struct disclosure_submission *s, int64_t now, int64_t *id)
{
	static const char sql[] =
	    "INSERT INTO disclosures (company_id, item, statement, published_url,"
	    " report_name, report_page, cert_scheme, cert_number, cert_body, cert_scope,"
	    " valid_from, valid_until, submitted_by, submitted_at) VALUES ($1::bigint, $2,"
	    " $3, $4, $5, $6, $7, $8, $9, $10, $11::date, $12::date, $13::bigint,"
	    " to_timestamp($14::bigint)) RETURNING id";
	char scompany[24], skey[24], snow[24], sid[24];
	const char *p[14] = {scompany, s->item, s->statement, s->published_url,
	    s->report_name, s->report_page, s->cert_scheme, s->cert_number, s->cert_body,
	    s->cert_scope, s->valid_from, s->valid_until, skey, snow};
	enum disclosure_store_result rc = DISCLOSURE_STORE_ERROR;
	PGresult *res;

	if (actor->role != DISCLOSURE_ROLE_COMPANY || actor->company_id <= 0) {
		log_error("disclosure store: only a company submits");
		return (DISCLOSURE_STORE_ERROR);
	}
	fmt_i64(scompany, actor->company_id);
	fmt_i64(skey, actor->key_id);
	fmt_i64(snow, now);
	if (db_begin(conn) != 0)
		return (DISCLOSURE_STORE_ERROR);
	res = PQexecParams(conn, sql, 14, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (strcmp(db_sqlstate(res), "23505") == 0)
			rc = DISCLOSURE_STORE_CONFLICT;
		else
			log_error("disclosure store: %s", res != NULL ?
			    PQresultErrorMessage(res) : PQerrorMessage(conn));
		PQclear(res);
		goto fail;
	}
	*id = cell_i64(res, 0, 0);
	PQclear(res);
	fmt_i64(sid, *id);
	if (audit(conn, actor, sid, scompany, "submit", NULL, "submitted", NULL) != 0 ||
	    db_commit(conn) != 0)
		goto fail;
	return (DISCLOSURE_STORE_OK);
fail:
	db_rollback(conn);
	return (rc);
}

enum disclosure_store_result
disclosure_store_get(PGconn *conn, const struct disclosure_actor *actor, int64_t id,
    const struct dispute_sla_config *cfg, int64_t now, json_t **out)
{
	static const char sql[] =
	    "SELECT " VIEW_COLS " FROM disclosures d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.id = $1::bigint AND ($2::bigint IS NULL OR d.company_id = $2::bigint)";
	char sid[24], scompany[24];
	const char *p[2] = {sid, NULL};
	PGresult *res;

	*out = NULL;
	fmt_i64(sid, id);
	fmt_i64(scompany, actor->company_id);
	if (actor->role == DISCLOSURE_ROLE_COMPANY)
		p[1] = scompany;
	if ((res = db_query(conn, sql, 2, p)) == NULL)
		return (DISCLOSURE_STORE_ERROR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (DISCLOSURE_STORE_NOT_FOUND);
	}
	*out = view_row(res, 0, cfg, now);
	PQclear(res);
	return (*out != NULL ? DISCLOSURE_STORE_OK : DISCLOSURE_STORE_ERROR);
}

json_t *
disclosure_store_list(PGconn *conn, const struct disclosure_list_filter *f,
    const struct dispute_sla_config *cfg, int64_t now)
{
	static const char sql[] =
	    "SELECT " VIEW_COLS " FROM disclosures d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.id > $1::bigint AND ($2::bigint IS NULL OR d.company_id = $2::bigint)"
	    " AND ($3::text IS NULL OR d.state = $3)"
	    " AND (NOT $4::boolean OR (d.state = 'submitted'"
	    "  AND d.submitted_at < to_timestamp($5::bigint - $6::bigint)))"
	    " ORDER BY d.id LIMIT $7::bigint";
	char safter[24], scompany[24], snow[24], swindow[24], slimit[24];
	const char *p[7] = {safter, NULL, NULL, f->overdue ? "true" : "false", snow, swindow,
	    slimit};
	json_t *items, *v;
	PGresult *res;
	int i;

	fmt_i64(safter, f->after_id);
	fmt_i64(scompany, f->company_id);
	fmt_i64(snow, now);
	fmt_i64(swindow, cfg->resolution_secs);
	fmt_i64(slimit, (int64_t)f->limit + 1);
	if (f->company_id > 0)
		p[1] = scompany;
	if (f->has_state)
		p[2] = disclosure_state_name(f->state);
	if ((res = db_query(conn, sql, 7, p)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++)
		if ((v = view_row(res, i, cfg, now)) == NULL ||
		    json_array_append_new(items, v) != 0) {
			json_decref(items);
			items = NULL;
		}
	PQclear(res);
	return (items);
}

/* The row under decision, held to the end of the transaction. */
struct held {
	int64_t company_id;
	enum disclosure_state state;
	int64_t valid_until;           /* 00:00 UTC of the date; 0: none */
	char item[32];
};

static enum disclosure_store_result
hold(PGconn *conn, const struct disclosure_actor *actor, const char *sid,
    struct held *h)
{
	static const char sql[] =
	    "SELECT company_id, state, extract(epoch FROM valid_until::timestamp"
	    " AT TIME ZONE 'UTC')::bigint, item FROM disclosures WHERE id = $1::bigint"
	    " AND ($2::bigint IS NULL OR company_id = $2::bigint) FOR UPDATE";
	char scompany[24];
	const char *p[2] = {sid, NULL};
	PGresult *res;
	enum disclosure_store_result rc = DISCLOSURE_STORE_OK;

	fmt_i64(scompany, actor->company_id);
	if (actor->role == DISCLOSURE_ROLE_COMPANY)
		p[1] = scompany;
	if ((res = db_query(conn, sql, 2, p)) == NULL)
		return (DISCLOSURE_STORE_ERROR);
	if (PQntuples(res) == 0)
		rc = DISCLOSURE_STORE_NOT_FOUND;
	else if (disclosure_state_parse(PQgetvalue(res, 0, 1), &h->state) != 0) {
		log_error("disclosure %s: unknown state %s", sid, PQgetvalue(res, 0, 1));
		rc = DISCLOSURE_STORE_ERROR;
	} else {
		h->company_id = cell_i64(res, 0, 0);
		h->valid_until = cell_i64(res, 0, 2);
		snprintf(h->item, sizeof(h->item), "%s", PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return (rc);
}

/* A verification ends the verified disclosure of the same item it replaces. */
static int
supersede(PGconn *conn, const struct held *h, const char *sid, const char *snow)
{
	static const char sql[] =
	    "UPDATE disclosures SET state = 'superseded', ended_at = to_timestamp($3::bigint),"
	    " version = version + 1, updated_at = now() WHERE company_id = $1::bigint"
	    " AND item = $2 AND state = 'verified' AND id <> $4::bigint RETURNING id";
	char scompany[24], sold[24];
	const char *p[4] = {scompany, h->item, snow, sid};
	struct disclosure_actor system = {DISCLOSURE_ROLE_SYSTEM, 0, 0};
	PGresult *res;
	int i, rc = 0;

	fmt_i64(scompany, h->company_id);
	if ((res = db_query(conn, sql, 4, p)) == NULL)
		return (-1);
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		snprintf(sold, sizeof(sold), "%s", PQgetvalue(res, i, 0));
		rc = audit(conn, &system, sold, scompany, "supersede", "verified",
		    "superseded", NULL);
	}
	PQclear(res);
	return (rc);
}

static int
record(PGconn *conn, const struct disclosure_actor *actor, const char *sid,
    enum disclosure_event event, enum disclosure_state to, const char *reason,
    const char *snow)
{
	static const char sql[] =
	    "UPDATE disclosures SET state = $2,"
	    " decided_by = CASE WHEN $3 THEN $4::bigint ELSE decided_by END,"
	    " decided_at = CASE WHEN $3 THEN to_timestamp($5::bigint) ELSE decided_at END,"
	    " decision_reason = CASE WHEN $3 THEN $6 ELSE decision_reason END,"
	    " ended_at = CASE WHEN $2 IN ('verified', 'submitted') THEN NULL"
	    "  ELSE to_timestamp($5::bigint) END,"
	    " version = version + 1, updated_at = now() WHERE id = $1::bigint";
	char skey[24];
	int decision = event == DISCLOSURE_EV_VERIFY || event == DISCLOSURE_EV_REJECT;
	const char *p[6] = {sid, disclosure_state_name(to), decision ? "true" : "false",
	    actor->key_id > 0 ? skey : NULL, snow, reason};

	fmt_i64(skey, actor->key_id);
	return (db_exec(conn, sql, 6, p));
}

enum disclosure_store_result
disclosure_store_apply(PGconn *conn, const struct disclosure_actor *actor, int64_t id,
    enum disclosure_event event, const char *reason, int64_t now,
    struct disclosure_apply_result *res)
{
	struct disclosure_transition t;
	enum disclosure_store_result rc;
	char sid[24], snow[24], scompany[24], why[200];
	struct held h;
	int ok;

	memset(res, 0, sizeof(*res));
	res->message = "";
	fmt_i64(sid, id);
	fmt_i64(snow, now);
	if (db_begin(conn) != 0)
		return (DISCLOSURE_STORE_ERROR);
	if ((rc = hold(conn, actor, sid, &h)) != DISCLOSURE_STORE_OK)
		goto fail;
	fmt_i64(scompany, h.company_id);
	res->state = h.state;
	if (disclosure_transition_apply(h.state, event, actor->role,
	    disclosure_past_valid_until(h.valid_until, now), &t) != 0) {
		res->refusal = t.refusal;
		res->message = t.message;
		rc = DISCLOSURE_STORE_REFUSED;
		goto fail;
	}
	rc = DISCLOSURE_STORE_ERROR;
	snprintf(why, sizeof(why), "disclosure %s %s", sid, disclosure_state_name(t.to));
	if (event == DISCLOSURE_EV_VERIFY && supersede(conn, &h, sid, snow) != 0)
		goto fail;
	if (record(conn, actor, sid, event, t.to, reason, snow) != 0 ||
	    audit(conn, actor, sid, scompany, disclosure_event_name(event),
	    disclosure_state_name(h.state), disclosure_state_name(t.to), reason) != 0)
		goto fail;
	if (t.counts_after)
		ok = disclosure_evidence_verified(conn, id, h.company_id, now,
		    &res->rating_id) == 0;
	else if (t.counts_before)
		ok = disclosure_evidence_ended(conn, id, h.company_id,
		    event == DISCLOSURE_EV_EXPIRE, why, now, &res->rating_id) == 0;
	else
		ok = 1;
	if (!ok || db_commit(conn) != 0)
		goto fail;
	res->state = t.to;
	return (DISCLOSURE_STORE_OK);
fail:
	db_rollback(conn);
	return (rc);
}

int
disclosure_store_expire_due(PGconn *conn, int64_t now, long *expired)
{
	static const char sql[] =
	    "SELECT id FROM disclosures WHERE state = 'verified' AND valid_until <="
	    " (to_timestamp($1::bigint) AT TIME ZONE 'UTC')::date ORDER BY id";
	struct disclosure_actor system = {DISCLOSURE_ROLE_SYSTEM, 0, 0};
	struct disclosure_apply_result ar;
	enum disclosure_store_result rc;
	char snow[24];
	const char *p[1] = {snow};
	PGresult *res;
	int i, ret = 0;

	*expired = 0;
	fmt_i64(snow, now);
	if ((res = db_query(conn, sql, 1, p)) == NULL)
		return (-1);
	for (i = 0; i < PQntuples(res); i++) {
		rc = disclosure_store_apply(conn, &system, cell_i64(res, i, 0),
		    DISCLOSURE_EV_EXPIRE, NULL, now, &ar);
		if (rc == DISCLOSURE_STORE_OK)
			(*expired)++;
		else if (rc != DISCLOSURE_STORE_REFUSED) {
			/* REFUSED: withdrawn or rejected meanwhile; nothing to expire. */
			ret = -1;
			break;
		}
	}
	PQclear(res);
	return (ret);
}

/* Run sql, which answers one JSON text in one row or no row, into *out. NOT_FOUND
 * when no row, OK, ERROR (logged; what names the view). */
static enum disclosure_store_result
json_row(PGconn *conn, const char *sql, int n, const char *const *p, const char *what,
    json_t **out)
{
	json_error_t err;
	PGresult *res;

	*out = NULL;
	if ((res = db_query(conn, sql, n, p)) == NULL)
		return (DISCLOSURE_STORE_ERROR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (DISCLOSURE_STORE_NOT_FOUND);
	}
	*out = json_loads(PQgetvalue(res, 0, 0), 0, &err);
	PQclear(res);
	if (*out == NULL) {
		log_error("disclosure store: the %s view does not parse: %s", what, err.text);
		return (DISCLOSURE_STORE_ERROR);
	}
	return (DISCLOSURE_STORE_OK);
}

enum disclosure_store_result
disclosure_store_company_items(PGconn *conn, const char *slug, json_t **out)
{
	static const char sql[] =
	    "SELECT jsonb_build_object('company', c.slug, 'items', (SELECT jsonb_agg("
	    "  jsonb_build_object('item', i.item, 'check_code', 'governance.' || i.item,"
	    "  'status', CASE WHEN d.id IS NOT NULL THEN 'verified' WHEN EXISTS (SELECT 1"
	    "   FROM disclosures s WHERE s.company_id = c.id AND s.item = i.item"
	    "   AND s.state = 'submitted') THEN 'submitted' ELSE 'not_disclosed' END,"
	    "  'statement', d.statement,"
	    "  'publication', CASE WHEN d.id IS NULL THEN NULL ELSE " PUBLICATION " END,"
	    "  'certification', " CERTIFICATION ","
	    "  'verified_at', " ISO("d.decided_at") ") ORDER BY i.n)"
	    " FROM " ITEMS
	    "  LEFT JOIN disclosures d ON d.company_id = c.id AND d.item = i.item"
	    "   AND d.state = 'verified'))::text"
	    " FROM companies c WHERE c.slug = $1 AND c.visibility = 'public'";
	const char *p[1] = {slug};

	return (json_row(conn, sql, 1, p, "company", out));
}

enum disclosure_store_result
disclosure_store_sector(PGconn *conn, const char *sector, json_t **out)
{
	static const char sql[] =
	    "WITH c AS (SELECT id FROM companies WHERE sector = $1 AND visibility = 'public'),"
	    " per AS (SELECT d.item, d.company_id, bool_or(d.state = 'verified') AS verified"
	    "  FROM disclosures d JOIN c ON c.id = d.company_id"
	    "  WHERE d.state IN ('verified', 'submitted') GROUP BY d.item, d.company_id)"
	    " SELECT jsonb_build_object('sector', $1::text, 'companies', (SELECT count(*)"
	    " FROM c), 'items', (SELECT jsonb_agg(jsonb_build_object('item', i.item,"
	    " 'check_code', 'governance.' || i.item, 'verified', (SELECT count(*) FROM per"
	    " WHERE per.item = i.item AND per.verified), 'submitted', (SELECT count(*) FROM"
	    " per WHERE per.item = i.item AND NOT per.verified)) ORDER BY i.n)"
	    " FROM " ITEMS "))::text WHERE EXISTS (SELECT 1 FROM c)";
	const char *p[1] = {sector};

	return (json_row(conn, sql, 1, p, "sector", out));
}

json_t *
disclosure_store_stats(PGconn *conn, int64_t sla_secs)
{
	static const char sql[] =
	    "SELECT json_build_object("
	    " 'total', (SELECT count(*) FROM disclosures),"
	    " 'by_state', (SELECT json_object_agg(s, (SELECT count(*) FROM disclosures d"
	    "  WHERE d.state = s)) FROM unnest(ARRAY['submitted', 'verified', 'rejected',"
	    "  'withdrawn', 'expired', 'superseded']) s),"
	    " 'by_item', (SELECT json_object_agg(i, (SELECT count(*) FROM disclosures d"
	    "  WHERE d.item = i)) FROM unnest(ARRAY['basic_policy', 'management_structure',"
	    "  'education_training', 'information_sharing', 'third_party_certification']) i),"
	    " 'waiting', count(*) FILTER (WHERE state = 'submitted'),"
	    " 'decided', count(*) FILTER (WHERE decided_at IS NOT NULL),"
	    " 'median_hours_to_decision', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY"
	    "  extract(epoch FROM decided_at - submitted_at) / 3600) FILTER (WHERE decided_at"
	    "  IS NOT NULL))::numeric, 2),"
	    " 'p90_hours_to_decision', round((percentile_cont(0.9) WITHIN GROUP (ORDER BY"
	    "  extract(epoch FROM decided_at - submitted_at) / 3600) FILTER (WHERE decided_at"
	    "  IS NOT NULL))::numeric, 2),"
	    " 'decision_sla_hours', $1::bigint / 3600,"
	    " 'decided_within_sla', count(*) FILTER (WHERE decided_at IS NOT NULL AND"
	    "  decided_at - submitted_at <= $1::bigint * interval '1 second'))::text"
	    " FROM disclosures";
	char ssla[24];
	const char *params[1] = {ssla};
	PGresult *res;
	json_t *out;

	snprintf(ssla, sizeof(ssla), "%lld", (long long)sla_secs);
	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (NULL);
	out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return (out);
}
