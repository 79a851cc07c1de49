#include "api/methodology_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/publication_store.h"
#include "common/log.h"
#include "rater/methodology_store.h"

#define METHODOLOGY_CACHE_MAX 64

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct methodology *cache[METHODOLOGY_CACHE_MAX];
static size_t ncache;

static const struct methodology *
methodology_cache_find(const char *version)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i]->version, version) == 0)
			return (cache[i]);
	return (NULL);
}

const struct methodology *
methodology_cache_get(struct db_pool *pool, PGconn *conn,
    const char *version)
{
	const struct methodology *found;
	struct methodology *m = NULL;
	int final;

	pthread_mutex_lock(&cache_lock);
	found = methodology_cache_find(version);
	pthread_mutex_unlock(&cache_lock);
	if (found != NULL)
		return (found);
	if ((final = publication_store_is_final(pool, conn, version)) <= 0) {
		if (final == 0)
			log_error("methodology %s is not published", version);
		return (NULL);
	}
	if ((m = methodology_store_load(conn, version)) == NULL)
		return (NULL);
	pthread_mutex_lock(&cache_lock);
	if ((found = methodology_cache_find(version)) == NULL) {
		if (ncache < METHODOLOGY_CACHE_MAX) {
			cache[ncache++] = m;
			found = m;
			m = NULL;
		} else
			log_error("methodology cache: more than %d versions",
			    METHODOLOGY_CACHE_MAX);
	}
	pthread_mutex_unlock(&cache_lock);
	methodology_free(m);
	return (found);
}

const struct methodology *
methodology_cache_in_force(struct db_pool *pool, PGconn *conn, int64_t now)
{
	json_t *cur = publication_store_in_force(pool, conn, now);
	const char *v = json_string_value(json_object_get(cur, "version"));
	const struct methodology *m = v ? methodology_cache_get(pool, conn, v) : NULL;

	json_decref(cur);
	return (m);
}
