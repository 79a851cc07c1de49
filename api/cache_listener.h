#ifndef FAIRRATE_API_CACHE_LISTENER_H
#define FAIRRATE_API_CACHE_LISTENER_H

#include <stdint.h>

/*
 * Keeps an api/summary_cache.h cache and an api/key_cache.h cache true to the
 * database. A thread of its own holds a dedicated PostgreSQL connection (not from the
 * pool) that runs LISTEN fairrate_company_changed and LISTEN fairrate_key_changed.
 * The triggers of migrations/0013_change_notify.sql send a company id, or "*" for
 * everything, whenever something a summary shows changes. Each id invalidates that
 * company's entry; "*" (or a payload it cannot read) clears the cache. Those of
 * migrations/0023_key_notify.sql send a key's id when it is revoked (or its role,
 * company or secret change, or it is deleted): its cached row is dropped, so that
 * every instance refuses a revoked key at once, whoever revoked it.
 *
 * The cache is disabled until the LISTEN is in place, and again, with every entry
 * dropped, as soon as the connection is lost: a notification missed while
 * disconnected can then serve nothing stale. The thread reconnects with a backoff
 * (0.1 s doubling to 5 s) and enables the cache again. The key cache stays in use
 * while disconnected (a revocation then takes up to its ttl, as without a listener)
 * and is cleared whenever the LISTEN is in place again.
 *
 * NOTIFY is delivered at commit, so between a writer's COMMIT and this thread reading
 * the notification (well under a millisecond on one host) a request may still be
 * answered from the entry. cache_listener_sync closes that window for writes made
 * through this process: it returns only once every notification committed before the
 * call has been applied.
 */

struct cache_listener;
struct key_cache;
struct summary_cache;

/* cache_listener_start: connect to url (copied) and keep cache and keys (either may be
 * NULL) invalidated, in a new thread, until cache_listener_stop. The first connection
 * is attempted at once; when it fails the thread keeps retrying (logged) and the
 * summary cache stays disabled. NULL (logged) when the thread cannot start. Both
 * caches must outlive the listener. */
struct cache_listener *cache_listener_start(const char *url, struct summary_cache *cache,
    struct key_cache *keys);

/* cache_listener_sync: wait until a round trip on the listening connection that
 * started after this call has completed, so that every notification committed before
 * the call has been applied. 0; or -1 after timeout_ms, or when the listener is not
 * connected, having cleared the cache instead (so that nothing stale survives either
 * way). A NULL listener returns 0. */
int cache_listener_sync(struct cache_listener *l, int timeout_ms);

/* cache_listener_connected: 1 while the LISTEN is in place, else 0. */
int cache_listener_connected(struct cache_listener *l);

/* cache_listener_reconnects: how many times the connection was (re)established. */
uint64_t cache_listener_reconnects(struct cache_listener *l);

/* cache_listener_stop: stop the thread, close the connection, free l. NULL is a
 * no-op. The cache is left disabled. */
void cache_listener_stop(struct cache_listener *l);

#endif
