#ifndef FAIRRATE_VERIS_STORE_H
#define FAIRRATE_VERIS_STORE_H

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "collector/import_store.h"

/*
 * fairrate feed veris: VERIS incident records (collector/veris) imported as incidents
 * of the companies whose name is the record's victim (case-insensitive), through the
 * breaches path of the importer: all or nothing, a bad record named as FILE:N (the
 * line of a JSON Lines file, the position in an array), disclosed incidents also
 * incidents.* evidence. Records of victims that are no rated company are skipped and
 * counted (the database covers the whole world).
 */

struct veris_counts {
	long records;
	long matched;
	long unmatched;                       /* no company of that name */
	long ambiguous;                       /* several companies of that name */
	struct import_counts imported;
};

/* veris_store_run: import path. 0 imported, 1 rejected (reported to errors), -1 a
 * failure (logged). */
int veris_store_run(PGconn *conn, const char *path, const char *source, int64_t now,
    FILE *errors, struct veris_counts *counts);

#endif
