/* The summary cache: hits and misses, invalidation by id and of 404s, refused fills,
 * expiry, the memory cap and clock eviction, admission once full, disabling, and
 * concurrent readers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/summary_cache.h"

/* Look slug up at now; the status (0 on a miss), the body in body (size n). */
static unsigned
lookup(struct summary_cache *c, const char *slug, int64_t now, char *body, size_t n)
{
	struct summary_cache_hit hit;

	body[0] = '\0';
	if (!summary_cache_get(c, slug, now, &hit))
		return (0);
	if (hit.body != NULL)
		snprintf(body, n, "%.*s", (int)hit.len, hit.body);
	summary_cache_release(hit.entry);
	return (hit.status);
}

static int
put(struct summary_cache *c, const char *slug, int64_t id, const char *body)
{
	return (summary_cache_put(c, summary_cache_ticket(c), slug, id, 200, body,
	    strlen(body), 0));
}

/* Store c0, c1, c2 (ids 1 to 3) with body: a 4096-byte cache is then full. */
static void
fill_three(struct summary_cache *c, const char *body)
{
	char slug[32];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(slug, sizeof(slug), "c%d", i);
		cr_assert_eq(put(c, slug, i + 1, body), 1);
	}
}

Test(summary_cache, hit_after_put_and_miss_before)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	struct summary_cache_stats st;
	char body[256];

	cr_assert_not_null(c);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 0);
	cr_assert_eq(put(c, "acme", 7, "{\"slug\":\"acme\"}\n"), 1);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 200);
	cr_assert_str_eq(body, "{\"slug\":\"acme\"}\n");
	cr_assert_eq(lookup(c, "acmf", 0, body, sizeof(body)), 0);
	cr_assert_eq(put(c, "acme", 7, "{\"v\":2}"), 1, "replaces");
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 200);
	cr_assert_str_eq(body, "{\"v\":2}");
	summary_cache_stats(c, &st);
	cr_assert_eq(st.hits, 2);
	cr_assert_eq(st.misses, 2);
	cr_assert_eq(st.entries, 1);
	cr_assert(st.bytes > 0 && st.bytes <= st.max_bytes);
	summary_cache_free(c);
}

Test(summary_cache, invalidate_drops_the_company_and_every_404)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	char body[64];

	cr_assert_eq(put(c, "acme", 7, "a"), 1);
	cr_assert_eq(put(c, "beta", 8, "b"), 1);
	cr_assert_eq(summary_cache_put(c, summary_cache_ticket(c), "ghost", 0, 404, NULL, 0,
	    0), 1);
	cr_assert_eq(lookup(c, "ghost", 0, body, sizeof(body)), 404);
	summary_cache_invalidate(c, 7);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 0);
	cr_assert_eq(lookup(c, "beta", 0, body, sizeof(body)), 200, "another company stays");
	cr_assert_eq(lookup(c, "ghost", 0, body, sizeof(body)), 0,
	    "a 404 may be any company made public or created");
	summary_cache_clear(c);
	cr_assert_eq(lookup(c, "beta", 0, body, sizeof(body)), 0);
	summary_cache_free(c);
}

Test(summary_cache, a_fill_that_raced_an_invalidation_is_refused)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	struct summary_cache_stats st;
	uint64_t ticket = summary_cache_ticket(c);
	char body[64];

	summary_cache_invalidate(c, 99);
	cr_assert_eq(summary_cache_put(c, ticket, "acme", 7, 200, "old", 3, 0), 0);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 0);
	ticket = summary_cache_ticket(c);
	summary_cache_clear(c);
	cr_assert_eq(summary_cache_put(c, ticket, "acme", 7, 404, NULL, 0, 0), 0);
	summary_cache_stats(c, &st);
	cr_assert_eq(st.refused_fills, 2);
	cr_assert_eq(st.entries, 0);
	summary_cache_free(c);
}

Test(summary_cache, entries_expire_when_the_upcoming_methodology_takes_effect)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	char body[64];

	cr_assert_eq(summary_cache_put(c, summary_cache_ticket(c), "acme", 7, 200, "x", 1,
	    1000), 1);
	cr_assert_eq(lookup(c, "acme", 999, body, sizeof(body)), 200);
	cr_assert_eq(lookup(c, "acme", 1000, body, sizeof(body)), 0);
	summary_cache_free(c);
}

Test(summary_cache, disabled_serves_and_stores_nothing)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	uint64_t ticket;
	char body[64];

	cr_assert_eq(put(c, "acme", 7, "x"), 1);
	ticket = summary_cache_ticket(c);
	summary_cache_set_enabled(c, 0);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 0);
	cr_assert_eq(put(c, "acme", 7, "x"), 0);
	summary_cache_set_enabled(c, 1);
	cr_assert_eq(lookup(c, "acme", 0, body, sizeof(body)), 0, "dropped when disabled");
	cr_assert_eq(summary_cache_put(c, ticket, "acme", 7, 200, "x", 1, 0), 0,
	    "a ticket from before the gap");
	cr_assert_eq(put(c, "acme", 7, "x"), 1);
	summary_cache_free(c);
}

Test(summary_cache, memory_stays_under_the_cap)
{
	struct summary_cache *c = summary_cache_new(4 * 1024 * 1024);
	struct summary_cache_stats st;
	char slug[32], body[2048];
	int i, k;

	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	for (i = 0; i < 20000; i++) {
		snprintf(slug, sizeof(slug), "company-%d", i);
		/* Full, a slug is admitted on its second fill (a third when the admission
		 * window was cleared in between). */
		for (k = 0; k < 3 && put(c, slug, i + 1, body) == 0; k++)
			;
		cr_assert(k < 3, "%s is never admitted", slug);
	}
	summary_cache_stats(c, &st);
	cr_assert(st.bytes <= st.max_bytes, "%zu > %zu", st.bytes, st.max_bytes);
	cr_assert(st.bytes > st.max_bytes / 2, "the cap is used: %zu", st.bytes);
	cr_assert(st.entries < 20000 && st.entries > 1000, "%zu entries", st.entries);
	cr_assert_eq(st.evictions, 20000 - st.entries);
	summary_cache_free(c);
}

Test(summary_cache, an_entry_past_its_shards_share_is_refused)
{
	static char big[600 * 1024];
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	char body[16];

	cr_assert_eq(summary_cache_put(c, summary_cache_ticket(c), "huge", 1, 200, big,
	    sizeof(big), 0), 0);
	cr_assert_eq(lookup(c, "huge", 0, body, sizeof(body)), 0);
	summary_cache_free(c);
}

/* One shard (a small cap): the clock evicts the oldest entry not used since. */
Test(summary_cache, the_clock_spares_recently_used_entries)
{
	struct summary_cache *c = summary_cache_new(4096);
	struct summary_cache_stats st;
	char body[1100], got[1200];

	memset(body, 'y', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	fill_three(c, body);
	summary_cache_stats(c, &st);
	cr_assert_eq(st.entries, 3);
	cr_assert_eq(lookup(c, "c0", 0, got, sizeof(got)), 200);
	cr_assert_eq(put(c, "c3", 4, body), 0, "full: a first fill is only remembered");
	cr_assert_eq(put(c, "c3", 4, body), 1);
	cr_assert_eq(lookup(c, "c0", 0, got, sizeof(got)), 200, "used: second chance");
	cr_assert_eq(lookup(c, "c1", 0, got, sizeof(got)), 0, "the oldest unused goes");
	cr_assert_eq(lookup(c, "c2", 0, got, sizeof(got)), 200);
	cr_assert_eq(lookup(c, "c3", 0, got, sizeof(got)), 200);
	summary_cache_stats(c, &st);
	cr_assert_eq(st.evictions, 1);
	summary_cache_free(c);
}

/* Full, the cache takes a slug only on its second fill: a sweep over companies
 * looked up once leaves the ones in use where they are. (The filter may take a new
 * slug for one it has seen, rarely: at most a few of the thousand here.) */
Test(summary_cache, a_sweep_of_single_lookups_does_not_evict_the_cache)
{
	struct summary_cache *c = summary_cache_new(64 * 1024);
	struct summary_cache_stats st;
	char slug[32], body[1024], got[1100];
	int i, hot, stayed = 0;

	memset(body, 'z', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	for (hot = 0; hot < 1000 && put(c, (snprintf(slug, sizeof(slug), "hot-%d", hot),
	    slug), hot + 1, body) == 1; hot++)
		;
	cr_assert(hot > 20 && hot < 1000, "%d entries fit", hot);
	for (i = 0; i < 1000; i++) {
		snprintf(slug, sizeof(slug), "once-%d", i);
		cr_assert_eq(lookup(c, slug, 0, got, sizeof(got)), 0);
		(void)put(c, slug, 1000 + i, body);
	}
	summary_cache_stats(c, &st);
	cr_assert(st.not_admitted >= 1 + 990, "%llu not admitted",
	    (unsigned long long)st.not_admitted);
	cr_assert(st.evictions <= 10, "%llu evicted", (unsigned long long)st.evictions);
	for (i = 0; i < hot; i++) {
		snprintf(slug, sizeof(slug), "hot-%d", i);
		stayed += lookup(c, slug, 0, got, sizeof(got)) == 200;
	}
	cr_assert(stayed >= hot - 10, "%d of %d stayed", stayed, hot);
	/* A company looked up again is admitted, in place of the clock's choice. */
	cr_assert_eq(put(c, "once-999", 1999, body), 1);
	cr_assert_eq(lookup(c, "once-999", 0, got, sizeof(got)), 200);
	/* Below the cap every fill is stored at once. */
	summary_cache_clear(c);
	cr_assert_eq(put(c, "fresh", 1, body), 1);
	summary_cache_free(c);
}

/* The filter forgets: after a window's worth of other refused fills (4096 for a
 * small cache), a slug seen once must be filled twice again to be admitted. */
Test(summary_cache, the_admission_window_forgets_old_fills)
{
	struct summary_cache *c = summary_cache_new(4096);
	char slug[32], body[1100];
	int i;

	memset(body, 'w', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	fill_three(c, body);
	cr_assert_eq(put(c, "late", 99, body), 0);
	cr_assert_eq(put(c, "soon", 98, body), 0);
	cr_assert_eq(put(c, "soon", 98, body), 1, "within the window");
	for (i = 0; i < 4200; i++) {
		snprintf(slug, sizeof(slug), "other-%d", i);
		(void)put(c, slug, 100 + i, body);
	}
	cr_assert_eq(put(c, "late", 99, body), 0, "forgotten after the window");
	cr_assert_eq(put(c, "late", 99, body), 1);
	summary_cache_free(c);
}

#define READERS 8
#define SLUGS 64

static struct summary_cache *shared;

static void *
reader(void *arg)
{
	char slug[32], want[64], body[64];
	long bad = 0;
	int i, k;
	unsigned s;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		k = i % SLUGS;
		snprintf(slug, sizeof(slug), "s%d", k);
		snprintf(want, sizeof(want), "{\"k\":%d}", k);
		s = lookup(shared, slug, 0, body, sizeof(body));
		if (s == 200 && strcmp(body, want) != 0)
			bad++;
		if (s == 0)
			summary_cache_put(shared, summary_cache_ticket(shared), slug, k + 1, 200,
			    want, strlen(want), 0);
	}
	return ((void *)bad);
}

/* Readers, fillers and an invalidator at once: every body served is the one stored
 * for its slug, and the counters add up. */
Test(summary_cache, concurrent_readers_see_whole_entries)
{
	pthread_t t[READERS];
	struct summary_cache_stats st;
	void *bad;
	int i;

	shared = summary_cache_new(64 * 1024 * 1024);
	for (i = 0; i < READERS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, reader, NULL), 0);
	for (i = 0; i < 2000; i++)
		summary_cache_invalidate(shared, (i % SLUGS) + 1);
	for (i = 0; i < READERS; i++) {
		pthread_join(t[i], &bad);
		cr_assert_eq((long)bad, 0);
	}
	summary_cache_stats(shared, &st);
	cr_assert_eq(st.hits + st.misses, (uint64_t)READERS * 20000);
	cr_assert(st.hits > 0);
	cr_assert(st.entries <= SLUGS);
	summary_cache_free(shared);
}

Test(summary_cache, a_held_body_outlives_its_entry_until_released)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	struct summary_cache_hit a, b;
	const char *body = "{\"slug\":\"acme\",\"score\":71}\n";

	cr_assert_eq(put(c, "acme", 7, body), 1);
	cr_assert_eq(summary_cache_get(c, "acme", 0, &a), 1);
	cr_assert_eq(summary_cache_get(c, "acme", 0, &b), 1);
	cr_assert_eq(a.status, 200);
	cr_assert_not_null(a.entry);
	/* Dropped from the cache (a correction), replaced, then the cache itself freed:
	 * each answer still being sent keeps its bytes until it lets go of them. */
	summary_cache_invalidate(c, 7);
	cr_assert_eq(put(c, "acme", 7, "{\"slug\":\"acme\",\"score\":40}\n"), 1);
	cr_assert_eq(a.len, strlen(body));
	cr_assert_eq(memcmp(a.body, body, a.len), 0);
	summary_cache_release(a.entry);
	summary_cache_free(c);
	cr_assert_eq(memcmp(b.body, body, b.len), 0, "the second hold is still whole");
	summary_cache_release(b.entry);
}

Test(summary_cache, a_404_hit_holds_nothing)
{
	struct summary_cache *c = summary_cache_new(1024 * 1024);
	struct summary_cache_hit hit;

	cr_assert_eq(summary_cache_put(c, summary_cache_ticket(c), "nobody", 0, 404, NULL, 0,
	    0), 1);
	cr_assert_eq(summary_cache_get(c, "nobody", 0, &hit), 1);
	cr_assert_eq(hit.status, 404);
	cr_assert_null(hit.body);
	cr_assert_null(hit.entry);
	summary_cache_free(c);
}
