#ifndef FAIRRATE_RESCORE_H
#define FAIRRATE_RESCORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * Rescoring: rate companies from the evidence in PostgreSQL and append a ratings row
 * for each company whose rating changed (rater/rating_reason.h says when and why).
 * Streams companies and evidence in company order, so memory does not grow with the
 * number of companies; only one rescoring writes ratings at a time (an advisory
 * lock). docs/rescoring.md describes the whole procedure.
 */

struct rescore_options {
	int64_t as_of;             /* rate as of this time (Unix seconds) */
	int64_t company_id;        /* 0: every company; else that one only */
	int shard_k, shard_n;      /* shard_n > 0: only shard shard_k of shard_n
	                              (rating_store.h; docs/rescoring.md "Shards") */
	size_t batch_rows;         /* ratings rows per commit; 0: 5000 */
	int threads;               /* rating threads of a full run; 0: one per CPU, at
	                              most 4 */
	/* Called every few hundred companies and at the end (may be NULL). */
	void (*progress)(void *arg, int64_t done, int64_t total);
	void *progress_arg;
};

struct rescore_summary {
	int64_t companies;         /* companies rated */
	int64_t rated;             /* ... with a score */
	int64_t insufficient;      /* ... with insufficient data */
	int64_t new_rows;          /* ratings rows written */
	int64_t unchanged;         /* companies whose rating did not change */
	char methodology_version[32];
};

/* rescore_run: rescore every company (or opt->company_id) of the database at url
 * (NULL: db_url()). Splits the companies into id ranges of about equal counts, one
 * per rating thread, each reading two streams (companies, evidence) in one snapshot
 * shared by all; a writer thread on its own connection commits every
 * opt->batch_rows new rows (a single company: one thread, one transaction). Waits for a rescoring already running. Fills *sum. Returns 0, or -1
 * after logging the error (rows of batches committed before it stay: each row is a
 * correct rating on its own). */
int rescore_run(const char *url, const struct rescore_options *opt,
    struct rescore_summary *sum);

/* rescore_company: rescore one company on conn inside the caller's open transaction
 * (nothing is committed or rolled back here; on -1 the caller rolls back). Takes the
 * rescoring lock until the end of that transaction, so it waits for a full run in
 * progress; the new row's computed_at is the wall clock once the lock is held, so
 * rows written this way follow each other. extra_detail (may be NULL; borrowed) is
 * merged into the new row's reason_detail, e.g. {"dispute_id": 7}. *new_row_id is the row written, or 0 when
 * the rating did not change (may be NULL). Returns 0 or -1 (logged); 1 when no
 * company has that id. */
int rescore_company(PGconn *conn, int64_t company_id, int64_t as_of,
    const json_t *extra_detail, int64_t *new_row_id, struct rescore_summary *sum);

#endif
