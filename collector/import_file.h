#ifndef FAIRRATE_IMPORT_FILE_H
#define FAIRRATE_IMPORT_FILE_H

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "collector/import_rows.h"
#include "collector/import_store.h"

/*
 * One import of one file, all or nothing: every row is read and validated (CSV or
 * JSON Lines), staged, checked against the database, and written in one transaction
 * only when no row is bad. Each problem of a bad row is reported on its own line as
 * "FILE:LINE: column: problem" (every column that is wrong, not only the first).
 */

enum import_format { IMPORT_FORMAT_CSV = 0, IMPORT_FORMAT_JSONL };

#define IMPORT_MAX_LINE (64 * 1024)       /* bytes in a JSONL line or a CSV record */
#define IMPORT_MAX_ROWS 5000000L          /* data rows in one file */
#define IMPORT_MAX_REPORTED 100           /* bad rows listed; the rest are counted */
#define IMPORT_MAX_REASONS 4096           /* bytes of one row's problems, all listed */

struct import_options {
	enum import_kind kind;
	enum import_format format;
	const char *source;                   /* --source, or NULL */
	int64_t now;                          /* times after now (+ skew) are refused */
	FILE *errors;                         /* where bad rows are listed */
	const char *label;                    /* the file's name in messages (NULL: path) */
};

/* import_file_format_for: the format that path's extension implies (.csv, .jsonl,
 * .ndjson); 0 and *format set, or -1 when the extension says nothing. */
int import_file_format_for(const char *path, enum import_format *format);

/* import_file_getline: read one line (up to '\n', which is dropped) of at most cap
 * bytes from in into line (cap + 1 bytes, NUL-terminated). Returns its length, -1 at
 * the end of the input, or -2 when the line is longer than cap: the rest of it is
 * read and dropped, so that memory stays bounded and the next line is read next. */
long import_file_getline(FILE *in, char *line, size_t cap);

/* import_file_run: import path (or standard input when path is "-") into conn.
 * Returns 0 when every row was written (counts filled), 1 when the file was rejected
 * (bad rows listed on opt->errors; nothing written), -1 on a failure that is not the
 * file's fault (logged; nothing written). */
int import_file_run(PGconn *conn, const char *path, const struct import_options *opt,
    struct import_counts *counts);

/* A row that validated, for import_file_check: kind says which of the three it is. */
typedef void import_file_row_fn(void *arg, long line, enum import_kind kind,
    const void *row);

/* import_file_check: read and validate every row of in as import_file_run does, with
 * no database (nothing is staged): the row checks of a dry run, and what the fuzz
 * harness drives. Each good row is passed to on_row (may be NULL) as a struct
 * import_company, import_evidence or import_incident, valid during the call. 0 when
 * every row is good, 1 when some are bad (listed on opt->errors), -1 when reading
 * failed (logged). */
int import_file_check(FILE *in, const struct import_options *opt, import_file_row_fn *on_row,
    void *arg);

#endif
