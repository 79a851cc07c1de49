#ifndef FAIRRATE_API_METHODOLOGY_DRAFT_STORE_H
#define FAIRRATE_API_METHODOLOGY_DRAFT_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * What the staff methodology routes and GET /v1/me/projection need beyond
 * rater/governance_store.h: a definition body checked into a document or a list of
 * errors with their paths, a draft shown with its diff against the version in force,
 * the connection string for the preview's own connections, and a company's projected
 * rating. Errors are logged.
 */

struct db_pool;

/* methodology_draft_store_document: the definition body as document text (malloc'd,
 * the caller frees it; *len its length). NULL and *errors (a new array of {path,
 * message}) when it does not validate; NULL and *errors NULL when memory is short. */
char *methodology_draft_store_document(const json_t *body, size_t *len, json_t **errors);

/* methodology_draft_store_with_diff: add "diff" ({against, changes}) to draft (as
 * governance_store_draft_get made it) against the version in force at now. 0 or -1. */
int methodology_draft_store_with_diff(PGconn *conn, json_t *draft, int64_t now);

/* methodology_draft_store_conninfo: a connection string for the database conn is
 * connected to (malloc'd; NULL when memory is short). */
char *methodology_draft_store_conninfo(PGconn *conn);

/* methodology_draft_store_projection: company id's rating under the upcoming version
 * (published, effective after now) and under the one in force, from its evidence now:
 * {version, effective_at, in_force_version, current: {status, score, grade,
 * confidence}, projection: the full explanation (rater/rating_json.h), score_change}
 * into *out. 1 found, 0 when no version is upcoming, -1 on error. */
int methodology_draft_store_projection(struct db_pool *pool, PGconn *conn,
    int64_t company_id, int64_t now, json_t **out);

#endif
