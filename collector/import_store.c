#include "collector/import_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/import_sql.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

#define STORE_COPY_FLUSH (256 * 1024)
#define STORE_COPY_LIMIT (1024 * 1024)
#define STORE_ARRAY_LIMIT (16 * 1024 * 1024)

struct import_store {
	PGconn *conn;
	enum import_kind kind;
	int copying;
	struct buf copy;
	long rows;
	struct coverage_batch *coverage;   /* written before the commit; not owned */
	import_store_report_fn *warn;      /* stale rows (import_store_set_warn) */
	void *warn_arg;
	int resolved;                      /* import_store_begin_resolved: rows go to
	                                      ev_merged with their ids */
	long first_line, last_line;        /* of the rows staged */
};

static const char *const store_stage_sql[] = {
	"CREATE TEMP TABLE stage_companies (line bigint NOT NULL, slug text, name text,"
	" sector text, size_band text, country text, visibility text, domains text[],"
	" ip_ranges text[]) ON COMMIT DROP",
	"CREATE TEMP TABLE stage_evidence (line bigint NOT NULL, company text,"
	" asset_kind text, asset_value text, check_code text, outcome text,"
	" observation_key text, first_seen timestamptz, last_seen timestamptz, source text,"
	" collector_version text, details text) ON COMMIT DROP",
	"CREATE TEMP TABLE stage_incidents (line bigint NOT NULL, company text,"
	" occurred_at timestamptz, disclosed_at timestamptz, kind text, severity text,"
	" source text, external_ref text, summary text) ON COMMIT DROP",
};

static const char *const store_copy_sql[] = {
	"COPY stage_companies FROM STDIN",
	"COPY stage_evidence FROM STDIN",
	"COPY stage_incidents FROM STDIN",
};

/* Evidence named by id (import_store_begin_resolved): the rows as the upsert reads
 * them, staged directly. */
static const char store_stage_resolved[] =
    "CREATE TEMP TABLE ev_merged (line bigint NOT NULL, company_id bigint, asset_id bigint,"
    " check_code text, outcome text, observation_key text, first_seen timestamptz,"
    " last_seen timestamptz, source text, collector_version text, details text)"
    " ON COMMIT DROP";

/* A store of kind in a new transaction on conn, its stage table made by stage_sql;
 * NULL after logging (nothing left open). */
static struct import_store *
store_open(PGconn *conn, enum import_kind kind, const char *stage_sql)
{
	struct import_store *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_error("import: out of memory");
		return (NULL);
	}
	s->conn = conn;
	s->kind = kind;
	buf_init(&s->copy, STORE_COPY_LIMIT);
	if (db_begin(conn) != 0)
		goto err1;
	if (db_exec(conn, stage_sql, 0, NULL) != 0)
		goto err2;
	return (s);

err2:
	db_rollback(conn);
err1:
	buf_free(&s->copy);
	free(s);
	return (NULL);
}

/* Start s's COPY into its stage table (copy_sql); 0, or -1 (logged). */
static int
store_copy_start(struct import_store *s, const char *copy_sql)
{
	PGresult *res = PQexec(s->conn, copy_sql);

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		log_error("import: cannot stage rows: %s", PQerrorMessage(s->conn));
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	s->copying = 1;
	return (0);
}

struct import_store *
import_store_begin(PGconn *conn, enum import_kind kind)
{
	struct import_store *s;

	if ((s = store_open(conn, kind, store_stage_sql[kind])) == NULL)
		return (NULL);
	if ((kind == IMPORT_INCIDENTS && db_exec(conn, store_stage_sql[IMPORT_EVIDENCE], 0,
	    NULL) != 0) || store_copy_start(s, store_copy_sql[kind]) != 0) {
		import_store_abort(s);
		return (NULL);
	}
	return (s);
}

struct import_store *
import_store_begin_resolved(PGconn *conn)
{
	struct import_store *s;

	/* The COPY starts with the first row: the resolution runs before it. */
	if ((s = store_open(conn, IMPORT_EVIDENCE, store_stage_resolved)) != NULL)
		s->resolved = 1;
	return (s);
}

static int
store_flush(struct import_store *s)
{
	if (s->copy.len > 0 && PQputCopyData(s->conn, s->copy.data, (int)s->copy.len) != 1) {
		log_error("import: staging rows failed: %s", PQerrorMessage(s->conn));
		return (-1);
	}
	buf_reset(&s->copy);
	return (0);
}

/* Append one COPY text-format field: NULL as \N, the escapes of COPY otherwise. */
static int
store_field(struct import_store *s, const char *v, size_t n, int last)
{
	size_t i, run = 0;
	int rc = 0;

	if (v == NULL) {
		rc = buf_append(&s->copy, "\\N", 2);
	} else {
		for (i = 0; i < n && rc == 0; i++) {
			const char *esc = NULL;

			switch (v[i]) {
			case '\\': esc = "\\\\"; break;
			case '\t': esc = "\\t"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			default: continue;
			}
			rc = buf_append(&s->copy, v + run, i - run);
			if (rc == 0)
				rc = buf_append(&s->copy, esc, 2);
			run = i + 1;
		}
		if (rc == 0)
			rc = buf_append(&s->copy, v + run, n - run);
	}
	if (rc == 0)
		rc = buf_append(&s->copy, last ? "\n" : "\t", 1);
	if (rc != 0)
		log_error("import: a staged row is too large");
	return (rc);
}

static int
store_text(struct import_store *s, const char *v)
{
	return (store_field(s, v, v ? strlen(v) : 0, 0));
}

static int
store_time(struct import_store *s, int64_t t)
{
	char iso[21];

	return (store_text(s, timefmt_format(t, iso)));
}

static int
store_row_start(struct import_store *s, long line)
{
	char n[24];

	if (s->copy.len >= STORE_COPY_FLUSH && store_flush(s) != 0)
		return (-1);
	snprintf(n, sizeof(n), "%ld", line);
	if (s->rows++ == 0)
		s->first_line = line;
	s->last_line = line;
	return (store_text(s, n));
}

static int
store_id(struct import_store *s, int64_t id)
{
	char n[24];

	if (id == 0)
		return (store_text(s, NULL));
	snprintf(n, sizeof(n), "%lld", (long long)id);
	return (store_text(s, n));
}

static int
store_row_end(struct import_store *s, const char *v, size_t n)
{
	return (store_field(s, v, n, 1));
}

/* An array literal of the assets of one kind; their characters need no quoting. */
static int
store_assets(struct import_store *s, const struct import_company *c,
    enum import_asset_kind kind, int last)
{
	struct buf b;
	size_t i;
	int rc = 0, first = 1;

	buf_init(&b, 2 * IMPORT_MAX_FIELD);
	rc = buf_append(&b, "{", 1);
	for (i = 0; i < c->nassets && rc == 0; i++) {
		if (c->assets[i].kind != kind)
			continue;
		rc = buf_appendf(&b, "%s%s", first ? "" : ",", c->assets[i].value);
		first = 0;
	}
	if (rc == 0)
		rc = buf_append(&b, "}", 1);
	if (rc == 0)
		rc = store_field(s, b.data, b.len, last);
	else
		log_error("import: out of memory");
	buf_free(&b);
	return (rc);
}

int
import_store_add_company(struct import_store *s, long line, const struct import_company *c)
{
	if (store_row_start(s, line) || store_text(s, c->slug) || store_text(s, c->name) ||
	    store_text(s, c->sector) || store_text(s, c->size_band) ||
	    store_text(s, c->country) ||
	    store_text(s, c->visibility[0] ? c->visibility : NULL) ||
	    store_assets(s, c, IMPORT_ASSET_DOMAIN, 0) ||
	    store_assets(s, c, IMPORT_ASSET_IP_RANGE, 1))
		return (-1);
	return (0);
}

int
import_store_add_evidence(struct import_store *s, long line, const struct import_evidence *e)
{
	int asset = e->asset.kind != IMPORT_ASSET_NONE;

	if (store_row_start(s, line) || store_text(s, e->company) ||
	    store_text(s, !asset ? NULL :
	    e->asset.kind == IMPORT_ASSET_DOMAIN ? "domain" : "ip_range") ||
	    store_text(s, asset ? e->asset.value : NULL) || store_text(s, e->check_code) ||
	    store_text(s, e->outcome) || store_text(s, e->observation_key) ||
	    store_time(s, e->first_seen) || store_time(s, e->last_seen) ||
	    store_text(s, e->source) || store_text(s, e->collector_version) ||
	    store_row_end(s, e->details, e->details_len))
		return (-1);
	return (0);
}

int
import_store_add_resolved(struct import_store *s, long line, int64_t company_id,
    int64_t asset_id, const struct import_evidence *e)
{
	/* The COPY starts with the first row: the resolution runs before it. */
	if (!s->copying && store_copy_start(s, "COPY ev_merged FROM STDIN") != 0)
		return (-1);
	if (store_row_start(s, line) || store_id(s, company_id) || store_id(s, asset_id) ||
	    store_text(s, e->check_code) || store_text(s, e->outcome) ||
	    store_text(s, e->observation_key) || store_time(s, e->first_seen) ||
	    store_time(s, e->last_seen) || store_text(s, e->source) ||
	    store_text(s, e->collector_version) ||
	    store_row_end(s, e->details, e->details_len))
		return (-1);
	return (0);
}

int
import_store_add_incident(struct import_store *s, long line, const struct import_incident *i)
{
	if (store_row_start(s, line) || store_text(s, i->company) ||
	    store_time(s, i->occurred_at) ||
	    (i->disclosed ? store_time(s, i->disclosed_at) : store_text(s, NULL)) ||
	    store_text(s, i->kind) || store_text(s, i->severity) || store_text(s, i->source) ||
	    store_text(s, i->external_ref) ||
	    store_row_end(s, i->summary, strlen(i->summary)))
		return (-1);
	return (0);
}

/* Finish the COPY; 0 or -1 (logged). With abort, the COPY is cancelled. */
static int
store_copy_end(struct import_store *s, int abort)
{
	PGresult *res;
	int rc = 0;

	if (!s->copying)
		return (0);
	s->copying = 0;
	if (!abort && store_flush(s) != 0)
		abort = 1, rc = -1;
	if (PQputCopyEnd(s->conn, abort ? "import abandoned" : NULL) != 1) {
		log_error("import: staging rows failed: %s", PQerrorMessage(s->conn));
		rc = -1;
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		if (!abort && PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_error("import: staging rows failed: %s", PQresultErrorMessage(res));
			rc = -1;
		}
		PQclear(res);
	}
	return (rc);
}

void
import_store_abort(struct import_store *s)
{
	if (s == NULL)
		return;
	store_copy_end(s, 1);
	db_rollback(s->conn);
	buf_free(&s->copy);
	free(s);
}


struct store_finish {
	struct import_store *s;
	long max_reports;
	import_store_report_fn *report;
	void *arg;
	long *rejected;
};

/* Run a problems query; 0 (with *f->rejected counting the rows found) or -1. */
static int
store_problems(struct store_finish *f, const char *sql)
{
	char limit[24];
	const char *params[1] = {limit};
	PGresult *res;
	int i;

	snprintf(limit, sizeof(limit), "%ld", f->max_reports);
	if ((res = db_query(f->s->conn, sql, 1, params)) == NULL)
		return (-1);
	for (i = 0; i < PQntuples(res); i++)
		f->report(f->arg, atol(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1));
	if (PQntuples(res) > 0)
		*f->rejected = atol(PQgetvalue(res, 0, 2));
	PQclear(res);
	return (0);
}

static int
store_is_data_error(const PGresult *res)
{
	const char *state = db_sqlstate(res);

	return (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0);
}

/* Run sql over lines first..last; 1 done (counts in a, b), 0 a data error (its
 * message in msg), -1 any other failure (logged). */
static int
store_try(PGconn *conn, const char *sql, long first, long last, const char *extra, long *a,
    long *b, char *msg, size_t msglen)
{
	char lo_s[24], hi_s[24];
	const char *params[3] = {lo_s, hi_s, extra};
	const char *primary;
	PGresult *res;
	int rc;

	snprintf(lo_s, sizeof(lo_s), "%ld", first);
	snprintf(hi_s, sizeof(hi_s), "%ld", last);
	res = PQexecParams(conn, sql, extra ? 3 : 2, NULL, params, NULL, NULL, 0);
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK) {
		*a = atol(PQgetvalue(res, 0, 0));
		*b = atol(PQgetvalue(res, 0, 1));
		rc = 1;
	} else if (res != NULL && store_is_data_error(res)) {
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		snprintf(msg, msglen, "%s", primary ? primary : "?");
		rc = 0;
	} else {
		log_error("import: database: %s", res ? PQresultErrorMessage(res) :
		    PQerrorMessage(conn));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

/*
 * Run an upsert ($1, $2: a range of lines; $3: extra) over every line in the range
 * bounds_sql returns. 0 with its two counts in a and b; 1 when the database rejected
 * a row: the first line that fails is found by halving the range under a savepoint,
 * and reported; -1 on any other failure (logged).
 */
static int
store_upsert_lines(struct store_finish *f, long first, long hi, const char *sql,
    const char *extra, long *a, long *b)
{
	char msg[400], line_msg[480];
	PGconn *conn = f->s->conn;
	long lo = first, mid;
	int rc;

	if (db_exec(conn, "SAVEPOINT import_try", 0, NULL) != 0)
		return (-1);
	if ((rc = store_try(conn, sql, first, hi, extra, a, b, msg, sizeof(msg))) != 0)
		return (rc < 0 ? -1 : db_exec(conn, "RELEASE SAVEPOINT import_try", 0, NULL));
	while (lo < hi) {
		if (db_exec(conn, "ROLLBACK TO SAVEPOINT import_try", 0, NULL) != 0)
			return (-1);
		mid = lo + (hi - lo) / 2;
		if ((rc = store_try(conn, sql, first, mid, extra, a, b, msg, sizeof(msg))) < 0)
			return (-1);
		if (rc == 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(line_msg, sizeof(line_msg), "rejected by the database: %s", msg);
	f->report(f->arg, lo, line_msg);
	*f->rejected = 1;
	return (1);
}

/* store_upsert_lines over the range of lines bounds_sql returns. */
static int
store_upsert(struct store_finish *f, const char *bounds_sql, const char *sql,
    const char *extra, long *a, long *b)
{
	PGresult *res;
	long first, hi;

	if ((res = db_query(f->s->conn, bounds_sql, 0, NULL)) == NULL)
		return (-1);
	first = atol(PQgetvalue(res, 0, 0));
	hi = atol(PQgetvalue(res, 0, 1));
	PQclear(res);
	return (store_upsert_lines(f, first, hi, sql, extra, a, b));
}

/* Warn of the rows no rating will count (import_store_set_warn). 0 or -1. */
static int
store_stale(struct store_finish *f, struct import_counts *counts)
{
	char limit[24];
	const char *params[1] = {limit};
	PGresult *res;
	int i;

	snprintf(limit, sizeof(limit), "%ld", f->max_reports);
	if ((res = db_query(f->s->conn, import_sql_evidence_stale, 1, params)) == NULL)
		return (-1);
	for (i = 0; i < PQntuples(res); i++)
		f->s->warn(f->s->warn_arg, atol(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1));
	counts->evidence_stale = PQntuples(res) > 0 ? atol(PQgetvalue(res, 0, 2)) : 0;
	PQclear(res);
	return (0);
}

/* Resolve, check, merge and write the staged evidence. 0, 1 (rejected) or -1. */
static int
store_evidence(struct store_finish *f, struct import_counts *counts)
{
	PGconn *conn = f->s->conn;
	PGresult *res;
	long merged;
	int rc, repeats;

	if (db_exec(conn, import_sql_known_checks, 0, NULL) != 0 ||
	    db_exec(conn, import_sql_resolve_evidence, 0, NULL) != 0 ||
	    store_problems(f, import_sql_evidence_problems) != 0)
		return (-1);
	if (*f->rejected > 0)
		return (1);
	if ((res = db_query(conn, import_sql_evidence_repeats, 0, NULL)) == NULL)
		return (-1);
	repeats = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (db_exec(conn, repeats ? import_sql_merge_evidence : import_sql_single_evidence, 0,
	    NULL) != 0)
		return (-1);
	if ((res = db_query(conn, "SELECT count(*) FROM ev_merged", 0, NULL)) == NULL)
		return (-1);
	merged = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (f->s->warn != NULL && store_stale(f, counts) != 0)
		return (-1);
	rc = store_upsert(f, "SELECT coalesce(min(line), 0), coalesce(max(line), 0)"
	    " FROM ev_merged", import_sql_upsert_evidence, NULL, &counts->evidence_inserted,
	    &counts->evidence_updated);
	counts->evidence_unchanged = merged - counts->evidence_inserted - counts->evidence_updated;
	return (rc);
}

/* Write evidence staged by id (import_store_begin_resolved): nothing to resolve,
 * check or merge. 0, 1 (rejected) or -1. */
static int
store_resolved(struct store_finish *f, struct import_counts *counts)
{
	int rc;

	if (f->s->warn != NULL && store_stale(f, counts) != 0)
		return (-1);
	rc = store_upsert_lines(f, f->s->first_line, f->s->last_line, import_sql_upsert_evidence,
	    NULL, &counts->evidence_inserted, &counts->evidence_updated);
	counts->evidence_unchanged = f->s->rows - counts->evidence_inserted -
	    counts->evidence_updated;
	counts->inserted = counts->evidence_inserted;
	counts->updated = counts->evidence_updated;
	return (rc);
}

static int
store_finish_companies(struct store_finish *f, const char *asset_source,
    struct import_counts *counts)
{
	static const char bounds[] = "SELECT coalesce(min(line), 0), coalesce(max(line), 0)"
	    " FROM stage_companies";
	long unused;
	int rc;

	if (db_exec(f->s->conn, "CREATE INDEX ON stage_companies (slug)", 0, NULL) != 0 ||
	    store_problems(f, import_sql_companies_problems) != 0)
		return (-1);
	if (*f->rejected > 0)
		return (1);
	/* Slugs are unique through company_slugs, not an index ON CONFLICT could wait on:
	 * two imports adding the same company take turns instead of one failing. */
	if (db_exec(f->s->conn, "LOCK TABLE company_slugs IN SHARE ROW EXCLUSIVE MODE", 0,
	    NULL) != 0)
		return (-1);
	if ((rc = store_upsert(f, bounds, import_sql_upsert_companies, NULL, &counts->inserted,
	    &counts->updated)) != 0)
		return (rc);
	return (store_upsert(f, bounds, import_sql_insert_assets, asset_source,
	    &counts->assets_added, &unused));
}

static int
store_finish_incidents(struct store_finish *f, struct import_counts *counts)
{
	int rc;

	if (store_problems(f, import_sql_incidents_problems) != 0)
		return (-1);
	if (*f->rejected > 0)
		return (1);
	if (db_exec(f->s->conn, import_sql_incident_evidence, 0, NULL) != 0)
		return (-1);
	if ((rc = store_upsert(f, "SELECT coalesce(min(line), 0), coalesce(max(line), 0)"
	    " FROM stage_incidents", import_sql_upsert_incidents, NULL, &counts->inserted,
	    &counts->updated)) != 0)
		return (rc);
	return (store_evidence(f, counts));
}

int
import_store_resolve_assets(struct import_store *s, const char *const *companies,
    const struct import_asset *assets, size_t n, struct import_asset_ref *refs)
{
	struct buf cols[3];
	const char *params[3];
	PGresult *res = NULL;
	size_t i, c;
	int bad = 0, rc = -1;

	for (c = 0; c < 3; c++) {
		buf_init(&cols[c], STORE_ARRAY_LIMIT);
		bad |= buf_append(&cols[c], "{", 1);
	}
	for (i = 0; i < n && !bad; i++) {
		const struct import_asset *a = &assets[i];

		bad |= db_array_add_text(&cols[0], companies[i]);
		bad |= db_array_add_text(&cols[1], a->kind == IMPORT_ASSET_DOMAIN ? "domain" :
		    a->kind == IMPORT_ASSET_IP_RANGE ? "ip_range" : "");
		bad |= db_array_add_text(&cols[2], a->value);
	}
	for (c = 0; c < 3; c++) {
		bad |= buf_append(&cols[c], "}", 1);
		params[c] = cols[c].data;
	}
	if (bad) {
		log_error("import: too many assets to resolve at once");
		goto done;
	}
	if ((res = db_query(s->conn, import_sql_resolve_assets, 3, params)) == NULL)
		goto done;
	if ((size_t)PQntuples(res) != n) {
		log_error("import: resolving assets: %d rows for %zu", PQntuples(res), n);
		goto done;
	}
	for (i = 0; i < n; i++) {
		refs[i].company_id = PQgetisnull(res, (int)i, 0) ? 0 :
		    strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		refs[i].asset_id = PQgetisnull(res, (int)i, 1) ? 0 :
		    strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
		refs[i].detached = strcmp(PQgetvalue(res, (int)i, 2), "t") == 0;
	}
	rc = 0;
done:
	PQclear(res);
	for (c = 0; c < 3; c++)
		buf_free(&cols[c]);
	return (rc);
}

int
import_store_known_checks(struct import_store *s, const char *const *codes, size_t n,
    unsigned char *known)
{
	struct buf arr;
	const char *params[1];
	PGresult *res;
	size_t i;
	int bad, row;

	buf_init(&arr, STORE_ARRAY_LIMIT);
	bad = buf_append(&arr, "{", 1);
	for (i = 0; i < n && !bad; i++)
		bad |= db_array_add_text(&arr, codes[i]);
	bad |= buf_append(&arr, "}", 1);
	if (bad) {
		log_error("import: too many check codes at once");
		buf_free(&arr);
		return (-1);
	}
	params[0] = arr.data;
	res = db_query(s->conn, import_sql_known_of, 1, params);
	buf_free(&arr);
	if (res == NULL)
		return (-1);
	memset(known, 0, n);
	for (row = 0; row < PQntuples(res); row++) {
		long at = atol(PQgetvalue(res, row, 0));

		if (at >= 1 && (size_t)at <= n)
			known[at - 1] = 1;
	}
	PQclear(res);
	return (0);
}

void
import_store_set_coverage(struct import_store *s, struct coverage_batch *coverage)
{
	s->coverage = coverage;
}

void
import_store_set_warn(struct import_store *s, import_store_report_fn *warn, void *arg)
{
	s->warn = warn;
	s->warn_arg = arg;
}

/* Check and write the rows staged by name. 0, 1 (rejected) or -1. */
static int
store_finish_staged(struct store_finish *f, const char *asset_source,
    struct import_counts *counts)
{
	struct import_store *s = f->s;
	int rc = -1;

	/* Temporary tables get no statistics by themselves; the joins need them. Of
	 * staged evidence only the columns the resolution joins on: the others (details
	 * above all) would cost more to sample than the whole resolution. */
	if (db_exec(s->conn, s->kind == IMPORT_COMPANIES ? "ANALYZE stage_companies" :
	    s->kind == IMPORT_EVIDENCE ? "ANALYZE stage_evidence (company, asset_kind,"
	    " asset_value, check_code)" : "ANALYZE stage_incidents", 0, NULL) != 0)
		return (-1);
	switch (s->kind) {
	case IMPORT_COMPANIES:
		rc = store_finish_companies(f, asset_source, counts);
		break;
	case IMPORT_EVIDENCE:
		rc = store_evidence(f, counts);
		counts->inserted = counts->evidence_inserted;
		counts->updated = counts->evidence_updated;
		break;
	case IMPORT_INCIDENTS:
		rc = store_finish_incidents(f, counts);
		break;
	}
	return (rc);
}

int
import_store_finish(struct import_store *s, const char *asset_source, long max_reports,
    import_store_report_fn *report, void *arg, long *rejected, struct import_counts *counts)
{
	struct store_finish f = {s, max_reports, report, arg, rejected};
	int rc = -1;

	memset(counts, 0, sizeof(*counts));
	*rejected = 0;
	counts->rows = s->rows;
	if (store_copy_end(s, 0) != 0)
		goto done;
	if (s->resolved)
		rc = s->rows == 0 ? 0 : store_resolved(&f, counts);
	else
		rc = store_finish_staged(&f, asset_source, counts);
	if (rc == 0 && s->coverage != NULL && coverage_batch_write(s->conn, s->coverage) != 0)
		rc = -1;
	if (rc == 0 && db_commit(s->conn) != 0)
		rc = -1;
done:
	if (rc != 0)
		db_rollback(s->conn);
	buf_free(&s->copy);
	free(s);
	return (rc);
}
