#include "rater/rating_store.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/pg_copy_binary.h"
#include "rater/plan.h"
#include "rater/rating_json.h"
#include "common/timefmt.h"

/* The rescoring lock: pg_advisory_lock(RATING_STORE_LOCK_CLASS, 1). "fair" in ASCII. */
#define RATING_STORE_LOCK_CLASS "1717658994"
/* A shard's own lock: (RATING_STORE_SHARD_LOCK_CLASS, n * 65536 + k). */
#define RATING_STORE_SHARD_LOCK_CLASS "1717658995"

/* Epoch conversions done by the server: whole seconds for the engine's times, exact
 * microseconds for the change times that decide a rating's reason. */
#define EPOCH_S(col) "extract(epoch FROM " col ")::bigint"
#define EPOCH_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/* The evidence stream is binary COPY: timestamps go out as PostgreSQL's own 64-bit
 * microseconds, with no text formatting on the server nor decimal parsing here (on
 * 2 million rows: 2.6 s of server time against 5.0 s as text with extract(epoch)).
 * Columns go out as stored, not as expressions (asset_id NULL is 0 and the status is
 * read here): evaluating coalesce() and a text comparison per row cost the server
 * another 13%. */
#define EVIDENCE_SELECT \
	"SELECT company_id, id, check_code, asset_id, outcome, status, first_seen, " \
	"last_seen, recorded_at, updated_at, observation_key " \
	"FROM evidence WHERE status IN ('active', 'disputed') "

/* Both streams read the companies with lo <= id < hi: one company, every company, or
 * one part of a run split over threads. The bounds are integers written into the
 * statement (COPY takes no parameters), so that the planner sees them: an index range
 * scan in company order, never a scan and sort of the whole table. */
#define RANGE_LO ":lo"
#define RANGE_HI ":hi"
/* Replaced by " AND mod(<id column>, n) = k - 1" in a sharded run, else by nothing. */
#define SHARD_OF_EVIDENCE ":se"
#define SHARD_OF_COMPANY ":sc"

static const char evidence_sql[] =
    "COPY (" EVIDENCE_SELECT "AND company_id >= " RANGE_LO " AND company_id < " RANGE_HI
    SHARD_OF_EVIDENCE " ORDER BY company_id, id) TO STDOUT (FORMAT binary)";

#define COMPANIES_SELECT \
	"SELECT c.id, c.slug, coalesce(a.n, 0), r.id, r.methodology_version, " \
	EPOCH_US("r.computed_at") ", " EPOCH_S("r.as_of") ", r.outcome_digest, " \
	EPOCH_US("k.corrected_at") ", r.inputs_digest, " RATING_STORE_COVERAGE_OF("c.id") ", " \
	"a.uncertain " \
	"FROM companies c " \
	"LEFT JOIN (SELECT company_id, count(*) AS n, " RATING_STORE_UNCERTAIN_AGG " AS uncertain" \
	"  FROM assets WHERE detached_at IS NULL AND company_id >= " RANGE_LO \
	"  AND company_id < " RANGE_HI " GROUP BY company_id) a ON a.company_id = c.id " \
	"LEFT JOIN (SELECT company_id, max(corrected_at) AS corrected_at FROM evidence " \
	"  WHERE status = 'corrected' AND company_id >= " RANGE_LO \
	"  AND company_id < " RANGE_HI " GROUP BY company_id) k ON k.company_id = c.id " \
	"LEFT JOIN LATERAL (SELECT id, methodology_version, computed_at, as_of, " \
	"  outcome_digest, inputs_digest FROM ratings WHERE company_id = c.id" \
	"  ORDER BY id DESC LIMIT 1) r " \
	"  ON true "

static const char companies_sql[] =
    "COPY (" COMPANIES_SELECT "WHERE c.id >= " RANGE_LO " AND c.id < " RANGE_HI
    SHARD_OF_COMPANY
    " ORDER BY c.id) TO STDOUT";

int
rating_store_copy_split(char *line, size_t len, char **fields, int max)
{
	size_t i = 0;
	char *out = line, *start = line;
	int n = 0, escaped_null;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	for (;;) {
		escaped_null = 0;
		start = out;
		if (i + 2 <= len && line[i] == '\\' && line[i + 1] == 'N' &&
		    (i + 2 == len || line[i + 2] == '\t')) {
			escaped_null = 1;
			i += 2;
		} else {
			while (i < len && line[i] != '\t') {
				char c = line[i++];

				if (c == '\\') {
					if (i >= len)
						return (-1);
					switch (line[i++]) {
					case '\\': c = '\\'; break;
					case 't': c = '\t'; break;
					case 'n': c = '\n'; break;
					case 'r': c = '\r'; break;
					case 'b': c = '\b'; break;
					case 'f': c = '\f'; break;
					case 'v': c = '\v'; break;
					default: return (-1);
					}
				}
				*out++ = c;
			}
		}
		if (n >= max)
			return (-1);
		fields[n++] = escaped_null ? NULL : start;
		if (i >= len) {
			*out = '\0';
			return (n);
		}
		/* line[i] is the tab: end this field (out never passes i). */
		*out++ = '\0';
		i++;
	}
}

int
rating_store_lock(PGconn *conn, int xact)
{
	return (db_exec(conn, xact ?
	    "SELECT pg_advisory_xact_lock(" RATING_STORE_LOCK_CLASS ", 1)" :
	    "SELECT pg_advisory_lock(" RATING_STORE_LOCK_CLASS ", 1)", 0, NULL));
}

void
rating_store_unlock(PGconn *conn)
{
	PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" RATING_STORE_LOCK_CLASS ", 1)"));
}

int
rating_store_lock_shard(PGconn *conn, const struct rating_store_shard *shard)
{
	char key[24];
	const char *params[1] = {key};

	snprintf(key, sizeof(key), "%d", shard->n * 65536 + shard->k);
	return (db_exec(conn, "SELECT pg_advisory_lock_shared(" RATING_STORE_LOCK_CLASS ", 1),"
	    " pg_advisory_lock(" RATING_STORE_SHARD_LOCK_CLASS ", $1::int)", 1, params));
}

void
rating_store_unlock_shard(PGconn *conn, const struct rating_store_shard *shard)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(" RATING_STORE_SHARD_LOCK_CLASS
	    ", %d), pg_advisory_unlock_shared(" RATING_STORE_LOCK_CLASS ", 1)",
	    shard->n * 65536 + shard->k);
	PQclear(PQexec(conn, sql));
}

/* A decimal int64 filling all of s (optional '-'); 0, or -1 when s is NULL, empty,
 * not all digits or out of range. Streams carry millions of these: no strtoll. */
static int
rating_store_parse_i64(const char *s, int64_t *out)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	int neg = 0;

	if (s == NULL)
		return (-1);
	if (*s == '-') {
		neg = 1;
		limit++;
		s++;
	}
	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (limit - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return (0);
}

int
rating_store_uncertain_parse(const char *text, struct rating_store_uncertain *l)
{
	struct rating_asset *grown, a;
	const char *p = text;
	char *end;

	l->n = 0;
	while (p != NULL && *p != '\0') {
		errno = 0;
		a.id = strtoll(p, &end, 10);
		if (end == p || *end != ':' || errno != 0 || a.id <= 0 ||
		    (l->n > 0 && a.id <= l->items[l->n - 1].id))
			return (-1);
		p = end + 1;
		a.confidence = strtod(p, &end);
		if (end == p || !(a.confidence > 0 && a.confidence < 1) ||
		    (*end != ',' && *end != '\0'))
			return (-1);
		p = *end == ',' ? end + 1 : end;
		if (l->n == l->cap) {
			if ((grown = realloc(l->items, (l->cap ? l->cap * 2 : 16) *
			    sizeof(*grown))) == NULL)
				return (-1);
			l->items = grown;
			l->cap = l->cap ? l->cap * 2 : 16;
		}
		l->items[l->n++] = a;
	}
	return (0);
}

void
rating_store_uncertain_free(struct rating_store_uncertain *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
rating_store_company_free(struct rating_store_company *c)
{
	rating_store_uncertain_free(&c->uncertain);
}

int
rating_store_coverage_parse(const char *text, struct rating_store_coverage *cov)
{
	const char *p = text, *sp, *end;
	char num[24];

	cov->n = 0;
	while (*p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL ||
		    (size_t)(sp - p) >= sizeof(cov->names[0]) ||
		    (size_t)(end - sp - 1) >= sizeof(num))
			return (-1);
		if (cov->n < RATING_STORE_MAX_COVERAGE) {
			memcpy(cov->names[cov->n], p, (size_t)(sp - p));
			cov->names[cov->n][sp - p] = '\0';
			memcpy(num, sp + 1, (size_t)(end - sp - 1));
			num[end - sp - 1] = '\0';
			if (rating_store_parse_i64(num, &cov->covered_at[cov->n]) != 0)
				return (-1);
			cov->n++;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return (0);
}

int
rating_store_snapshot_export(PGconn *conn, char snap[64], int64_t *now_us)
{
	PGresult *res;

	if (db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) != 0)
		return (-1);
	res = db_query(conn, "SELECT pg_export_snapshot(), " EPOCH_US("now()"), 0, NULL);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) != 1 || strlen(PQgetvalue(res, 0, 0)) >= 64 ||
	    rating_store_parse_i64(PQgetvalue(res, 0, 1), now_us) != 0) {
		log_error("rescore: unexpected answer exporting a snapshot");
		PQclear(res);
		goto fail;
	}
	snprintf(snap, 64, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
fail:
	db_rollback(conn);
	return (-1);
}

int
rating_store_snapshot_import(PGconn *conn, const char *snap)
{
	char sql[128];
	size_t i;

	/* SET TRANSACTION SNAPSHOT takes no parameters: the id is PostgreSQL's own, made
	 * of hex digits and dashes, and is checked before it goes into the statement. */
	for (i = 0; snap[i] != '\0'; i++)
		if (!((snap[i] >= '0' && snap[i] <= '9') || (snap[i] >= 'A' && snap[i] <= 'F') ||
		    (snap[i] >= 'a' && snap[i] <= 'f') || snap[i] == '-')) {
			log_error("rescore: malformed snapshot id");
			return (-1);
		}
	if (i == 0 || i > 60) {
		log_error("rescore: malformed snapshot id");
		return (-1);
	}
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snap);
	if (db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) != 0)
		return (-1);
	if (db_exec(conn, sql, 0, NULL) != 0) {
		db_rollback(conn);
		return (-1);
	}
	return (0);
}

static int
rating_store_scalar_i64(PGconn *conn, const char *sql, int nparams,
    const char *const *params, int64_t *out)
{
	PGresult *res = db_query(conn, sql, nparams, params);
	int rc = -1;

	if (res == NULL)
		return (-1);
	if (PQntuples(res) == 1 && rating_store_parse_i64(PQgetvalue(res, 0, 0), out) == 0)
		rc = 0;
	else
		log_error("rescore: unexpected answer to: %.60s", sql);
	PQclear(res);
	return (rc);
}

int
rating_store_now_us(PGconn *conn, int64_t *now_us)
{
	return (rating_store_scalar_i64(conn, "SELECT " EPOCH_US("clock_timestamp()"), 0,
	    NULL, now_us));
}

int
rating_store_company_id(PGconn *conn, const char *slug, int64_t *id)
{
	const char *params[1] = {slug};
	PGresult *res;
	int rc = -1;

	res = db_query(conn, "SELECT id FROM companies WHERE slug = $1", 1, params);
	if (res == NULL)
		return (-1);
	if (PQntuples(res) == 0)
		rc = 1;
	else if (rating_store_parse_i64(PQgetvalue(res, 0, 0), id) == 0)
		rc = 0;
	PQclear(res);
	return (rc);
}

/* The shard's n and k - 1 as parameter texts (n "1", k "0" when not sharded). */
static void
rating_store_shard_params(const struct rating_store_shard *shard, char *n, char *k)
{
	snprintf(n, 16, "%d", shard != NULL && shard->n > 0 ? shard->n : 1);
	snprintf(k, 16, "%d", shard != NULL && shard->n > 0 ? shard->k - 1 : 0);
}

int
rating_store_count_companies(PGconn *conn, int64_t company_id,
    const struct rating_store_shard *shard, int64_t *n)
{
	char idtext[24], sn[16], sk[16];
	const char *params[3] = {idtext, sn, sk};

	snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
	rating_store_shard_params(shard, sn, sk);
	return (rating_store_scalar_i64(conn,
	    "SELECT count(*) FROM companies WHERE ($1::bigint = 0 OR id = $1::bigint)"
	    " AND ($2::int = 1 OR mod(id, $2::int) = $3::int)", 3, params, n));
}

/* Start COPY sql on conn, with every RANGE_LO and RANGE_HI in it replaced by lo and
 * hi, and SHARD_OF_COMPANY and SHARD_OF_EVIDENCE by the shard's condition. */
static int
rating_store_copy_out(PGconn *conn, const char *sql, int64_t lo, int64_t hi,
    const struct rating_store_shard *shard)
{
	char text[2048];
	const char *p;
	size_t n = 0;
	int k;
	PGresult *res;

	for (p = sql; *p != '\0' && n < sizeof(text) - 64; p++) {
		if (strncmp(p, RANGE_LO, 3) == 0 || strncmp(p, RANGE_HI, 3) == 0) {
			k = snprintf(text + n, sizeof(text) - n, "%" PRId64, p[1] == 'l' ? lo : hi);
			n += (size_t)k;
			p += 2;
		} else if (strncmp(p, SHARD_OF_COMPANY, 3) == 0 ||
		    strncmp(p, SHARD_OF_EVIDENCE, 3) == 0) {
			if (shard != NULL && shard->n > 0)
				n += (size_t)snprintf(text + n, sizeof(text) - n,
				    " AND mod(%s, %d) = %d", p[2] == 'c' ? "c.id" : "company_id",
				    shard->n, shard->k - 1);
			p += 2;
		} else
			text[n++] = *p;
	}
	if (*p != '\0') {
		log_error("rescore: a stream statement does not fit %zu bytes", sizeof(text));
		return (-1);
	}
	text[n] = '\0';
	res = PQexec(conn, text);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_OUT) {
		log_error("database: %s(in: %.60s)", res ? PQresultErrorMessage(res) :
		    PQerrorMessage(conn), text);
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	return (0);
}

/* The plan settings of a stream over many companies, for this transaction only.
 * Both streams are read in company order from indexes (evidence_company_idx, the
 * companies' primary key), so that the first rows come at once and nothing is sorted:
 * on part of the table the planner would otherwise sort a parallel sequential scan,
 * which costs more CPU and holds the rater back until the sort is done. For the
 * companies stream the latest rating is one index probe per company: on a first run
 * the ratings table is empty when the plan is made and fills while the stream runs,
 * and a sequential scan per company would grow with every row written. JIT
 * compilation costs more than it saves here. One company is found through indexes
 * anyway, and its transaction may be the caller's (rescore_company), whose settings
 * are left alone. */
static int
rating_store_stream_settings(PGconn *conn, int64_t lo, int64_t hi)
{
	if (hi - lo <= 1)
		return (0);
	return (db_exec(conn, "SET LOCAL enable_seqscan = off", 0, NULL) != 0 ||
	    db_exec(conn, "SET LOCAL max_parallel_workers_per_gather = 0", 0, NULL) != 0 ||
	    db_exec(conn, "SET LOCAL jit = off", 0, NULL) != 0 ? -1 : 0);
}

int
rating_store_companies_start(PGconn *conn, int64_t lo, int64_t hi,
    const struct rating_store_shard *shard)
{
	if (rating_store_stream_settings(conn, lo, hi) != 0)
		return (-1);
	return (rating_store_copy_out(conn, companies_sql, lo, hi, shard));
}

int
rating_store_evidence_start(PGconn *conn, int64_t lo, int64_t hi,
    const struct rating_store_shard *shard)
{
	if (rating_store_stream_settings(conn, lo, hi) != 0)
		return (-1);
	return (rating_store_copy_out(conn, evidence_sql, lo, hi, shard));
}

int
rating_store_split(PGconn *conn, int parts, int64_t total,
    const struct rating_store_shard *shard, int64_t *bounds)
{
	char offset[24], sn[16], sk[16];
	const char *params[3] = {offset, sn, sk};
	int i;

	rating_store_shard_params(shard, sn, sk);
	bounds[0] = RATING_STORE_ALL_LO;
	bounds[parts] = RATING_STORE_ALL_HI;
	for (i = 1; i < parts; i++) {
		snprintf(offset, sizeof(offset), "%" PRId64, total * i / parts);
		if (total * i / parts == 0)
			bounds[i] = bounds[i - 1];
		else if (rating_store_scalar_i64(conn, "SELECT coalesce((SELECT id FROM companies "
		    "WHERE $2::int = 1 OR mod(id, $2::int) = $3::int "
		    "ORDER BY id OFFSET $1 LIMIT 1), 9223372036854775807)", 3, params,
		    &bounds[i]) != 0)
			return (-1);
	}
	return (0);
}

/* The end of a COPY on conn, either direction: its command's own result says whether
 * it completed. what starts the logged message ("" or "storing ratings: "). 0 or -1
 * (logged). */
static int
rating_store_copy_result(PGconn *conn, const char *what)
{
	PGresult *res;
	int ok = 1;

	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (ok)
				log_error("database: %s%s", what, PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return (ok ? 0 : -1);
}

/* Read the next COPY row on conn and split it into exactly nfields fields. The row
 * lives in *line (PQfreemem it). 1, 0 at a clean end, -1 on error. */
static int
rating_store_copy_row(PGconn *conn, char **line, char **fields, int nfields)
{
	int len, n;

	*line = NULL;
	len = PQgetCopyData(conn, line, 0);
	if (len > 0) {
		if (len > RATING_STORE_MAX_ROW) {
			log_error("rescore: a streamed row is longer than %d bytes",
			    RATING_STORE_MAX_ROW);
			return (-1);
		}
		n = rating_store_copy_split(*line, (size_t)len, fields, RATING_STORE_MAX_FIELDS);
		if (n != nfields) {
			log_error("rescore: malformed streamed row (%d fields)", n);
			return (-1);
		}
		return (1);
	}
	if (len == -2) {
		log_error("database: %s", PQerrorMessage(conn));
		return (-1);
	}
	return (rating_store_copy_result(conn, ""));
}

int
rating_store_companies_next(PGconn *conn, struct rating_store_company *out)
{
	char *line, *f[RATING_STORE_MAX_FIELDS];
	int rc;
	int64_t assets;

	struct rating_store_uncertain keep = out->uncertain;

	rc = rating_store_copy_row(conn, &line, f, 12);
	if (rc != 1)
		goto done;
	rc = -1;
	memset(out, 0, sizeof(*out));
	out->uncertain = keep;
	if (rating_store_parse_i64(f[0], &out->id) != 0 || f[1] == NULL ||
	    strlen(f[1]) >= sizeof(out->slug) || rating_store_parse_i64(f[2], &assets) != 0 ||
	    assets < 0)
		goto malformed;
	snprintf(out->slug, sizeof(out->slug), "%s", f[1]);
	out->asset_count = (size_t)assets;
	if (f[3] != NULL) {
		out->prev.exists = 1;
		if (rating_store_parse_i64(f[3], &out->prev.id) != 0 || f[4] == NULL ||
		    strlen(f[4]) >= sizeof(out->prev.methodology_version) ||
		    rating_store_parse_i64(f[5], &out->prev.computed_at_us) != 0 ||
		    rating_store_parse_i64(f[6], &out->prev.as_of) != 0 || f[7] == NULL ||
		    strlen(f[7]) != 64)
			goto malformed;
		snprintf(out->prev.methodology_version, sizeof(out->prev.methodology_version),
		    "%s", f[4]);
		memcpy(out->prev.outcome_digest, f[7], 65);
		if (f[9] != NULL && strlen(f[9]) != 64)
			goto malformed;
		snprintf(out->prev.inputs_digest, sizeof(out->prev.inputs_digest), "%s",
		    f[9] != NULL ? f[9] : "");
	}
	if (f[8] != NULL && rating_store_parse_i64(f[8], &out->last_corrected_us) != 0)
		goto malformed;
	if (f[10] != NULL && rating_store_coverage_parse(f[10], &out->coverage) != 0)
		goto malformed;
	if (rating_store_uncertain_parse(f[11], &out->uncertain) != 0)
		goto malformed;
	rc = 1;
	goto done;
malformed:
	log_error("rescore: malformed company row");
done:
	PQfreemem(line);
	return (rc);
}

/* The evidence columns of EVIDENCE_SELECT, in order. */
enum {
	EV_COMPANY, EV_ID, EV_CODE, EV_ASSET, EV_OUTCOME, EV_STATUS, EV_FIRST, EV_LAST,
	EV_RECORDED, EV_UPDATED, EV_KEY, EV_NFIELDS
};

/* Fill out from one binary evidence row. 1, 0 when the check code is longer than any
 * methodology's can be (the row is skipped), -1 when the row is malformed. */
static int
rating_store_evidence_row(const struct pg_copy_field *f, struct rating_store_evidence *out)
{
	char outcome[8], status[16];
	int64_t first_us, last_us;

	out->ev.asset_id = 0;
	if (pg_copy_binary_int8(&f[EV_COMPANY], &out->company_id) != 0 ||
	    pg_copy_binary_int8(&f[EV_ID], &out->ev.id) != 0 || f[EV_CODE].len < 0 ||
	    (f[EV_ASSET].len != -1 &&
	    pg_copy_binary_int8(&f[EV_ASSET], &out->ev.asset_id) != 0) ||
	    pg_copy_binary_text(&f[EV_OUTCOME], outcome, sizeof(outcome)) != 0 ||
	    rating_outcome_parse(outcome, &out->ev.outcome) != 0 ||
	    pg_copy_binary_text(&f[EV_STATUS], status, sizeof(status)) != 0 ||
	    pg_copy_binary_timestamptz(&f[EV_FIRST], &first_us) != 0 ||
	    pg_copy_binary_timestamptz(&f[EV_LAST], &last_us) != 0 ||
	    pg_copy_binary_timestamptz(&f[EV_RECORDED], &out->recorded_us) != 0 ||
	    pg_copy_binary_timestamptz(&f[EV_UPDATED], &out->updated_us) != 0 ||
	    f[EV_KEY].len < 0)
		return (-1);
	out->ev.fact = rating_fact_key((const char *)f[EV_KEY].data, (size_t)f[EV_KEY].len);
	out->ev.disputed = strcmp(status, "disputed") == 0;
	out->ev.first_seen = pg_unix_us_to_seconds(first_us);
	out->ev.last_seen = pg_unix_us_to_seconds(last_us);
	if ((size_t)f[EV_CODE].len >= sizeof(out->ev.check_code))
		return (0);
	return (pg_copy_binary_text(&f[EV_CODE], out->ev.check_code,
	    sizeof(out->ev.check_code)) == 0 ? 1 : -1);
}

int
rating_store_evidence_next(PGconn *conn, struct pg_copy_binary *st,
    struct rating_store_evidence *out)
{
	struct pg_copy_field f[EV_NFIELDS];
	char *line;
	int len, n, rc;

	for (;;) {
		line = NULL;
		len = PQgetCopyData(conn, &line, 0);
		if (len == -1)
			return (rating_store_copy_result(conn, ""));
		if (len < 0) {
			log_error("database: %s", PQerrorMessage(conn));
			return (-1);
		}
		n = pg_copy_binary_row(st, line, (size_t)len, f, EV_NFIELDS);
		if (n == PG_COPY_BINARY_TRAILER) {
			PQfreemem(line);
			continue;  /* the stream's end follows */
		}
		rc = n == EV_NFIELDS ? rating_store_evidence_row(f, out) : -1;
		PQfreemem(line);
		if (rc < 0) {
			log_error("rescore: malformed evidence row");
			return (-1);
		}
		if (rc == 1)
			return (1);
	}
}

void
rating_store_stream_abort(PGconn *conn)
{
	PGcancel *cancel;
	char errbuf[256], *line;
	PGresult *res;

	if (PQtransactionStatus(conn) != PQTRANS_ACTIVE)
		return;
	if ((cancel = PQgetCancel(conn)) != NULL) {
		(void)PQcancel(cancel, errbuf, sizeof(errbuf));
		PQfreeCancel(cancel);
	}
	for (;;) {
		line = NULL;
		if (PQgetCopyData(conn, &line, 0) < 0)
			break;
		PQfreemem(line);
	}
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

static const char *
rating_store_status_name(enum rating_status s)
{
	return (s == RATING_RATED ? "rated" : "insufficient_data");
}

/* The columns rating_store_ratings_format writes, in order. */
#define RATINGS_COLUMNS "company_id, methodology_version, computed_at, as_of, status, " \
	"score, grade, confidence, insufficient_reason, factors, evidence_count, " \
	"inputs_digest, outcome_digest, reason, reason_detail"
#define RATINGS_NCOLUMNS 15

int
rating_store_ratings_format(struct buf *b, int64_t company_id, const struct rating *r,
    const char *factors_json, int64_t computed_us, const char *reason,
    const char *detail_json)
{
	size_t start = b->len;
	int rated = r->status == RATING_RATED;

	if (r->evidence_used > INT32_MAX ||
	    pg_copy_binary_put_row(b, RATINGS_NCOLUMNS) ||
	    pg_copy_binary_put_int8(b, company_id) ||
	    pg_copy_binary_put_text(b, r->methodology_version) ||
	    pg_copy_binary_put_timestamptz(b, computed_us) ||
	    pg_copy_binary_put_timestamptz(b, r->as_of * 1000000) ||
	    pg_copy_binary_put_text(b, rating_store_status_name(r->status)) ||
	    (rated ? pg_copy_binary_put_numeric_tenths(b, llround(r->score * 10)) ||
	    pg_copy_binary_put_text(b, r->grade) :
	    pg_copy_binary_put_null(b) || pg_copy_binary_put_null(b)) ||
	    pg_copy_binary_put_text(b, rating_confidence_name(r->confidence)) ||
	    (rated ? pg_copy_binary_put_null(b) :
	    pg_copy_binary_put_text(b, r->insufficient_reason)) ||
	    pg_copy_binary_put_text(b, factors_json) ||
	    pg_copy_binary_put_int4(b, (int32_t)r->evidence_used) ||
	    pg_copy_binary_put_text(b, r->inputs_digest) ||
	    pg_copy_binary_put_text(b, r->outcome_digest) ||
	    pg_copy_binary_put_text(b, reason) ||
	    pg_copy_binary_put_jsonb(b, detail_json)) {
		/* Leave b as it was. */
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
		return (-1);
	}
	return (0);
}

int
rating_store_ratings_start(PGconn *conn)
{
	static const char sql[] = "COPY ratings (" RATINGS_COLUMNS ") FROM STDIN "
	    "(FORMAT binary)";
	PGresult *res = PQexec(conn, sql);
	struct buf header;
	int rc;

	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
		log_error("database: %s(in: COPY ratings)", res ? PQresultErrorMessage(res) :
		    PQerrorMessage(conn));
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	buf_init(&header, 64);
	rc = pg_copy_binary_put_header(&header) != 0 ? -1 :
	    rating_store_ratings_put(conn, header.data, header.len);
	buf_free(&header);
	return (rc);
}

int
rating_store_ratings_put(PGconn *conn, const char *data, size_t len)
{
	size_t chunk;

	while (len > 0) {
		chunk = len > (1u << 20) ? (1u << 20) : len;
		if (PQputCopyData(conn, data, (int)chunk) != 1) {
			log_error("database: %s", PQerrorMessage(conn));
			return (-1);
		}
		data += chunk;
		len -= chunk;
	}
	return (0);
}

int
rating_store_ratings_end(PGconn *conn)
{
	struct buf trailer;
	int rc;

	buf_init(&trailer, 16);
	rc = pg_copy_binary_put_trailer(&trailer) != 0 ? -1 :
	    rating_store_ratings_put(conn, trailer.data, trailer.len);
	buf_free(&trailer);
	if (rc != 0)
		return (-1);
	if (PQputCopyEnd(conn, NULL) != 1) {
		log_error("database: %s", PQerrorMessage(conn));
		return (-1);
	}
	return (rating_store_copy_result(conn, "storing ratings: "));
}

void
rating_store_coverage_at(const struct rating_store_coverage *cov, int64_t as_of,
    const char **list, struct rating_input *in)
{
	size_t i, k = 0;

	for (i = 0; i < cov->n; i++)
		if (cov->covered_at[i] <= as_of)
			list[k++] = cov->names[i];
	in->coverage = list;
	in->ncoverage = k;
}

int
rating_store_load_coverage(PGconn *conn, int64_t company_id,
    struct rating_store_coverage *out)
{
	char idtext[24];
	const char *params[1] = {idtext};
	PGresult *res;
	int rc = 0;

	out->n = 0;
	snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
	if ((res = db_query(conn, "SELECT " RATING_STORE_COVERAGE_OF("$1"), 1, params)) == NULL)
		return (-1);
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) &&
	    rating_store_coverage_parse(PQgetvalue(res, 0, 0), out) != 0) {
		log_error("malformed coverage of company %" PRId64, company_id);
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

/* The assets of company_id attributed with a confidence below 1, into l. 0 or -1. */
static int
rating_store_load_uncertain(PGconn *conn, int64_t company_id,
    struct rating_store_uncertain *l)
{
	char idtext[24];
	const char *params[1] = {idtext};
	PGresult *res;
	int rc = 0;

	snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
	res = db_query(conn, "SELECT " RATING_STORE_UNCERTAIN_AGG " FROM assets WHERE company_id = $1"
	    " AND detached_at IS NULL", 1, params);
	if (res == NULL)
		return (-1);
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) &&
	    rating_store_uncertain_parse(PQgetvalue(res, 0, 0), l) != 0) {
		log_error("malformed asset confidences of company %" PRId64, company_id);
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

int
rating_store_load_input(PGconn *conn, int64_t company_id, const struct methodology *m,
    int64_t as_of, struct rating_store_input *out)
{
	size_t nev = 0, assets = 0;

	memset(out, 0, sizeof(*out));
	if (rating_store_load_evidence(conn, company_id, &out->evidence, &nev, &assets) != 0 ||
	    rating_store_load_coverage(conn, company_id, &out->coverage) != 0 ||
	    rating_store_load_uncertain(conn, company_id, &out->uncertain) != 0)
		return (-1);
	out->in.methodology = m;
	out->in.evidence = out->evidence;
	out->in.nevidence = nev;
	out->in.asset_count = assets;
	out->in.uncertain = out->uncertain.items;
	out->in.nuncertain = out->uncertain.n;
	out->in.as_of = as_of;
	rating_store_coverage_at(&out->coverage, as_of, out->covered, &out->in);
	return (0);
}

void
rating_store_input_free(struct rating_store_input *in)
{
	free(in->evidence);
	in->evidence = NULL;
	rating_store_uncertain_free(&in->uncertain);
}

int
rating_store_plan(PGconn *conn, int64_t company_id, const struct methodology *m,
    int64_t as_of, const char *target, struct plan *p, char *err, size_t errlen)
{
	struct rating_store_input in;
	char grade[4];
	double score;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (plan_target_parse(m, target, &score, grade, err, errlen) != 0)
		return (2);
	if (rating_store_load_input(conn, company_id, m, as_of, &in) == 0 &&
	    plan_compute(&in.in, score, grade, p) == 0)
		rc = 0;
	rating_store_input_free(&in);
	return (rc);
}

int
rating_store_load_evidence(PGconn *conn, int64_t company_id,
    struct rating_evidence **out, size_t *n, size_t *asset_count)
{
	char idtext[24], limit[24];
	const char *params[2] = {idtext, limit};
	struct rating_evidence *ev = NULL;
	PGresult *res;
	int64_t assets;
	int i, rows;

	*out = NULL;
	*n = 0;
	snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
	snprintf(limit, sizeof(limit), "%d", RATING_STORE_MAX_EVIDENCE + 1);
	if (rating_store_scalar_i64(conn, "SELECT count(*) FROM assets "
	    "WHERE company_id = $1 AND detached_at IS NULL", 1, params, &assets) != 0)
		return (-1);
	*asset_count = (size_t)assets;
	res = db_query(conn, "SELECT id, check_code, coalesce(asset_id, 0), outcome, "
	    "status = 'disputed', " EPOCH_S("first_seen") ", " EPOCH_S("last_seen") ", "
	    "observation_key "
	    "FROM evidence WHERE company_id = $1 AND status IN ('active', 'disputed') "
	    "ORDER BY id LIMIT $2", 2, params);
	if (res == NULL)
		return (-1);
	rows = PQntuples(res);
	if (rows > RATING_STORE_MAX_EVIDENCE) {
		log_error("company has more than %d evidence items", RATING_STORE_MAX_EVIDENCE);
		goto fail;
	}
	if (rows > 0 && (ev = calloc((size_t)rows, sizeof(*ev))) == NULL) {
		log_error("out of memory");
		goto fail;
	}
	for (i = 0; i < rows; i++) {
		struct rating_evidence *e = &ev[*n];
		const char *code = PQgetvalue(res, i, 1);

		if (strlen(code) >= sizeof(e->check_code))
			continue;
		snprintf(e->check_code, sizeof(e->check_code), "%s", code);
		if (rating_store_parse_i64(PQgetvalue(res, i, 0), &e->id) != 0 ||
		    rating_store_parse_i64(PQgetvalue(res, i, 2), &e->asset_id) != 0 ||
		    rating_outcome_parse(PQgetvalue(res, i, 3), &e->outcome) != 0 ||
		    rating_store_parse_i64(PQgetvalue(res, i, 5), &e->first_seen) != 0 ||
		    rating_store_parse_i64(PQgetvalue(res, i, 6), &e->last_seen) != 0) {
			log_error("malformed evidence row");
			goto fail;
		}
		e->disputed = PQgetvalue(res, i, 4)[0] == 't';
		e->fact = rating_fact_key(PQgetvalue(res, i, 7), (size_t)PQgetlength(res, i, 7));
		(*n)++;
	}
	PQclear(res);
	*out = ev;
	return (0);
fail:
	free(ev);
	*n = 0;
	PQclear(res);
	return (-1);
}

PGresult *
rating_store_latest(PGconn *conn, int64_t company_id)
{
	char idtext[24];
	const char *params[1] = {idtext};

	snprintf(idtext, sizeof(idtext), "%" PRId64, company_id);
	return (db_query(conn, "SELECT c.name, c.sector, c.size_band, c.country, "
	    "c.visibility, r.id, r.methodology_version, r.status, r.score, r.grade, "
	    "r.confidence, r.insufficient_reason, r.factors, r.evidence_count, "
	    "r.inputs_digest, r.outcome_digest, r.reason, " EPOCH_S("r.as_of") ", "
	    "to_char(r.computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
	    "EXISTS (SELECT 1 FROM evidence e WHERE e.company_id = c.id "
	    "  AND e.status = 'disputed') "
	    "FROM companies c LEFT JOIN LATERAL (SELECT * FROM ratings "
	    "  WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true "
	    "WHERE c.id = $1", 1, params));
}

PGresult *
rating_store_list_companies(PGconn *conn, const char *q, const char *sector,
    const char *grade, const char *after, int limit)
{
	char slimit[16];
	const char *params[5] = {q, sector, grade, after, slimit};

	snprintf(slimit, sizeof(slimit), "%d", limit);
	return (db_query(conn, "SELECT c.slug, c.name, c.sector, c.size_band, c.country,"
	    " c.visibility, r.status, r.score, r.grade, r.methodology_version FROM companies c"
	    " LEFT JOIN LATERAL (SELECT status, score, grade, methodology_version FROM ratings"
	    " WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true"
	    " WHERE ($1::text IS NULL OR strpos(lower(c.name), lower($1)) > 0"
	    "   OR strpos(c.slug, lower($1)) > 0)"
	    " AND ($2::text IS NULL OR c.sector = $2) AND ($3::text IS NULL OR r.grade = $3)"
	    " AND c.slug > $4 ORDER BY c.slug LIMIT $5::int", 5, params));
}

/* Put the stored figures of the latest rating (row 0 of res, stored under m) over the
 * recomputed explanation e. 0 or -1. */
static int
rating_store_stored_figures(json_t *e, const PGresult *res, const struct methodology *m)
{
	json_t *factors = rating_json_factors_expand(PQgetvalue(res, 0, 12), m);
	int bad = 0;

	bad |= factors == NULL || json_object_set_new(e, "factors", factors) != 0;
	bad |= json_object_set_new(e, "status", json_string(PQgetvalue(res, 0, 7))) != 0;
	bad |= json_object_set_new(e, "score", PQgetisnull(res, 0, 8) ? json_null() :
	    json_real(strtod(PQgetvalue(res, 0, 8), NULL))) != 0;
	bad |= json_object_set_new(e, "grade", PQgetisnull(res, 0, 9) ? json_null() :
	    json_string(PQgetvalue(res, 0, 9))) != 0;
	bad |= json_object_set_new(e, "confidence", json_string(PQgetvalue(res, 0, 10))) != 0;
	bad |= json_object_set_new(e, "insufficient_reason", PQgetisnull(res, 0, 11) ?
	    json_null() : json_string(PQgetvalue(res, 0, 11))) != 0;
	bad |= json_object_set_new(e, "inputs_digest", json_string(PQgetvalue(res, 0, 14))) != 0;
	bad |= json_object_set_new(e, "outcome_digest",
	    json_string(PQgetvalue(res, 0, 15))) != 0;
	return (bad ? -1 : 0);
}

json_t *
rating_store_explain(PGconn *conn, int64_t id, const struct methodology *m,
    const PGresult *latest)
{
	struct rating_remediation *plan = NULL;
	struct rating_store_input in;
	struct rating *rt = NULL;
	json_t *out = NULL;
	size_t nplan = 0;
	int same;

	if (rating_store_load_input(conn, id, m, strtoll(PQgetvalue(latest, 0, 17), NULL, 10),
	    &in) != 0 || (rt = rating_compute(&in.in)) == NULL ||
	    rating_remediation_plan(&in.in, rt, &plan, &nplan) != 0 ||
	    (out = rating_json_explanation(rt, m, plan, nplan)) == NULL)
		goto fail;
	same = strcmp(rt->inputs_digest, PQgetvalue(latest, 0, 14)) == 0;
	if ((!same && rating_store_stored_figures(out, latest, m) != 0) ||
	    json_object_set_new(out, "rating_id",
	    json_integer(strtoll(PQgetvalue(latest, 0, 5), NULL, 10))) != 0 ||
	    json_object_set_new(out, "computed_at",
	    json_string(PQgetvalue(latest, 0, 18))) != 0 ||
	    json_object_set_new(out, "reason", json_string(PQgetvalue(latest, 0, 16))) != 0 ||
	    json_object_set_new(out, "matches_stored_rating", json_boolean(same)) != 0)
		goto fail;
	goto done;
fail:
	log_error("company %lld: cannot explain its rating", (long long)id);
	json_decref(out);
	out = NULL;
done:
	rating_free(rt);
	free(plan);
	rating_store_input_free(&in);
	return (out);
}
