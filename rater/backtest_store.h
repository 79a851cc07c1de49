#ifndef FAIRRATE_BACKTEST_STORE_H
#define FAIRRATE_BACKTEST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "rater/rating.h"
#include "rater/rating_store.h"

/*
 * The back-test's SQL: companies as they were at a past date (assets attributed then,
 * incidents in the window after), and the evidence known at that date, streamed in
 * company order. Nothing here writes.
 */

/* One company at a past date. */
struct backtest_store_company {
	int64_t id;
	size_t asset_count;            /* attributed at or before the date, not yet
	                                  detached then */
	int incident;                  /* an incident occurred in (date, date + window] */
	struct rating_store_coverage coverage;
	struct rating_store_uncertain uncertain; /* those assets attributed below 1 */
};

/* backtest_store_companies: every company as of at (Unix seconds) with the incident
 * window of window_days, in id order. Sets *out (free with backtest_store_companies_free)
 * and *n. 0 or -1. */
int backtest_store_companies(PGconn *conn, int64_t at, int window_days,
    struct backtest_store_company **out, size_t *n);

/* backtest_store_companies_free: release the n companies cs (may be NULL). */
void backtest_store_companies_free(struct backtest_store_company *cs, size_t n);

/* backtest_store_evidence_start: stream the evidence known at `at`: first_seen <= at,
 * not corrected (corrected evidence was wrong), its last_seen capped at `at`, in
 * company order. conn serves nothing else until the stream ends. 0 or -1. */
int backtest_store_evidence_start(PGconn *conn, int64_t at);

/* backtest_store_evidence_next: the next row: 1 with *company_id and *ev, 0 at the
 * end, -1 on error (logged). After -1 call backtest_store_evidence_abort. */
int backtest_store_evidence_next(PGconn *conn, int64_t *company_id,
    struct rating_evidence *ev);

/* backtest_store_evidence_abort: drain the stream after an error. */
void backtest_store_evidence_abort(PGconn *conn);

#endif
