/* Token buckets: burst, refill, Retry-After, separate keys, bounded memory, peeking,
 * least-recently-used eviction and the client key of an address. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

Test(ratelimit, peek_takes_nothing_and_makes_no_bucket)
{
	struct ratelimit *rl = ratelimit_new(60, 2, 100);   /* one token a second */
	unsigned retry = 0;

	cr_assert(ratelimit_peek(rl, "fail:10.0.0.1", 0, &retry));
	cr_assert_eq(ratelimit_count(rl), 0, "a peek makes no bucket");
	cr_assert(ratelimit_take(rl, "fail:10.0.0.1", 0, NULL));
	cr_assert(ratelimit_peek(rl, "fail:10.0.0.1", 0, NULL));
	cr_assert(ratelimit_peek(rl, "fail:10.0.0.1", 0, NULL), "peeking twice takes nothing");
	cr_assert(ratelimit_take(rl, "fail:10.0.0.1", 0, NULL));
	cr_assert_not(ratelimit_peek(rl, "fail:10.0.0.1", 0, &retry));
	cr_assert_eq(retry, 1);
	cr_assert(ratelimit_peek(rl, "fail:10.0.0.1", 1000, NULL), "refilled");
	ratelimit_free(rl);
}

Test(ratelimit, eviction_drops_the_least_recently_used)
{
	struct ratelimit *rl = ratelimit_new(1, 1, 64);     /* two buckets a shard */
	char key[32];
	int i;

	/* An emptied bucket in constant use outlives a flood of new keys: each new key
	 * drops the least recently used bucket of its shard, never the hot one. */
	cr_assert(ratelimit_take(rl, "hot", 0, NULL));
	for (i = 1; i <= 5000; i++) {
		cr_assert_not(ratelimit_take(rl, "hot", i, NULL), "still limited at %d", i);
		snprintf(key, sizeof(key), "client-%d", i);
		cr_assert(ratelimit_take(rl, key, i, NULL));
		cr_assert_leq(ratelimit_count(rl), 64);
	}
	ratelimit_free(rl);
}

Test(ratelimit, many_keys_each_keep_their_own_bucket)
{
	struct ratelimit *rl = ratelimit_new(60, 1, 100000);
	char key[32];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "127.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		cr_assert(ratelimit_take(rl, key, 0, NULL));
	}
	cr_assert_eq(ratelimit_count(rl), 20000);
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "127.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		cr_assert_not(ratelimit_take(rl, key, 0, NULL), "%s is found again", key);
	}
	ratelimit_free(rl);
}

static void
client_key(const char *text, char *out, size_t n)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else {
		cr_assert_eq(inet_pton(AF_INET6, text, &s6->sin6_addr), 1, "%s", text);
		s6->sin6_family = AF_INET6;
	}
	cr_assert_eq(ratelimit_client_key((struct sockaddr *)&ss, out, n), 0, "%s", text);
}

Test(ratelimit, client_keys_ipv4_whole_ipv6_by_64)
{
	char a[64], b[64];
	struct sockaddr_storage ss;

	client_key("127.0.0.1", a, sizeof(a));
	cr_assert_str_eq(a, "127.0.0.1");
	client_key("127.0.0.2", b, sizeof(b));
	cr_assert_str_neq(a, b, "each IPv4 address counts alone");
	client_key("::ffff:192.0.2.7", a, sizeof(a));
	cr_assert_str_eq(a, "192.0.2.7", "IPv4 mapped into IPv6 counts as IPv4");
	client_key("2001:db8:0:1::1", a, sizeof(a));
	client_key("2001:db8:0:1:ffff:ffff:ffff:ffff", b, sizeof(b));
	cr_assert_str_eq(a, "2001:db8:0:1::/64");
	cr_assert_str_eq(a, b, "one /64 is one client");
	client_key("2001:db8:0:2::1", b, sizeof(b));
	cr_assert_str_neq(a, b, "another /64 is another client");
	client_key("::1", a, sizeof(a));
	cr_assert_str_eq(a, "0:0:0:0::/64");
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	cr_assert_eq(ratelimit_client_key((struct sockaddr *)&ss, a, sizeof(a)), -1);
	cr_assert_eq(ratelimit_client_key(NULL, a, sizeof(a)), -1);
	client_key("10.1.2.3", a, sizeof(a));
	memset(&ss, 0, sizeof(ss));
	((struct sockaddr_in *)&ss)->sin_family = AF_INET;
	cr_assert_eq(ratelimit_client_key((struct sockaddr *)&ss, a, 8), -1, "short out");
}
