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

/* The CSV export of the evidence: at most this many rows, in at most this many bytes
 * (details are capped at 16 KiB an item). */
#define ME_EVIDENCE_CSV_ROWS 20000
#define ME_EVIDENCE_CSV_MAX (64 * 1024 * 1024)

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

void
me_routes_evidence(struct api_request *r)
{
	me_routes_evidence_of(r, 0);
}

void
me_routes_evidence_of(struct api_request *r, int64_t company_id)
{
	static const char *const statuses[] = {"active", "disputed", "corrected", "expired"};
	static const char *const csv_cols[] = {"id", "check", "title", "factor", "severity",
	    "weighted", "outcome", "asset.kind", "asset.value", "observation_key", "details",
	    "source", "collector_version", "first_seen", "last_seen", "recorded_at", "status",
	    "status_reason", "expires_at"};
	char position[PAGING_POSITION_MAX + 1];
	struct me_store_evidence_query q;
	const struct methodology *m;
	const char *format = request_query(r, "format");
	json_t *items;
	size_t i;
	PGconn *db;
	int csv;

	memset(&q, 0, sizeof(q));
	q.status = request_query(r, "status");
	q.factor = request_query(r, "factor");
	q.outcome = request_query(r, "outcome");
	q.now = timefmt_now();
	for (i = 0; q.status != NULL && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(q.status, statuses[i]) == 0)
			break;
	if (q.status != NULL && i == sizeof(statuses) / sizeof(statuses[0])) {
		request_reply_error(r, 400, "invalid_parameter",
		    "status is active, disputed, corrected or expired");
		return;
	}
	if (q.outcome != NULL && strcmp(q.outcome, "pass") != 0 &&
	    strcmp(q.outcome, "fail") != 0 && strcmp(q.outcome, "info") != 0) {
		request_reply_error(r, 400, "invalid_parameter", "outcome is pass, fail or info");
		return;
	}
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		request_reply_error(r, 400, "invalid_parameter", "format is json or csv");
		return;
	}
	csv = format != NULL && strcmp(format, "csv") == 0;
	if (csv && (request_query(r, "limit") != NULL || request_query(r, "cursor") != NULL)) {
		request_reply_error(r, 400, "invalid_parameter",
		    "the CSV export holds every matching item: no limit or cursor");
		return;
	}
	if (resource_paging(r, &q.limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &q.after) != 0 ||
	    (db = request_db(r)) == NULL)
		return;
	if (company_id == 0)
		company_id = me_company(r);
	m = methodology_cache_in_force(request_pool(r), db, q.now);
	if (q.factor != NULL && (m == NULL || methodology_find_factor(m, q.factor) < 0)) {
		request_reply_error(r, 400, "invalid_parameter",
		    "factor is not a factor of the methodology in force");
		return;
	}
	q.limit = csv ? ME_EVIDENCE_CSV_ROWS + 1 : q.limit + 1;
	items = me_store_evidence(request_pool(r), db, company_id, &q, m);
	if (!csv) {
		resource_reply_page(r, items, q.limit - 1, "id");
		return;
	}
	if (items == NULL)
		resource_db_failed(r, "cannot read the evidence");
	else if (json_array_size(items) > ME_EVIDENCE_CSV_ROWS) {
		json_decref(items);
		request_reply_error(r, 413, "too_many_rows", "more than 20000 items match: "
		    "narrow the export by status, factor or outcome, or page the JSON");
	} else
		resource_reply_csv(r, items, csv_cols, sizeof(csv_cols) / sizeof(csv_cols[0]),
		    ME_EVIDENCE_CSV_MAX);
}

void
me_routes_assets(struct api_request *r)
{
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_id_page(r, &limit, &after, &db) != 0)
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
