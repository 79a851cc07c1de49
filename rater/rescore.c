#include "rater/rescore.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "rater/company_stream.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_reason.h"
#include "rater/rating_store.h"
#include "rater/rescore_writer.h"

#define RESCORE_DEFAULT_BATCH 5000
/* Ratings rows are handed to the writer once this many bytes are waiting. */
#define RESCORE_SEND_BYTES (256 * 1024)
/* The cap of the pending-rows buffer: far above what one hand-over leaves in it. */
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
	/* One company's factors and reason detail JSON, before they go into out. */
	struct buf factors, detail;
	/* New ratings rows (binary COPY) not yet handed over, and how many. */
	struct buf out;
	size_t out_rows;
};

/* Merge a caller's extra detail (a dispute's id) into the reason detail text in b. 0,
 * or -1 when memory is short. */
static int
rescore_merge_detail(struct buf *b, const json_t *extra)
{
	json_t *detail;
	char *text = NULL;
	int rc = -1;

	if ((detail = json_loads(b->data, 0, NULL)) != NULL &&
	    json_object_update(detail, (json_t *)extra) == 0 &&
	    (text = json_dumps(detail, JSON_COMPACT)) != NULL) {
		buf_reset(b);
		rc = buf_append(b, text, strlen(text));
	}
	free(text);
	json_decref(detail);
	return (rc);
}

/* Rate the gathered company and, when its rating changed, add its ratings line. */
static int
rescore_rate(struct rescore_ctx *ctx, const struct rating_store_company *c)
{
	struct rating_input in;
	struct rating *r = NULL;
	struct rating_reason_changes chg;
	enum rating_reason reason;
	const char *coverage[RATING_STORE_MAX_COVERAGE];
	int rc = -1;

	memset(&in, 0, sizeof(in));
	rating_store_coverage_at(&c->coverage, ctx->as_of, coverage, &in);
	in.methodology = ctx->m;
	in.evidence = ctx->evidence.ev;
	in.nevidence = ctx->evidence.nev;
	in.asset_count = c->asset_count;
	in.uncertain = c->uncertain.items;
	in.nuncertain = c->uncertain.n;
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
	    r->outcome_digest, ctx->m->inputs_digest >= 2 ? r->inputs_digest : NULL,
	    ctx->as_of);
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
	buf_reset(&ctx->detail);
	if (rating_reason_detail_text(reason, &c->prev, &chg, r->methodology_version,
	    ctx->as_of, &ctx->detail) != 0 ||
	    (ctx->extra_detail != NULL &&
	    rescore_merge_detail(&ctx->detail, ctx->extra_detail) != 0)) {
		log_error("rescore: out of memory explaining %s", c->slug);
		goto done;
	}
	if (rating_store_ratings_format(&ctx->out, c->id, r, ctx->factors.data,
	    ctx->computed_us, rating_reason_name(reason), ctx->detail.data) != 0) {
		log_error("rescore: the rating of %s does not fit the output buffer", c->slug);
		goto done;
	}
	ctx->out_rows++;
	ctx->sum->new_rows++;
	rc = 0;
done:
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
	buf_init(&ctx->detail, RESCORE_FACTORS_LIMIT);
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
	buf_free(&ctx->detail);
}

/* Most threads one full run rates on (each with two read connections). */
#define RESCORE_MAX_PARTS 4
#define RESCORE_MAX_SHARDS 1024

/* What the parts of one full run share. */
struct rescore_shared {
	const struct rescore_options *opt;
	struct rating_store_shard shard;   /* n == 0: every company */
	pthread_mutex_t mu;
	int stop;               /* a part failed: the others stop too */
	int64_t done, total;    /* companies rated by every part, for progress */
};

/* One part of a full run: the companies with lo <= id < hi, rated on a thread of its
 * own from its own two streams, and written by a writer of its own: the server's
 * work of storing ratings (checks, foreign keys, indexes, WAL) is then spread over as
 * many backends as the reading is. */
struct rescore_part {
	struct rescore_shared *sh;
	PGconn *cconn, *econn, *wconn;
	struct rescore_writer *w;
	int64_t lo, hi;
	struct rescore_ctx ctx;
	struct rescore_summary sum;
	pthread_t thread;
	int started, ctx_ready, rc;
};

static int
rescore_stopped(struct rescore_shared *sh)
{
	int stop;

	pthread_mutex_lock(&sh->mu);
	stop = sh->stop;
	pthread_mutex_unlock(&sh->mu);
	return (stop);
}

/* Count n more companies done; report progress (one part at a time). */
static void
rescore_progress(struct rescore_shared *sh, int64_t n)
{
	pthread_mutex_lock(&sh->mu);
	sh->done += n;
	if (sh->opt->progress != NULL)
		sh->opt->progress(sh->opt->progress_arg, sh->done, sh->total);
	pthread_mutex_unlock(&sh->mu);
}

static void *
rescore_part_main(void *arg)
{
	struct rescore_part *p = arg;
	struct rescore_shared *sh = p->sh;
	struct rating_store_company c;
	int64_t since = 0;
	int n;

	p->rc = -1;
	memset(&c, 0, sizeof(c));
	if (rating_store_companies_start(p->cconn, p->lo, p->hi, &p->sh->shard) != 0)
		goto out;
	if (rating_store_evidence_start(p->econn, p->lo, p->hi, &p->sh->shard) != 0) {
		rating_store_stream_abort(p->cconn);
		goto out;
	}
	while ((n = rating_store_companies_next(p->cconn, &c)) == 1) {
		if (company_stream_gather(&p->ctx.evidence, p->econn, c.id) != 0 ||
		    rescore_rate(&p->ctx, &c) != 0) {
			n = -1;
			break;
		}
		if (p->ctx.out.len >= RESCORE_SEND_BYTES) {
			if (rescore_writer_put(p->w, &p->ctx.out, p->ctx.out_rows) != 0) {
				n = -1;
				break;
			}
			p->ctx.out_rows = 0;
		}
		if (++since == RESCORE_PROGRESS_EVERY) {
			rescore_progress(sh, since);
			since = 0;
			if (rescore_stopped(sh)) {
				n = -1;
				break;
			}
		}
	}
	if (n != 0) {
		rating_store_stream_abort(p->cconn);
		rating_store_stream_abort(p->econn);
		goto out;
	}
	/* Drain the evidence stream so that its end is checked too. */
	if (company_stream_gather(&p->ctx.evidence, p->econn, INT64_MAX) != 0 ||
	    !p->ctx.evidence.done) {
		rating_store_stream_abort(p->econn);
		goto out;
	}
	if (rescore_writer_put(p->w, &p->ctx.out, p->ctx.out_rows) != 0)
		goto out;
	p->ctx.out_rows = 0;
	rescore_progress(sh, since);
	p->rc = 0;
out:
	rating_store_company_free(&c);
	if (p->rc != 0) {
		pthread_mutex_lock(&sh->mu);
		sh->stop = 1;
		pthread_mutex_unlock(&sh->mu);
	}
	return (NULL);
}

/* How many parts a full run is split into: one per CPU, at most RESCORE_MAX_PARTS. */
static int
rescore_parts(const struct rescore_options *opt)
{
	long cpus;

	if (opt->company_id != 0)
		return (1);
	if (opt->threads > 0)
		return (opt->threads < RESCORE_MAX_PARTS ? opt->threads : RESCORE_MAX_PARTS);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return (cpus < 1 ? 1 : cpus > RESCORE_MAX_PARTS ? RESCORE_MAX_PARTS : (int)cpus);
}

static void
rescore_sum_add(struct rescore_summary *to, const struct rescore_summary *from)
{
	to->companies += from->companies;
	to->rated += from->rated;
	to->insufficient += from->insufficient;
	to->new_rows += from->new_rows;
	to->unchanged += from->unchanged;
}

/* After a failed run: end a COPY the writer left open on conn and roll back its
 * transaction (conn may be NULL or broken). */
static void
rescore_abandon(PGconn *conn)
{
	PGresult *res;

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(conn) == PQTRANS_ACTIVE)
		(void)PQputCopyEnd(conn, "rescoring failed");
	while (PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
		if ((res = PQgetResult(conn)) == NULL)
			break;
		PQclear(res);
	}
	db_rollback(conn);
}

int
rescore_run(const char *url, const struct rescore_options *opt,
    struct rescore_summary *sum)
{
	struct methodology *m = NULL;
	struct rescore_shared sh;
	struct rescore_part part[RESCORE_MAX_PARTS];
	int64_t bounds[RESCORE_MAX_PARTS + 1], now_us;
	PGconn *lconn;
	char snap[64];
	size_t batch;
	int rc = -1, i, nparts = rescore_parts(opt), locked = 0, failed = 0;

	memset(sum, 0, sizeof(*sum));
	memset(part, 0, sizeof(part));
	memset(&sh, 0, sizeof(sh));
	sh.opt = opt;
	if (opt->shard_n > 0 && opt->company_id == 0) {
		if (opt->shard_k < 1 || opt->shard_k > opt->shard_n ||
		    opt->shard_n > RESCORE_MAX_SHARDS) {
			log_error("rescore: shard %d/%d: K must be 1 to N and N at most %d",
			    opt->shard_k, opt->shard_n, RESCORE_MAX_SHARDS);
			return (-1);
		}
		sh.shard.k = opt->shard_k;
		sh.shard.n = opt->shard_n;
	}
	pthread_mutex_init(&sh.mu, NULL);
	for (i = 0; i < nparts; i++)
		if ((part[i].wconn = db_connect(url)) == NULL ||
		    (part[i].cconn = db_connect(url)) == NULL ||
		    (part[i].econn = db_connect(url)) == NULL)
			goto done;
	/* The rescoring lock is held on the first writer's connection for the run. */
	lconn = part[0].wconn;
	if ((sh.shard.n > 0 ? rating_store_lock_shard(lconn, &sh.shard) :
	    rating_store_lock(lconn, 0)) != 0)
		goto done;
	locked = 1;
	if ((m = methodology_store_load_in_force(lconn, opt->as_of)) == NULL)
		goto done;
	snprintf(sum->methodology_version, sizeof(sum->methodology_version), "%s",
	    m->version);
	/* The snapshot is taken after the lock: it sees every row of the run before. Every
	 * read connection of every part reads it. */
	if (rating_store_snapshot_export(part[0].cconn, snap, &now_us) != 0)
		goto done;
	for (i = 0; i < nparts; i++)
		if ((i > 0 && rating_store_snapshot_import(part[i].cconn, snap) != 0) ||
		    rating_store_snapshot_import(part[i].econn, snap) != 0)
			goto done;
	if (rating_store_count_companies(part[0].cconn, opt->company_id, &sh.shard,
	    &sh.total) != 0)
		goto done;
	if (opt->company_id != 0) {
		bounds[0] = opt->company_id;
		bounds[1] = opt->company_id + 1;
	} else if (rating_store_split(part[0].cconn, nparts, sh.total, &sh.shard,
	    bounds) != 0)
		goto done;
	batch = opt->batch_rows ? opt->batch_rows : RESCORE_DEFAULT_BATCH;
	if (opt->company_id != 0)
		batch = SIZE_MAX;  /* one company: one transaction */
	for (i = 0; i < nparts; i++) {
		part[i].sh = &sh;
		part[i].lo = bounds[i];
		part[i].hi = bounds[i + 1];
		rescore_ctx_init(&part[i].ctx, m, opt->as_of, now_us, &part[i].sum);
		part[i].ctx_ready = 1;
		if ((part[i].w = rescore_writer_start(part[i].wconn, batch,
		    RESCORE_OUT_LIMIT)) == NULL)
			break;
		if (pthread_create(&part[i].thread, NULL, rescore_part_main, &part[i]) != 0) {
			log_error("rescore: cannot start a rating thread");
			break;
		}
		part[i].started = 1;
	}
	for (i = 0; i < nparts; i++) {
		if (part[i].started)
			pthread_join(part[i].thread, NULL);
		if (!part[i].started || part[i].rc != 0)
			failed = 1;
		rescore_sum_add(sum, &part[i].sum);
	}
	/* Each part's last batch is committed only when every part has rated all its
	 * companies; batches committed before stay either way (rescore.h). */
	for (i = 0; i < nparts; i++) {
		if (part[i].w != NULL && rescore_writer_finish(part[i].w, !failed) != 0)
			failed = 1;
		part[i].w = NULL;
	}
	if (failed)
		goto done;
	rc = 0;
done:
	for (i = 0; i < nparts; i++) {
		if (part[i].w != NULL)
			(void)rescore_writer_finish(part[i].w, 0);
		if (rc != 0)
			rescore_abandon(part[i].wconn);
	}
	if (locked && sh.shard.n > 0)
		rating_store_unlock_shard(lconn, &sh.shard);
	else if (locked)
		rating_store_unlock(lconn);
	for (i = 0; i < nparts; i++) {
		if (part[i].ctx_ready)
			rescore_ctx_free(&part[i].ctx);
		if (part[i].econn != NULL)
			PQfinish(part[i].econn);
		if (part[i].cconn != NULL)
			PQfinish(part[i].cconn);
		if (part[i].wconn != NULL)
			PQfinish(part[i].wconn);
	}
	methodology_free(m);
	pthread_mutex_destroy(&sh.mu);
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
	if (rating_store_companies_start(conn, company_id, company_id + 1, NULL) != 0)
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
	if (rating_store_evidence_start(conn, company_id, company_id + 1, NULL) != 0)
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
		if (new_row_id != NULL) {
			snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
			if ((res = db_query(conn, "SELECT max(id) FROM ratings "
			    "WHERE company_id = $1", 1, params)) == NULL)
				goto done;
			*new_row_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			PQclear(res);
		}
	}
	rc = 0;
done:
	rating_store_company_free(&c);
	if (ctx_ready)
		rescore_ctx_free(&ctx);
	methodology_free(m);
	return (rc);
}
