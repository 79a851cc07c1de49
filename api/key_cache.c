#include "api/key_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "common/hash.h"

/* Shards, each behind a read-write lock, with hash tables by prefix and by key id and
 * the entries in the order they were cached (as api/summary_cache.c): a lookup is one
 * chain, a revocation one chain per shard, and making room looks at the oldest entry
 * only, however many keys are cached. A read-write lock, because every request of one
 * hot key reads the same shard, and a reader preempted while it holds a mutex would
 * make the others sleep until it runs again. */
#define KEY_CACHE_SHARDS 16
#define KEY_CACHE_MIN_SLOTS 16

struct key_cache_entry {
	struct key_cache_entry *prefix_next, *id_next;   /* hash chains */
	struct key_cache_entry *older, *newer;           /* by cached_ms, oldest first */
	uint64_t hash;
	char prefix[AUTH_PREFIX_LEN + 1];
	struct keys_record rec;
	int64_t cached_ms;
	int refreshing;                /* a caller was told KEY_CACHE_REFRESH; atomic */
};

struct key_cache_shard {
	pthread_rwlock_t lock;
	struct key_cache_entry **by_prefix, **by_id;
	size_t nslots;                                   /* a power of two */
	struct key_cache_entry *oldest, *newest;
	size_t count;
	char pad[64];                                    /* keep shards off each other's lines */
};

struct key_cache {
	int64_t ttl_ms;
	size_t max_per_shard;
	uint64_t generation;           /* atomic: bumped by every forget and clear */
	struct key_cache_shard shards[KEY_CACHE_SHARDS];
};

static void
key_cache_shard_free(struct key_cache_shard *sh)
{
	free(sh->by_prefix);
	free(sh->by_id);
	pthread_rwlock_destroy(&sh->lock);
}

struct key_cache *
key_cache_new(int64_t ttl_ms, size_t max_entries)
{
	struct key_cache_shard *sh;
	struct key_cache *kc;
	size_t i;

	if (ttl_ms <= 0 || max_entries == 0 || (kc = calloc(1, sizeof(*kc))) == NULL)
		return (NULL);
	kc->ttl_ms = ttl_ms;
	kc->max_per_shard = (max_entries + KEY_CACHE_SHARDS - 1) / KEY_CACHE_SHARDS;
	for (i = 0; i < KEY_CACHE_SHARDS; i++) {
		sh = &kc->shards[i];
		sh->nslots = KEY_CACHE_MIN_SLOTS;
		sh->by_prefix = calloc(sh->nslots, sizeof(*sh->by_prefix));
		sh->by_id = calloc(sh->nslots, sizeof(*sh->by_id));
		if (sh->by_prefix == NULL || sh->by_id == NULL ||
		    pthread_rwlock_init(&sh->lock, NULL) != 0) {
			free(sh->by_prefix);
			free(sh->by_id);
			while (i-- > 0)
				key_cache_shard_free(&kc->shards[i]);
			free(kc);
			return (NULL);
		}
	}
	return (kc);
}

static struct key_cache_shard *
key_cache_shard_of(struct key_cache *kc, uint64_t h)
{
	return (&kc->shards[(h >> 40) % KEY_CACHE_SHARDS]);
}

/* The entry of prefix in sh, or NULL. Shard lock held (either way). */
static struct key_cache_entry *
key_cache_find(const struct key_cache_shard *sh, uint64_t h, const char *prefix)
{
	struct key_cache_entry *e;

	for (e = sh->by_prefix[h & (sh->nslots - 1)]; e != NULL; e = e->prefix_next)
		if (e->hash == h && strcmp(e->prefix, prefix) == 0)
			return (e);
	return (NULL);
}

static void
key_cache_link(struct key_cache_shard *sh, struct key_cache_entry *e)
{
	struct key_cache_entry **slot = &sh->by_prefix[e->hash & (sh->nslots - 1)];

	e->prefix_next = *slot;
	*slot = e;
	slot = &sh->by_id[hash_int64(e->rec.id) & (sh->nslots - 1)];
	e->id_next = *slot;
	*slot = e;
}

static void
key_cache_unlink(struct key_cache_shard *sh, struct key_cache_entry *e)
{
	struct key_cache_entry **pp;

	for (pp = &sh->by_prefix[e->hash & (sh->nslots - 1)]; *pp != e;
	    pp = &(*pp)->prefix_next)
		;
	*pp = e->prefix_next;
	for (pp = &sh->by_id[hash_int64(e->rec.id) & (sh->nslots - 1)]; *pp != e;
	    pp = &(*pp)->id_next)
		;
	*pp = e->id_next;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		sh->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		sh->newest = e->older;
}

static void
key_cache_append_newest(struct key_cache_shard *sh, struct key_cache_entry *e)
{
	e->newer = NULL;
	e->older = sh->newest;
	if (sh->newest != NULL)
		sh->newest->newer = e;
	else
		sh->oldest = e;
	sh->newest = e;
}

static void
key_cache_remove(struct key_cache_shard *sh, struct key_cache_entry *e)
{
	key_cache_unlink(sh, e);
	sh->count--;
	free(e);
}

/* Double the slots; on no memory the chains just grow longer. Write lock held. */
static void
key_cache_grow(struct key_cache_shard *sh)
{
	struct key_cache_entry **by_prefix, **by_id, *e;

	by_prefix = calloc(sh->nslots * 2, sizeof(*by_prefix));
	by_id = calloc(sh->nslots * 2, sizeof(*by_id));
	if (by_prefix == NULL || by_id == NULL) {
		free(by_prefix);
		free(by_id);
		return;
	}
	free(sh->by_prefix);
	free(sh->by_id);
	sh->by_prefix = by_prefix;
	sh->by_id = by_id;
	sh->nslots *= 2;
	for (e = sh->oldest; e != NULL; e = e->newer)
		key_cache_link(sh, e);
}

enum key_cache_lookup_result
key_cache_lookup(struct key_cache *kc, const char *prefix, int64_t now_ms,
    struct keys_record *out)
{
	enum key_cache_lookup_result rc = KEY_CACHE_MISS;
	struct key_cache_shard *sh;
	struct key_cache_entry *e;
	uint64_t h;
	int64_t age;

	if (kc == NULL)
		return (KEY_CACHE_MISS);
	h = hash_string(prefix);
	sh = key_cache_shard_of(kc, h);
	pthread_rwlock_rdlock(&sh->lock);
	if ((e = key_cache_find(sh, h, prefix)) == NULL || now_ms < e->cached_ms)
		goto out;
	age = now_ms - e->cached_ms;
	if (age < kc->ttl_ms)
		rc = KEY_CACHE_HIT;
	else if (age - kc->ttl_ms < kc->ttl_ms)
		rc = __atomic_exchange_n(&e->refreshing, 1, __ATOMIC_RELAXED) ?
		    KEY_CACHE_STALE : KEY_CACHE_REFRESH;
	if (rc != KEY_CACHE_MISS)
		*out = e->rec;
out:
	pthread_rwlock_unlock(&sh->lock);
	return (rc);
}

int
key_cache_get(struct key_cache *kc, const char *prefix, int64_t now_ms,
    struct keys_record *out)
{
	struct key_cache_shard *sh;
	struct key_cache_entry *e;
	uint64_t h;
	int found = 0;

	if (kc == NULL)
		return (0);
	h = hash_string(prefix);
	sh = key_cache_shard_of(kc, h);
	pthread_rwlock_rdlock(&sh->lock);
	e = key_cache_find(sh, h, prefix);
	if (e != NULL && now_ms - e->cached_ms < kc->ttl_ms && now_ms >= e->cached_ms) {
		*out = e->rec;
		found = 1;
	}
	pthread_rwlock_unlock(&sh->lock);
	return (found);
}

void
key_cache_refresh_failed(struct key_cache *kc, const char *prefix, int gone)
{
	struct key_cache_shard *sh;
	struct key_cache_entry *e;
	uint64_t h;

	if (kc == NULL)
		return;
	h = hash_string(prefix);
	sh = key_cache_shard_of(kc, h);
	pthread_rwlock_wrlock(&sh->lock);
	if ((e = key_cache_find(sh, h, prefix)) != NULL) {
		if (gone)
			key_cache_remove(sh, e);
		else
			e->refreshing = 0;
	}
	pthread_rwlock_unlock(&sh->lock);
}

uint64_t
key_cache_ticket(struct key_cache *kc)
{
	return (kc != NULL ? __atomic_load_n(&kc->generation, __ATOMIC_ACQUIRE) : 0);
}

void
key_cache_put(struct key_cache *kc, uint64_t ticket, const char *prefix,
    const struct keys_record *rec, int64_t now_ms)
{
	struct key_cache_shard *sh;
	struct key_cache_entry *e;
	uint64_t h;

	if (kc == NULL || strlen(prefix) > AUTH_PREFIX_LEN)
		return;
	h = hash_string(prefix);
	sh = key_cache_shard_of(kc, h);
	pthread_rwlock_wrlock(&sh->lock);
	e = key_cache_find(sh, h, prefix);
	/* Read under the lock: a forget bumps the generation before it takes the shard
	 * locks, so either this sees the bump or the forget sees the entry. */
	if (__atomic_load_n(&kc->generation, __ATOMIC_ACQUIRE) != ticket) {
		if (e != NULL)
			e->refreshing = 0;     /* the next caller reads the key again */
		goto out;
	}
	if (e != NULL)
		key_cache_unlink(sh, e);
	else {
		/* Full: drop expired entries, oldest first; if none, cache nothing. */
		while (sh->count >= kc->max_per_shard && sh->oldest != NULL &&
		    now_ms - sh->oldest->cached_ms >= kc->ttl_ms)
			key_cache_remove(sh, sh->oldest);
		if (sh->count >= kc->max_per_shard || (e = calloc(1, sizeof(*e))) == NULL)
			goto out;
		memcpy(e->prefix, prefix, strlen(prefix) + 1);
		e->hash = h;
		sh->count++;
	}
	e->rec = *rec;
	e->cached_ms = now_ms;
	e->refreshing = 0;
	key_cache_append_newest(sh, e);
	key_cache_link(sh, e);
	if (sh->count > sh->nslots)
		key_cache_grow(sh);
out:
	pthread_rwlock_unlock(&sh->lock);
}

void
key_cache_forget(struct key_cache *kc, int64_t id)
{
	struct key_cache_shard *sh;
	struct key_cache_entry *e, *next;
	uint64_t hid = hash_int64(id);
	size_t i;

	if (kc == NULL)
		return;
	__atomic_fetch_add(&kc->generation, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < KEY_CACHE_SHARDS; i++) {
		sh = &kc->shards[i];
		pthread_rwlock_wrlock(&sh->lock);
		for (e = sh->by_id[hid & (sh->nslots - 1)]; e != NULL; e = next) {
			next = e->id_next;
			if (e->rec.id == id)
				key_cache_remove(sh, e);
		}
		pthread_rwlock_unlock(&sh->lock);
	}
}

void
key_cache_clear(struct key_cache *kc)
{
	struct key_cache_shard *sh;
	size_t i;

	if (kc == NULL)
		return;
	__atomic_fetch_add(&kc->generation, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < KEY_CACHE_SHARDS; i++) {
		sh = &kc->shards[i];
		pthread_rwlock_wrlock(&sh->lock);
		while (sh->oldest != NULL)
			key_cache_remove(sh, sh->oldest);
		pthread_rwlock_unlock(&sh->lock);
	}
}

void
key_cache_free(struct key_cache *kc)
{
	struct key_cache_entry *e, *next;
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < KEY_CACHE_SHARDS; i++) {
		for (e = kc->shards[i].oldest; e != NULL; e = next) {
			next = e->newer;
			free(e);
		}
		key_cache_shard_free(&kc->shards[i]);
	}
	free(kc);
}
