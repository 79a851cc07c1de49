#ifndef FAIRRATE_COVERAGE_H
#define FAIRRATE_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "common/buf.h"

/*
 * Coverage: when each collector last covered each company (table collector_coverage,
 * migrations/0024_collector_coverage.sql), so that "observed and clean" can be told
 * from "never looked". A collector records every company it covered, also when it
 * found nothing, in the transaction that writes its evidence.
 *
 * Collector names: "web", "tls", "mail", "ports", "discovery", "patching",
 * "feed:<name>"
 * (<name>: [a-z0-9][a-z0-9_.-]{0,47}).
 */

/* coverage_collector_ok: whether name is a collector name as above. Pure. */
int coverage_collector_ok(const char *name);

/* A set of (collector, company slug, time) to record with one statement. */
struct coverage_batch {
	struct buf collectors, slugs, times;      /* PostgreSQL array literals, open */
	size_t n;
};

void coverage_batch_init(struct coverage_batch *b);

/* coverage_batch_add: add one company covered by collector at `at` (Unix seconds).
 * 0, or -1 for a bad collector name or out of memory (logged). */
int coverage_batch_add(struct coverage_batch *b, const char *collector, const char *slug,
    int64_t at);

/* coverage_batch_write: record the batch on conn (in the caller's transaction when one
 * is open): each (company, collector) keeps its latest covered_at; slugs of companies
 * that do not exist are skipped. 0, or -1 after logging. The batch keeps its entries. */
int coverage_batch_write(PGconn *conn, struct coverage_batch *b);

void coverage_batch_free(struct coverage_batch *b);

/* coverage_record: record that collector covered the n companies slugs at `at`. 0, or
 * -1 after logging. */
int coverage_record(PGconn *conn, const char *collector, const char *const *slugs,
    size_t n, int64_t at);

#endif
