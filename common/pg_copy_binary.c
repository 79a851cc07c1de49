#include "common/pg_copy_binary.h"

#include <string.h>

/* "PGCOPY\n\377\r\n\0": the 11-byte signature of the binary COPY header. */
static const unsigned char pg_copy_signature[11] = {
	'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0
};

/* Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC). */
#define PG_EPOCH_OFFSET_US INT64_C(946684800000000)

static uint32_t
pg_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	    (uint32_t)p[3]);
}

static uint64_t
pg_get64(const unsigned char *p)
{
	return ((uint64_t)pg_get32(p) << 32 | pg_get32(p + 4));
}

int
pg_copy_binary_row(struct pg_copy_binary *st, const char *msg, size_t len,
    struct pg_copy_field *fields, int max)
{
	const unsigned char *p = (const unsigned char *)msg, *end = p + len;
	uint32_t ext;
	int16_t n;
	int i;

	if (!st->header_done) {
		/* Signature, flags (bit 16: OIDs, which no COPY of a query has), and the
		 * length of a header extension to skip. */
		if (len < 19 || memcmp(p, pg_copy_signature, 11) != 0 ||
		    (pg_get32(p + 11) & (1u << 16)) != 0)
			return (PG_COPY_BINARY_MALFORMED);
		ext = pg_get32(p + 15);
		if (ext > len - 19)
			return (PG_COPY_BINARY_MALFORMED);
		p += 19 + ext;
		st->header_done = 1;
	}
	if (end - p < 2)
		return (PG_COPY_BINARY_MALFORMED);
	n = (int16_t)((uint16_t)p[0] << 8 | p[1]);
	p += 2;
	if (n == -1)
		return (p == end ? PG_COPY_BINARY_TRAILER : PG_COPY_BINARY_MALFORMED);
	if (n < 0 || n > max)
		return (PG_COPY_BINARY_MALFORMED);
	for (i = 0; i < n; i++) {
		int32_t flen;

		if (end - p < 4)
			return (PG_COPY_BINARY_MALFORMED);
		flen = (int32_t)pg_get32(p);
		p += 4;
		if (flen == -1) {
			fields[i].data = NULL;
			fields[i].len = -1;
			continue;
		}
		if (flen < 0 || end - p < flen)
			return (PG_COPY_BINARY_MALFORMED);
		fields[i].data = p;
		fields[i].len = flen;
		p += flen;
	}
	return (p == end ? n : PG_COPY_BINARY_MALFORMED);
}

int
pg_copy_binary_int8(const struct pg_copy_field *f, int64_t *out)
{
	if (f->len != 8)
		return (-1);
	*out = (int64_t)pg_get64(f->data);
	return (0);
}

int
pg_copy_binary_bool(const struct pg_copy_field *f, int *out)
{
	if (f->len != 1)
		return (-1);
	*out = f->data[0] != 0;
	return (0);
}

int
pg_copy_binary_timestamptz(const struct pg_copy_field *f, int64_t *unix_us)
{
	int64_t v;

	if (pg_copy_binary_int8(f, &v) != 0 || v == INT64_MIN || v == INT64_MAX ||
	    v > INT64_MAX - PG_EPOCH_OFFSET_US)
		return (-1);
	*unix_us = v + PG_EPOCH_OFFSET_US;
	return (0);
}

int
pg_copy_binary_text(const struct pg_copy_field *f, char *out, size_t size)
{
	size_t n;

	if (f->len < 0)
		return (-1);
	n = (size_t)f->len;
	if (n >= size || memchr(f->data, '\0', n) != NULL)
		return (-1);
	memcpy(out, f->data, n);
	out[n] = '\0';
	return (0);
}

int64_t
pg_unix_us_to_seconds(int64_t us)
{
	return (us >= 0 ? (us + 500000) / 1000000 : -((-(us + 1) + 500001) / 1000000));
}

static int
pg_put16(struct buf *b, uint16_t v)
{
	unsigned char p[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	return (buf_append(b, p, 2));
}

static int
pg_put32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	    (unsigned char)(v >> 8), (unsigned char)v};

	return (buf_append(b, p, 4));
}

static int
pg_put64(struct buf *b, uint64_t v)
{
	return (pg_put32(b, (uint32_t)(v >> 32)) || pg_put32(b, (uint32_t)v) ? -1 : 0);
}

int
pg_copy_binary_put_header(struct buf *b)
{
	/* Signature, flags 0 (no OIDs), no header extension. */
	return (buf_append(b, pg_copy_signature, sizeof(pg_copy_signature)) ||
	    pg_put32(b, 0) || pg_put32(b, 0) ? -1 : 0);
}

int
pg_copy_binary_put_trailer(struct buf *b)
{
	return (pg_put16(b, 0xffff));
}

int
pg_copy_binary_put_row(struct buf *b, int nfields)
{
	return (pg_put16(b, (uint16_t)nfields));
}

int
pg_copy_binary_put_null(struct buf *b)
{
	return (pg_put32(b, 0xffffffffu));
}

int
pg_copy_binary_put_int8(struct buf *b, int64_t v)
{
	return (pg_put32(b, 8) || pg_put64(b, (uint64_t)v) ? -1 : 0);
}

int
pg_copy_binary_put_int4(struct buf *b, int32_t v)
{
	return (pg_put32(b, 4) || pg_put32(b, (uint32_t)v) ? -1 : 0);
}

int
pg_copy_binary_put_text(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > INT32_MAX)
		return (-1);
	return (pg_put32(b, (uint32_t)n) || buf_append(b, s, n) ? -1 : 0);
}

int
pg_copy_binary_put_jsonb(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n >= INT32_MAX)
		return (-1);
	return (pg_put32(b, (uint32_t)n + 1) || buf_append(b, "\1", 1) ||
	    buf_append(b, s, n) ? -1 : 0);
}

int
pg_copy_binary_put_timestamptz(struct buf *b, int64_t unix_us)
{
	return (pg_copy_binary_put_int8(b, unix_us - PG_EPOCH_OFFSET_US));
}

int
pg_copy_binary_put_numeric_tenths(struct buf *b, int64_t tenths)
{
	/* numeric's own form: base-10000 digits with the weight of the first, a sign and
	 * the display scale, leading and trailing zero digits left out. */
	uint16_t digits[8];
	uint64_t whole, u = tenths < 0 ? 0 - (uint64_t)tenths : (uint64_t)tenths;
	int16_t weight = 0;
	int n = 0, i, nint = 0;
	uint16_t intd[6];

	whole = u / 10;
	while (whole > 0) {
		intd[nint++] = (uint16_t)(whole % 10000);
		whole /= 10000;
	}
	for (i = nint - 1; i >= 0; i--)
		digits[n++] = intd[i];
	weight = (int16_t)(nint - 1);
	if (u % 10 != 0) {
		if (nint == 0)
			weight = -1;
		digits[n++] = (uint16_t)(u % 10 * 1000);
	}
	/* Leading zero digits (none but from the integer part) and trailing ones. */
	while (n > 0 && digits[n - 1] == 0)
		n--;
	if (n == 0)
		weight = 0;
	if (pg_put32(b, (uint32_t)(8 + 2 * n)) || pg_put16(b, (uint16_t)n) ||
	    pg_put16(b, (uint16_t)weight) || pg_put16(b, tenths < 0 ? 0x4000 : 0) ||
	    pg_put16(b, 1))
		return (-1);
	for (i = 0; i < n; i++)
		if (pg_put16(b, digits[i]) != 0)
			return (-1);
	return (0);
}
