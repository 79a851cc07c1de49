#ifndef FAIRRATE_API_METRICS_H
#define FAIRRATE_API_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "api/router.h"
#include "common/buf.h"

/*
 * Request metrics in Prometheus' text format: a counter of requests by route pattern
 * and status, a latency histogram by route pattern, and the database pool's gauges.
 * Counting is lock-free (atomic adds), so it costs the hot path almost nothing.
 */

struct metrics;

/* metrics_new: counters for the nroutes routes of a table (whose patterns label them;
 * the table must outlive the metrics), plus "unmatched" for requests no route took.
 * NULL on allocation failure. */
struct metrics *metrics_new(const struct router_route *routes, size_t nroutes);

/* metrics_observe: count one request answered with status after duration_us
 * microseconds. route is the route's index in the table, or any value >= nroutes for
 * a request no route took. */
void metrics_observe(struct metrics *m, size_t route, unsigned status, int64_t duration_us);

/* metrics_pool: the pool's numbers, rendered as gauges (size, open, in use, waiting). */
struct metrics_pool {
	size_t size, open, in_use, waiting;
};

/* metrics_render: append the exposition text to out. 0, or -1 when out's cap is hit. */
int metrics_render(struct metrics *m, const struct metrics_pool *pool, struct buf *out);

/* metrics_summary_cache: the investor summary cache's numbers (api/summary_cache.h)
 * and its listener's state, rendered as counters and gauges. */
struct metrics_summary_cache {
	uint64_t hits, misses, evictions, invalidations, refused_fills, not_admitted;
	uint64_t listener_connects;
	size_t entries, bytes, max_bytes;
	int enabled, listener_connected;
};

/* metrics_render_summary_cache: append c's exposition text to out. 0, or -1 when
 * out's cap is hit. */
int metrics_render_summary_cache(const struct metrics_summary_cache *c, struct buf *out);

/* metrics_render_summary_store: the stored summaries' lookups (api/summary_store.h):
 * hits, misses, and the hits read by a batch read. 0, or -1 when out's cap is hit. */
int metrics_render_summary_store(uint64_t hits, uint64_t misses, uint64_t batched,
    struct buf *out);

/* metrics_free: NULL is a no-op. */
void metrics_free(struct metrics *m);

#endif
