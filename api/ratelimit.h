#ifndef FAIRRATE_API_RATELIMIT_H
#define FAIRRATE_API_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Token buckets keyed by a short string (an API key's id, a client's address), held in
 * this process's memory: several server processes each keep their own. Each bucket
 * holds at most `burst` tokens and refills at `per_minute` tokens a minute; a request
 * takes one. At most max_keys buckets are kept: past that, the least recently used
 * is dropped, which can only be lenient. Buckets are found through hash tables and
 * dropped in least-recently-used order, so that a request costs O(1) however many
 * clients are held. Thread-safe; the time is passed in so that the logic is tested
 * without a clock.
 */

struct ratelimit;
struct sockaddr;

/* ratelimit_new: buckets refilling at per_minute (> 0) tokens a minute, holding at most
 * burst (> 0) tokens, at most max_keys of them. NULL on bad arguments or no memory. */
struct ratelimit *ratelimit_new(unsigned per_minute, unsigned burst, size_t max_keys);

/* ratelimit_take: take one token from key's bucket (a new bucket starts full) at time
 * now_ms (milliseconds, monotonic). 1 if taken; 0 if the bucket is empty, with
 * *retry_after (if not NULL) the whole seconds, at least 1, until a token is back.
 * Keys longer than 63 bytes are cut to 63. A bucket that cannot be allocated lets
 * the request through. */
int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
    unsigned *retry_after);

/* ratelimit_peek: whether key's bucket holds a token at now_ms, without taking one
 * (and without making a bucket for a new key). 1 if so (or no bucket); 0 if empty,
 * with *retry_after (if not NULL) as for ratelimit_take. */
int ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms,
    unsigned *retry_after);

/* ratelimit_client_key: the key under which a client address counts, into out (at
 * least 64 bytes): an IPv4 address (also one mapped into IPv6) as itself, an IPv6
 * address as its /64 ("2001:db8:0:1::/64"), since one client usually holds a whole
 * /64. 0, or -1 for another family, a NULL address or a short out. */
int ratelimit_client_key(const struct sockaddr *sa, char *out, size_t n);

/* ratelimit_count: the number of buckets held (for tests and metrics). */
size_t ratelimit_count(struct ratelimit *rl);

/* ratelimit_free: free every bucket; NULL is a no-op. */
void ratelimit_free(struct ratelimit *rl);

#endif
