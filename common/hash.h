#ifndef FAIRRATE_COMMON_HASH_H
#define FAIRRATE_COMMON_HASH_H

#include <stdint.h>

/*
 * Hashes for the in-memory hash tables (rate limiter, key cache): fast and well
 * spread, not keyed and not for anything an attacker must not predict.
 */

/* hash_string: the 64-bit FNV-1a hash of the NUL-terminated s. */
uint64_t hash_string(const char *s);

/* hash_int64: v mixed so that every bit of it reaches every bit of the result (the
 * splitmix64 finalizer); consecutive ids land far apart. */
uint64_t hash_int64(int64_t v);

#endif
