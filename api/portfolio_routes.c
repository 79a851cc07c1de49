/* Investors' portfolios. A portfolio belongs to the key that made it: any other key
 * gets 404, exactly as for a portfolio that does not exist. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/paging.h"
#include "api/portfolio_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/buf.h"
#include "common/timefmt.h"

#define PORTFOLIO_NAME_MAX 200
#define PORTFOLIO_CSV_MAX (4 * 1024 * 1024)
#define PORTFOLIO_CSV_FACTORS 32       /* factor columns at most */

int
portfolio_routes_register(struct db_pool *pool)
{
	return (portfolio_store_register(pool));
}

static int64_t
portfolio_owner(struct api_request *r)
{
	return (request_principal(r)->key_id);
}

static int64_t
portfolio_id(struct api_request *r)
{
	return (strtoll(request_param(r, "id"), NULL, 10));
}

/* Answer a store result other than OK. */
static void
portfolio_fail(struct api_request *r, enum portfolio_result rc)
{
	switch (rc) {
	case PORTFOLIO_NO_PORTFOLIO:
		request_reply_error(r, 404, "not_found", "no portfolio of yours has that id");
		break;
	case PORTFOLIO_NO_COMPANY:
		request_reply_error(r, 404, "company_not_found",
		    "no company by that slug is available for this portfolio");
		break;
	case PORTFOLIO_FULL:
		request_reply_error(r, 409, "limit_reached",
		    "at most %d portfolios per key and %d companies per portfolio",
		    PORTFOLIO_MAX_PER_KEY, PORTFOLIO_MAX_COMPANIES);
		break;
	default:
		resource_db_failed(r, "cannot use the portfolio");
	}
}

void
portfolio_routes_list(struct api_request *r)
{
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (resource_id_page(r, &limit, &after, &db) != 0)
		return;
	resource_reply_page(r, portfolio_store_list(request_pool(r), db, portfolio_owner(r),
	    after, limit + 1), limit, "id");
}

void
portfolio_routes_create(struct api_request *r)
{
	json_t *body = request_json(r), *v, *out = NULL;
	const char *field, *name = NULL;
	enum portfolio_result rc;
	char location[64];
	PGconn *db;

	if (!json_is_object(body)) {
		request_reply_error(r, 400, "invalid_body", "the body must be a JSON object");
		return;
	}
	json_object_foreach(body, field, v) {
		if (strcmp(field, "name") != 0) {
			request_reply_error(r, 400, "unknown_field", "unknown field %.40s", field);
			return;
		}
		name = json_string_value(v);
	}
	if (name == NULL || name[0] == '\0' || strlen(name) > PORTFOLIO_NAME_MAX) {
		request_reply_error(r, 400, "invalid_name",
		    "name must be a string of 1 to %d bytes", PORTFOLIO_NAME_MAX);
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_create(request_pool(r), db, portfolio_owner(r), name, &out);
	if (rc != PORTFOLIO_OK) {
		portfolio_fail(r, rc);
		return;
	}
	snprintf(location, sizeof(location), "/v1/portfolios/%lld", (long long)
	    json_integer_value(json_object_get(out, "id")));
	request_add_header(r, "Location", location);
	resource_reply(r, 201, out);
}

void
portfolio_routes_get(struct api_request *r)
{
	enum portfolio_result rc;
	json_t *out = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_get(request_pool(r), db, portfolio_owner(r), portfolio_id(r), &out);
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else
		resource_reply(r, 200, out);
}

void
portfolio_routes_delete(struct api_request *r)
{
	enum portfolio_result rc;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_delete(request_pool(r), db, portfolio_owner(r), portfolio_id(r));
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else
		request_reply_empty(r, 204);
}

void
portfolio_routes_add(struct api_request *r)
{
	enum portfolio_result rc;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_add(request_pool(r), db, portfolio_owner(r), portfolio_id(r),
	    request_param(r, "slug"));
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else
		request_reply_empty(r, 204);
}

void
portfolio_routes_remove(struct api_request *r)
{
	enum portfolio_result rc;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_remove(request_pool(r), db, portfolio_owner(r), portfolio_id(r),
	    request_param(r, "slug"));
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else
		request_reply_empty(r, 204);
}

void
portfolio_routes_summary(struct api_request *r)
{
	enum portfolio_result rc;
	json_t *out = NULL;
	PGconn *db;

	if ((db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_summary(request_pool(r), db, portfolio_owner(r), portfolio_id(r),
	    timefmt_now(), &out);
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else
		resource_reply(r, 200, out);
}

/* The CSV export: the fixed columns, the previous rating's score and date, then one
 * column per factor ("factor_scores.CODE"), every factor that any row's methodology
 * has, in the order first met (a row's methodology lacking one leaves it empty). */
static void
portfolio_reply_csv(struct api_request *r, json_t *items)
{
	static const char *const fixed[] = {"slug", "name", "sector", "size_band", "country",
	    "status", "score", "grade", "confidence", "methodology_version", "as_of",
	    "disputed", "previous.score", "previous.as_of"};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const char *cols[sizeof(fixed) / sizeof(fixed[0]) + PORTFOLIO_CSV_FACTORS];
	char names[PORTFOLIO_CSV_FACTORS][80], name[80];
	const char *code;
	json_t *item, *v;
	size_t i, k, n = nfixed;

	memcpy(cols, fixed, sizeof(fixed));
	json_array_foreach(items, i, item)
		json_object_foreach(json_object_get(item, "factor_scores"), code, v) {
			snprintf(name, sizeof(name), "factor_scores.%s", code);
			for (k = nfixed; k < n && strcmp(cols[k], name) != 0; k++)
				;
			if (k < n)
				continue;
			if (n - nfixed == PORTFOLIO_CSV_FACTORS) {
				json_decref(items);
				request_reply_error(r, 500, "internal_error",
				    "more than %d factors in one export", PORTFOLIO_CSV_FACTORS);
				return;
			}
			memcpy(names[n - nfixed], name, sizeof(name));
			cols[n] = names[n - nfixed];
			n++;
		}
	resource_reply_csv(r, items, cols, n, PORTFOLIO_CSV_MAX);
}

void
portfolio_routes_ratings(struct api_request *r)
{
	char position[PAGING_POSITION_MAX + 1];
	const char *format = request_query(r, "format");
	enum portfolio_result rc;
	json_t *items = NULL;
	unsigned limit;
	int csv;
	PGconn *db;

	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		request_reply_error(r, 400, "invalid_parameter", "format is json or csv");
		return;
	}
	csv = format != NULL && strcmp(format, "csv") == 0;
	if (csv && (request_query(r, "limit") != NULL || request_query(r, "cursor") != NULL)) {
		request_reply_error(r, 400, "invalid_parameter",
		    "the CSV export holds the whole portfolio: no limit or cursor");
		return;
	}
	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_slug(r, position) != 0 || (db = request_db(r)) == NULL)
		return;
	rc = portfolio_store_ratings(request_pool(r), db, portfolio_owner(r), portfolio_id(r),
	    position, csv ? PORTFOLIO_MAX_COMPANIES : limit + 1, &items);
	if (rc != PORTFOLIO_OK)
		portfolio_fail(r, rc);
	else if (csv)
		portfolio_reply_csv(r, items);
	else
		resource_reply_page(r, items, limit, "slug");
}
