#ifndef FAIRRATE_PROFILE_STORE_H
#define FAIRRATE_PROFILE_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * A company's choice to publish its public page, and its statement, in PostgreSQL
 * (migrations/0031_company_pages_and_grants.sql). A company without a row has not published.
 * Database errors are logged here.
 */

/* profile_store_get: the company's setting as {published, statement, published_at,
 * url} into *out (a new reference). 0 or -1. */
int profile_store_get(PGconn *conn, int64_t company_id, json_t **out);

/* profile_store_put: publish (published 1) or withdraw the page of company_id with
 * statement (NULL: none), at now, by key_id (audited as company.profile.publish or
 * company.profile.withdraw), in one transaction; published_at is kept while the page
 * stays published. Then *out as profile_store_get. 0 or -1. */
int profile_store_put(PGconn *conn, int64_t company_id, int64_t key_id, int published,
    const char *statement, int64_t now, json_t **out);

/* profile_store_public: whether slug is a public company whose page is published:
 * 1 with *company_id, *statement (malloc'ed or NULL; free() it) and published_at
 * (ISO 8601) set; 0 when not (no such company, private, or not published); -1. */
int profile_store_public(PGconn *conn, const char *slug, int64_t *company_id,
    char **statement, char published_at[21]);

#endif
