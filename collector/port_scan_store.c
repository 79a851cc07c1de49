#include "collector/port_scan_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/scan_results.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"

#define STORE_SLUGS_LIMIT (1024 * 1024)

static const char store_assets_sql[] =
    "SELECT c.slug, a.kind = 'ip_range', lower(a.value) FROM assets a"
    " JOIN companies c ON c.id = a.company_id"
    " WHERE a.detached_at IS NULL AND ($1::text[] IS NULL OR c.slug = ANY ($1::text[]))"
    " ORDER BY c.slug, a.kind, lower(a.value)";

static const char store_findings_sql[] =
    "SELECT c.slug, lower(a.value), e.check_code, e.observation_key"
    " FROM evidence e JOIN companies c ON c.id = e.company_id"
    " JOIN assets a ON a.id = e.asset_id AND a.detached_at IS NULL"
    " WHERE e.source = '" SCAN_RESULTS_SOURCE "' AND e.check_code LIKE 'exposed\\_services.%'"
    "   AND e.outcome = 'fail' AND e.status = 'active'"
    "   AND ($1::text[] IS NULL OR c.slug = ANY ($1::text[]))"
    " ORDER BY 1, 2, 4, 3";

/* Run sql with the slugs (NULL for all) as $1. */
static PGresult *
store_query(PGconn *conn, const char *sql, const char *const *slugs, size_t n)
{
	struct buf b;
	const char *params[1] = {NULL};
	PGresult *res = NULL;
	size_t i;
	int bad = 0;

	buf_init(&b, STORE_SLUGS_LIMIT);
	if (n > 0) {
		bad |= buf_append(&b, "{", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				bad |= buf_append(&b, ",", 1);
			bad |= db_array_append_text(&b, slugs[i]);
		}
		bad |= buf_append(&b, "}", 1);
		params[0] = b.data;
	}
	if (bad)
		log_error("ports: too many companies named");
	else
		res = db_query(conn, sql, 1, params);
	buf_free(&b);
	return (res);
}

int
port_scan_store_assets(PGconn *conn, const char *const *slugs, size_t n,
    struct port_asset **out, size_t *nout)
{
	PGresult *res;
	int i, rows;

	*out = NULL;
	*nout = 0;
	if ((res = store_query(conn, store_assets_sql, slugs, n)) == NULL)
		return (-1);
	rows = PQntuples(res);
	if (rows > 0 && (*out = calloc((size_t)rows, sizeof(**out))) == NULL) {
		log_error("ports: out of memory");
		PQclear(res);
		return (-1);
	}
	for (i = 0; i < rows; i++) {
		struct port_asset *a = &(*out)[i];

		snprintf(a->company, sizeof(a->company), "%s", PQgetvalue(res, i, 0));
		a->ip_range = PQgetvalue(res, i, 1)[0] == 't';
		snprintf(a->value, sizeof(a->value), "%s", PQgetvalue(res, i, 2));
	}
	*nout = (size_t)rows;
	PQclear(res);
	return (0);
}

int
port_scan_store_findings(PGconn *conn, const char *const *slugs, size_t n,
    struct port_finding_ref **out, size_t *nout)
{
	PGresult *res;
	int i, rows;

	*out = NULL;
	*nout = 0;
	if ((res = store_query(conn, store_findings_sql, slugs, n)) == NULL)
		return (-1);
	rows = PQntuples(res);
	if (rows > 0 && (*out = calloc((size_t)rows, sizeof(**out))) == NULL) {
		log_error("ports: out of memory");
		PQclear(res);
		return (-1);
	}
	for (i = 0; i < rows; i++) {
		struct port_finding_ref *f = &(*out)[i];

		snprintf(f->company, sizeof(f->company), "%s", PQgetvalue(res, i, 0));
		snprintf(f->asset, sizeof(f->asset), "%s", PQgetvalue(res, i, 1));
		snprintf(f->code, sizeof(f->code), "%s", PQgetvalue(res, i, 2));
		snprintf(f->key, sizeof(f->key), "%s", PQgetvalue(res, i, 3));
	}
	*nout = (size_t)rows;
	PQclear(res);
	return (0);
}
