#ifndef FAIRRATE_API_SUMMARY_CACHE_H
#define FAIRRATE_API_SUMMARY_CACHE_H

#include <stddef.h>
#include <stdint.h>

/*
 * An in-memory cache of investor company summaries, keyed by slug: the rendered JSON
 * body of a found company, or the bare fact that a slug answers 404 (unknown or
 * private). Bounded by a memory cap and evicted with a clock (second chance) per
 * shard. Thread-safe: the entries are spread over shards, each behind its own
 * read-write lock, so a hit takes one shard's read lock and nothing global.
 *
 * Invalidation comes from outside (api/cache_listener.h): by company id, or all at
 * once. Every invalidation bumps a generation; a fill carries the generation read
 * before its database query (summary_cache_ticket) and is refused if anything was
 * invalidated since, so that a summary read just before a change never outlives the
 * change. A 404 entry knows no company id: it is valid only until the next
 * invalidation of any kind. Once the cache is full, a slug is admitted only on its
 * second fill within a window of recent fills (a bit filter, cleared as it fills), so
 * that a sweep over many companies looked up once (a crawler, a portfolio export)
 * does not evict the ones looked up again and again, nor cost a copy and an
 * eviction per lookup. While the cache is disabled (summary_cache_set_enabled)
 * nothing is served or stored. The time is passed in so that expiry is tested
 * without a clock.
 */

struct summary_cache;

/* What /metrics shows. */
struct summary_cache_stats {
	uint64_t hits, misses, evictions, invalidations, refused_fills, not_admitted;
	size_t entries, bytes, max_bytes;
	int enabled;
};

/* summary_cache_new: a cache holding at most max_bytes (> 0) of entries, counting
 * each entry's bookkeeping as well as its slug and body (the admission filter takes
 * another max_bytes / 256 bytes, at least 8 KB). Starts enabled. NULL on bad
 * arguments or no memory. */
struct summary_cache *summary_cache_new(size_t max_bytes);

/* A hit: status 200 with the body (len bytes, not NUL-terminated) held for the
 * caller until summary_cache_release(entry), or 404 (body and entry NULL). */
struct summary_cache_hit {
	unsigned status;
	const char *body;
	size_t len;
	void *entry;
};

/* summary_cache_get: look slug up at time now. On a hit, *hit is filled and 1 is
 * returned; 0 on a miss (also when the entry expired, or the cache is NULL or
 * disabled). A hit marks the entry recently used. A body is served without a copy:
 * its entry stays in memory, evicted or not, until released (not counted against the
 * cap meanwhile: at most one entry per answer being sent). */
int summary_cache_get(struct summary_cache *c, const char *slug, int64_t now,
    struct summary_cache_hit *hit);

/* summary_cache_release: let go of a hit's entry (NULL is a no-op); safe from any
 * thread, also after summary_cache_free. */
void summary_cache_release(void *entry);

/* summary_cache_ticket: the invalidation generation, to read before the database
 * query whose answer will be given to summary_cache_put. */
uint64_t summary_cache_ticket(struct summary_cache *c);

/* summary_cache_put: store the answer for slug: status 200 with body (len bytes,
 * copied) of company_id (> 0), or status 404 (body NULL, company_id 0). expires_at
 * (Unix seconds; 0: never) is when the answer stops being true without any change
 * in the database (an upcoming methodology taking effect). Refused (0 returned) when
 * the generation moved past ticket, the cache is disabled, the entry alone exceeds a
 * shard's share of the cap, or memory is short; also when the slug's shard is full
 * and this is the slug's first fill within the admission window (it is remembered,
 * and the next fill is stored); 1 when stored, after evicting what the cap needs. A NULL cache stores nothing. */
int summary_cache_put(struct summary_cache *c, uint64_t ticket, const char *slug,
    int64_t company_id, unsigned status, const char *body, size_t len, int64_t expires_at);

/* summary_cache_invalidate: drop the entry of company_id and every 404 entry. */
void summary_cache_invalidate(struct summary_cache *c, int64_t company_id);

/* summary_cache_clear: drop every entry. */
void summary_cache_clear(struct summary_cache *c);

/* summary_cache_set_enabled: 0 drops every entry and stops serving and storing until
 * enabled again (the listener lost its connection and may miss notifications); 1
 * starts again, refusing fills whose ticket predates it. */
void summary_cache_set_enabled(struct summary_cache *c, int enabled);

/* summary_cache_stats: a snapshot of the counters and sizes into *out. */
void summary_cache_stats(struct summary_cache *c, struct summary_cache_stats *out);

/* summary_cache_free: NULL is a no-op. No other thread may use c any more. */
void summary_cache_free(struct summary_cache *c);

#endif
