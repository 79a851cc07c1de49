/* The hash-table hashes: known values, and ids spread over the high bits that pick
 * a shard. */
#include <criterion/criterion.h>

#include "common/hash.h"

Test(hash, fnv1a_known_values)
{
	cr_assert_eq(hash_string(""), 14695981039346656037ULL);
	cr_assert_eq(hash_string("a"), 0xaf63dc4c8601ec8cULL);
	cr_assert_eq(hash_string("foobar"), 0x85944171f73967e8ULL);
}

Test(hash, consecutive_ids_reach_every_shard)
{
	int seen[32] = {0}, i, n = 0;

	for (i = 1; i <= 256; i++)
		seen[(hash_int64(i) >> 40) % 32] = 1;
	for (i = 0; i < 32; i++)
		n += seen[i];
	cr_assert_eq(n, 32);
	cr_assert_neq(hash_int64(1), hash_int64(2));
}
