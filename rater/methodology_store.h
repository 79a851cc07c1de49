#ifndef FAIRRATE_METHODOLOGY_STORE_H
#define FAIRRATE_METHODOLOGY_STORE_H

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "rater/methodology.h"

/*
 * Methodology versions in PostgreSQL (table methodology_versions). A published version
 * is immutable: its definition_sha256 is the SHA-256 of the file it was loaded from.
 */

/* methodology_store_seed: load every *.json in dir (the shipped methodology/) that is
 * not in the database yet, as status 'published' with published_at = effective_at =
 * the document's effective_at and notice_days 0. Each file must parse and validate and
 * be named after its version ("2026.1.json"); a version already present with a
 * different definition_sha256 is an error naming the file. All files or none, in one
 * transaction. When dir/unweighted/checks.json exists (rater/unweighted_checks.h), it
 * is validated against the newest version and replaces table unweighted_checks in the
 * same transaction. Returns 0, or -1 after logging every problem (file name and JSON
 * path). */
int methodology_store_seed(PGconn *conn, const char *dir);

/* methodology_store_seed_report: the same, printing "methodology VERSION loaded" or
 * "methodology VERSION present" per file to out (NULL: quiet). */
int methodology_store_seed_report(PGconn *conn, const char *dir, FILE *out);

/* methodology_store_load_in_force: the published version in force at `at` (Unix
 * seconds): the one with the latest effective_at <= at. Returns it parsed (free with
 * methodology_free), or NULL after logging (none in force, a query error, or a stored
 * definition that no longer validates). */
struct methodology *methodology_store_load_in_force(PGconn *conn, int64_t at);

/* methodology_store_first_effective: when the first published version took effect
 * (Unix seconds) into *at. 1, 0 when none is published, -1 after logging. */
int methodology_store_first_effective(PGconn *conn, int64_t *at);

/* methodology_store_load: the version named version, whatever its status; NULL after
 * logging when there is none or it does not parse. */
struct methodology *methodology_store_load(PGconn *conn, const char *version);

#endif
