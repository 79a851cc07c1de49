#ifndef FAIRRATE_API_KEY_CACHE_H
#define FAIRRATE_API_KEY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "api/keys_store.h"

/*
 * A short-lived in-memory cache of api_keys rows by prefix, so that an authenticated
 * request does not cost a database round trip. An entry lives ttl_ms; a key revoked
 * elsewhere (the command line, another instance) is therefore refused by this process
 * at most ttl_ms later, and at once when revoked through this process
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

/* key_cache_put: cache rec for prefix as of now_ms (replacing an older entry). When the
 * cache is full, expired entries are dropped first; if none, nothing is cached. */
void key_cache_put(struct key_cache *kc, const char *prefix, const struct keys_record *rec,
    int64_t now_ms);

/* key_cache_forget: drop the entry of key id (after a revocation). */
void key_cache_forget(struct key_cache *kc, int64_t id);

/* key_cache_free: NULL is a no-op. */
void key_cache_free(struct key_cache *kc);

#endif
