#include "api/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RATELIMIT_STRIPES 32
#define RATELIMIT_KEY_MAX 64

struct ratelimit_bucket {
	struct ratelimit_bucket *next;
	double tokens;
	int64_t updated_ms;
	char key[RATELIMIT_KEY_MAX];
};

struct ratelimit_stripe {
	pthread_mutex_t lock;
	struct ratelimit_bucket *head;
	size_t count;
};

struct ratelimit {
	double per_ms;                 /* tokens regained per millisecond */
	double burst;
	size_t max_per_stripe;
	struct ratelimit_stripe stripes[RATELIMIT_STRIPES];
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
	rl->max_per_stripe = (max_keys + RATELIMIT_STRIPES - 1) / RATELIMIT_STRIPES;
	for (i = 0; i < RATELIMIT_STRIPES; i++)
		pthread_mutex_init(&rl->stripes[i].lock, NULL);
	return (rl);
}

static uint32_t
ratelimit_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return (h);
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

/* Make room in a full stripe: drop buckets that have refilled, else the oldest. */
static void
ratelimit_evict(struct ratelimit *rl, struct ratelimit_stripe *st, int64_t now_ms)
{
	struct ratelimit_bucket **pp = &st->head, **oldest = NULL, *b;

	while ((b = *pp) != NULL) {
		ratelimit_refill(rl, b, now_ms);
		if (b->tokens >= rl->burst) {
			*pp = b->next;
			free(b);
			st->count--;
			continue;
		}
		if (oldest == NULL || b->updated_ms < (*oldest)->updated_ms)
			oldest = pp;
		pp = &b->next;
	}
	if (st->count >= rl->max_per_stripe && oldest != NULL) {
		b = *oldest;
		*oldest = b->next;
		free(b);
		st->count--;
	}
}

int
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms, unsigned *retry_after)
{
	char k[RATELIMIT_KEY_MAX];
	struct ratelimit_stripe *st;
	struct ratelimit_bucket *b;
	double wait_ms;
	size_t n;
	int ok;

	n = strlen(key);
	if (n >= sizeof(k))
		n = sizeof(k) - 1;
	memcpy(k, key, n);
	k[n] = '\0';
	st = &rl->stripes[ratelimit_hash(k) % RATELIMIT_STRIPES];
	pthread_mutex_lock(&st->lock);
	for (b = st->head; b != NULL; b = b->next)
		if (strcmp(b->key, k) == 0)
			break;
	if (b == NULL) {
		if (st->count >= rl->max_per_stripe)
			ratelimit_evict(rl, st, now_ms);
		if ((b = malloc(sizeof(*b))) == NULL) {
			pthread_mutex_unlock(&st->lock);
			return (1);
		}
		memcpy(b->key, k, sizeof(k));
		b->tokens = rl->burst;
		b->updated_ms = now_ms;
		b->next = st->head;
		st->head = b;
		st->count++;
	}
	ratelimit_refill(rl, b, now_ms);
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		ok = 1;
	} else {
		ok = 0;
		if (retry_after != NULL) {
			wait_ms = (1.0 - b->tokens) / rl->per_ms;
			*retry_after = (unsigned)((wait_ms + 999.0) / 1000.0);
			if (*retry_after == 0)
				*retry_after = 1;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return (ok);
}

size_t
ratelimit_count(struct ratelimit *rl)
{
	size_t i, n = 0;

	for (i = 0; i < RATELIMIT_STRIPES; i++) {
		pthread_mutex_lock(&rl->stripes[i].lock);
		n += rl->stripes[i].count;
		pthread_mutex_unlock(&rl->stripes[i].lock);
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
	for (i = 0; i < RATELIMIT_STRIPES; i++) {
		for (b = rl->stripes[i].head; b != NULL; b = next) {
			next = b->next;
			free(b);
		}
		pthread_mutex_destroy(&rl->stripes[i].lock);
	}
	free(rl);
}
