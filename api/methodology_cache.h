#ifndef FAIRRATE_API_METHODOLOGY_CACHE_H
#define FAIRRATE_API_METHODOLOGY_CACHE_H

#include <libpq-fe.h>

#include "rater/methodology.h"

struct db_pool;

/*
 * Parsed methodology versions shared by the server's threads. A published version
 * never changes (its definition_sha256 is fixed), so each is parsed once, on first
 * use, and kept for the life of the process. Drafts are never cached.
 */

/* methodology_cache_get: the published (or retired) version named version, loaded
 * through conn on first use. Borrowed and immutable: valid for the life of the
 * process. NULL (logged) when it does not exist, is a draft, or
 * cannot be loaded. Thread-safe. */
const struct methodology *methodology_cache_get(struct db_pool *pool, PGconn *conn,
    const char *version);

/* methodology_cache_in_force: the methodology in force at now (the summary of
 * api/publication_store.h, then methodology_cache_get); NULL when none is. */
const struct methodology *methodology_cache_in_force(struct db_pool *pool, PGconn *conn,
    int64_t now);

#endif
