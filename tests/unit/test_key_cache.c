/* The API key cache: hits within the ttl, misses after, forgetting (also of fills read
 * before it), clearing, bounded size. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "api/key_cache.h"

static struct keys_record
record(int64_t id)
{
	struct keys_record r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.role = AUTH_ROLE_INVESTOR;
	snprintf(r.secret_sha256, sizeof(r.secret_sha256), "%064lld", (long long)id);
	return (r);
}

Test(key_cache, hits_until_the_ttl)
{
	struct key_cache *kc = key_cache_new(1000, 100);
	struct keys_record in = record(7), out;

	cr_assert_not_null(kc);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 0, &out), 0);
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 0);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 999, &out), 1);
	cr_assert_eq(out.id, 7);
	cr_assert_str_eq(out.secret_sha256, in.secret_sha256);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 1000, &out), 0, "expired");
	cr_assert_eq(key_cache_get(kc, "abcdefghijkm", 10, &out), 0, "another prefix");
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 1000);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 1500, &out), 1, "refreshed");
	key_cache_free(kc);
}

Test(key_cache, forget_drops_a_key_by_id)
{
	struct key_cache *kc = key_cache_new(60000, 100);
	struct keys_record a = record(1), b = record(2), out;

	key_cache_put(kc, key_cache_ticket(kc), "aaaaaaaaaaaa", &a, 0);
	key_cache_put(kc, key_cache_ticket(kc), "bbbbbbbbbbbb", &b, 0);
	key_cache_forget(kc, 1);
	cr_assert_eq(key_cache_get(kc, "aaaaaaaaaaaa", 1, &out), 0);
	cr_assert_eq(key_cache_get(kc, "bbbbbbbbbbbb", 1, &out), 1);
	key_cache_free(kc);
}

Test(key_cache, a_full_cache_caches_nothing_more_until_entries_expire)
{
	struct key_cache *kc = key_cache_new(100, 16);
	struct keys_record r = record(1), out;
	char prefix[16];
	int i, cached = 0;

	for (i = 0; i < 1000; i++) {
		snprintf(prefix, sizeof(prefix), "p%011d", i);
		key_cache_put(kc, key_cache_ticket(kc), prefix, &r, 0);
	}
	for (i = 0; i < 1000; i++) {
		snprintf(prefix, sizeof(prefix), "p%011d", i);
		cached += key_cache_get(kc, prefix, 1, &out);
	}
	cr_assert_leq(cached, 16, "at most max_entries: %d", cached);
	cr_assert_gt(cached, 0);
	key_cache_put(kc, key_cache_ticket(kc), "zzzzzzzzzzzz", &r, 200);
	cr_assert_eq(key_cache_get(kc, "zzzzzzzzzzzz", 201, &out), 1, "expired room reused");
	key_cache_free(kc);
}

Test(key_cache, off_and_bad_arguments)
{
	struct keys_record out;

	cr_assert_null(key_cache_new(0, 10));
	cr_assert_null(key_cache_new(10, 0));
	cr_assert_eq(key_cache_get(NULL, "abcdefghijkl", 0, &out), 0);
	key_cache_forget(NULL, 1);
	key_cache_free(NULL);
}

Test(key_cache, one_caller_refreshes_an_expired_entry_while_the_others_use_it)
{
	struct key_cache *kc = key_cache_new(1000, 100);
	struct keys_record in = record(7), out;

	cr_assert_not_null(kc);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 0, &out), KEY_CACHE_MISS);
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 0);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 999, &out), KEY_CACHE_HIT);
	out.id = 0;
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1000, &out), KEY_CACHE_REFRESH);
	cr_assert_eq(out.id, 7, "the refresher sees the old record too");
	out.id = 0;
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1001, &out), KEY_CACHE_STALE);
	cr_assert_eq(out.id, 7);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 1001, &out), 0,
	    "key_cache_get still finds only fresh entries");
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 2000, &out), KEY_CACHE_MISS,
	    "a refresh that never came: past twice the ttl everyone reads the key");
	in.revoked = 1;
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 1500);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1600, &out), KEY_CACHE_HIT);
	cr_assert_eq(out.revoked, 1, "the refreshed record replaces the old one");
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 2600, &out), KEY_CACHE_REFRESH,
	    "a put ends the refresh; the next expiry has a refresher again");
	key_cache_free(kc);
}

Test(key_cache, a_failed_refresh_passes_to_the_next_caller_or_drops_a_gone_key)
{
	struct key_cache *kc = key_cache_new(1000, 100);
	struct keys_record in = record(7), out;

	cr_assert_not_null(kc);
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 0);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1200, &out), KEY_CACHE_REFRESH);
	key_cache_refresh_failed(kc, "abcdefghijkl", 0);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1300, &out), KEY_CACHE_REFRESH,
	    "after a failure the next caller refreshes");
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1301, &out), KEY_CACHE_STALE);
	key_cache_refresh_failed(kc, "abcdefghijkl", 1);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1302, &out), KEY_CACHE_MISS,
	    "a key that no longer exists is not served stale");
	key_cache_forget(kc, 7);
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 0);
	key_cache_forget(kc, 7);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1500, &out), KEY_CACHE_MISS,
	    "a revoked key is not served stale");
	cr_assert_eq(key_cache_lookup(NULL, "abcdefghijkl", 0, &out), KEY_CACHE_MISS);
	key_cache_refresh_failed(NULL, "abcdefghijkl", 0);
	key_cache_free(kc);
}

Test(key_cache, a_fill_read_before_a_forget_is_refused)
{
	struct key_cache *kc = key_cache_new(60000, 100);
	struct keys_record in = {.id = 7, .role = AUTH_ROLE_INVESTOR}, out;
	uint64_t ticket;

	/* A request reads key 7 (not revoked yet), the revocation's notification is
	 * applied, then the request fills the cache: the row must not come back. */
	ticket = key_cache_ticket(kc);
	key_cache_forget(kc, 7);
	key_cache_put(kc, ticket, "abcdefghijkl", &in, 0);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 1, &out), KEY_CACHE_MISS);
	/* A forget of any key refuses older fills; a fresh ticket fills. */
	key_cache_put(kc, key_cache_ticket(kc), "abcdefghijkl", &in, 0);
	ticket = key_cache_ticket(kc);
	key_cache_forget(kc, 99);
	key_cache_put(kc, ticket, "bbbbbbbbbbbb", &in, 0);
	cr_assert_eq(key_cache_get(kc, "bbbbbbbbbbbb", 1, &out), 0);
	cr_assert_eq(key_cache_get(kc, "abcdefghijkl", 1, &out), 1, "key 99 is not key 7");
	/* A refused refresh hands the refresh to the next caller. */
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 60000, &out), KEY_CACHE_REFRESH);
	ticket = key_cache_ticket(kc);
	key_cache_clear(kc);
	key_cache_put(kc, ticket, "abcdefghijkl", &in, 60000);
	cr_assert_eq(key_cache_lookup(kc, "abcdefghijkl", 60001, &out), KEY_CACHE_MISS,
	    "cleared");
	cr_assert_eq(key_cache_ticket(NULL), 0);
	key_cache_clear(NULL);
	key_cache_free(kc);
}

Test(key_cache, forget_finds_its_key_among_many)
{
	struct key_cache *kc = key_cache_new(60000, 100000);
	struct keys_record r = {.role = AUTH_ROLE_INVESTOR}, out;
	char prefix[AUTH_PREFIX_LEN + 1];
	int i;

	for (i = 1; i <= 20000; i++) {
		snprintf(prefix, sizeof(prefix), "k%011d", i);
		r.id = i;
		key_cache_put(kc, key_cache_ticket(kc), prefix, &r, 0);
	}
	for (i = 1; i <= 20000; i += 997)
		key_cache_forget(kc, i);
	for (i = 1; i <= 20000; i++) {
		snprintf(prefix, sizeof(prefix), "k%011d", i);
		cr_assert_eq(key_cache_get(kc, prefix, 1, &out), (i - 1) % 997 != 0, "%s", prefix);
		if ((i - 1) % 997 != 0)
			cr_assert_eq(out.id, i);
	}
	key_cache_free(kc);
}
