/* Token buckets: burst, refill, Retry-After, separate keys, bounded memory. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "api/ratelimit.h"

Test(ratelimit, a_burst_then_refusal_with_retry_after)
{
	struct ratelimit *rl = ratelimit_new(60, 3, 100);   /* one token a second */
	unsigned retry = 0;

	cr_assert_not_null(rl);
	cr_assert(ratelimit_take(rl, "k", 1000, &retry));
	cr_assert(ratelimit_take(rl, "k", 1000, &retry));
	cr_assert(ratelimit_take(rl, "k", 1000, &retry));
	cr_assert_not(ratelimit_take(rl, "k", 1000, &retry));
	cr_assert_eq(retry, 1);
	ratelimit_free(rl);
}

Test(ratelimit, tokens_come_back_at_the_rate)
{
	struct ratelimit *rl = ratelimit_new(6, 2, 100);     /* one token each 10 s */
	unsigned retry = 0;

	cr_assert(ratelimit_take(rl, "k", 0, NULL));
	cr_assert(ratelimit_take(rl, "k", 0, NULL));
	cr_assert_not(ratelimit_take(rl, "k", 0, &retry));
	cr_assert_eq(retry, 10);
	cr_assert_not(ratelimit_take(rl, "k", 4000, &retry));
	cr_assert_eq(retry, 6, "6 s left of the 10");
	cr_assert(ratelimit_take(rl, "k", 10000, NULL));
	cr_assert_not(ratelimit_take(rl, "k", 10000, NULL));
	/* A long pause refills to the burst, not past it. */
	cr_assert(ratelimit_take(rl, "k", 1000000, NULL));
	cr_assert(ratelimit_take(rl, "k", 1000000, NULL));
	cr_assert_not(ratelimit_take(rl, "k", 1000000, NULL));
	ratelimit_free(rl);
}

Test(ratelimit, keys_have_their_own_buckets)
{
	struct ratelimit *rl = ratelimit_new(60, 1, 100);

	cr_assert(ratelimit_take(rl, "key:1", 0, NULL));
	cr_assert_not(ratelimit_take(rl, "key:1", 0, NULL));
	cr_assert(ratelimit_take(rl, "key:2", 0, NULL));
	cr_assert(ratelimit_take(rl, "10.0.0.1", 0, NULL));
	cr_assert_eq(ratelimit_count(rl), 3);
	ratelimit_free(rl);
}

Test(ratelimit, memory_stays_bounded)
{
	struct ratelimit *rl = ratelimit_new(60, 5, 64);
	char key[32];
	int i;

	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "client-%d", i);
		cr_assert(ratelimit_take(rl, key, i, NULL), "a new key starts full");
	}
	cr_assert_leq(ratelimit_count(rl), 64 + 32, "about max_keys buckets, not 10000");
	ratelimit_free(rl);
}

Test(ratelimit, bad_arguments)
{
	cr_assert_null(ratelimit_new(0, 1, 1));
	cr_assert_null(ratelimit_new(1, 0, 1));
	cr_assert_null(ratelimit_new(1, 1, 0));
	ratelimit_free(NULL);
}
