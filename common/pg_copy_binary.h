#ifndef FAIRRATE_PG_COPY_BINARY_H
#define FAIRRATE_PG_COPY_BINARY_H

#include <stddef.h>
#include <stdint.h>

/*
 * PostgreSQL's binary COPY format, as COPY ... TO STDOUT (FORMAT binary) sends it:
 * one CopyData message per row as libpq's PQgetCopyData returns them, the file header
 * in front of the first row, and a trailer message at the end; and as COPY ... FROM
 * STDIN (FORMAT binary) takes it. Neither side formats or parses numbers or times as
 * text, which is why the rescoring reads evidence and writes ratings this way
 * (docs/rescoring.md). Pure: no I/O.
 */

#include "common/buf.h"

/* The reader's state across the messages of one COPY: whether the header is read. */
struct pg_copy_binary {
	int header_done;
};

/* One field of a row: len bytes at data (big-endian as the server sent them), or an
 * SQL NULL when len is -1 (data is then NULL). */
struct pg_copy_field {
	const unsigned char *data;
	int32_t len;
};

#define PG_COPY_BINARY_TRAILER (-1)    /* the end-of-data marker */
#define PG_COPY_BINARY_MALFORMED (-2)

/* pg_copy_binary_row: read one message (msg, len bytes) of the stream st into at most
 * max fields. Returns the row's field count, PG_COPY_BINARY_TRAILER for the end
 * marker, or PG_COPY_BINARY_MALFORMED (a bad header, a length past the message,
 * bytes left over, or more than max fields). Fields point into msg. */
int pg_copy_binary_row(struct pg_copy_binary *st, const char *msg, size_t len,
    struct pg_copy_field *fields, int max);

/* Typed reads of one field. Each returns 0, or -1 when the field is NULL or is not
 * that type's size. */
int pg_copy_binary_int8(const struct pg_copy_field *f, int64_t *out);
int pg_copy_binary_bool(const struct pg_copy_field *f, int *out);

/* pg_copy_binary_timestamptz: a timestamptz as Unix microseconds. -1 also for
 * 'infinity' and '-infinity', which no Unix time can stand for. */
int pg_copy_binary_timestamptz(const struct pg_copy_field *f, int64_t *unix_us);

/* pg_copy_binary_text: copy a text field into out (size bytes, NUL-terminated). -1 when
 * it is NULL, holds a NUL byte or does not fit. */
int pg_copy_binary_text(const struct pg_copy_field *f, char *out, size_t size);

/* pg_unix_us_to_seconds: microseconds to whole seconds, rounded half away from zero:
 * what PostgreSQL's extract(epoch FROM t)::bigint gives, so that readers of the text
 * and of the binary forms see the same second. */
int64_t pg_unix_us_to_seconds(int64_t us);

/*
 * The write side: appended to a buf, each 0 or -1 when the buf's cap is reached (the
 * buf may then hold part of a row: drop it).
 */

/* pg_copy_binary_put_header, pg_copy_binary_put_trailer: what goes before the first
 * row and after the last. */
int pg_copy_binary_put_header(struct buf *b);
int pg_copy_binary_put_trailer(struct buf *b);

/* pg_copy_binary_put_row: start a row of nfields fields; the fields follow. */
int pg_copy_binary_put_row(struct buf *b, int nfields);

int pg_copy_binary_put_null(struct buf *b);
int pg_copy_binary_put_int8(struct buf *b, int64_t v);
int pg_copy_binary_put_int4(struct buf *b, int32_t v);

/* pg_copy_binary_put_text: s (NUL-terminated) as text, varchar, or json. */
int pg_copy_binary_put_text(struct buf *b, const char *s);

/* pg_copy_binary_put_jsonb: the JSON text s as jsonb (format version 1, then text). */
int pg_copy_binary_put_jsonb(struct buf *b, const char *s);

/* pg_copy_binary_put_timestamptz: Unix microseconds as a timestamptz. */
int pg_copy_binary_put_timestamptz(struct buf *b, int64_t unix_us);

/* pg_copy_binary_put_numeric_tenths: tenths / 10 as a numeric with one decimal
 * (scale 1), e.g. 899 for 89.9. */
int pg_copy_binary_put_numeric_tenths(struct buf *b, int64_t tenths);

#endif
