#include "dispute/dispute_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "dispute/dispute_store_impl.h"

void
dispute_store_sla_times(const struct dispute *d, struct dispute_sla_times *t)
{
	if (d->facts.appealed) {
		memset(t, 0, sizeof(*t));
		t->opened_at = d->appealed_at;
		t->first_response_at = d->appealed_at;
		t->resolved_at = d->appeal_resolved_at;
	} else
		*t = d->sla;
}

void
dispute_free(struct dispute *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->explanation);
	free(d->decision_rationale);
	free(d->items);
	for (i = 0; i < d->nthread; i++)
		free(d->thread[i].body);
	free(d->thread);
	free(d->attachments);
	free(d);
}

static int
load_thread(PGconn *conn, const char *sid, int staff, struct dispute *d)
{
	static const char sql[] =
	    "SELECT id, actor_key_id, actor_role, event, coalesce(from_state, ''), to_state,"
	    " extract(epoch FROM at)::bigint, body, internal FROM dispute_events"
	    " WHERE dispute_id = $1 AND (NOT internal OR $2::boolean) ORDER BY id";
	const char *p[2] = {sid, staff ? "true" : "false"};
	PGresult *res = db_query(conn, sql, 2, p);
	int i, n, ret = -1;

	if (res == NULL)
		return (-1);
	n = PQntuples(res);
	d->thread = calloc((size_t)n + 1, sizeof(*d->thread));
	if (d->thread == NULL)
		goto cleanup;
	for (i = 0; i < n; i++) {
		struct dispute_thread_entry *t = &d->thread[i];

		t->id = dispute_store_i64(res, i, 0);
		t->actor_key_id = dispute_store_i64(res, i, 1);
		if (dispute_role_parse(PQgetvalue(res, i, 2), &t->role) != 0)
			t->role = DISPUTE_ROLE_ADMIN;
		snprintf(t->event, sizeof(t->event), "%s", PQgetvalue(res, i, 3));
		snprintf(t->from_state, sizeof(t->from_state), "%s", PQgetvalue(res, i, 4));
		snprintf(t->to_state, sizeof(t->to_state), "%s", PQgetvalue(res, i, 5));
		t->at = dispute_store_i64(res, i, 6);
		t->internal = PQgetvalue(res, i, 8)[0] == 't';
		t->body = strdup(PQgetvalue(res, i, 7));
		d->nthread = (size_t)i + 1;
		if (t->body == NULL)
			goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret != 0)
		log_error("dispute %s: out of memory", sid);
	PQclear(res);
	return (ret);
}

static int
load_items_and_files(PGconn *conn, const char *sid, struct dispute *d)
{
	static const char sql_items[] =
	    "SELECT coalesce(evidence_id, asset_id) FROM dispute_items"
	    " WHERE dispute_id = $1 ORDER BY 1";
	static const char sql_files[] =
	    "SELECT id, filename, content_type, octet_length(content), sha256,"
	    " uploaded_role, extract(epoch FROM uploaded_at)::bigint FROM attachments"
	    " WHERE dispute_id = $1 ORDER BY id";
	const char *p[1] = {sid};
	PGresult *res;
	int i, n;

	if ((res = db_query(conn, sql_items, 1, p)) == NULL)
		return (-1);
	n = PQntuples(res);
	d->items = calloc((size_t)n + 1, sizeof(*d->items));
	for (i = 0; d->items != NULL && i < n; i++)
		d->items[i] = dispute_store_i64(res, i, 0);
	d->nitems = (size_t)n;
	PQclear(res);
	if ((res = db_query(conn, sql_files, 1, p)) == NULL)
		return (-1);
	n = PQntuples(res);
	d->attachments = calloc((size_t)n + 1, sizeof(*d->attachments));
	for (i = 0; d->attachments != NULL && i < n; i++) {
		struct dispute_attachment_info *a = &d->attachments[i];

		a->id = dispute_store_i64(res, i, 0);
		snprintf(a->filename, sizeof(a->filename), "%s", PQgetvalue(res, i, 1));
		snprintf(a->content_type, sizeof(a->content_type), "%s", PQgetvalue(res, i, 2));
		a->size = (size_t)dispute_store_i64(res, i, 3);
		snprintf(a->sha256, sizeof(a->sha256), "%s", PQgetvalue(res, i, 4));
		if (dispute_role_parse(PQgetvalue(res, i, 5), &a->uploaded_role) != 0)
			a->uploaded_role = DISPUTE_ROLE_ADMIN;
		a->uploaded_at = dispute_store_i64(res, i, 6);
	}
	d->nattachments = (size_t)n;
	PQclear(res);
	if (d->items == NULL || d->attachments == NULL) {
		log_error("dispute %s: out of memory", sid);
		return (-1);
	}
	return (0);
}

enum dispute_store_result
dispute_store_get(PGconn *conn, const struct dispute_actor *actor, int64_t id,
    struct dispute **out)
{
	static const char sql[] =
	    "SELECT " DISPUTE_STORE_COLS " FROM disputes d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.id = $1 AND ($2::bigint IS NULL OR d.company_id = $2::bigint)";
	enum dispute_store_result ret = DISPUTE_STORE_ERROR;
	char sid[24], scompany[24];
	const char *p[2];
	struct dispute *d = NULL;
	PGresult *res = NULL;
	int began = 0;

	*out = NULL;
	dispute_store_fmt_i64(sid, id);
	p[0] = sid;
	p[1] = dispute_store_company_param(actor, scompany);
	/* One snapshot for the dispute, its thread and its files. */
	if (db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) != 0)
		goto cleanup;
	began = 1;
	if ((res = db_query(conn, sql, 2, p)) == NULL)
		goto cleanup;
	if (PQntuples(res) == 0) {
		ret = DISPUTE_STORE_NOT_FOUND;
		goto cleanup;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL || dispute_store_row(res, 0, d) != 0)
		goto cleanup;
	d->explanation = strdup(PQgetvalue(res, 0, DISPUTE_STORE_COL_EXPLANATION));
	d->decision_rationale = strdup(PQgetvalue(res, 0, DISPUTE_STORE_COL_RATIONALE));
	if (d->explanation == NULL || d->decision_rationale == NULL ||
	    load_thread(conn, sid, actor->role != DISPUTE_ROLE_COMPANY, d) != 0 ||
	    load_items_and_files(conn, sid, d) != 0)
		goto cleanup;
	if (db_commit(conn) != 0)
		goto cleanup;
	began = 0;
	*out = d;
	d = NULL;
	ret = DISPUTE_STORE_OK;
cleanup:
	PQclear(res);
	if (began)
		db_rollback(conn);
	dispute_free(d);
	return (ret);
}

void
dispute_list_free(struct dispute_list *l)
{
	if (l == NULL)
		return;
	free(l->items);
	free(l);
}

/* Run a list query (DISPUTE_STORE_COLS rows) and turn it into a list of at most limit. */
static enum dispute_store_result
run_list(PGconn *conn, const char *sql, int n, const char *const *p, size_t limit,
    const struct dispute_sla_config *cfg, int64_t now, struct dispute_list **out)
{
	struct dispute_list *l;
	PGresult *res;
	int i, rows;

	*out = NULL;
	if ((res = db_query(conn, sql, n, p)) == NULL)
		return (DISPUTE_STORE_ERROR);
	rows = PQntuples(res);
	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->items = calloc((size_t)rows + 1, sizeof(*l->items))) == NULL) {
		log_error("dispute list: out of memory");
		free(l);
		PQclear(res);
		return (DISPUTE_STORE_ERROR);
	}
	for (i = 0; i < rows; i++) {
		struct dispute_summary *s = &l->items[i];
		struct dispute_sla_times t;
		struct dispute d;

		if (dispute_store_row(res, i, &d) != 0) {
			dispute_list_free(l);
			PQclear(res);
			return (DISPUTE_STORE_ERROR);
		}
		s->id = d.id;
		s->company_id = d.company_id;
		memcpy(s->company_slug, d.company_slug, sizeof(s->company_slug));
		s->kind = d.kind;
		s->reason = d.reason;
		s->state = d.state;
		s->assignee = d.facts.assignee;
		s->opened_at = d.sla.opened_at;
		s->nitems = d.nitems;
		dispute_store_sla_times(&d, &t);
		s->sla = dispute_sla_state(cfg, &t, now);
	}
	l->n = (size_t)rows;
	l->next_after = (size_t)rows == limit && rows > 0 ? l->items[rows - 1].id : 0;
	PQclear(res);
	*out = l;
	return (DISPUTE_STORE_OK);
}

static size_t
clamp_limit(size_t limit)
{
	if (limit == 0)
		return (50);
	return (limit > 500 ? 500 : limit);
}

enum dispute_store_result
dispute_store_list_company(PGconn *conn, int64_t company_id, int64_t after_id,
    size_t limit, const struct dispute_sla_config *cfg, int64_t now,
    struct dispute_list **out)
{
	static const char sql[] =
	    "SELECT " DISPUTE_STORE_COLS " FROM disputes d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.company_id = $1 AND d.id > $2 ORDER BY d.id LIMIT $3";
	char scompany[24], safter[24], slimit[24];
	const char *p[3] = {scompany, safter, slimit};

	limit = clamp_limit(limit);
	dispute_store_fmt_i64(scompany, company_id);
	dispute_store_fmt_i64(safter, after_id);
	dispute_store_fmt_i64(slimit, (int64_t)limit);
	return (run_list(conn, sql, 3, p, limit, cfg, now, out));
}

enum dispute_store_result
dispute_store_queue(PGconn *conn, const struct dispute_queue_filter *f,
    const struct dispute_sla_config *cfg, int64_t now, struct dispute_list **out)
{
	/* Overdue mirrors dispute_sla_state: a running clock past its due time. */
	static const char sql[] =
	    "SELECT " DISPUTE_STORE_COLS " FROM disputes d JOIN companies c ON c.id = d.company_id"
	    " WHERE d.id > $1"
	    " AND (CASE WHEN $2::text IS NULL THEN d.state IN ('open', 'in_review',"
	    "  'info_requested', 'appealed', 'in_review_appeal') ELSE d.state = $2 END)"
	    " AND ($3::bigint IS NULL OR ($3 = -1 AND d.assignee_key_id IS NULL)"
	    "  OR d.assignee_key_id = $3)"
	    " AND extract(epoch FROM d.opened_at) <= $4::bigint - $5::bigint"
	    " AND (NOT $6::boolean OR"
	    "  (d.state IN ('open', 'in_review', 'info_requested') AND"
	    "   ((d.first_response_at IS NULL AND"
	    "     $4 > extract(epoch FROM d.opened_at) + $7::bigint) OR"
	    "    $4 > extract(epoch FROM d.opened_at) + $8::bigint + d.paused_seconds +"
	    "     coalesce($4 - extract(epoch FROM d.paused_since), 0)))"
	    "  OR (d.state IN ('appealed', 'in_review_appeal') AND"
	    "   $4 > extract(epoch FROM d.appealed_at) + $8::bigint))"
	    " ORDER BY d.id LIMIT $9";
	char safter[24], sassignee[24], snow[24], sage[24], sfr[24], sres[24], slimit[24];
	const char *p[9];
	size_t limit = clamp_limit(f->limit);

	dispute_store_fmt_i64(safter, f->after_id);
	dispute_store_fmt_i64(sassignee, f->assignee);
	dispute_store_fmt_i64(snow, now);
	dispute_store_fmt_i64(sage, f->min_age_secs);
	dispute_store_fmt_i64(sfr, cfg->first_response_secs);
	dispute_store_fmt_i64(sres, cfg->resolution_secs);
	dispute_store_fmt_i64(slimit, (int64_t)limit);
	p[0] = safter;
	p[1] = f->has_state ? dispute_state_name(f->state) : NULL;
	p[2] = f->assignee != 0 ? sassignee : NULL;
	p[3] = snow;
	p[4] = sage;
	p[5] = f->overdue ? "true" : "false";
	p[6] = sfr;
	p[7] = sres;
	p[8] = slimit;
	return (run_list(conn, sql, 9, p, limit, cfg, now, out));
}


/* Percentiles of a duration (seconds) over the disputes where it is known. */
static int
stats_percentiles(PGconn *conn, const char *expr_sql, double *median, double *p90)
{
	PGresult *res = db_query(conn, expr_sql, 0, NULL);

	if (res == NULL)
		return (-1);
	*median = PQgetisnull(res, 0, 0) ? -1 : strtod(PQgetvalue(res, 0, 0), NULL);
	*p90 = PQgetisnull(res, 0, 1) ? -1 : strtod(PQgetvalue(res, 0, 1), NULL);
	PQclear(res);
	return (0);
}

int
dispute_store_stats(PGconn *conn, struct dispute_stats *out)
{
	static const char sql_counts[] =
	    "SELECT state, reason, count(*) FROM disputes GROUP BY state, reason";
	static const char sql_first[] =
	    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x),"
	    " percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM (SELECT"
	    " extract(epoch FROM first_response_at - opened_at)::float8 AS x FROM disputes"
	    " WHERE first_response_at IS NOT NULL) s";
	static const char sql_resolution[] =
	    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x),"
	    " percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM (SELECT"
	    " extract(epoch FROM resolved_at - opened_at)::float8 AS x FROM disputes"
	    " WHERE resolved_at IS NOT NULL) s";
	PGresult *res = NULL;
	int i, ret = -1;

	memset(out, 0, sizeof(*out));
	/* One snapshot for all the figures. */
	if (db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) != 0)
		return (-1);
	if ((res = db_query(conn, sql_counts, 0, NULL)) == NULL)
		goto cleanup;
	for (i = 0; i < PQntuples(res); i++) {
		enum dispute_state s;
		enum dispute_reason r;
		long n = strtol(PQgetvalue(res, i, 2), NULL, 10);

		if (dispute_state_parse(PQgetvalue(res, i, 0), &s) != 0 ||
		    dispute_reason_parse(PQgetvalue(res, i, 1), &r) != 0) {
			log_error("dispute statistics: unknown state or reason");
			goto cleanup;
		}
		out->total += n;
		out->by_state[s] += n;
		out->by_reason[r] += n;
	}
	out->accepted = out->by_state[DISPUTE_ACCEPTED] + out->by_state[DISPUTE_APPEAL_ACCEPTED];
	out->decided = out->accepted + out->by_state[DISPUTE_REJECTED] +
	    out->by_state[DISPUTE_APPEAL_REJECTED];
	out->acceptance_rate = out->decided > 0 ?
	    (double)out->accepted / (double)out->decided : -1;
	if (stats_percentiles(conn, sql_first, &out->first_response_median,
	    &out->first_response_p90) != 0 ||
	    stats_percentiles(conn, sql_resolution, &out->resolution_median,
	    &out->resolution_p90) != 0)
		goto cleanup;
	ret = 0;
cleanup:
	PQclear(res);
	db_rollback(conn);
	return (ret);
}
