#ifndef FAIRRATE_DISCOVERY_STORE_H
#define FAIRRATE_DISCOVERY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "collector/discovery.h"

/*
 * Asset discovery's SQL: the seeds of a company, and what was found written as
 * candidates (table asset_candidates) and, at the counting confidence, as attributed
 * assets, in one transaction per company. A name the company rejected is never
 * attributed again; an asset detached by a correction stays detached.
 */

struct discovery_company {
	int64_t id;
	char slug[64];
	size_t nseeds;
	char (*seeds)[DISCOVERY_NAME_MAX];    /* its attributed domains >= 0.9 */
};

struct discovery_counts {
	long found;                           /* names written as candidates */
	long attributed;                      /* new attributed assets */
	long kept_rejected;                   /* names the company had rejected */
};

/* discovery_store_companies: the companies to discover for (every one with a seed,
 * or those of slugs[0..nslugs)), each with its seeds, into *out (*n of them; free
 * with discovery_store_free). 0, or -1 (logged; also for an unknown slug). */
int discovery_store_companies(PGconn *conn, const char *const *slugs, size_t nslugs,
    struct discovery_company **out, size_t *n);

/* discovery_store_free: release companies[0..n). */
void discovery_store_free(struct discovery_company *companies, size_t n);

/* discovery_store_write: write company c's found names s as observed at now, and
 * record the company as covered by "discovery". 0, or -1 (logged; nothing written). */
int discovery_store_write(PGconn *conn, const struct discovery_company *c,
    const struct discovery_set *s, int64_t now, struct discovery_counts *counts);

#endif
