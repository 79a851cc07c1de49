#include "api/key_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"

#define KEY_CACHE_STRIPES 16

struct key_cache_entry {
	struct key_cache_entry *next;
	char prefix[AUTH_PREFIX_LEN + 1];
	struct keys_record rec;
	int64_t cached_ms;
	int refreshing;                /* a caller was told KEY_CACHE_REFRESH; atomic */
};

/* A read-write lock: every request of one hot key reads the same stripe, and a reader
 * preempted while it holds a mutex would make the others sleep until it runs again. */
struct key_cache_stripe {
	pthread_rwlock_t lock;
	struct key_cache_entry *head;
	size_t count;
};

struct key_cache {
	int64_t ttl_ms;
	size_t max_per_stripe;
	struct key_cache_stripe stripes[KEY_CACHE_STRIPES];
};

struct key_cache *
key_cache_new(int64_t ttl_ms, size_t max_entries)
{
	struct key_cache *kc;
	size_t i;

	if (ttl_ms <= 0 || max_entries == 0 || (kc = calloc(1, sizeof(*kc))) == NULL)
		return (NULL);
	kc->ttl_ms = ttl_ms;
	kc->max_per_stripe = (max_entries + KEY_CACHE_STRIPES - 1) / KEY_CACHE_STRIPES;
	for (i = 0; i < KEY_CACHE_STRIPES; i++)
		if (pthread_rwlock_init(&kc->stripes[i].lock, NULL) != 0) {
			while (i-- > 0)
				pthread_rwlock_destroy(&kc->stripes[i].lock);
			free(kc);
			return (NULL);
		}
	return (kc);
}

static struct key_cache_stripe *
key_cache_stripe(struct key_cache *kc, const char *prefix)
{
	uint32_t h = 2166136261u;

	while (*prefix != '\0')
		h = (h ^ (unsigned char)*prefix++) * 16777619u;
	return (&kc->stripes[h % KEY_CACHE_STRIPES]);
}

/* The entry of prefix in st, or NULL. Stripe lock held (either way). */
static struct key_cache_entry *
key_cache_find(struct key_cache_stripe *st, const char *prefix)
{
	struct key_cache_entry *e;

	for (e = st->head; e != NULL; e = e->next)
		if (strcmp(e->prefix, prefix) == 0)
			return (e);
	return (NULL);
}

enum key_cache_lookup_result
key_cache_lookup(struct key_cache *kc, const char *prefix, int64_t now_ms,
    struct keys_record *out)
{
	enum key_cache_lookup_result rc = KEY_CACHE_MISS;
	struct key_cache_stripe *st;
	struct key_cache_entry *e;
	int64_t age;

	if (kc == NULL)
		return (KEY_CACHE_MISS);
	st = key_cache_stripe(kc, prefix);
	pthread_rwlock_rdlock(&st->lock);
	if ((e = key_cache_find(st, prefix)) == NULL || now_ms < e->cached_ms)
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
	pthread_rwlock_unlock(&st->lock);
	return (rc);
}

int
key_cache_get(struct key_cache *kc, const char *prefix, int64_t now_ms,
    struct keys_record *out)
{
	struct key_cache_stripe *st;
	struct key_cache_entry *e;
	int found = 0;

	if (kc == NULL)
		return (0);
	st = key_cache_stripe(kc, prefix);
	pthread_rwlock_rdlock(&st->lock);
	e = key_cache_find(st, prefix);
	if (e != NULL && now_ms - e->cached_ms < kc->ttl_ms && now_ms >= e->cached_ms) {
		*out = e->rec;
		found = 1;
	}
	pthread_rwlock_unlock(&st->lock);
	return (found);
}

void
key_cache_refresh_failed(struct key_cache *kc, const char *prefix, int gone)
{
	struct key_cache_stripe *st;
	struct key_cache_entry *e, **pp;

	if (kc == NULL)
		return;
	st = key_cache_stripe(kc, prefix);
	pthread_rwlock_wrlock(&st->lock);
	for (pp = &st->head; (e = *pp) != NULL; pp = &e->next)
		if (strcmp(e->prefix, prefix) == 0) {
			if (gone) {
				*pp = e->next;
				free(e);
				st->count--;
			} else
				e->refreshing = 0;
			break;
		}
	pthread_rwlock_unlock(&st->lock);
}

void
key_cache_put(struct key_cache *kc, const char *prefix, const struct keys_record *rec,
    int64_t now_ms)
{
	struct key_cache_stripe *st;
	struct key_cache_entry *e, **pp;

	if (kc == NULL || strlen(prefix) > AUTH_PREFIX_LEN)
		return;
	st = key_cache_stripe(kc, prefix);
	pthread_rwlock_wrlock(&st->lock);
	e = key_cache_find(st, prefix);
	if (e == NULL && st->count >= kc->max_per_stripe) {
		pp = &st->head;
		while ((e = *pp) != NULL) {
			if (now_ms - e->cached_ms >= kc->ttl_ms) {
				*pp = e->next;
				free(e);
				st->count--;
			} else
				pp = &e->next;
		}
		e = NULL;
		if (st->count >= kc->max_per_stripe)
			goto out;
	}
	if (e == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL)
			goto out;
		memcpy(e->prefix, prefix, strlen(prefix) + 1);
		e->next = st->head;
		st->head = e;
		st->count++;
	}
	e->rec = *rec;
	e->cached_ms = now_ms;
	e->refreshing = 0;
out:
	pthread_rwlock_unlock(&st->lock);
}

void
key_cache_forget(struct key_cache *kc, int64_t id)
{
	struct key_cache_entry *e, **pp;
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < KEY_CACHE_STRIPES; i++) {
		pthread_rwlock_wrlock(&kc->stripes[i].lock);
		pp = &kc->stripes[i].head;
		while ((e = *pp) != NULL) {
			if (e->rec.id == id) {
				*pp = e->next;
				free(e);
				kc->stripes[i].count--;
			} else
				pp = &e->next;
		}
		pthread_rwlock_unlock(&kc->stripes[i].lock);
	}
}

void
key_cache_free(struct key_cache *kc)
{
	struct key_cache_entry *e, *next;
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < KEY_CACHE_STRIPES; i++) {
		for (e = kc->stripes[i].head; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		pthread_rwlock_destroy(&kc->stripes[i].lock);
	}
	free(kc);
}
