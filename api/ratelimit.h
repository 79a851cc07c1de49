#ifndef FAIRRATE_API_RATELIMIT_H
#define FAIRRATE_API_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Token buckets keyed by a short string (an API key's id, a client's address), held in
 * this process's memory: several server processes each keep their own. Each bucket
 * holds at most `burst` tokens and refills at `per_minute` tokens a minute; a request
 * takes one. At most max_keys buckets are kept: past that, full (idle) buckets and
 * then the least recently used are dropped, which can only be lenient. Thread-safe;
 * the time is passed in so that the logic is tested without a clock.
 */

struct ratelimit;

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

/* ratelimit_count: the number of buckets held (for tests and metrics). */
size_t ratelimit_count(struct ratelimit *rl);

/* ratelimit_free: free every bucket; NULL is a no-op. */
void ratelimit_free(struct ratelimit *rl);

#endif
