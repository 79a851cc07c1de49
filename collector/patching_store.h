#ifndef FAIRRATE_PATCHING_STORE_H
#define FAIRRATE_PATCHING_STORE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "collector/import_store.h"

/*
 * Patching's SQL: the data sets loaded (`fairrate feed endoflife|kev|osv`), and the
 * patching run (`fairrate patching`): every product and version seen in the evidence
 * (Server and X-Powered-By headers, service banners) judged against them and written
 * as patching.* evidence through the importer's staging, all or nothing.
 */

enum patching_dataset { PATCHING_ENDOFLIFE = 0, PATCHING_KEV, PATCHING_OSV };

/* patching_store_load: replace the data set kind with rows (the output of the
 * collector/advisories reader): endoflife replaces product's cycles, kev the whole
 * catalogue, osv upserts its records. 0, or -1 (logged; nothing changed). */
int patching_store_load(PGconn *conn, enum patching_dataset kind, const json_t *rows,
    const char *product, const char *source, int64_t now);

struct patching_counts {
	long observations;                    /* products and versions seen */
	long judged;                          /* of them, with at least one verdict */
	long end_of_life, outdated, exploited; /* failing verdicts */
	long companies_covered;
	struct import_counts evidence;
};

/* patching_store_run: judge every product seen at now and import the verdicts.
 * Rows the database refuses are reported to errors. 0, 1 rejected, -1 failed. */
int patching_store_run(PGconn *conn, int64_t now, FILE *errors,
    struct patching_counts *counts);

#endif
