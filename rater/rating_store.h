#ifndef FAIRRATE_RATING_STORE_H
#define FAIRRATE_RATING_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "common/buf.h"
#include "common/pg_copy_binary.h"
#include "rater/rating.h"
#include "rater/rating_reason.h"

/*
 * The rater's SQL: the two ordered streams rescoring reads (companies with their
 * latest rating, as COPY text, and active or disputed evidence, as binary COPY, both
 * in company id order), the COPY that writes ratings rows, and the reads behind
 * `fairrate show`. Nothing here reads the commercial schema.
 */

/* Most evidence rows one company may have: past it rescoring fails for that company
 * rather than silently rate part of its evidence. */
#define RATING_STORE_MAX_EVIDENCE 200000

/* Most fields a COPY row of ours has, and the longest row accepted (bytes). */
#define RATING_STORE_MAX_FIELDS 16
#define RATING_STORE_MAX_ROW (64 * 1024)

/* rating_store_copy_split: split one COPY text-format row (line, len bytes, without
 * or with its trailing newline) in place into at most max fields, undoing backslash
 * escapes; an SQL NULL (\N) becomes a NULL pointer. Pure. Returns the number of
 * fields, or -1 when there are more than max or an escape is malformed. */
int rating_store_copy_split(char *line, size_t len, char **fields, int max);

/* One row of the companies stream. */
/* The collectors that covered a company (table collector_coverage). */
#define RATING_STORE_MAX_COVERAGE 16
struct rating_store_coverage {
	size_t n;
	char names[RATING_STORE_MAX_COVERAGE][56];
	int64_t covered_at[RATING_STORE_MAX_COVERAGE];   /* first covered, Unix seconds */
};

/* RATING_STORE_COVERAGE_OF(id): an SQL expression giving the coverage of the company
 * with id (an SQL expression) as "collector seconds,collector seconds" (NULL: none),
 * the seconds when the collector first covered it; rating_store_coverage_parse reads
 * it into cov (at most RATING_STORE_MAX_COVERAGE entries kept): 0, or -1 malformed. */
#define RATING_STORE_COVERAGE_OF(id) \
	"(SELECT string_agg(collector || ' ' ||" \
	" extract(epoch FROM first_covered_at)::bigint, ',' ORDER BY collector)" \
	" FROM collector_coverage WHERE company_id = " id ")"
int rating_store_coverage_parse(const char *text, struct rating_store_coverage *cov);

/* rating_store_coverage_at: point in->coverage (list, of RATING_STORE_MAX_COVERAGE
 * entries) at the collectors of cov that had covered the company by as_of (first
 * coverage at or before it: that never moves, so recomputing later agrees). */
void rating_store_coverage_at(const struct rating_store_coverage *cov, int64_t as_of,
    const char **list, struct rating_input *in);

/* A company's assets attributed with a confidence below 1 (struct rating_asset), a
 * growable list that rating_store_companies_next reuses from row to row. */
struct rating_store_uncertain {
	struct rating_asset *items;        /* sorted by id */
	size_t n, cap;
};

/* RATING_STORE_UNCERTAIN_AGG: an aggregate over assets rows (columns id, confidence)
 * giving those attributed with a confidence below 1 as rating_store_uncertain_parse
 * reads them (NULL when none). */
#define RATING_STORE_UNCERTAIN_AGG \
	"string_agg(id::text || ':' || confidence::text, ',' ORDER BY id)" \
	" FILTER (WHERE confidence < 1)"

/* rating_store_uncertain_parse: "id:confidence,id:confidence" (ids ascending, as
 * RATING_STORE_UNCERTAIN_OF and the companies stream give them; NULL or "" for none)
 * into l, replacing what it held. 0, or -1 when malformed (an id not ascending, a
 * confidence not in (0, 1)) or memory is short. Pure. */
int rating_store_uncertain_parse(const char *text, struct rating_store_uncertain *l);

/* rating_store_uncertain_free: release l's items; l is then empty. */
void rating_store_uncertain_free(struct rating_store_uncertain *l);

struct rating_store_company {
	int64_t id;
	char slug[64];
	size_t asset_count;                /* attributed, non-detached */
	struct rating_store_uncertain uncertain; /* those of them below confidence 1;
	                                      kept across rows: rating_store_company_free */
	struct rating_reason_previous prev;
	int64_t last_corrected_us;         /* latest evidence.corrected_at, 0 when none */
	struct rating_store_coverage coverage;
};

/* One row of the evidence stream. */
struct rating_store_evidence {
	int64_t company_id;
	struct rating_evidence ev;
	int64_t recorded_us;
	int64_t updated_us;
};

/* A shard of the companies for rescoring split over processes or machines
 * (docs/rescoring.md "Shards"): shard k of n holds the companies whose id % n == k - 1.
 * n == 0 (or NULL where a pointer is taken): every company. */
struct rating_store_shard {
	int k, n;
};

/* rating_store_lock: wait for the rescoring lock (one writer of ratings at a time):
 * for the session (xact 0) or until the end of the current transaction (xact 1).
 * 0 or -1. */
int rating_store_lock(PGconn *conn, int xact);

/* rating_store_unlock: release the session lock taken with xact 0. */
void rating_store_unlock(PGconn *conn);

/* rating_store_lock_shard: the lock of a sharded rescoring: the rescoring lock shared
 * (so full runs and single-company rescores wait, and shards run together) and the
 * shard's own lock exclusive (one run per shard); rating_store_unlock_shard releases
 * both. 0 or -1. */
int rating_store_lock_shard(PGconn *conn, const struct rating_store_shard *shard);
void rating_store_unlock_shard(PGconn *conn, const struct rating_store_shard *shard);

/* rating_store_snapshot_export: begin a read-only repeatable-read transaction on conn
 * and export its snapshot into snap (the id PostgreSQL gives, NUL-terminated); also
 * sets *now_us to the transaction's clock (Unix microseconds). 0 or -1. */
int rating_store_snapshot_export(PGconn *conn, char snap[64], int64_t *now_us);

/* rating_store_snapshot_import: begin a read-only repeatable-read transaction on conn
 * that sees exactly snapshot snap. 0 or -1. */
int rating_store_snapshot_import(PGconn *conn, const char *snap);

/* rating_store_now_us: the wall clock (clock_timestamp(), not the transaction's
 * start), Unix microseconds: read under the rescoring lock, it is later than every
 * rating already written. 0 or -1. */
int rating_store_now_us(PGconn *conn, int64_t *now_us);

/* rating_store_company_id: look slug up. 0 and *id when found, 1 when no company has
 * it, -1 on a database error. */
int rating_store_company_id(PGconn *conn, const char *slug, int64_t *id);


/* rating_store_count_companies: how many companies there are (company_id 0; in shard,
 * which may be NULL) or 1 when company_id exists. 0 or -1. */
int rating_store_count_companies(PGconn *conn, int64_t company_id,
    const struct rating_store_shard *shard, int64_t *n);

/* The id range of every company (ids are positive). */
#define RATING_STORE_ALL_LO INT64_C(0)
#define RATING_STORE_ALL_HI INT64_MAX

/* rating_store_companies_start, rating_store_evidence_start: start the stream on conn,
 * inside a transaction, for the companies with lo <= id < hi (every company:
 * RATING_STORE_ALL_LO, RATING_STORE_ALL_HI; one: id, id + 1). conn then serves
 * nothing else until the stream has ended. 0 or -1. */
int rating_store_companies_start(PGconn *conn, int64_t lo, int64_t hi,
    const struct rating_store_shard *shard);
int rating_store_evidence_start(PGconn *conn, int64_t lo, int64_t hi,
    const struct rating_store_shard *shard);

/* rating_store_split: split the total companies (rating_store_count_companies, in the
 * same snapshot) into parts id ranges of about equal counts: part i is bounds[i] <=
 * id < bounds[i + 1] (bounds has parts + 1 entries; the first is
 * RATING_STORE_ALL_LO, the last RATING_STORE_ALL_HI; a range may be empty). 0 or
 * -1. */
int rating_store_split(PGconn *conn, int parts, int64_t total,
    const struct rating_store_shard *shard, int64_t *bounds);

/* rating_store_companies_next: the next row of the companies stream on conn. 1 and
 * *out filled, 0 at the end of a stream that completed, -1 on an error (logged; a
 * malformed or oversized row is an error). *out must start zeroed; its uncertain
 * list is reused from row to row: rating_store_company_free it at the end. */
int rating_store_companies_next(PGconn *conn, struct rating_store_company *out);

/* rating_store_company_free: release what c holds (its uncertain list). */
void rating_store_company_free(struct rating_store_company *c);

/* rating_store_evidence_next: the next row of the evidence stream on conn (binary
 * COPY; *st zeroed before the stream's first row). Returns as
 * rating_store_companies_next. Evidence whose check code is longer than any
 * methodology's can be is skipped: it could match no check. */
int rating_store_evidence_next(PGconn *conn, struct pg_copy_binary *st,
    struct rating_store_evidence *out);

/* rating_store_stream_abort: end a stream early (after an error elsewhere) so that
 * conn can be closed or rolled back cleanly. */
void rating_store_stream_abort(PGconn *conn);

/* rating_store_ratings_format: append to b the binary COPY row of a new ratings row
 * for company_id: r with its factors (JSON text), computed at computed_us, and reason
 * with its detail (JSON text). 0, or -1 when b's cap is reached (b is then as it
 * was). Pure. */
int rating_store_ratings_format(struct buf *b, int64_t company_id, const struct rating *r,
    const char *factors_json, int64_t computed_us, const char *reason,
    const char *detail_json);

/* rating_store_ratings_start: start COPY ratings FROM STDIN in binary format on conn
 * (inside the caller's transaction) and send the format's header. 0 or -1. */
int rating_store_ratings_start(PGconn *conn);

/* rating_store_ratings_put: send len bytes of rows made by rating_store_ratings_format.
 * 0 or -1. */
int rating_store_ratings_put(PGconn *conn, const char *data, size_t len);

/* rating_store_ratings_end: send the format's trailer and finish the COPY; 0 when
 * every row was stored, -1 (logged) when the server refused the batch. */
int rating_store_ratings_end(PGconn *conn);

/* rating_store_load_evidence: the company's active or disputed evidence, in id order,
 * for explaining a rating. Sets *out (free with free()) and *n. 0 or -1. */
int rating_store_load_evidence(PGconn *conn, int64_t company_id,
    struct rating_evidence **out, size_t *n, size_t *asset_count);

/* rating_store_load_coverage: the collectors that covered the company. 0 or -1. */
int rating_store_load_coverage(PGconn *conn, int64_t company_id,
    struct rating_store_coverage *out);

/* The inputs to rate one company now, with what they point into. */
struct rating_store_input {
	struct rating_input in;
	struct rating_evidence *evidence;
	struct rating_store_uncertain uncertain;
	struct rating_store_coverage coverage;
	const char *covered[RATING_STORE_MAX_COVERAGE];
};

/* rating_store_load_input: out->in ready to rate the company (its current evidence,
 * asset count and the collectors that had covered it by as_of) under m as of as_of.
 * out must not move while out->in is used. Free with rating_store_input_free, also
 * after a failure. 0 or -1. */
int rating_store_load_input(PGconn *conn, int64_t company_id,
    const struct methodology *m, int64_t as_of, struct rating_store_input *out);
void rating_store_input_free(struct rating_store_input *in);

/* rating_store_plan: company_id's plan (rater/plan.h) to target (a grade of m or a
 * score) on its current evidence under m as of as_of. 0 with *p filled (plan_free
 * it); 2 when target is not a target of m (err says why); -1 on a database error or
 * when memory is short. */
struct plan;
int rating_store_plan(PGconn *conn, int64_t company_id, const struct methodology *m,
    int64_t as_of, const char *target, struct plan *p, char *err, size_t errlen);

/* rating_store_explain: the full explanation of company id's latest rating (latest:
 * rating_store_latest's row for it, rated under m): rating_json_explanation of the
 * rating recomputed from the current evidence at its as-of, with its remediation
 * plan, plus rating_id, computed_at, reason and matches_stored_rating (false when the
 * evidence changed since: the stored figures are then shown, the plan follows the
 * current evidence). A new reference, or NULL (logged). */
json_t *rating_store_explain(PGconn *conn, int64_t id, const struct methodology *m,
    const PGresult *latest);

/* rating_store_list_companies: companies for an operator (private ones too), in slug
 * order after `after` (""), at most limit: name containing q (any case; NULL: all),
 * of sector and latest grade (NULL: any). Columns slug, name, sector, size_band,
 * country, visibility, status, score, grade, methodology_version (the last four NULL
 * when not rated). PQclear it; NULL on error. */
PGresult *rating_store_list_companies(PGconn *conn, const char *q, const char *sector,
    const char *grade, const char *after, int limit);

/* rating_store_latest: the company (by id) and its latest rating for display: one
 * row with columns name, sector, size_band, country, visibility, then (NULL when it
 * has no rating) id, methodology_version, status, score, grade, confidence,
 * insufficient_reason, factors, evidence_count, inputs_digest, outcome_digest,
 * reason, as_of (Unix seconds), computed_at (ISO 8601), disputed (t/f: some evidence is
 * disputed now). The caller PQclears it; NULL on error. */
PGresult *rating_store_latest(PGconn *conn, int64_t company_id);

#endif
