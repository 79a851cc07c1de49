#include "rater/rescore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "rater/company_stream.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_reason.h"
#include "rater/rating_store.h"

#define RESCORE_DEFAULT_BATCH 5000
/* Ratings lines are sent to the writer once this many bytes are waiting. */
#define RESCORE_SEND_BYTES (256 * 1024)
/* The cap of the pending-lines buffer: far above what one flush leaves in it. */
#define RESCORE_OUT_LIMIT ((size_t)256 * 1024 * 1024)
#define RESCORE_PROGRESS_EVERY 512
/* One company's factors JSON: its findings make it long, never this long. */
#define RESCORE_FACTORS_LIMIT ((size_t)32 * 1024 * 1024)

/* The state of one rescoring: what every company is rated with, and the one company
 * being gathered from the evidence stream. */
struct rescore_ctx {
	const struct methodology *m;
	int64_t as_of;
	int64_t computed_us;
	const json_t *extra_detail;
	struct rescore_summary *sum;
	/* The current company's evidence, gathered from the evidence stream. */
	struct company_stream evidence;
	/* One company's factors JSON, before it is escaped into out. */
	struct buf factors;
	/* New ratings lines not yet sent, and how many rows they hold. */
	struct buf out;
	size_t out_rows;
};

/* Rate the gathered company and, when its rating changed, add its ratings line. */
static int
rescore_rate(struct rescore_ctx *ctx, const struct rating_store_company *c)
{
	struct rating_input in;
	struct rating *r = NULL;
	struct rating_reason_changes chg;
	enum rating_reason reason;
	json_t *detail = NULL;
	char *detail_text = NULL;
	int rc = -1;

	in.methodology = ctx->m;
	in.evidence = ctx->evidence.ev;
	in.nevidence = ctx->evidence.nev;
	in.asset_count = c->asset_count;
	in.as_of = ctx->as_of;
	if ((r = rating_compute(&in)) == NULL) {
		log_error("rescore: out of memory rating %s", c->slug);
		goto done;
	}
	ctx->sum->companies++;
	if (r->status == RATING_RATED)
		ctx->sum->rated++;
	else
		ctx->sum->insufficient++;
	memset(&chg, 0, sizeof(chg));
	chg.last_corrected_us = c->last_corrected_us;
	chg.last_recorded_us = ctx->evidence.last_recorded_us;
	chg.last_updated_us = ctx->evidence.last_updated_us;
	reason = rating_reason_decide(&c->prev, &chg, r->methodology_version,
	    r->outcome_digest, ctx->as_of);
	if (reason == RATING_REASON_NONE) {
		ctx->sum->unchanged++;
		rc = 0;
		goto done;
	}
	buf_reset(&ctx->factors);
	if (rating_json_factors_stored(r, ctx->m, &ctx->factors) != 0) {
		log_error("rescore: the factors of %s do not fit %zu bytes", c->slug,
		    RESCORE_FACTORS_LIMIT);
		goto done;
	}
	if ((detail = rating_reason_detail(reason, &c->prev, &chg, r->methodology_version,
	    ctx->as_of)) == NULL ||
	    (ctx->extra_detail != NULL &&
	    json_object_update(detail, (json_t *)ctx->extra_detail) != 0) ||
	    (detail_text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		log_error("rescore: out of memory explaining %s", c->slug);
		goto done;
	}
	if (rating_store_ratings_format(&ctx->out, c->id, r, ctx->factors.data,
	    ctx->computed_us, rating_reason_name(reason), detail_text) != 0) {
		log_error("rescore: the rating of %s does not fit the output buffer", c->slug);
		goto done;
	}
	ctx->out_rows++;
	ctx->sum->new_rows++;
	rc = 0;
done:
	free(detail_text);
	json_decref(detail);
	rating_free(r);
	return (rc);
}

static void
rescore_ctx_init(struct rescore_ctx *ctx, const struct methodology *m, int64_t as_of,
    int64_t computed_us, struct rescore_summary *sum)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->m = m;
	ctx->as_of = as_of;
	ctx->computed_us = computed_us;
	ctx->sum = sum;
	company_stream_init(&ctx->evidence, "rescore");
	buf_init(&ctx->out, RESCORE_OUT_LIMIT);
	buf_init(&ctx->factors, RESCORE_FACTORS_LIMIT);
	memset(sum, 0, sizeof(*sum));
	snprintf(sum->methodology_version, sizeof(sum->methodology_version), "%s",
	    m->version);
}

static void
rescore_ctx_free(struct rescore_ctx *ctx)
{
	company_stream_free(&ctx->evidence);
	buf_free(&ctx->out);
	buf_free(&ctx->factors);
}

/* The writer of a full run: a COPY kept open on conn, committed every batch rows. */
struct rescore_writer {
	PGconn *conn;
	size_t batch, rows_in_tx;
	int copying;
};

static int
rescore_writer_send(struct rescore_writer *w, struct rescore_ctx *ctx, int commit)
{
	if (ctx->out.len > 0) {
		if (!w->copying) {
			if (db_begin(w->conn) != 0 || rating_store_ratings_start(w->conn) != 0)
				return (-1);
			w->copying = 1;
		}
		if (rating_store_ratings_put(w->conn, ctx->out.data, ctx->out.len) != 0)
			return (-1);
		w->rows_in_tx += ctx->out_rows;
		buf_reset(&ctx->out);
		ctx->out_rows = 0;
	}
	if (w->copying && (commit || w->rows_in_tx >= w->batch)) {
		w->copying = 0;
		w->rows_in_tx = 0;
		if (rating_store_ratings_end(w->conn) != 0 || db_commit(w->conn) != 0)
			return (-1);
	}
	return (0);
}

int
rescore_run(const char *url, const struct rescore_options *opt,
    struct rescore_summary *sum)
{
	PGconn *wconn = NULL, *cconn = NULL, *econn = NULL;
	struct methodology *m = NULL;
	struct rescore_ctx ctx;
	struct rescore_writer w;
	struct rating_store_company c;
	char snap[64];
	int64_t now_us, total = 0;
	int rc = -1, n, locked = 0, ctx_ready = 0;

	memset(sum, 0, sizeof(*sum));
	if ((wconn = db_connect(url)) == NULL || (cconn = db_connect(url)) == NULL ||
	    (econn = db_connect(url)) == NULL)
		goto done;
	if (rating_store_lock(wconn, 0) != 0)
		goto done;
	locked = 1;
	if ((m = methodology_store_load_in_force(wconn, opt->as_of)) == NULL)
		goto done;
	/* The snapshot is taken after the lock: it sees every row of the run before. */
	if (rating_store_snapshot_export(cconn, snap, &now_us) != 0 ||
	    rating_store_snapshot_import(econn, snap) != 0)
		goto done;
	if (rating_store_count_companies(cconn, opt->company_id, &total) != 0)
		goto done;
	rescore_ctx_init(&ctx, m, opt->as_of, now_us, sum);
	ctx_ready = 1;
	w.conn = wconn;
	w.batch = opt->batch_rows ? opt->batch_rows : RESCORE_DEFAULT_BATCH;
	w.rows_in_tx = 0;
	w.copying = 0;
	if (opt->company_id != 0)
		w.batch = SIZE_MAX;  /* one company: one transaction */
	if (rating_store_companies_start(cconn, opt->company_id) != 0)
		goto done;
	if (rating_store_evidence_start(econn, opt->company_id) != 0) {
		rating_store_stream_abort(cconn);
		goto done;
	}
	while ((n = rating_store_companies_next(cconn, &c)) == 1) {
		if (company_stream_gather(&ctx.evidence, econn, c.id) != 0 ||
		    rescore_rate(&ctx, &c) != 0)
			break;
		if (ctx.out.len >= RESCORE_SEND_BYTES && rescore_writer_send(&w, &ctx, 0) != 0)
			break;
		if (opt->progress != NULL && sum->companies % RESCORE_PROGRESS_EVERY == 0)
			opt->progress(opt->progress_arg, sum->companies, total);
	}
	if (n != 0) {
		rating_store_stream_abort(cconn);
		rating_store_stream_abort(econn);
		goto done;
	}
	/* Drain the evidence stream so that its end is checked too. */
	if (company_stream_gather(&ctx.evidence, econn, INT64_MAX) != 0 ||
	    !ctx.evidence.done) {
		rating_store_stream_abort(econn);
		goto done;
	}
	if (rescore_writer_send(&w, &ctx, 1) != 0)
		goto done;
	if (opt->progress != NULL)
		opt->progress(opt->progress_arg, sum->companies, total);
	rc = 0;
done:
	if (rc != 0 && wconn != NULL && PQstatus(wconn) == CONNECTION_OK) {
		if (PQtransactionStatus(wconn) == PQTRANS_ACTIVE)
			(void)PQputCopyEnd(wconn, "rescoring failed");
		while (PQtransactionStatus(wconn) == PQTRANS_ACTIVE) {
			PGresult *res = PQgetResult(wconn);

			if (res == NULL)
				break;
			PQclear(res);
		}
		db_rollback(wconn);
	}
	if (locked)
		rating_store_unlock(wconn);
	if (ctx_ready)
		rescore_ctx_free(&ctx);
	methodology_free(m);
	if (econn != NULL)
		PQfinish(econn);
	if (cconn != NULL)
		PQfinish(cconn);
	if (wconn != NULL)
		PQfinish(wconn);
	return (rc);
}

int
rescore_company(PGconn *conn, int64_t company_id, int64_t as_of,
    const json_t *extra_detail, int64_t *new_row_id, struct rescore_summary *sum)
{
	struct methodology *m = NULL;
	struct rescore_ctx ctx;
	struct rating_store_company c;
	int64_t now_us;
	int rc = -1, n, ctx_ready = 0;
	char idtext[24];
	const char *params[1] = {idtext};
	PGresult *res;

	memset(sum, 0, sizeof(*sum));
	if (new_row_id != NULL)
		*new_row_id = 0;
	if (rating_store_lock(conn, 1) != 0 || rating_store_now_us(conn, &now_us) != 0)
		return (-1);
	if ((m = methodology_store_load_in_force(conn, as_of)) == NULL)
		return (-1);
	rescore_ctx_init(&ctx, m, as_of, now_us, sum);
	ctx_ready = 1;
	ctx.extra_detail = extra_detail;
	/* One connection: the company's row first, then its evidence, then the write. */
	memset(&c, 0, sizeof(c));
	if (rating_store_companies_start(conn, company_id) != 0)
		goto done;
	n = rating_store_companies_next(conn, &c);
	if (n == 1 && (n = rating_store_companies_next(conn, &c)) != 0) {
		log_error("rescore: more than one company with id %" PRId64, company_id);
		rating_store_stream_abort(conn);
		goto done;
	}
	if (n < 0)
		goto done;
	if (c.id != company_id) {
		rc = 1;
		goto done;
	}
	if (rating_store_evidence_start(conn, company_id) != 0)
		goto done;
	if (company_stream_gather(&ctx.evidence, conn, company_id) != 0 ||
	    !ctx.evidence.done) {
		rating_store_stream_abort(conn);
		goto done;
	}
	if (rescore_rate(&ctx, &c) != 0)
		goto done;
	if (ctx.out_rows > 0) {
		if (rating_store_ratings_start(conn) != 0)
			goto done;
		if (rating_store_ratings_put(conn, ctx.out.data, ctx.out.len) != 0 ||
		    rating_store_ratings_end(conn) != 0)
			goto done;
		snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
		if ((res = db_query(conn, "SELECT max(id) FROM ratings WHERE company_id = $1",
		    1, params)) == NULL)
			goto done;
		if (new_row_id != NULL)
			*new_row_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	rc = 0;
done:
	if (ctx_ready)
		rescore_ctx_free(&ctx);
	methodology_free(m);
	return (rc);
}
