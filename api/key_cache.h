#ifndef FAIRRATE_API_KEY_CACHE_H
#define FAIRRATE_API_KEY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "api/keys_store.h"

/*
 * A short-lived in-memory cache of api_keys rows by prefix, so that an authenticated
 * request does not cost a database round trip. An entry is fresh for ttl_ms; past that,
 * one caller refreshes it while the others keep using it for up to another ttl_ms
 * (key_cache_lookup). A key revoked elsewhere (the command line, another instance) is
 * therefore refused by this process about ttl_ms later (the time of one refresh more,
 * never more than twice ttl_ms), and at once when revoked through this process
 * (key_cache_forget). Only keys that exist are cached, never a miss. Thread-safe; the
 * time is passed in so that the logic is tested without a clock.
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

/* key_cache_put: cache rec for prefix as of now_ms (replacing an older entry, and ending
 * its refresh). When the
 * cache is full, expired entries are dropped first; if none, nothing is cached. */
void key_cache_put(struct key_cache *kc, const char *prefix, const struct keys_record *rec,
    int64_t now_ms);

/* key_cache_forget: drop the entry of key id (after a revocation). */
void key_cache_forget(struct key_cache *kc, int64_t id);

/* key_cache_free: NULL is a no-op. */
void key_cache_free(struct key_cache *kc);

#endif
