#ifndef FAIRRATE_DEMO_RNG_H
#define FAIRRATE_DEMO_RNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * The demo world's random numbers: xoshiro256** seeded through splitmix64. Pure and
 * portable: the same seed and stream give the same numbers on every platform, which
 * rand() does not promise. Not for anything secret.
 */

struct demo_rng {
	uint64_t s[4];
};

/* demo_rng_seed: start r on the stream numbered stream of seed (independent streams
 * for different stream numbers). */
void demo_rng_seed(struct demo_rng *r, uint64_t seed, uint64_t stream);

/* demo_rng_next: the next 64 random bits. */
uint64_t demo_rng_next(struct demo_rng *r);

/* demo_rng_unit: a double in [0, 1). */
double demo_rng_unit(struct demo_rng *r);

/* demo_rng_between: an integer in [lo, hi] (lo <= hi). */
int64_t demo_rng_between(struct demo_rng *r, int64_t lo, int64_t hi);

/* demo_rng_chance: 1 with probability p, else 0. */
int demo_rng_chance(struct demo_rng *r, double p);

/* demo_rng_poisson: a Poisson draw of mean lambda (small lambdas; at most 50). */
int demo_rng_poisson(struct demo_rng *r, double lambda);

/* demo_rng_weighted: an index in [0, n) drawn with the given positive weights. */
size_t demo_rng_weighted(struct demo_rng *r, const int *weights, size_t n);

#endif
