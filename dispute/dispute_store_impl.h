#ifndef FAIRRATE_DISPUTE_STORE_IMPL_H
#define FAIRRATE_DISPUTE_STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "dispute/dispute_store.h"

/*
 * Internal to the dispute_store_*.c files: what they share. Not for other modules.
 */

/* The columns every read of a dispute selects, in this order, from disputes d joined
 * with companies c; dispute_store_row reads them. Columns 18 (rationale) and 20
 * (explanation) are left to the caller. */
#define DISPUTE_STORE_COLS \
    "d.id, d.company_id, c.slug, d.kind, d.reason, d.state," \
    " d.assignee_key_id, d.rejected_by, d.appealed, d.opened_by," \
    " extract(epoch FROM d.opened_at)::bigint," \
    " extract(epoch FROM d.first_response_at)::bigint," \
    " extract(epoch FROM d.resolved_at)::bigint, d.paused_seconds," \
    " extract(epoch FROM d.paused_since)::bigint," \
    " extract(epoch FROM d.appealed_at)::bigint," \
    " extract(epoch FROM d.appeal_resolved_at)::bigint," \
    " coalesce(d.decision, ''), coalesce(d.decision_rationale, ''), d.version," \
    " d.explanation, (SELECT count(*) FROM dispute_items i WHERE i.dispute_id = d.id)"
#define DISPUTE_STORE_COL_RATIONALE 18
#define DISPUTE_STORE_COL_EXPLANATION 20

/* dispute_store_row: zero d and fill its scalar fields from row r; 0, or -1 (logged)
 * when a stored name is unknown. */
int dispute_store_row(const PGresult *res, int r, struct dispute *d);

/* dispute_store_fmt_i64: v in decimal, for a text parameter. */
void dispute_store_fmt_i64(char out[24], int64_t v);

/* dispute_store_i64: the value at (row, col) as an integer; 0 for SQL NULL. */
int64_t dispute_store_i64(const PGresult *res, int row, int col);

/* dispute_store_company_param: the company filter of a query: the actor's company
 * id written into buf for a company actor, NULL (every company) for staff. */
const char *dispute_store_company_param(const struct dispute_actor *actor, char buf[24]);

#endif
