#ifndef FAIRRATE_CSV_H
#define FAIRRATE_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * An RFC 4180 CSV reader over a FILE* (a file, a pipe, or fmemopen for a memory
 * buffer). Fields may be quoted; a doubled quote inside quotes is one quote; quoted
 * fields may hold commas, CR and LF. Records end with CRLF, LF or a lone CR. A UTF-8
 * byte order mark at the very start is skipped, blank lines are skipped, every field
 * must be valid UTF-8 without NUL bytes, and every record must have as many fields as
 * the first one (the header). Nothing else is interpreted: the caller names columns.
 *
 * A bad record is reported with the physical line on which it starts and skipped as
 * a whole; reading then goes on with the next record, so one call per record can
 * report every bad record of a file.
 */

struct csv_reader;

/* The caps a reader enforces; going past one makes that record bad. */
#define CSV_DEFAULT_MAX_RECORD (64 * 1024)   /* bytes of field data in one record */
#define CSV_DEFAULT_MAX_FIELD  (16 * 1024)   /* bytes in one field */
#define CSV_MAX_FIELDS 64                    /* fields in one record */

enum csv_result {
	CSV_IO_ERROR = -2,   /* reading failed (logged); stop */
	CSV_BAD = -1,        /* a bad record, skipped: see csv_reader_error */
	CSV_EOF = 0,         /* no more records */
	CSV_RECORD = 1       /* a record: see csv_reader_nfields/field */
};

/* csv_reader_new: a reader of in (not closed by the reader) with the given caps in
 * bytes (0: the defaults above). NULL when memory is short. */
struct csv_reader *csv_reader_new(FILE *in, size_t max_record, size_t max_field);

/* csv_reader_next: read the next record. Returns a csv_result. The fields stay valid
 * until the next call. */
enum csv_result csv_reader_next(struct csv_reader *r);

/* csv_reader_nfields: fields in the current record. */
size_t csv_reader_nfields(const struct csv_reader *r);

/* csv_reader_field: field i (NUL-terminated) of the current record, its length in
 * *len when len is not NULL. i must be below csv_reader_nfields. */
const char *csv_reader_field(const struct csv_reader *r, size_t i, size_t *len);

/* csv_reader_line: the physical line (from 1) on which the current or bad record
 * starts. */
long csv_reader_line(const struct csv_reader *r);

/* csv_reader_error: why the last record was bad ("" after a good one). Valid until
 * the next call. */
const char *csv_reader_error(const struct csv_reader *r);

/* csv_reader_free: release r; NULL is a no-op. */
void csv_reader_free(struct csv_reader *r);

/* csv_utf8_valid: 1 when the n bytes at s are well-formed UTF-8 by utf8_valid
 * (common/utf8.h) and hold no NUL byte; else 0. */
int csv_utf8_valid(const char *s, size_t n);

#endif
