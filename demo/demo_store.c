/*
 * COPY writer for the demo world. The generator is pure and deterministic, so it is
 * run once per table, each run feeding one COPY stream: no row is held in memory
 * beyond a 64 KiB send buffer.
 */
#include "demo/demo_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

#define DEMO_STORE_FLUSH (64 * 1024)
#define DEMO_STORE_ROW_LIMIT (1024 * 1024)

struct demo_copy {
	PGconn *conn;
	struct buf out;                 /* rows not yet sent */
	long long company_base;         /* id of company 0 */
	long long asset_base;           /* id of asset 0 */
	struct demo_store_summary *sum;
	struct progress *meter;         /* this pass's, on a terminal (common/progress.h) */
	int failed;
};

/* The pass has reached the rows of company index (0-based). */
static void
demo_copy_progress(struct demo_copy *c, long long index)
{
	progress_update(c->meter, (uint64_t)index + 1);
}

/* Append s to the COPY text, escaped (text format). */
static int
demo_copy_text(struct demo_copy *c, const char *s)
{
	const char *p;
	int rc = 0;

	for (p = s; *p && rc == 0; p++) {
		switch (*p) {
		case '\\':
			rc = buf_append(&c->out, "\\\\", 2);
			break;
		case '\t':
			rc = buf_append(&c->out, "\\t", 2);
			break;
		case '\n':
			rc = buf_append(&c->out, "\\n", 2);
			break;
		case '\r':
			rc = buf_append(&c->out, "\\r", 2);
			break;
		default:
			rc = buf_append(&c->out, p, 1);
		}
	}
	return (rc);
}

/* Append fields: each is text (escaped) or NULL (\N), tab-separated, then a newline;
 * flush the buffer to the server once it is large. */
static int
demo_copy_row(struct demo_copy *c, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((i > 0 && buf_append(&c->out, "\t", 1) != 0) ||
		    (fields[i] == NULL ? buf_append(&c->out, "\\N", 2) :
		    demo_copy_text(c, fields[i])) != 0) {
			log_error("demo: a row does not fit the COPY buffer");
			return (c->failed = 1, -1);
		}
	}
	if (buf_append(&c->out, "\n", 1) != 0) {
		log_error("demo: a row does not fit the COPY buffer");
		return (c->failed = 1, -1);
	}
	if (c->out.len >= DEMO_STORE_FLUSH) {
		if (PQputCopyData(c->conn, c->out.data, (int)c->out.len) != 1) {
			log_error("demo: COPY failed: %s", PQerrorMessage(c->conn));
			return (c->failed = 1, -1);
		}
		buf_reset(&c->out);
	}
	return (0);
}

static int
demo_copy_company(void *ctx, const struct demo_company *co)
{
	struct demo_copy *c = ctx;
	char id[24], created[21];
	const char *f[9];

	demo_copy_progress(c, (long long)co->index);
	snprintf(id, sizeof(id), "%lld", c->company_base + (long long)co->index);
	timefmt_format(co->created_at, created);
	f[0] = id, f[1] = co->slug, f[2] = co->name, f[3] = co->sector;
	f[4] = co->size_band, f[5] = co->country, f[6] = co->visibility;
	f[7] = created, f[8] = created;
	c->sum->companies++;
	c->sum->private_companies += strcmp(co->visibility, "private") == 0;
	c->sum->sparse_companies += co->sparse;
	return (demo_copy_row(c, f, 9));
}

static int
demo_copy_asset(void *ctx, const struct demo_asset *a)
{
	struct demo_copy *c = ctx;
	char id[24], company[24], at[21];
	const char *f[7];

	demo_copy_progress(c, (long long)a->company);
	snprintf(id, sizeof(id), "%lld", c->asset_base + (long long)a->index);
	snprintf(company, sizeof(company), "%lld", c->company_base + (long long)a->company);
	timefmt_format(a->attributed_at, at);
	f[0] = id, f[1] = company, f[2] = a->kind, f[3] = a->value;
	f[4] = "demo", f[5] = "1", f[6] = at;
	c->sum->assets++;
	return (demo_copy_row(c, f, 7));
}

static int
demo_copy_evidence(void *ctx, const struct demo_evidence *e)
{
	struct demo_copy *c = ctx;
	char company[24], asset[24], first[21], last[21];
	const char *f[12];

	demo_copy_progress(c, (long long)e->company);
	snprintf(company, sizeof(company), "%lld", c->company_base + (long long)e->company);
	snprintf(asset, sizeof(asset), "%lld", c->asset_base + (long long)e->asset);
	timefmt_format(e->first_seen, first);
	timefmt_format(e->last_seen, last);
	f[0] = company, f[1] = e->asset < 0 ? NULL : asset, f[2] = e->check_code;
	f[3] = e->outcome, f[4] = e->observation_key, f[5] = e->details, f[6] = e->source;
	f[7] = "demo-1", f[8] = first, f[9] = last;
	f[10] = first, f[11] = last;    /* recorded_at, updated_at */
	c->sum->evidence++;
	c->sum->findings += strcmp(e->outcome, "fail") == 0;
	return (demo_copy_row(c, f, 12));
}

static int
demo_copy_incident(void *ctx, const struct demo_incident *in)
{
	struct demo_copy *c = ctx;
	char company[24], occurred[21], disclosed[21];
	const char *f[9];

	demo_copy_progress(c, (long long)in->company);
	snprintf(company, sizeof(company), "%lld", c->company_base + (long long)in->company);
	timefmt_format(in->occurred_at, occurred);
	timefmt_format(in->disclosed_at, disclosed);
	f[0] = company, f[1] = occurred, f[2] = in->disclosed_at ? disclosed : NULL;
	f[3] = in->kind, f[4] = in->severity, f[5] = in->source, f[6] = in->external_ref;
	f[7] = in->summary, f[8] = in->disclosed_at ? disclosed : occurred;
	c->sum->incidents++;
	c->sum->disclosed_incidents += in->disclosed_at != 0;
	return (demo_copy_row(c, f, 9));
}

/* One COPY statement fed by one run of the generator through sink. */
static int
demo_copy_run(struct demo_copy *c, const char *label, const char *sql,
    const struct demo_world_params *p, const struct demo_sink *sink)
{
	PGresult *res;
	int rc = -1, gen;

	res = PQexec(c->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		log_error("demo: cannot start COPY: %s", PQresultErrorMessage(res));
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	buf_reset(&c->out);
	c->meter = progress_new(label, (uint64_t)p->ncompanies, "companies");
	gen = demo_world_generate(p, sink);
	progress_finish(c->meter);
	c->meter = NULL;
	if (gen != 0 && !c->failed)
		log_error("demo: generating the world failed");
	if (gen == 0 && c->out.len > 0 &&
	    PQputCopyData(c->conn, c->out.data, (int)c->out.len) != 1) {
		log_error("demo: COPY failed: %s", PQerrorMessage(c->conn));
		gen = -1;
	}
	if (PQputCopyEnd(c->conn, gen == 0 ? NULL : "demo generation failed") != 1) {
		log_error("demo: COPY failed: %s", PQerrorMessage(c->conn));
		return (-1);
	}
	while ((res = PQgetResult(c->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			rc = 0;
		else if (gen == 0 && strcmp(db_sqlstate(res), "23505") == 0)
			log_error("demo: %s%s", PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) ?
			    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : "a row exists already",
			    ": the database already holds this demo world (use --if-empty, or an "
			    "empty database)");
		else if (gen == 0)
			log_error("demo: COPY failed: %s", PQresultErrorMessage(res));
		PQclear(res);
	}
	return (gen == 0 ? rc : -1);
}

/* The next id of table.id's sequence (the first of the block this load uses). */
static int
demo_store_next_id(PGconn *conn, const char *table, long long *first)
{
	const char *params[1] = {table};
	PGresult *res;

	res = db_query(conn, "SELECT nextval(pg_get_serial_sequence($1, 'id'))", 1, params);
	if (res == NULL)
		return (-1);
	*first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return (0);
}

/* Move table.id's sequence past the n ids from first that the load wrote itself. */
static int
demo_store_skip_ids(PGconn *conn, const char *table, long long first, long n)
{
	char last[24];
	const char *params[2] = {table, last};

	snprintf(last, sizeof(last), "%lld", first + (long long)n - 1);
	return (db_exec(conn, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2::bigint)",
	    2, params));
}

struct demo_customers_ctx {
	PGconn *conn;
	long long company_base;
	struct demo_store_summary *sum;
};

/* A demo customer and its subscription (few rows: plain INSERTs). */
static int
demo_store_customer(void *ctx, const struct demo_customer *cu)
{
	struct demo_customers_ctx *c = ctx;
	char started[21], company[24], value[24];
	const char *params[5];
	PGresult *res;
	int rc;

	timefmt_format(cu->started_at, started);
	params[0] = cu->name;
	params[1] = started;
	res = db_query(c->conn, "INSERT INTO commercial.customers (name, created_at) "
	    "VALUES ($1, $2) RETURNING id", 2, params);
	if (res == NULL)
		return (-1);
	c->sum->customers++;
	snprintf(company, sizeof(company), "%lld", c->company_base + (long long)cu->company);
	snprintf(value, sizeof(value), "%d", cu->annual_value_eur);
	params[0] = PQgetvalue(res, 0, 0);
	params[1] = cu->company >= 0 ? company : NULL;
	params[2] = cu->plan;
	params[3] = value;
	params[4] = started;
	rc = db_exec(c->conn, "INSERT INTO commercial.subscriptions (customer_id, company_id, "
	    "plan, annual_value_eur, started_at) VALUES ($1, $2, $3, $4, $5)", 5, params);
	PQclear(res);
	if (rc == 0)
		c->sum->subscriptions++;
	return (rc);
}

/* 1 when companies has a row, 0 when not, -1 on error. */
static int
demo_store_has_companies(PGconn *conn)
{
	PGresult *res = db_query(conn, "SELECT EXISTS (SELECT 1 FROM companies)", 0, NULL);
	int has;

	if (res == NULL)
		return (-1);
	has = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return (has);
}

int
demo_store_load(PGconn *conn, const struct demo_world_params *p, int if_empty,
    struct demo_store_summary *summary)
{
	struct demo_copy c;
	struct demo_sink sink;
	struct demo_customers_ctx cc;
	int rc = -1, has;

	memset(summary, 0, sizeof(*summary));
	memset(&c, 0, sizeof(c));
	c.conn = conn;
	c.sum = summary;
	buf_init(&c.out, DEMO_STORE_FLUSH + DEMO_STORE_ROW_LIMIT);
	if (db_begin(conn) != 0)
		goto cleanup;
	/* Writers wait for us (readers do not), so the emptiness seen below holds and
	 * nobody else takes ids from the sequences in the meantime. */
	if (db_exec(conn, "LOCK TABLE companies, assets IN SHARE ROW EXCLUSIVE MODE", 0,
	    NULL) != 0 || (has = demo_store_has_companies(conn)) < 0)
		goto rollback;
	if (has && if_empty) {
		summary->skipped = 1;
		rc = 0;
		goto rollback;
	}
	if (demo_store_next_id(conn, "companies", &c.company_base) != 0 ||
	    demo_store_next_id(conn, "assets", &c.asset_base) != 0)
		goto rollback;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &c;
	sink.company = demo_copy_company;
	if (demo_copy_run(&c, "demo companies",
	    "COPY companies (id, slug, name, sector, size_band, country, "
	    "visibility, created_at, updated_at) FROM STDIN", p, &sink) != 0)
		goto rollback;
	sink.company = NULL;
	sink.asset = demo_copy_asset;
	if (demo_copy_run(&c, "demo assets",
	    "COPY assets (id, company_id, kind, value, source, confidence, "
	    "attributed_at) FROM STDIN", p, &sink) != 0)
		goto rollback;
	sink.asset = NULL;
	sink.evidence = demo_copy_evidence;
	if (demo_copy_run(&c, "demo evidence",
	    "COPY evidence (company_id, asset_id, check_code, outcome, "
	    "observation_key, details, source, collector_version, first_seen, last_seen, "
	    "recorded_at, updated_at) FROM STDIN", p, &sink) != 0)
		goto rollback;
	sink.evidence = NULL;
	sink.incident = demo_copy_incident;
	if (demo_copy_run(&c, "demo incidents",
	    "COPY incidents (company_id, occurred_at, disclosed_at, kind, "
	    "severity, source, external_ref, summary, recorded_at) FROM STDIN", p, &sink) != 0)
		goto rollback;
	if (demo_store_skip_ids(conn, "companies", c.company_base, summary->companies) ||
	    demo_store_skip_ids(conn, "assets", c.asset_base, summary->assets))
		goto rollback;
	cc.conn = conn;
	cc.company_base = c.company_base;
	cc.sum = summary;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &cc;
	sink.customer = demo_store_customer;
	if (demo_world_generate(p, &sink) != 0 || db_commit(conn) != 0)
		goto rollback;
	rc = 0;
	/* Fresh statistics for the rater's first pass; the data is in either way. */
	if (db_exec(conn, "ANALYZE companies, assets, evidence, incidents", 0, NULL) != 0)
		log_error("demo: loaded, but ANALYZE failed (see above)");
	goto cleanup;
rollback:
	db_rollback(conn);
cleanup:
	buf_free(&c.out);
	return (rc);
}
