#include "api/summary_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_store.h"
#include "common/db.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "rater/rating_json.h"

#define SS_LOOKUP "summary_lookup"
#define SS_LOOKUP_MANY "summary_lookup_many"

/* The companies of a store that no one else holds, locked until it commits. FOR
 * UPDATE conflicts with every row lock, the FOR KEY SHARE that a foreign-key check
 * takes included: a company whose new rating (or evidence, dispute, row) is being
 * written is skipped, not waited for (a rescoring holds its companies for minutes);
 * and a rating written after the lock waits for the store to commit, then deletes
 * what it stored. */
#define SS_LOCK_SQL "SELECT id FROM companies WHERE id = ANY ($1::bigint[])" \
	" ORDER BY id FOR UPDATE SKIP LOCKED"

/* What a newer rendering replaces. */
#define SS_UPSERT \
	" ON CONFLICT (company_id) DO UPDATE SET slug = EXCLUDED.slug," \
	" rating_id = EXCLUDED.rating_id, expires_at = EXCLUDED.expires_at," \
	" body = EXCLUDED.body, rendered_at = now()"
#define SS_NPARAMS 6

/* Lookups that found a current stored body, those that did not, and those of the
 * first read by summary_store_lookup_many. */
static atomic_ullong ss_hits, ss_misses, ss_batched;

/* The statement storing n rendered rows (parameters: id, rating, company epoch,
 * generation, expires, body for each) into sql: each row only while its company, its
 * latest rating and the generation are as rendered (run after SS_LOCK_SQL, in a
 * snapshot taken after the lock; FOR SHARE of the generation waits for a methodology
 * change in progress and then sees it). 0, or -1 when sql's cap is reached. */
static int
ss_insert_sql(struct buf *sql, size_t n)
{
	size_t i, p;

	if (buf_appendf(sql, "INSERT INTO company_summaries (company_id, slug, rating_id,"
	    " expires_at, body) SELECT c.id, c.slug, NULLIF(v.rating, 0), CASE WHEN"
	    " v.expires = 0 THEN NULL ELSE to_timestamp(v.expires) END, v.body FROM"
	    " (VALUES ") != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		p = i * SS_NPARAMS;
		if (buf_appendf(sql, "%s($%zu::bigint, $%zu::bigint, $%zu::bigint, $%zu::bigint,"
		    " $%zu::bigint, $%zu::text)", i ? ", " : "", p + 1, p + 2, p + 3, p + 4,
		    p + 5, p + 6) != 0)
			return (-1);
	}
	return (buf_appendf(sql, ") v (id, rating, cepoch, gen, expires, body)"
	    " JOIN companies c ON c.id = v.id AND c.summary_epoch = v.cepoch"
	    " AND c.visibility = 'public' JOIN summary_generation g ON g.n = v.gen"
	    " WHERE NULLIF(v.rating, 0) IS NOT DISTINCT FROM (SELECT r.id FROM ratings r"
	    " WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1)"
	    " FOR SHARE OF g%s", SS_UPSERT) != 0 ? -1 : 0);
}

int
summary_store_register(struct db_pool *pool)
{
	return (db_pool_register(pool, SS_LOOKUP,
	    "SELECT s.company_id, s.body, extract(epoch FROM s.expires_at)::bigint"
	    " FROM company_summaries s WHERE s.slug = $1 AND"
	    SUMMARY_STORE_CURRENT("s", "$2"), 2) != 0 ||
	    db_pool_register(pool, SS_LOOKUP_MANY,
	    "SELECT u.i, s.company_id, s.body, extract(epoch FROM s.expires_at)::bigint"
	    " FROM unnest($1::text[]) WITH ORDINALITY u (slug, i)"
	    " JOIN company_summaries s ON s.slug = u.slug WHERE"
	    SUMMARY_STORE_CURRENT("s", "$2"), 2) != 0 ||
	    company_store_register(pool) != 0 ? -1 : 0);
}

int
summary_store_lookup(struct db_pool *pool, PGconn *conn, const char *slug, int64_t now,
    int64_t *id, struct buf *body, int64_t *expires_at)
{
	char snow[24];
	const char *params[2] = {slug, snow};
	PGresult *res;
	int rc = 2;

	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	if ((res = db_pool_exec(pool, conn, SS_LOOKUP, 2, params, NULL)) == NULL)
		return (-1);
	if (PQntuples(res) == 1) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*expires_at = PQgetisnull(res, 0, 2) ? 0 :
		    strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		if (buf_append(body, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1)) == 0)
			rc = 1;
		else
			log_error("summaries: company %s: its stored summary does not fit", slug);
	}
	PQclear(res);
	if (rc == 1) {
		atomic_fetch_add_explicit(&ss_hits, 1, memory_order_relaxed);
		return (1);
	}
	/* None current: whether the company is there to render. */
	if ((rc = company_store_find(pool, conn, slug, id)) == 1) {
		atomic_fetch_add_explicit(&ss_misses, 1, memory_order_relaxed);
		rc = 2;
	}
	return (rc);
}

int
summary_store_lookup_many(struct db_pool *pool, PGconn *conn, const char *const *slugs,
    size_t n, int64_t now, struct summary_stored *out, PGresult **res)
{
	char snow[24];
	const char *params[2];
	struct buf arr;
	long k;
	int i, rows, rc = -1;

	*res = NULL;
	if (n == 0 || n > SUMMARY_STORE_MANY_MAX)
		return (-1);
	buf_init(&arr, SUMMARY_STORE_MANY_MAX * 2 * 160);
	if (buf_append(&arr, "{", 1) != 0)
		goto out;
	for (k = 0; k < (long)n; k++) {
		out[k].found = 0;
		if (db_array_add_text(&arr, slugs[k]) != 0)
			goto out;
	}
	if (buf_append(&arr, "}", 1) != 0)
		goto out;
	snprintf(snow, sizeof(snow), "%lld", (long long)now);
	params[0] = arr.data;
	params[1] = snow;
	if ((*res = db_pool_exec(pool, conn, SS_LOOKUP_MANY, 2, params, NULL)) == NULL)
		goto out;
	rows = PQntuples(*res);
	for (i = 0; i < rows; i++) {
		struct summary_stored *o;

		k = strtol(PQgetvalue(*res, i, 0), NULL, 10) - 1;
		if (k < 0 || k >= (long)n)
			continue;
		o = &out[k];
		o->id = strtoll(PQgetvalue(*res, i, 1), NULL, 10);
		o->expires_at = PQgetisnull(*res, i, 3) ? 0 :
		    strtoll(PQgetvalue(*res, i, 3), NULL, 10);
		o->body = PQgetvalue(*res, i, 2);
		o->len = (size_t)PQgetlength(*res, i, 2);
		o->found = 1;
		atomic_fetch_add_explicit(&ss_hits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&ss_batched, 1, memory_order_relaxed);
	}
	rc = 0;
out:
	buf_free(&arr);
	return (rc);
}

/* The six parameters of one row, as text in the caller's arrays. */
struct ss_row_text {
	char id[24], rating[24], cepoch[24], mepoch[24], expires[24];
};

static void
ss_row_params(const struct summary_stamp *st, const char *body, struct ss_row_text *t,
    const char **params)
{
	snprintf(t->id, sizeof(t->id), "%lld", (long long)st->company_id);
	snprintf(t->rating, sizeof(t->rating), "%lld", (long long)st->rating_id);
	snprintf(t->cepoch, sizeof(t->cepoch), "%lld", (long long)st->company_epoch);
	snprintf(t->mepoch, sizeof(t->mepoch), "%lld", (long long)st->methodology_epoch);
	snprintf(t->expires, sizeof(t->expires), "%lld", (long long)st->expires_at);
	params[0] = t->id;
	params[1] = t->rating;
	params[2] = t->cepoch;
	params[3] = t->mepoch;
	params[4] = t->expires;
	params[5] = body;
}

static int
ss_id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

static int
ss_exec_ok(PGconn *conn, const char *sql, ExecStatusType want)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == want;

	PQclear(res);
	return (ok);
}

/* Store the n rendered rows (stamps, bodies) on conn in one transaction: lock their
 * companies (skipping those held by a writer), then store the locked ones still as
 * rendered. 0, or -1 (logged). */
static int
ss_store(PGconn *conn, const struct summary_stamp *stamps, char *const *bodies, size_t n)
{
	struct ss_row_text *t = calloc(n, sizeof(*t));
	const char **params = calloc(n * SS_NPARAMS, sizeof(*params));
	int64_t *locked = calloc(n, sizeof(*locked));
	const char *lock_params[1];
	struct buf ids, sql;
	PGresult *res = NULL;
	size_t i, m = 0;
	int rows, k, rc = -1;

	buf_init(&ids, 64 + n * 24);
	buf_init(&sql, 1024 * 1024);  /* the statement; the bodies are parameters */
	if (t == NULL || params == NULL || locked == NULL)
		goto out;
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		log_error("summaries: not stored: the connection is in a transaction");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (buf_appendf(&ids, "%s%lld", i ? "," : "{",
		    (long long)stamps[i].company_id) != 0)
			goto out;
	if (buf_append(&ids, "}", 1) != 0 || !ss_exec_ok(conn, "BEGIN", PGRES_COMMAND_OK))
		goto out;
	lock_params[0] = ids.data;
	res = PQexecParams(conn, SS_LOCK_SQL, 1, NULL, lock_params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) > (int)n)
		goto failed;
	/* The rows whose company was locked (the ids come back in order), in the order
	 * given. */
	rows = PQntuples(res);
	for (k = 0; k < rows; k++)
		locked[k] = strtoll(PQgetvalue(res, k, 0), NULL, 10);
	for (i = 0; i < n; i++)
		if (bsearch(&stamps[i].company_id, locked, (size_t)rows, sizeof(*locked),
		    ss_id_cmp) != NULL) {
			ss_row_params(&stamps[i], bodies[i], &t[m], params + m * SS_NPARAMS);
			m++;
		}
	PQclear(res);
	res = NULL;
	if (m > 0) {
		if (ss_insert_sql(&sql, m) != 0)
			goto failed;
		res = PQexecParams(conn, sql.data, (int)(m * SS_NPARAMS), NULL, params, NULL,
		    NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			goto failed;
	}
	if (ss_exec_ok(conn, "COMMIT", PGRES_COMMAND_OK))
		rc = 0;
	else
		log_error("summaries: cannot store %zu summaries: %s", n, PQerrorMessage(conn));
	goto out;
failed:
	log_error("summaries: cannot store %zu summaries: %s", n, PQerrorMessage(conn));
	(void)ss_exec_ok(conn, "ROLLBACK", PGRES_COMMAND_OK);
out:
	PQclear(res);
	buf_free(&sql);
	buf_free(&ids);
	free(locked);
	free(params);
	free(t);
	return (rc);
}

int
summary_store_put(PGconn *conn, const struct summary_stamp *stamp, const char *body)
{
	char *bodies[1] = {(char *)body};

	return (ss_store(conn, stamp, bodies, 1));
}

/* One batch of rendered summaries, written as one multi-row upsert. */
struct ss_batch {
	struct summary_stamp *stamps;
	char **bodies;
	size_t n, cap;
};

static int
ss_batch_add(void *arg, const struct summary_stamp *stamp, json_t *summary)
{
	struct ss_batch *b = arg;
	size_t len;
	char *body;

	if (b->n == b->cap || (body = summary_store_encode(summary, &len)) == NULL)
		return (-1);
	b->stamps[b->n] = *stamp;
	b->bodies[b->n++] = body;
	return (0);
}

static void
ss_batch_clear(struct ss_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->bodies[i]);
	b->n = 0;
}

/* One thread of summary_store_render_stale: the companies with ids in (lo, hi]. */
struct ss_part {
	struct db_pool *pool;
	int64_t now, lo, hi;
	unsigned batch;
	struct ss_progress *shared;
	int failed;
};

/* What the parts share: the count so far and the caller's callback. */
struct ss_progress {
	pthread_mutex_t lock;
	long done;
	void (*fn)(void *arg, long done);
	void *arg;
};

static void *
ss_part_run(void *arg)
{
	struct ss_part *part = arg;
	struct ss_batch b = {0};
	int64_t after = part->lo;
	PGconn *conn;
	int n;

	part->failed = 1;
	b.cap = part->batch;
	b.stamps = calloc(b.cap, sizeof(*b.stamps));
	b.bodies = calloc(b.cap, sizeof(*b.bodies));
	if (b.stamps == NULL || b.bodies == NULL ||
	    (conn = db_pool_acquire(part->pool, NULL)) == NULL)
		goto out;
	for (;;) {
		n = company_store_summaries_stale(part->pool, conn, after, part->hi,
		    part->now, part->batch, ss_batch_add, &b);
		if (n < 0 || (b.n > 0 && ss_store(conn, b.stamps, b.bodies, b.n) != 0))
			break;
		if (n == 0) {
			part->failed = 0;
			break;
		}
		after = b.stamps[b.n - 1].company_id;
		ss_batch_clear(&b);
		pthread_mutex_lock(&part->shared->lock);
		part->shared->done += n;
		if (part->shared->fn != NULL)
			part->shared->fn(part->shared->arg, part->shared->done);
		pthread_mutex_unlock(&part->shared->lock);
	}
	db_pool_release(part->pool, conn);
out:
	ss_batch_clear(&b);
	free(b.stamps);
	free(b.bodies);
	return (NULL);
}

long
summary_store_render_stale(struct db_pool *pool, PGconn *conn, int64_t now,
    unsigned batch, unsigned threads, void (*progress)(void *arg, long done), void *arg)
{
	struct ss_progress shared = {PTHREAD_MUTEX_INITIALIZER, 0, progress, arg};
	struct ss_part parts[SUMMARY_STORE_THREADS_MAX];
	pthread_t tids[SUMMARY_STORE_THREADS_MAX];
	int64_t lo, hi, step;
	PGresult *res;
	unsigned i, started = 0;
	int failed = 0;

	if (batch == 0 || threads == 0 || threads > SUMMARY_STORE_THREADS_MAX)
		return (-1);
	/* Split the public companies' ids into threads contiguous ranges. */
	res = PQexec(conn, "SELECT coalesce(min(id), 0) - 1, coalesce(max(id), 0)"
	    " FROM companies WHERE visibility = 'public'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("summaries: cannot read the companies' ids: %s", PQerrorMessage(conn));
		PQclear(res);
		return (-1);
	}
	lo = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	hi = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	step = (hi - lo + threads - 1) / threads;
	for (i = 0; i < threads; i++) {
		parts[i] = (struct ss_part){pool, now, lo + (int64_t)i * step,
		    i + 1 == threads ? hi : lo + (int64_t)(i + 1) * step, batch, &shared, 0};
		if (pthread_create(&tids[i], NULL, ss_part_run, &parts[i]) != 0) {
			failed = 1;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(tids[i], NULL);
		failed |= parts[i].failed;
	}
	return (failed ? -1 : shared.done);
}

char *
summary_store_encode(const json_t *summary, size_t *len)
{
	size_t n = json_dumpb(summary, NULL, 0, RATING_JSON_DUMP_FLAGS);
	char *body;

	if (n == 0 || (body = malloc(n + 2)) == NULL)
		return (NULL);
	if (json_dumpb(summary, body, n, RATING_JSON_DUMP_FLAGS) != n) {
		free(body);
		return (NULL);
	}
	body[n] = '\n';
	body[n + 1] = '\0';
	*len = n + 1;
	return (body);
}

void
summary_store_counts(uint64_t *hits, uint64_t *misses, uint64_t *batched)
{
	*batched = atomic_load_explicit(&ss_batched, memory_order_relaxed);
	*hits = atomic_load_explicit(&ss_hits, memory_order_relaxed);
	*misses = atomic_load_explicit(&ss_misses, memory_order_relaxed);
}
