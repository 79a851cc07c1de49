/* The investor routes about companies: search, summary, history, peers, lookup by
 * domain. Private companies answer 404 like unknown ones. Summaries, and the 404 of a
 * slug, are answered from the server's summary cache when it is on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/company_store.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/sector_store.h"
#include "api/server.h"
#include "api/summary_cache.h"
#include "api/summary_store.h"
#include "common/timefmt.h"
#include "rater/rating_json.h"

#define COMPANY_LOOKUP_MAX 100
#define COMPANY_QUERY_MAX 100
#define COMPANY_DOMAIN_MAX 253
/* The largest cached summary body served (a summary is a few KB). */
#define COMPANY_SUMMARY_MAX (1024 * 1024)

int
company_routes_register(struct db_pool *pool)
{
	if (summary_store_register(pool) != 0 ||
	    sector_store_register(pool) != 0)
		return (-1);
	return (0);
}

static void
company_not_found(struct api_request *r)
{
	request_reply_error(r, 404, "not_found", "no company has that slug");
}

/* A grade as bands name them: a capital letter and an optional + or -. */
static int
company_grade_valid(const char *g)
{
	return (g[0] >= 'A' && g[0] <= 'Z' && (g[1] == '\0' ||
	    ((g[1] == '+' || g[1] == '-') && g[2] == '\0')));
}

/* A domain name's characters and length (1..253 of [A-Za-z0-9.-]). */
static int
company_domain_valid(const char *d)
{
	size_t n = strlen(d);

	return (n >= 1 && n <= COMPANY_DOMAIN_MAX && strspn(d,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n);
}

void
company_routes_search(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	struct company_store_query f;
	unsigned limit;
	PGconn *db;

	f.q = request_query(r, "q");
	f.domain = request_query(r, "domain");
	f.sector = request_query(r, "sector");
	f.grade = request_query(r, "grade");
	if (f.q != NULL && (f.q[0] == '\0' || strlen(f.q) > COMPANY_QUERY_MAX)) {
		request_reply_error(r, 400, "invalid_parameter",
		    "q must have 1 to %d bytes", COMPANY_QUERY_MAX);
		return;
	}
	if (f.domain != NULL && !company_domain_valid(f.domain)) {
		request_reply_error(r, 400, "invalid_parameter", "domain is not a domain name");
		return;
	}
	if (f.sector != NULL && !router_param_valid("sector", f.sector)) {
		request_reply_error(r, 400, "invalid_parameter", "sector is not a sector code");
		return;
	}
	if (f.grade != NULL && !company_grade_valid(f.grade)) {
		request_reply_error(r, 400, "invalid_parameter", "grade is not a grade");
		return;
	}
	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_slug(r, position) != 0 || (db = request_db(r)) == NULL)
		return;
	resource_reply_page(r, company_store_search(request_pool(r), db, &f, position,
	    limit + 1), limit, "slug");
}

/* slug's summary rendered from the database (company id), answered, and stored for
 * the next lookup (not on a read-only standby); its bytes into *body. 1, or 0/-1
 * after answering. */
static int
company_render(struct api_request *r, PGconn *db, int64_t id, int64_t now, char **body,
    size_t *len, int64_t *expires_at)
{
	struct summary_stamp stamp;
	json_t *summary = NULL;
	int rc;

	rc = company_store_summary(request_pool(r), db, NULL, id, now, &summary, &stamp);
	if (rc < 0)
		resource_db_failed(r, "cannot read the company");
	else if (rc == 0)
		company_not_found(r);      /* made private or removed since the lookup */
	if (rc != 1)
		return (rc);
	*body = summary_store_encode(summary, len);
	json_decref(summary);
	if (*body == NULL) {
		request_reply_error(r, 500, "internal_error", "cannot encode the response");
		return (-1);
	}
	*expires_at = stamp.expires_at;
	/* A failed store costs the next lookup a rendering, nothing else. */
	if (!server_read_only(r->srv))
		(void)summary_store_put(db, &stamp, *body);
	return (1);
}

/* Read slug's summary from the database: its stored bytes when they are current,
 * otherwise rendered (and stored); answer it, and keep it in sc (NULL: no cache)
 * unless something changed meanwhile (ticket). */
static void
company_get_db(struct api_request *r, struct summary_cache *sc, const char *slug,
    int64_t now)
{
	uint64_t ticket = sc != NULL ? summary_cache_ticket(sc) : 0;
	int64_t id = 0, expires_at = 0;
	struct buf stored;
	char *body = NULL;
	size_t n = 0;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	buf_init(&stored, COMPANY_SUMMARY_MAX);
	rc = summary_store_lookup(request_pool(r), db, slug, now, &id, &stored, &expires_at);
	if (rc < 0)
		resource_db_failed(r, "cannot read the company");
	else if (rc == 0) {
		if (sc != NULL)
			(void)summary_cache_put(sc, ticket, slug, 0, 404, NULL, 0, 0);
		company_not_found(r);
	} else if (rc == 1 || company_render(r, db, id, now, &body, &n, &expires_at) == 1) {
		if (body == NULL) {
			body = stored.data;
			n = stored.len;
		}
		if (sc != NULL)
			(void)summary_cache_put(sc, ticket, slug, id, 200, body, n, expires_at);
		request_reply_data(r, 200, "application/json", body, n);
		if (body != stored.data)
			free(body);
	}
	buf_free(&stored);
}

/* One batch read's result, shared by the lookups it answers: freed when the last of
 * them has been sent (the bodies are sent from it, not copied). */
struct company_batch_read {
	unsigned refs;                 /* atomic */
	PGresult *res;
};

static void
company_batch_read_release(void *p)
{
	struct company_batch_read *br = p;

	if (__atomic_sub_fetch(&br->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		PQclear(br->res);
		free(br);
	}
}

/* What the batch read found for one lookup: its stored body, and the summary cache's
 * ticket taken before the read. */
struct company_batched {
	uint64_t ticket;
	struct summary_stored s;
	struct company_batch_read *read;
};

static void
company_batched_free(void *p)
{
	struct company_batched *b = p;

	company_batch_read_release(b->read);
	free(b);
}

void
company_routes_get_batch(struct api_request *const *reqs, size_t n, PGconn *db)
{
	struct summary_cache *sc = server_summary_cache(reqs[0]->srv);
	uint64_t ticket = sc != NULL ? summary_cache_ticket(sc) : 0;
	struct summary_stored found[ROUTER_BATCH_MAX];
	const char *slugs[ROUTER_BATCH_MAX];
	struct company_batch_read *br;
	struct company_batched *b;
	PGresult *res;
	size_t i;

	for (i = 0; i < n; i++)
		slugs[i] = request_param(reqs[i], "slug");
	if (summary_store_lookup_many(request_pool(reqs[0]), db, slugs, n, timefmt_now(),
	    found, &res) != 0)
		return;                    /* each handler then reads, and answers, itself */
	if ((br = malloc(sizeof(*br))) == NULL) {
		PQclear(res);
		return;
	}
	br->refs = 1;                  /* this function's, until it returns */
	br->res = res;
	for (i = 0; i < n; i++) {
		if (!found[i].found || (b = malloc(sizeof(*b))) == NULL)
			continue;
		b->ticket = ticket;
		b->s = found[i];
		b->read = br;
		__atomic_add_fetch(&br->refs, 1, __ATOMIC_RELAXED);
		request_batch_set(reqs[i], b, company_batched_free);
	}
	company_batch_read_release(br);
}

void
company_routes_get(struct api_request *r)
{
	struct summary_cache *sc = server_summary_cache(r->srv);
	const char *slug = request_param(r, "slug");
	struct company_batched *b = request_batched(r);
	int64_t now = timefmt_now();
	struct summary_cache_hit hit;

	if (b != NULL) {
		/* Read with other lookups by the batch read on this worker. */
		if (sc != NULL)
			(void)summary_cache_put(sc, b->ticket, slug, b->s.id, 200, b->s.body,
			    b->s.len, b->s.expires_at);
		__atomic_add_fetch(&b->read->refs, 1, __ATOMIC_RELAXED);
		request_reply_held(r, 200, "application/json", b->s.body, b->s.len,
		    company_batch_read_release, b->read);
		return;
	}

	/* Looked up already on the HTTP thread, which missed. */
	if (sc != NULL && !request_rerun(r) && summary_cache_get(sc, slug, now, &hit)) {
		if (hit.status == 200)
			request_reply_held(r, 200, "application/json", hit.body, hit.len,
			    summary_cache_release, hit.entry);
		else
			company_not_found(r);
		return;
	}
	company_get_db(r, sc, slug, now);
}

/* The id of the path's company; 1, or 0/-1 after answering. */
static int
company_path_id(struct api_request *r, PGconn *db, int64_t *id)
{
	int rc = company_store_find(request_pool(r), db, request_param(r, "slug"), id);

	if (rc < 0)
		resource_db_failed(r, "cannot read the company");
	else if (rc == 0)
		company_not_found(r);
	return (rc);
}

void
company_routes_history_of(struct api_request *r, PGconn *db, int64_t id)
{
	char position[PAGING_POSITION_MAX + 1];
	int64_t before;
	unsigned limit;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, INT64_MAX, &before) != 0)
		return;
	resource_reply_page(r, company_store_history(request_pool(r), db, id, before,
	    limit + 1), limit, "id");
}

void
company_routes_history(struct api_request *r)
{
	int64_t id;
	PGconn *db;

	if ((db = request_db(r)) != NULL && company_path_id(r, db, &id) == 1)
		company_routes_history_of(r, db, id);
}

void
company_routes_peers_of(struct api_request *r, PGconn *db, int64_t id, const char *slug,
    int own)
{
	json_t *peers = NULL, *dist = NULL;
	int rc;

	if ((rc = company_store_peers(request_pool(r), db, id, own, &peers)) != 1 ||
	    (rc = sector_store_distribution(request_pool(r), db,
	    json_string_value(json_object_get(peers, "sector")), &dist)) != 1) {
		json_decref(peers);
		if (rc == 0)
			company_not_found(r);
		else
			resource_db_failed(r, "cannot compare the company with its peers");
		return;
	}
	json_object_set_new(peers, "slug", json_string(slug));
	json_object_set_new(peers, "sector_distribution", dist);
	resource_reply(r, 200, peers);
}

void
company_routes_peers(struct api_request *r)
{
	int64_t id;
	PGconn *db;

	if ((db = request_db(r)) != NULL && company_path_id(r, db, &id) == 1)
		company_routes_peers_of(r, db, id, request_param(r, "slug"), 0);
}

void
company_routes_lookup(struct api_request *r)
{
	json_t *body = request_json(r), *domains, *v, *items, *item, *summary;
	const char *field, *d;
	int64_t now = timefmt_now(), id;
	size_t i;
	PGconn *db;
	int rc;

	if (!json_is_object(body)) {
		request_reply_error(r, 400, "invalid_body", "the body must be a JSON object");
		return;
	}
	json_object_foreach(body, field, v)
		if (strcmp(field, "domains") != 0) {
			request_reply_error(r, 400, "unknown_field", "unknown field %.40s", field);
			return;
		}
	domains = json_object_get(body, "domains");
	if (!json_is_array(domains) || json_array_size(domains) == 0) {
		request_reply_error(r, 400, "invalid_body",
		    "domains must be an array of 1 to %d domain names", COMPANY_LOOKUP_MAX);
		return;
	}
	if (json_array_size(domains) > COMPANY_LOOKUP_MAX) {
		request_reply_error(r, 400, "too_many_domains",
		    "at most %d domains per lookup", COMPANY_LOOKUP_MAX);
		return;
	}
	json_array_foreach(domains, i, v)
		if (!json_is_string(v) || !company_domain_valid(json_string_value(v))) {
			request_reply_error(r, 400, "invalid_body",
			    "domains[%zu] is not a domain name", i);
			return;
		}
	if ((db = request_db(r)) == NULL)
		return;
	if ((items = json_array()) == NULL) {
		request_reply_error(r, 500, "internal_error", "out of memory");
		return;
	}
	json_array_foreach(domains, i, v) {
		d = json_string_value(v);
		summary = NULL;
		rc = company_store_by_domain(request_pool(r), db, d, &id);
		if (rc == 1)
			rc = company_store_summary(request_pool(r), db, NULL, id, now, &summary,
			    NULL);
		if (rc < 0) {
			json_decref(items);
			resource_db_failed(r, "cannot look the domains up");
			return;
		}
		item = rc == 1 ? json_pack("{s:s, s:s, s:o}", "domain", d, "result", "found",
		    "company", summary) : json_pack("{s:s, s:s}", "domain", d, "result",
		    "not_found");
		if (item == NULL || json_array_append_new(items, item) != 0) {
			json_decref(items);
			request_reply_error(r, 500, "internal_error", "out of memory");
			return;
		}
	}
	resource_reply(r, 200, json_pack("{s:o}", "items", items));
}
