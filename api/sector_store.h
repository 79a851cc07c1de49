#ifndef FAIRRATE_API_SECTOR_STORE_H
#define FAIRRATE_API_SECTOR_STORE_H

#include <jansson.h>
#include <libpq-fe.h>

/*
 * Sector statistics over public companies and their latest ratings; private companies
 * are left out of every count. Statements are prepared on the pool's connections.
 */

struct db_pool;

/* sector_store_register: register this store's statements with pool. 0 or -1. */
int sector_store_register(struct db_pool *pool);

/* sector_store_list: every sector with public companies, in name order:
 * [{sector, companies, rated, insufficient_data, median_score}]. A new array, or NULL
 * on error (logged). */
json_t *sector_store_list(struct db_pool *pool, PGconn *conn);

/* sector_store_distribution: {sector, companies, rated, insufficient_data,
 * median_score, histogram: [{from, to, companies}] (ten 10-point bins of rated
 * scores, the last one holding 100), grades: {"A": n, ...}} for sector. 1 and *out
 * (a new reference); 0 when the sector has no public company; -1 on error. */
int sector_store_distribution(struct db_pool *pool, PGconn *conn, const char *sector,
    json_t **out);

#endif
