/* A company's own view (company keys only): its profile, the full explanation of its
 * rating, all its evidence with provenance, its assets and how each was attributed. */
#include <stdint.h>
#include <string.h>

#include "api/me_store.h"
#include "api/methodology_cache.h"
#include "api/paging.h"
#include "api/publication_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/timefmt.h"

int
me_routes_register(struct db_pool *pool)
{
	if (me_store_register(pool) != 0 || publication_store_register(pool) != 0)
		return (-1);
	return (0);
}

static int64_t
me_company(struct api_request *r)
{
	return (request_principal(r)->company_id);
}

void
me_routes_me(struct api_request *r)
{
	json_t *company = NULL;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	if ((rc = me_store_company(request_pool(r), db, me_company(r), &company)) != 1) {
		if (rc == 0)
			request_reply_error(r, 404, "not_found", "the key's company is gone");
		else
			resource_db_failed(r, "cannot read the company");
		return;
	}
	resource_reply(r, 200, json_pack("{s:o, s:{s:I, s:s, s:s}}", "company", company,
	    "key", "id", (json_int_t)request_principal(r)->key_id, "role", "company",
	    "scope", "this company's own rating, evidence, assets and disputes"));
}

void
me_routes_rating(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		me_routes_rating_of(r, db, me_company(r));
}

void
me_routes_rating_of(struct api_request *r, PGconn *db, int64_t company_id)
{
	json_t *out = NULL;
	int rc;

	rc = me_store_explanation(request_pool(r), db, company_id, &out);
	if (rc < 0)
		resource_db_failed(r, "cannot explain the rating");
	else if (rc == 0)
		request_reply_error(r, 404, "not_rated", "the company has no rating yet");
	else
		resource_reply(r, 200, out);
}

/* The methodology in force at now, from the cache; NULL when none is. */
static const struct methodology *
me_in_force(struct api_request *r, PGconn *db, int64_t now)
{
	json_t *cur = publication_store_in_force(request_pool(r), db, now);
	const char *v = json_string_value(json_object_get(cur, "version"));
	const struct methodology *m = v ? methodology_cache_get(request_pool(r), db, v) : NULL;

	json_decref(cur);
	return (m);
}

void
me_routes_evidence(struct api_request *r)
{
	me_routes_evidence_of(r, 0);
}

void
me_routes_evidence_of(struct api_request *r, int64_t company_id)
{
	static const char *const statuses[] = {"active", "disputed", "corrected", "expired"};
	char position[PAGING_POSITION_MAX + 1];
	struct me_store_evidence_query q;
	const struct methodology *m;
	size_t i;
	PGconn *db;

	memset(&q, 0, sizeof(q));
	q.status = request_query(r, "status");
	q.factor = request_query(r, "factor");
	q.now = timefmt_now();
	for (i = 0; q.status != NULL && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(q.status, statuses[i]) == 0)
			break;
	if (q.status != NULL && i == sizeof(statuses) / sizeof(statuses[0])) {
		request_reply_error(r, 400, "invalid_parameter",
		    "status is active, disputed, corrected or expired");
		return;
	}
	if (resource_paging(r, &q.limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &q.after) != 0 ||
	    (db = request_db(r)) == NULL)
		return;
	if (company_id == 0)
		company_id = me_company(r);
	m = me_in_force(r, db, q.now);
	if (q.factor != NULL && (m == NULL || methodology_find_factor(m, q.factor) < 0)) {
		request_reply_error(r, 400, "invalid_parameter",
		    "factor is not a factor of the methodology in force");
		return;
	}
	q.limit++;
	resource_reply_page(r, me_store_evidence(request_pool(r), db, company_id, &q, m),
	    q.limit - 1, "id");
}

void
me_routes_assets(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &after) != 0 || (db = request_db(r)) == NULL)
		return;
	resource_reply_page(r, me_store_assets(request_pool(r), db, me_company(r), after,
	    limit + 1), limit, "id");
}

/* Its own rating history and its place among its peers: what an investor sees of a
 * public company, for the company itself (private ones too). */
void
me_routes_history(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		company_routes_history_of(r, db, me_company(r));
}

void
me_routes_peers(struct api_request *r)
{
	json_t *company = NULL;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	if ((rc = me_store_company(request_pool(r), db, me_company(r), &company)) != 1) {
		if (rc == 0)
			request_reply_error(r, 404, "not_found", "the key's company is gone");
		else
			resource_db_failed(r, "cannot read the company");
		return;
	}
	company_routes_peers_of(r, db, me_company(r),
	    json_string_value(json_object_get(company, "slug")), 1);
	json_decref(company);
}
