#ifndef FAIRRATE_API_PUBLICATION_STORE_H
#define FAIRRATE_API_PUBLICATION_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * What fairrate publishes to everyone: methodology versions (never drafts), their
 * validation figures, and coverage statistics. Statements are prepared on the pool's
 * connections (publication_store_register).
 */

struct db_pool;

/* publication_store_register: register this store's statements with pool. 0 or -1. */
int publication_store_register(struct db_pool *pool);

/* publication_store_is_final: whether version is published or retired (so that it
 * never changes again). 1, 0, or -1 on error. */
int publication_store_is_final(struct db_pool *pool, PGconn *conn, const char *version);

/* publication_store_in_force: the summary of the version in force at now (as in
 * publication_store_current), or JSON null. A new reference, NULL on error. */
json_t *publication_store_in_force(struct db_pool *pool, PGconn *conn, int64_t now);

/* publication_store_current: {in_force, upcoming} at now, each a version summary
 * {version, title, status, published_at, effective_at, notice_days,
 * short_notice_reason, definition_sha256} or null. A new reference, NULL on error. */
json_t *publication_store_current(struct db_pool *pool, PGconn *conn, int64_t now);

/* publication_store_versions: every published or retired version, oldest effective
 * first, each a version summary (published_at is the notice date) with its change
 * log: change_log (the text, with the impact and any short-notice reason appended),
 * summary (the definition's, "" when it has none) and impact (the aggregate impact of
 * the preview it was published from, as impact_json without top_movers, plus as_of;
 * null when it was published without a preview). A new array, NULL on error. */
json_t *publication_store_versions(struct db_pool *pool, PGconn *conn);

/* publication_store_version: the summary of a published or retired version with its
 * change log fields (as publication_store_versions) and definition (the JSON
 * document). 1 and *out, 0 when there is no such
 * version (or it is a draft), -1 on error. */
int publication_store_version(struct db_pool *pool, PGconn *conn, const char *version,
    json_t **out);

enum publication_validation {
	PUBLICATION_ERROR = -1,
	PUBLICATION_NO_VERSION = 0,       /* no such published version */
	PUBLICATION_FOUND = 1,
	PUBLICATION_NOT_PUBLISHED = 2     /* the version exists; no back-test yet */
};

/* publication_store_validation: {version, rated_as_of, followed_until, computed_at,
 * published_at, figures} of version into *out when PUBLICATION_FOUND. */
enum publication_validation publication_store_validation(struct db_pool *pool,
    PGconn *conn, const char *version, json_t **out);

/* publication_store_transparency: coverage at now: {methodology_in_force, companies,
 * rated, insufficient_data, not_rated, by_confidence, by_grade, private_companies}
 * over public companies (private ones are only counted). A new reference, NULL on
 * error. */
json_t *publication_store_transparency(struct db_pool *pool, PGconn *conn, int64_t now);

#endif
