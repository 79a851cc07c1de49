#include "api/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statuses the server answers with; anything else counts as "other". */
static const unsigned metrics_statuses[] = {
	200, 201, 204, 304, 400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429,
	499, 500, 503, 0
};
#define METRICS_NSTATUS (sizeof(metrics_statuses) / sizeof(metrics_statuses[0]))

/* Histogram upper bounds in microseconds; the last bucket is +Inf. */
static const int64_t metrics_bounds_us[] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
	2500000, 5000000
};
#define METRICS_NBOUNDS (sizeof(metrics_bounds_us) / sizeof(metrics_bounds_us[0]))

struct metrics_route {
	uint64_t by_status[METRICS_NSTATUS];
	uint64_t buckets[METRICS_NBOUNDS + 1];   /* not cumulative; summed when rendered */
	uint64_t sum_us;
	uint64_t count;
};

struct metrics {
	const struct router_route *routes;
	size_t nroutes;
	struct metrics_route *per;              /* nroutes + 1 (unmatched) */
};

struct metrics *
metrics_new(const struct router_route *routes, size_t nroutes)
{
	struct metrics *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	if ((m->per = calloc(nroutes + 1, sizeof(*m->per))) == NULL) {
		free(m);
		return (NULL);
	}
	m->routes = routes;
	m->nroutes = nroutes;
	return (m);
}

void
metrics_observe(struct metrics *m, size_t route, unsigned status, int64_t duration_us)
{
	struct metrics_route *r = &m->per[route < m->nroutes ? route : m->nroutes];
	size_t s, b;

	for (s = 0; s < METRICS_NSTATUS - 1; s++)
		if (metrics_statuses[s] == status)
			break;
	for (b = 0; b < METRICS_NBOUNDS; b++)
		if (duration_us <= metrics_bounds_us[b])
			break;
	if (duration_us < 0)
		duration_us = 0;
	__atomic_fetch_add(&r->by_status[s], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->sum_us, (uint64_t)duration_us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);
}

static const char *
metrics_label(const struct metrics *m, size_t i)
{
	return (i < m->nroutes ? m->routes[i].pattern : "unmatched");
}

static const char *
metrics_method(const struct metrics *m, size_t i)
{
	return (i < m->nroutes ? m->routes[i].method : "");
}

int
metrics_render(struct metrics *m, const struct metrics_pool *pool, struct buf *out)
{
	size_t i, s, b;
	int rc = 0;

	rc |= buf_appendf(out, "# HELP fairrate_http_requests_total HTTP requests answered, "
	    "by route pattern and status.\n# TYPE fairrate_http_requests_total counter\n");
	for (i = 0; i <= m->nroutes; i++)
		for (s = 0; s < METRICS_NSTATUS; s++) {
			uint64_t v = __atomic_load_n(&m->per[i].by_status[s], __ATOMIC_RELAXED);
			char status[16];

			if (v == 0)
				continue;
			if (metrics_statuses[s] == 0)
				memcpy(status, "other", 6);
			else
				snprintf(status, sizeof(status), "%u", metrics_statuses[s]);
			rc |= buf_appendf(out, "fairrate_http_requests_total{method=\"%s\","
			    "route=\"%s\",status=\"%s\"} %llu\n", metrics_method(m, i),
			    metrics_label(m, i), status, (unsigned long long)v);
		}
	rc |= buf_appendf(out, "# HELP fairrate_http_request_duration_seconds Time from the "
	    "request's first byte to its answer.\n"
	    "# TYPE fairrate_http_request_duration_seconds histogram\n");
	for (i = 0; i <= m->nroutes; i++) {
		uint64_t cum = 0, count = __atomic_load_n(&m->per[i].count, __ATOMIC_RELAXED);

		if (count == 0)
			continue;
		for (b = 0; b <= METRICS_NBOUNDS; b++) {
			cum += __atomic_load_n(&m->per[i].buckets[b], __ATOMIC_RELAXED);
			if (b < METRICS_NBOUNDS)
				rc |= buf_appendf(out, "fairrate_http_request_duration_seconds_bucket"
				    "{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
				    metrics_method(m, i), metrics_label(m, i),
				    (double)metrics_bounds_us[b] / 1e6, (unsigned long long)cum);
			else
				rc |= buf_appendf(out, "fairrate_http_request_duration_seconds_bucket"
				    "{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
				    metrics_method(m, i), metrics_label(m, i),
				    (unsigned long long)cum);
		}
		rc |= buf_appendf(out, "fairrate_http_request_duration_seconds_sum{method=\"%s\","
		    "route=\"%s\"} %.6f\n", metrics_method(m, i), metrics_label(m, i),
		    (double)__atomic_load_n(&m->per[i].sum_us, __ATOMIC_RELAXED) / 1e6);
		rc |= buf_appendf(out, "fairrate_http_request_duration_seconds_count{method=\"%s\","
		    "route=\"%s\"} %llu\n", metrics_method(m, i), metrics_label(m, i),
		    (unsigned long long)cum);
	}
	if (pool != NULL)
		rc |= buf_appendf(out,
		    "# HELP fairrate_db_pool_size Most PostgreSQL connections the pool opens.\n"
		    "# TYPE fairrate_db_pool_size gauge\nfairrate_db_pool_size %zu\n"
		    "# HELP fairrate_db_pool_open PostgreSQL connections open.\n"
		    "# TYPE fairrate_db_pool_open gauge\nfairrate_db_pool_open %zu\n"
		    "# HELP fairrate_db_pool_in_use Connections lent to requests.\n"
		    "# TYPE fairrate_db_pool_in_use gauge\nfairrate_db_pool_in_use %zu\n"
		    "# HELP fairrate_db_pool_waiting Requests waiting for a connection.\n"
		    "# TYPE fairrate_db_pool_waiting gauge\nfairrate_db_pool_waiting %zu\n",
		    pool->size, pool->open, pool->in_use, pool->waiting);
	return (rc == 0 ? 0 : -1);
}

int
metrics_render_summary_store(uint64_t hits, uint64_t misses, uint64_t batched,
    struct buf *out)
{
	return (buf_appendf(out,
	    "# HELP fairrate_summary_store_hits_total Company lookups answered from a "
	    "current stored summary.\n"
	    "# TYPE fairrate_summary_store_hits_total counter\n"
	    "fairrate_summary_store_hits_total %llu\n"
	    "# HELP fairrate_summary_store_misses_total Company lookups that rendered the "
	    "summary (none stored, or out of date).\n"
	    "# TYPE fairrate_summary_store_misses_total counter\n"
	    "fairrate_summary_store_misses_total %llu\n"
	    "# HELP fairrate_summary_store_batched_total Of the hits, lookups read together "
	    "with others queued beside them, in one statement.\n"
	    "# TYPE fairrate_summary_store_batched_total counter\n"
	    "fairrate_summary_store_batched_total %llu\n",
	    (unsigned long long)hits, (unsigned long long)misses,
	    (unsigned long long)batched) == 0 ? 0 : -1);
}

int
metrics_render_summary_cache(const struct metrics_summary_cache *c, struct buf *out)
{
	int rc = 0;

	rc |= buf_appendf(out,
	    "# HELP fairrate_summary_cache_hits_total Company summaries answered from memory.\n"
	    "# TYPE fairrate_summary_cache_hits_total counter\n"
	    "fairrate_summary_cache_hits_total %llu\n"
	    "# HELP fairrate_summary_cache_misses_total Company summaries read from the "
	    "database.\n# TYPE fairrate_summary_cache_misses_total counter\n"
	    "fairrate_summary_cache_misses_total %llu\n"
	    "# HELP fairrate_summary_cache_evictions_total Entries dropped for the memory cap.\n"
	    "# TYPE fairrate_summary_cache_evictions_total counter\n"
	    "fairrate_summary_cache_evictions_total %llu\n"
	    "# HELP fairrate_summary_cache_invalidations_total Change notifications applied "
	    "(one company, or all).\n"
	    "# TYPE fairrate_summary_cache_invalidations_total counter\n"
	    "fairrate_summary_cache_invalidations_total %llu\n"
	    "# HELP fairrate_summary_cache_refused_fills_total Summaries not stored because "
	    "something changed while they were read.\n"
	    "# TYPE fairrate_summary_cache_refused_fills_total counter\n"
	    "fairrate_summary_cache_refused_fills_total %llu\n"
	    "# HELP fairrate_summary_cache_not_admitted_total Summaries not stored because the "
	    "cache was full and their company had not been looked up recently.\n"
	    "# TYPE fairrate_summary_cache_not_admitted_total counter\n"
	    "fairrate_summary_cache_not_admitted_total %llu\n",
	    (unsigned long long)c->hits, (unsigned long long)c->misses,
	    (unsigned long long)c->evictions, (unsigned long long)c->invalidations,
	    (unsigned long long)c->refused_fills, (unsigned long long)c->not_admitted);
	rc |= buf_appendf(out,
	    "# HELP fairrate_summary_cache_entries Company summaries in memory.\n"
	    "# TYPE fairrate_summary_cache_entries gauge\nfairrate_summary_cache_entries %zu\n"
	    "# HELP fairrate_summary_cache_bytes Memory the entries take.\n"
	    "# TYPE fairrate_summary_cache_bytes gauge\nfairrate_summary_cache_bytes %zu\n"
	    "# HELP fairrate_summary_cache_max_bytes The cache's memory cap.\n"
	    "# TYPE fairrate_summary_cache_max_bytes gauge\n"
	    "fairrate_summary_cache_max_bytes %zu\n"
	    "# HELP fairrate_summary_cache_enabled 1 while the cache serves (its listener is "
	    "connected).\n# TYPE fairrate_summary_cache_enabled gauge\n"
	    "fairrate_summary_cache_enabled %d\n"
	    "# HELP fairrate_summary_cache_listener_up 1 while LISTEN "
	    "fairrate_company_changed is in place.\n"
	    "# TYPE fairrate_summary_cache_listener_up gauge\n"
	    "fairrate_summary_cache_listener_up %d\n"
	    "# HELP fairrate_summary_cache_listener_connects_total Connections the listener "
	    "made (1 + reconnections).\n"
	    "# TYPE fairrate_summary_cache_listener_connects_total counter\n"
	    "fairrate_summary_cache_listener_connects_total %llu\n",
	    c->entries, c->bytes, c->max_bytes, c->enabled, c->listener_connected,
	    (unsigned long long)c->listener_connects);
	return (rc == 0 ? 0 : -1);
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->per);
	free(m);
}
