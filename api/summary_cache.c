#include "api/summary_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A shard per 256 KB of cap, 1 to 64 of them (a power of two); a bucket per entry. */
#define SC_SHARD_BYTES (256 * 1024)
#define SC_MAX_SHARDS 64
#define SC_MIN_BUCKETS 16
/* What an entry costs beyond its struct, slug and body: the allocator's header and
 * its two bucket slots. */
#define SC_OVERHEAD 32
/* The admission filter remembers a window of recent fills refused for a full shard:
 * one slug per 512 bytes of cap (four times the 2 KB summaries it holds), at least
 * 4096 slugs, in 16 bits a slug (two bits set for each; cleared when the window is
 * full, so at most about 1.4% of new slugs pass as seen). */
#define SC_SEEN_BYTES_PER_SLUG 512
#define SC_SEEN_MIN_SLUGS 4096
#define SC_SEEN_BITS_PER_SLUG 16

struct sc_entry {
	struct sc_entry *slug_next, *id_next;   /* hash chains */
	struct sc_entry *older, *newer;         /* the clock's order, oldest first */
	uint64_t hash;
	uint64_t generation;                    /* the fill's ticket */
	int64_t company_id;                     /* 0 for a 404 */
	int64_t expires_at;                     /* 0: never */
	size_t size;                            /* counted against the cap */
	size_t body_len;
	unsigned status;
	int referenced;                         /* atomic: used since the hand passed */
	unsigned refs;                          /* atomic: the cache's, and each hold's */
	char data[];                            /* slug, NUL, body */
};

struct sc_shard {
	pthread_rwlock_t lock;
	struct sc_entry **by_slug, **by_id;
	size_t nbuckets;                        /* a power of two */
	struct sc_entry *oldest, *newest;
	size_t count, bytes, max_bytes;
	uint64_t hits, misses, evictions;       /* atomic adds */
	char pad[64];                           /* keep shards off each other's lines */
};

struct summary_cache {
	size_t max_bytes;
	unsigned nshards;
	uint64_t generation;                    /* atomic */
	int enabled;                            /* atomic */
	uint64_t invalidations, refused;        /* atomic */
	uint64_t not_admitted;                  /* atomic */
	struct sc_shard *shards;
	/* Slugs that missed while their shard was full: the first miss only marks the
	 * slug here, a second one within the window stores it (atomic words). */
	uint64_t *seen;
	size_t seen_bits;                       /* a power of two */
	uint64_t seen_marks;                    /* atomic: since the last clearing */
};

static uint64_t
sc_hash_slug(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (h);
}

static uint64_t
sc_hash_id(int64_t id)
{
	uint64_t z = (uint64_t)id + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static struct sc_shard *
sc_shard_of(struct summary_cache *c, uint64_t h)
{
	return (&c->shards[(h >> 40) & (c->nshards - 1)]);
}

static int
sc_shard_init(struct sc_shard *sh, size_t max_bytes)
{
	memset(sh, 0, sizeof(*sh));
	sh->max_bytes = max_bytes;
	sh->nbuckets = SC_MIN_BUCKETS;
	sh->by_slug = calloc(sh->nbuckets, sizeof(*sh->by_slug));
	sh->by_id = calloc(sh->nbuckets, sizeof(*sh->by_id));
	if (sh->by_slug == NULL || sh->by_id == NULL ||
	    pthread_rwlock_init(&sh->lock, NULL) != 0) {
		free(sh->by_slug);
		free(sh->by_id);
		return (-1);
	}
	return (0);
}

struct summary_cache *
summary_cache_new(size_t max_bytes)
{
	struct summary_cache *c;
	unsigned n = 1, i;

	if (max_bytes == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	while (n < SC_MAX_SHARDS && (size_t)n * 2 * SC_SHARD_BYTES <= max_bytes)
		n *= 2;
	c->max_bytes = max_bytes;
	c->nshards = n;
	c->enabled = 1;
	c->seen_bits = SC_SEEN_MIN_SLUGS * SC_SEEN_BITS_PER_SLUG;
	while (c->seen_bits < max_bytes / SC_SEEN_BYTES_PER_SLUG * SC_SEEN_BITS_PER_SLUG)
		c->seen_bits *= 2;
	c->seen = calloc(c->seen_bits / 64, sizeof(*c->seen));
	if (c->seen == NULL || (c->shards = calloc(n, sizeof(*c->shards))) == NULL) {
		free(c->seen);
		free(c);
		return (NULL);
	}
	for (i = 0; i < n; i++)
		if (sc_shard_init(&c->shards[i], max_bytes / n) != 0) {
			c->nshards = i;
			summary_cache_free(c);
			return (NULL);
		}
	return (c);
}

static struct sc_entry *
sc_find(const struct sc_shard *sh, uint64_t h, const char *slug)
{
	struct sc_entry *e;

	for (e = sh->by_slug[h & (sh->nbuckets - 1)]; e != NULL; e = e->slug_next)
		if (e->hash == h && strcmp(e->data, slug) == 0)
			return (e);
	return (NULL);
}

/* Drop one reference to e; the last one frees it. */
static void
sc_release(struct sc_entry *e)
{
	if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(e);
}

/* Unlink e from its chains and the clock, and drop the cache's reference (a hold
 * keeps it until released). Write lock held. */
static void
sc_remove(struct sc_shard *sh, struct sc_entry *e)
{
	struct sc_entry **pp;

	for (pp = &sh->by_slug[e->hash & (sh->nbuckets - 1)]; *pp != e; pp = &(*pp)->slug_next)
		;
	*pp = e->slug_next;
	if (e->company_id > 0) {
		for (pp = &sh->by_id[sc_hash_id(e->company_id) & (sh->nbuckets - 1)]; *pp != e;
		    pp = &(*pp)->id_next)
			;
		*pp = e->id_next;
	}
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		sh->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		sh->newest = e->older;
	__atomic_store_n(&sh->bytes, sh->bytes - e->size, __ATOMIC_RELAXED);
	sh->count--;
	sc_release(e);
}

static void
sc_link_chains(struct sc_shard *sh, struct sc_entry *e)
{
	struct sc_entry **slot = &sh->by_slug[e->hash & (sh->nbuckets - 1)];

	e->slug_next = *slot;
	*slot = e;
	if (e->company_id > 0) {
		slot = &sh->by_id[sc_hash_id(e->company_id) & (sh->nbuckets - 1)];
		e->id_next = *slot;
		*slot = e;
	}
}

/* Double the bucket arrays; on no memory the chains just grow longer. */
static void
sc_grow(struct sc_shard *sh)
{
	struct sc_entry **by_slug, **by_id, *e;

	by_slug = calloc(sh->nbuckets * 2, sizeof(*by_slug));
	by_id = calloc(sh->nbuckets * 2, sizeof(*by_id));
	if (by_slug == NULL || by_id == NULL) {
		free(by_slug);
		free(by_id);
		return;
	}
	free(sh->by_slug);
	free(sh->by_id);
	sh->by_slug = by_slug;
	sh->by_id = by_id;
	sh->nbuckets *= 2;
	for (e = sh->oldest; e != NULL; e = e->newer)
		sc_link_chains(sh, e);
}

static void
sc_append_newest(struct sc_shard *sh, struct sc_entry *e)
{
	e->newer = NULL;
	e->older = sh->newest;
	if (sh->newest != NULL)
		sh->newest->newer = e;
	else
		sh->oldest = e;
	sh->newest = e;
}

/* Make room for need bytes: the clock's hand starts at the oldest entry; one used
 * since it last passed gets a second chance at the newest end. Write lock held. */
static void
sc_make_room(struct sc_shard *sh, size_t need)
{
	struct sc_entry *e;

	while (sh->oldest != NULL && sh->bytes + need > sh->max_bytes) {
		e = sh->oldest;
		if (__atomic_exchange_n(&e->referenced, 0, __ATOMIC_RELAXED) &&
		    e->newer != NULL) {
			sh->oldest = e->newer;
			sh->oldest->older = NULL;
			sc_append_newest(sh, e);
			continue;
		}
		sc_remove(sh, e);
		__atomic_fetch_add(&sh->evictions, 1, __ATOMIC_RELAXED);
	}
}

int
summary_cache_get(struct summary_cache *c, const char *slug, int64_t now,
    struct summary_cache_hit *hit)
{
	uint64_t h;
	struct sc_shard *sh;
	struct sc_entry *e;
	int found = 0;

	memset(hit, 0, sizeof(*hit));
	if (c == NULL)
		return (0);
	h = sc_hash_slug(slug);
	sh = sc_shard_of(c, h);
	if (!__atomic_load_n(&c->enabled, __ATOMIC_ACQUIRE))
		goto out;
	pthread_rwlock_rdlock(&sh->lock);
	e = sc_find(sh, h, slug);
	if (e != NULL && (e->expires_at == 0 || now < e->expires_at) &&
	    (e->status != 404 ||
	    e->generation == __atomic_load_n(&c->generation, __ATOMIC_ACQUIRE))) {
		hit->status = e->status;
		if (e->status == 200) {
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
			hit->body = e->data + strlen(e->data) + 1;
			hit->len = e->body_len;
			hit->entry = e;
		}
		if (!__atomic_load_n(&e->referenced, __ATOMIC_RELAXED))
			__atomic_store_n(&e->referenced, 1, __ATOMIC_RELAXED);
		found = 1;
	}
	pthread_rwlock_unlock(&sh->lock);
out:
	__atomic_fetch_add(found ? &sh->hits : &sh->misses, 1, __ATOMIC_RELAXED);
	return (found);
}

void
summary_cache_release(void *entry)
{
	if (entry != NULL)
		sc_release(entry);
}

uint64_t
summary_cache_ticket(struct summary_cache *c)
{
	return (c != NULL ? __atomic_load_n(&c->generation, __ATOMIC_ACQUIRE) : 0);
}

/* Whether the slug of hash h has missed before within the window; if not, mark it
 * (and clear the filter once it holds its share of marks). Lock-free: a mark lost
 * to a concurrent clearing only delays a store by one more miss. */
static int
sc_seen_before(struct summary_cache *c, uint64_t h)
{
	uint64_t mask = c->seen_bits - 1;
	uint64_t b1 = h & mask, b2 = (h * 0x9e3779b97f4a7c15ULL >> 20) & mask;
	uint64_t m1 = 1ULL << (b1 & 63), m2 = 1ULL << (b2 & 63);
	size_t i;

	if ((__atomic_load_n(&c->seen[b1 / 64], __ATOMIC_RELAXED) & m1) &&
	    (__atomic_load_n(&c->seen[b2 / 64], __ATOMIC_RELAXED) & m2))
		return (1);
	__atomic_fetch_or(&c->seen[b1 / 64], m1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&c->seen[b2 / 64], m2, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&c->seen_marks, 1, __ATOMIC_RELAXED) ==
	    c->seen_bits / SC_SEEN_BITS_PER_SLUG) {
		for (i = 0; i < c->seen_bits / 64; i++)
			__atomic_store_n(&c->seen[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->seen_marks, 0, __ATOMIC_RELAXED);
	}
	return (0);
}

int
summary_cache_put(struct summary_cache *c, uint64_t ticket, const char *slug,
    int64_t company_id, unsigned status, const char *body, size_t len, int64_t expires_at)
{
	size_t slen, size;
	struct sc_shard *sh;
	struct sc_entry *e, *old;
	uint64_t h;

	if (c == NULL || (status == 200 && (body == NULL || company_id <= 0)) ||
	    (status != 200 && status != 404))
		return (0);
	if (status == 404) {
		len = 0;
		company_id = 0;
	}
	slen = strlen(slug);
	size = sizeof(*e) + slen + 1 + len + SC_OVERHEAD;
	h = sc_hash_slug(slug);
	sh = sc_shard_of(c, h);
	if (size > sh->max_bytes)
		goto refused;
	/* A full shard takes a new slug only on its second miss (read without the lock:
	 * a stale size only admits or defers one entry early). */
	if (__atomic_load_n(&sh->bytes, __ATOMIC_RELAXED) + size > sh->max_bytes &&
	    !sc_seen_before(c, h)) {
		__atomic_fetch_add(&c->not_admitted, 1, __ATOMIC_RELAXED);
		return (0);
	}
	if ((e = malloc(sizeof(*e) + slen + 1 + len)) == NULL)
		goto refused;
	memset(e, 0, sizeof(*e));
	e->refs = 1;
	e->hash = h;
	e->generation = ticket;
	e->company_id = company_id;
	e->expires_at = expires_at;
	e->size = size;
	e->body_len = len;
	e->status = status;
	memcpy(e->data, slug, slen + 1);
	if (len > 0)
		memcpy(e->data + slen + 1, body, len);
	pthread_rwlock_wrlock(&sh->lock);
	/* Read under the lock: an invalidation bumps the generation before it takes the
	 * shard locks, so either this sees the bump or the invalidation sees the entry. */
	if (!__atomic_load_n(&c->enabled, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&c->generation, __ATOMIC_ACQUIRE) != ticket) {
		pthread_rwlock_unlock(&sh->lock);
		free(e);
		goto refused;
	}
	if ((old = sc_find(sh, h, slug)) != NULL)
		sc_remove(sh, old);
	sc_make_room(sh, size);
	sc_append_newest(sh, e);
	sc_link_chains(sh, e);
	__atomic_store_n(&sh->bytes, sh->bytes + size, __ATOMIC_RELAXED);
	sh->count++;
	if (sh->count > sh->nbuckets)
		sc_grow(sh);
	pthread_rwlock_unlock(&sh->lock);
	return (1);
refused:
	__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
	return (0);
}

void
summary_cache_invalidate(struct summary_cache *c, int64_t company_id)
{
	struct sc_entry *e, *next;
	struct sc_shard *sh;
	uint64_t hid = sc_hash_id(company_id);
	unsigned i;

	if (c == NULL)
		return;
	__atomic_fetch_add(&c->generation, 1, __ATOMIC_ACQ_REL);
	__atomic_fetch_add(&c->invalidations, 1, __ATOMIC_RELAXED);
	for (i = 0; i < c->nshards; i++) {
		sh = &c->shards[i];
		pthread_rwlock_wrlock(&sh->lock);
		for (e = sh->by_id[hid & (sh->nbuckets - 1)]; e != NULL; e = next) {
			next = e->id_next;
			if (e->company_id == company_id)
				sc_remove(sh, e);
		}
		pthread_rwlock_unlock(&sh->lock);
	}
}

static void
sc_drop_all(struct summary_cache *c)
{
	struct sc_shard *sh;
	unsigned i;

	__atomic_fetch_add(&c->generation, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < c->nshards; i++) {
		sh = &c->shards[i];
		pthread_rwlock_wrlock(&sh->lock);
		while (sh->oldest != NULL)
			sc_remove(sh, sh->oldest);
		pthread_rwlock_unlock(&sh->lock);
	}
}

void
summary_cache_clear(struct summary_cache *c)
{
	if (c == NULL)
		return;
	__atomic_fetch_add(&c->invalidations, 1, __ATOMIC_RELAXED);
	sc_drop_all(c);
}

void
summary_cache_set_enabled(struct summary_cache *c, int enabled)
{
	if (c == NULL)
		return;
	if (enabled) {
		/* Tickets read while disabled must not fill the cache afterwards. */
		__atomic_fetch_add(&c->generation, 1, __ATOMIC_ACQ_REL);
		__atomic_store_n(&c->enabled, 1, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&c->enabled, 0, __ATOMIC_RELEASE);
	sc_drop_all(c);
}

void
summary_cache_stats(struct summary_cache *c, struct summary_cache_stats *out)
{
	struct sc_shard *sh;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return;
	out->max_bytes = c->max_bytes;
	out->enabled = __atomic_load_n(&c->enabled, __ATOMIC_ACQUIRE);
	out->invalidations = __atomic_load_n(&c->invalidations, __ATOMIC_RELAXED);
	out->refused_fills = __atomic_load_n(&c->refused, __ATOMIC_RELAXED);
	out->not_admitted = __atomic_load_n(&c->not_admitted, __ATOMIC_RELAXED);
	for (i = 0; i < c->nshards; i++) {
		sh = &c->shards[i];
		out->hits += __atomic_load_n(&sh->hits, __ATOMIC_RELAXED);
		out->misses += __atomic_load_n(&sh->misses, __ATOMIC_RELAXED);
		out->evictions += __atomic_load_n(&sh->evictions, __ATOMIC_RELAXED);
		pthread_rwlock_rdlock(&sh->lock);
		out->entries += sh->count;
		out->bytes += sh->bytes;
		pthread_rwlock_unlock(&sh->lock);
	}
}

void
summary_cache_free(struct summary_cache *c)
{
	struct sc_entry *e, *next;
	unsigned i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nshards; i++) {
		for (e = c->shards[i].oldest; e != NULL; e = next) {
			next = e->newer;
			sc_release(e);
		}
		free(c->shards[i].by_slug);
		free(c->shards[i].by_id);
		pthread_rwlock_destroy(&c->shards[i].lock);
	}
	free(c->shards);
	free(c->seen);
	free(c);
}
