/* The demo's random numbers: xoshiro256** (Blackman and Vigna) seeded by splitmix64. */
#include "demo/demo_rng.h"

#include <math.h>

static uint64_t
demo_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

void
demo_rng_seed(struct demo_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = demo_splitmix64(&x);
}

static uint64_t
demo_rotl(uint64_t v, int k)
{
	return ((v << k) | (v >> (64 - k)));
}

uint64_t
demo_rng_next(struct demo_rng *r)
{
	uint64_t *s = r->s, result = demo_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = demo_rotl(s[3], 45);
	return (result);
}

double
demo_rng_unit(struct demo_rng *r)
{
	return ((double)(demo_rng_next(r) >> 11) * 0x1.0p-53);
}

int64_t
demo_rng_between(struct demo_rng *r, int64_t lo, int64_t hi)
{
	return (lo + (int64_t)(demo_rng_unit(r) * (double)(hi - lo + 1)));
}

int
demo_rng_chance(struct demo_rng *r, double p)
{
	return (demo_rng_unit(r) < p);
}

/* Knuth's method: fine for the small means the demo uses. */
int
demo_rng_poisson(struct demo_rng *r, double lambda)
{
	double limit = exp(-lambda), prod = demo_rng_unit(r);
	int k = 0;

	while (prod > limit && k < 50) {
		prod *= demo_rng_unit(r);
		k++;
	}
	return (k);
}

size_t
demo_rng_weighted(struct demo_rng *r, const int *weights, size_t n)
{
	int total = 0, pick;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	pick = (int)demo_rng_between(r, 0, total - 1);
	for (i = 0; i < n; i++) {
		if (pick < weights[i])
			return (i);
		pick -= weights[i];
	}
	return (n - 1);
}
