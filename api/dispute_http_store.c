#include "api/dispute_http_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/db.h"
#include "common/log.h"

json_t *
dispute_http_store_audit(PGconn *conn, int64_t before_id, unsigned limit,
    const char *action_prefix)
{
	char sbefore[24], slimit[16];
	const char *params[3] = {sbefore, slimit, action_prefix};
	json_t *items = NULL;
	PGresult *res;
	int i;

	snprintf(sbefore, sizeof(sbefore), "%" PRId64, before_id);
	snprintf(slimit, sizeof(slimit), "%u", limit);
	res = db_query(conn, "SELECT json_build_object('id', a.id, 'at', to_char(a.at AT"
	    " TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'actor_key_id',"
	    " a.actor_key_id, 'actor', a.actor, 'action', a.action, 'target', a.target,"
	    " 'company', c.slug, 'details', a.details)::text"
	    " FROM audit_log a LEFT JOIN companies c ON c.id = a.company_id"
	    " WHERE ($1::bigint = 0 OR a.id < $1::bigint)"
	    " AND ($3::text IS NULL OR left(a.action, length($3)) = $3)"
	    " ORDER BY a.id DESC LIMIT $2::int", 3, params);
	if (res == NULL)
		return (NULL);
	if ((items = json_array()) == NULL)
		goto fail;
	for (i = 0; i < PQntuples(res); i++) {
		json_t *row = json_loads(PQgetvalue(res, i, 0), 0, NULL);

		if (row == NULL || json_array_append_new(items, row) != 0) {
			log_error("audit: cannot build the listing");
			goto fail;
		}
	}
	PQclear(res);
	return (items);
fail:
	json_decref(items);
	PQclear(res);
	return (NULL);
}
