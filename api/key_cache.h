#ifndef FAIRRATE_API_KEY_CACHE_H
#define FAIRRATE_API_KEY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "api/keys_store.h"

/*
 * A short-lived in-memory cache of api_keys rows by prefix, so that an authenticated
 * request does not cost a database round trip. An entry is fresh for ttl_ms; past that,
 * one caller refreshes it while the others keep using it for up to another ttl_ms
 * (key_cache_lookup). A revoked key is dropped by key_cache_forget: at once when
 * revoked through this process, and when the revocation's notification arrives
 * (api/cache_listener.h) when revoked elsewhere; without the notification it would be
 * refused only when its entry expires (never more than twice ttl_ms). A forget or a
 * clear refuses the fills of database reads made before it (key_cache_ticket), so
 * that a row read just before a revocation is not cached after it. Only keys that
 * exist are cached, never a miss. Lookups, fills and forgets cost O(1) whatever the
 * number of keys cached (hash tables per shard). Thread-safe; the time is passed in so
 * that the logic is tested without a clock.
 */

struct key_cache;

/* key_cache_new: entries live ttl_ms (> 0); at most max_entries. NULL on bad arguments
 * or no memory. */
struct key_cache *key_cache_new(int64_t ttl_ms, size_t max_entries);

/* key_cache_get: copy the record cached for prefix into *out if it is younger than the
 * ttl at now_ms. 1 found, 0 not. A NULL cache finds nothing. */
int key_cache_get(struct key_cache *kc, const char *prefix, int64_t now_ms,
    struct keys_record *out);

enum key_cache_lookup_result {
	KEY_CACHE_MISS = 0,            /* nothing usable: read the key, then key_cache_put */
	KEY_CACHE_HIT = 1,             /* *out is younger than the ttl */
	KEY_CACHE_STALE = 2,           /* *out is past the ttl (not past twice the ttl) and
	                                  another caller is refreshing it: use *out */
	KEY_CACHE_REFRESH = 3          /* *out is past the ttl and this caller now refreshes
	                                  it: read the key, then key_cache_put, or
	                                  key_cache_refresh_failed when it cannot */
};

/* key_cache_lookup: like key_cache_get, except that the first caller to find an entry
 * past its ttl (and younger than twice the ttl) is told to refresh it while every other
 * caller keeps using the entry, so that one hot key's expiry costs one database read,
 * not one per thread. An entry whose refresh has not come within the ttl is a miss for
 * everyone. The record found goes to *out for HIT, STALE and REFRESH. A NULL cache
 * answers KEY_CACHE_MISS. */
enum key_cache_lookup_result key_cache_lookup(struct key_cache *kc, const char *prefix,
    int64_t now_ms, struct keys_record *out);

/* key_cache_refresh_failed: the caller told KEY_CACHE_REFRESH for prefix could not read
 * the key: let the next caller try. gone (the key no longer exists) drops the entry. */
void key_cache_refresh_failed(struct key_cache *kc, const char *prefix, int gone);

/* key_cache_ticket: the forget generation, to read before the database read whose
 * record will be given to key_cache_put. A NULL cache answers 0. */
uint64_t key_cache_ticket(struct key_cache *kc);

/* key_cache_put: cache rec for prefix as of now_ms (replacing an older entry, and ending
 * its refresh), unless a forget or clear came after ticket was read: then nothing is
 * cached and the entry's refresh is ended, so that the next caller reads the key
 * again. When the cache is full, expired entries are dropped first; if none, nothing
 * is cached. */
void key_cache_put(struct key_cache *kc, uint64_t ticket, const char *prefix,
    const struct keys_record *rec, int64_t now_ms);

/* key_cache_forget: drop the entry of key id (after a revocation). */
void key_cache_forget(struct key_cache *kc, int64_t id);

/* key_cache_clear: drop every entry (notifications may have been missed). */
void key_cache_clear(struct key_cache *kc);

/* key_cache_free: NULL is a no-op. */
void key_cache_free(struct key_cache *kc);

#endif
