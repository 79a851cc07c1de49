#include "api/ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/hash.h"

/* Shards, each behind its own mutex, with a hash table and a least-recently-used
 * order of its own (as api/summary_cache.c): a lookup is one hash chain, an eviction
 * is the oldest entry, both O(1) whatever the number of buckets held. */
#define RATELIMIT_SHARDS 32
#define RATELIMIT_MIN_SLOTS 16
#define RATELIMIT_KEY_MAX 64

struct ratelimit_bucket {
	struct ratelimit_bucket *chain;            /* the hash chain of its slot */
	struct ratelimit_bucket *older, *newer;    /* least recently used first */
	uint64_t hash;
	double tokens;
	int64_t updated_ms;
	char key[RATELIMIT_KEY_MAX];
};

struct ratelimit_shard {
	pthread_mutex_t lock;
	struct ratelimit_bucket **slots;
	size_t nslots;                              /* a power of two */
	struct ratelimit_bucket *oldest, *newest;
	size_t count;
	char pad[64];                               /* keep shards off each other's lines */
};

struct ratelimit {
	double per_ms;                 /* tokens regained per millisecond */
	double burst;
	size_t max_per_shard;
	struct ratelimit_shard shards[RATELIMIT_SHARDS];
};

struct ratelimit *
ratelimit_new(unsigned per_minute, unsigned burst, size_t max_keys)
{
	struct ratelimit *rl;
	size_t i;

	if (per_minute == 0 || burst == 0 || max_keys == 0)
		return (NULL);
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return (NULL);
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst;
	rl->max_per_shard = (max_keys + RATELIMIT_SHARDS - 1) / RATELIMIT_SHARDS;
	for (i = 0; i < RATELIMIT_SHARDS; i++) {
		rl->shards[i].nslots = RATELIMIT_MIN_SLOTS;
		rl->shards[i].slots = calloc(RATELIMIT_MIN_SLOTS, sizeof(*rl->shards[i].slots));
		if (rl->shards[i].slots == NULL ||
		    pthread_mutex_init(&rl->shards[i].lock, NULL) != 0) {
			free(rl->shards[i].slots);
			while (i-- > 0) {
				free(rl->shards[i].slots);
				pthread_mutex_destroy(&rl->shards[i].lock);
			}
			free(rl);
			return (NULL);
		}
	}
	return (rl);
}

static void
ratelimit_refill(const struct ratelimit *rl, struct ratelimit_bucket *b, int64_t now_ms)
{
	if (now_ms > b->updated_ms) {
		b->tokens += (double)(now_ms - b->updated_ms) * rl->per_ms;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
		b->updated_ms = now_ms;
	}
}

/* The whole seconds, at least 1, until b holds a token again. */
static unsigned
ratelimit_wait(const struct ratelimit *rl, const struct ratelimit_bucket *b)
{
	double wait_ms = (1.0 - b->tokens) / rl->per_ms;
	unsigned s = (unsigned)((wait_ms + 999.0) / 1000.0);

	return (s == 0 ? 1 : s);
}

static struct ratelimit_bucket *
ratelimit_find(const struct ratelimit_shard *sh, uint64_t h, const char *key)
{
	struct ratelimit_bucket *b;

	for (b = sh->slots[h & (sh->nslots - 1)]; b != NULL; b = b->chain)
		if (b->hash == h && strcmp(b->key, key) == 0)
			return (b);
	return (NULL);
}

static void
ratelimit_unlink_order(struct ratelimit_shard *sh, struct ratelimit_bucket *b)
{
	if (b->older != NULL)
		b->older->newer = b->newer;
	else
		sh->oldest = b->newer;
	if (b->newer != NULL)
		b->newer->older = b->older;
	else
		sh->newest = b->older;
}

static void
ratelimit_append_newest(struct ratelimit_shard *sh, struct ratelimit_bucket *b)
{
	b->newer = NULL;
	b->older = sh->newest;
	if (sh->newest != NULL)
		sh->newest->newer = b;
	else
		sh->oldest = b;
	sh->newest = b;
}

/* Drop the least recently used bucket: it is the likeliest to have refilled, and
 * dropping a bucket can only be lenient. */
static void
ratelimit_evict_oldest(struct ratelimit_shard *sh)
{
	struct ratelimit_bucket *b = sh->oldest, **pp;

	for (pp = &sh->slots[b->hash & (sh->nslots - 1)]; *pp != b; pp = &(*pp)->chain)
		;
	*pp = b->chain;
	ratelimit_unlink_order(sh, b);
	sh->count--;
	free(b);
}

/* Double the slots; on no memory the chains just grow longer. */
static void
ratelimit_grow(struct ratelimit_shard *sh)
{
	struct ratelimit_bucket **slots, *b;
	size_t n = sh->nslots * 2;

	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return;
	for (b = sh->oldest; b != NULL; b = b->newer) {
		b->chain = slots[b->hash & (n - 1)];
		slots[b->hash & (n - 1)] = b;
	}
	free(sh->slots);
	sh->slots = slots;
	sh->nslots = n;
}

/* key cut to RATELIMIT_KEY_MAX - 1 bytes into k, its hash and its shard. */
static struct ratelimit_shard *
ratelimit_shard_of(struct ratelimit *rl, const char *key, char k[RATELIMIT_KEY_MAX],
    uint64_t *h)
{
	size_t n = strlen(key);

	if (n >= RATELIMIT_KEY_MAX)
		n = RATELIMIT_KEY_MAX - 1;
	memcpy(k, key, n);
	k[n] = '\0';
	*h = hash_string(k);
	return (&rl->shards[(*h >> 40) % RATELIMIT_SHARDS]);
}

int
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms, unsigned *retry_after)
{
	char k[RATELIMIT_KEY_MAX];
	struct ratelimit_shard *sh;
	struct ratelimit_bucket *b;
	uint64_t h;
	int ok;

	sh = ratelimit_shard_of(rl, key, k, &h);
	pthread_mutex_lock(&sh->lock);
	if ((b = ratelimit_find(sh, h, k)) != NULL) {
		ratelimit_unlink_order(sh, b);
		ratelimit_append_newest(sh, b);
	} else {
		if (sh->count >= rl->max_per_shard && sh->oldest != NULL)
			ratelimit_evict_oldest(sh);
		if ((b = malloc(sizeof(*b))) == NULL) {
			pthread_mutex_unlock(&sh->lock);
			return (1);
		}
		memcpy(b->key, k, sizeof(k));
		b->hash = h;
		b->tokens = rl->burst;
		b->updated_ms = now_ms;
		b->chain = sh->slots[h & (sh->nslots - 1)];
		sh->slots[h & (sh->nslots - 1)] = b;
		ratelimit_append_newest(sh, b);
		if (++sh->count > sh->nslots)
			ratelimit_grow(sh);
	}
	ratelimit_refill(rl, b, now_ms);
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		ok = 1;
	} else {
		ok = 0;
		if (retry_after != NULL)
			*retry_after = ratelimit_wait(rl, b);
	}
	pthread_mutex_unlock(&sh->lock);
	return (ok);
}

int
ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms, unsigned *retry_after)
{
	char k[RATELIMIT_KEY_MAX];
	struct ratelimit_shard *sh;
	struct ratelimit_bucket *b;
	uint64_t h;
	int ok = 1;

	sh = ratelimit_shard_of(rl, key, k, &h);
	pthread_mutex_lock(&sh->lock);
	if ((b = ratelimit_find(sh, h, k)) != NULL) {
		ratelimit_refill(rl, b, now_ms);
		if (b->tokens < 1.0) {
			ok = 0;
			if (retry_after != NULL)
				*retry_after = ratelimit_wait(rl, b);
		}
	}
	pthread_mutex_unlock(&sh->lock);
	return (ok);
}

int
ratelimit_client_key(const struct sockaddr *sa, char *out, size_t n)
{
	const struct sockaddr_in6 *s6;
	const unsigned char *a;
	struct in_addr v4;

	if (sa == NULL || n < 64)
		return (-1);
	if (sa->sa_family == AF_INET) {
		v4 = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		return (inet_ntop(AF_INET, &v4, out, (socklen_t)n) != NULL ? 0 : -1);
	}
	if (sa->sa_family != AF_INET6)
		return (-1);
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	a = s6->sin6_addr.s6_addr;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(&v4, a + 12, 4);
		return (inet_ntop(AF_INET, &v4, out, (socklen_t)n) != NULL ? 0 : -1);
	}
	/* One IPv6 client usually holds a whole /64: count them all as one. */
	return (snprintf(out, n, "%x:%x:%x:%x::/64", a[0] << 8 | a[1], a[2] << 8 | a[3],
	    a[4] << 8 | a[5], a[6] << 8 | a[7]) < (int)n ? 0 : -1);
}

size_t
ratelimit_count(struct ratelimit *rl)
{
	size_t i, n = 0;

	for (i = 0; i < RATELIMIT_SHARDS; i++) {
		pthread_mutex_lock(&rl->shards[i].lock);
		n += rl->shards[i].count;
		pthread_mutex_unlock(&rl->shards[i].lock);
	}
	return (n);
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct ratelimit_bucket *b, *next;
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < RATELIMIT_SHARDS; i++) {
		for (b = rl->shards[i].oldest; b != NULL; b = next) {
			next = b->newer;
			free(b);
		}
		free(rl->shards[i].slots);
		pthread_mutex_destroy(&rl->shards[i].lock);
	}
	free(rl);
}
