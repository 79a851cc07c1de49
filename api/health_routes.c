/* The public operational routes: liveness, readiness, metrics, the OpenAPI document. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cache_listener.h"
#include "api/metrics.h"
#include "api/request.h"
#include "api/routes.h"
#include "api/server.h"
#include "api/summary_cache.h"
#include "api/summary_store.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/paths.h"

#define HEALTH_READY "health_ready"
#define HEALTH_OPENAPI_MAX (4 * 1024 * 1024)
#define HEALTH_METRICS_MAX (8 * 1024 * 1024)

/* A document shipped beside the binary, read once on first use: it does not change
 * under a running server. */
struct shipped_doc {
	const char *rel;                      /* under the share directory */
	const char *type;                     /* its Content-Type */
	pthread_once_t once;
	struct buf text;
	int ok;
};

static struct shipped_doc health_openapi = {"docs/openapi.yaml",
    "application/yaml; charset=utf-8", PTHREAD_ONCE_INIT, {0}, 0};
static struct shipped_doc health_methodology = {"docs/methodology.md",
    "text/markdown; charset=utf-8", PTHREAD_ONCE_INIT, {0}, 0};

int
health_routes_register(struct db_pool *pool)
{
	return (db_pool_register(pool, HEALTH_READY, "SELECT 1", 0));
}

void
health_routes_healthz(struct api_request *r)
{
	static const char body[] = "{\"status\":\"ok\"}\n";

	request_reply_data(r, 200, "application/json", body, sizeof(body) - 1);
}

void
health_routes_readyz(struct api_request *r)
{
	static const char body[] = "{\"status\":\"ready\"}\n";
	PGresult *res;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	if ((res = db_pool_exec(request_pool(r), db, HEALTH_READY, 0, NULL, NULL)) == NULL) {
		request_reply_error(r, 503, "database_unavailable",
		    "the database does not answer");
		return;
	}
	PQclear(res);
	request_reply_data(r, 200, "application/json", body, sizeof(body) - 1);
}

/* The stored summaries' part of /metrics. */
static int
health_summary_store_metrics(struct buf *out)
{
	uint64_t hits, misses, batched;

	summary_store_counts(&hits, &misses, &batched);
	return (metrics_render_summary_store(hits, misses, batched, out));
}

/* The summary cache's part of /metrics; 0 when the cache is off. */
static int
health_summary_cache_metrics(struct api_request *r, struct buf *out)
{
	struct summary_cache *sc = server_summary_cache(r->srv);
	struct metrics_summary_cache mc;
	struct summary_cache_stats st;

	if (sc == NULL)
		return (0);
	summary_cache_stats(sc, &st);
	memset(&mc, 0, sizeof(mc));
	mc.hits = st.hits;
	mc.misses = st.misses;
	mc.evictions = st.evictions;
	mc.invalidations = st.invalidations;
	mc.refused_fills = st.refused_fills;
	mc.not_admitted = st.not_admitted;
	mc.entries = st.entries;
	mc.bytes = st.bytes;
	mc.max_bytes = st.max_bytes;
	mc.enabled = st.enabled;
	mc.listener_connected = cache_listener_connected(server_cache_listener(r->srv));
	mc.listener_connects = cache_listener_reconnects(server_cache_listener(r->srv));
	return (metrics_render_summary_cache(&mc, out));
}

/* On a standby: how far its replay is behind, in seconds. 0 when all WAL received is
 * replayed (an idle primary leaves the last replayed commit old, but nothing is
 * behind); otherwise the age of the last replayed commit. */
static int
health_replica_metrics(struct api_request *r, struct buf *out)
{
	PGresult *res;
	PGconn *db;
	int rc;

	if (buf_appendf(out, "# HELP fairrate_replica 1 when this instance serves a"
	    " read-only standby.\n# TYPE fairrate_replica gauge\nfairrate_replica %d\n",
	    server_read_only(r->srv)) != 0)
		return (-1);
	if (!server_read_only(r->srv) || (db = request_db(r)) == NULL)
		return (0);
	if ((res = db_query(db, "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT"
	    " FROM pg_last_wal_replay_lsn() THEN 0 ELSE coalesce(extract(epoch FROM now() -"
	    " pg_last_xact_replay_timestamp()), 0) END", 0, NULL)) == NULL)
		return (0);                   /* the lag line is left out */
	rc = buf_appendf(out, "# HELP fairrate_replica_lag_seconds How far the standby's"
	    " replay is behind the WAL it received.\n# TYPE fairrate_replica_lag_seconds"
	    " gauge\nfairrate_replica_lag_seconds %s\n", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (rc);
}

void
health_routes_metrics(struct api_request *r)
{
	struct metrics_pool mp;
	struct buf out;

	buf_init(&out, HEALTH_METRICS_MAX);
	db_pool_stats(request_pool(r), &mp.open, &mp.in_use, &mp.waiting);
	mp.waiting += server_queued(r->srv);    /* waiting for a worker, hence a connection */
	mp.size = db_pool_size(request_pool(r));
	if (metrics_render(server_metrics(r->srv), &mp, &out) != 0 ||
	    health_summary_cache_metrics(r, &out) != 0 ||
	    health_summary_store_metrics(&out) != 0 || health_replica_metrics(r, &out) != 0) {
		request_reply_error(r, 500, "internal_error", "the metrics do not fit");
		goto out;
	}
	request_reply_data(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	    out.data ? out.data : "", out.len);
out:
	buf_free(&out);
}

static void
shipped_doc_load(struct shipped_doc *d)
{
	char path[4096], chunk[8192];
	FILE *f;
	size_t n;

	buf_init(&d->text, HEALTH_OPENAPI_MAX);
	if (paths_join(path, sizeof(path), d->rel) != 0 || (f = fopen(path, "r")) == NULL) {
		log_error("serve: cannot open %s: %s", d->rel, strerror(errno));
		return;
	}
	d->ok = 1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&d->text, chunk, n) != 0) {
			log_error("serve: %s is larger than %d bytes", d->rel, HEALTH_OPENAPI_MAX);
			d->ok = 0;
			break;
		}
	if (ferror(f)) {
		log_error("serve: cannot read %s", d->rel);
		d->ok = 0;
	}
	fclose(f);
}

static void
health_openapi_load(void)
{
	shipped_doc_load(&health_openapi);
}

static void
health_methodology_load(void)
{
	shipped_doc_load(&health_methodology);
}

static void
shipped_doc_reply(struct api_request *r, struct shipped_doc *d, void (*load)(void))
{
	pthread_once(&d->once, load);
	if (!d->ok) {
		request_reply_error(r, 500, "internal_error", "%s is missing", d->rel);
		return;
	}
	request_reply_data(r, 200, d->type, d->text.data ? d->text.data : "", d->text.len);
}

void
health_routes_openapi(struct api_request *r)
{
	shipped_doc_reply(r, &health_openapi, health_openapi_load);
}

/* The methodology's text (docs/methodology.md): how every score is computed, which
 * the portal, the report and `fairrate show` refer to. */
void
health_routes_methodology_document(struct api_request *r)
{
	shipped_doc_reply(r, &health_methodology, health_methodology_load);
}
