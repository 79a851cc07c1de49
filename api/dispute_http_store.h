#ifndef FAIRRATE_API_DISPUTE_HTTP_STORE_H
#define FAIRRATE_API_DISPUTE_HTTP_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * The SQL the dispute routes need beside dispute/dispute_store: the audit log
 * listing. Errors are logged here.
 */

/* dispute_http_store_audit: audit_log rows with id < before_id (0: from the newest),
 * newest first, at most limit, whose action starts with action_prefix (NULL: any), as
 * a JSON array of {id, at, actor_key_id, actor, action, target, company, details}.
 * NULL on error. */
json_t *dispute_http_store_audit(PGconn *conn, int64_t before_id, unsigned limit,
    const char *action_prefix);

#endif
