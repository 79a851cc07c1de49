/* PostgreSQL's binary COPY format, read side: header, rows, NULLs, the trailer, and
 * every way a message can be cut short or overrun. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "common/pg_copy_binary.h"

/* A message under construction. */
struct msg {
	unsigned char b[256];
	size_t n;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	cr_assert_leq(m->n + n, sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(struct msg *m, int v)
{
	unsigned char b[2] = {(unsigned char)((unsigned)v >> 8), (unsigned char)v};

	put(m, b, 2);
}

static void
put32(struct msg *m, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	    (unsigned char)(v >> 8), (unsigned char)v};

	put(m, b, 4);
}

static void
put64(struct msg *m, int64_t v)
{
	put32(m, (uint32_t)((uint64_t)v >> 32));
	put32(m, (uint32_t)v);
}

static void
header(struct msg *m, uint32_t flags, uint32_t ext)
{
	uint32_t i;

	put(m, "PGCOPY\n\377\r\n", 11);
	put32(m, flags);
	put32(m, ext);
	for (i = 0; i < ext; i++)
		put(m, "x", 1);
}

/* The first row as the server sends it: the header, then (id int8, code text, flag
 * bool, at timestamptz, NULL). 2000-01-01T00:00:01.5Z is 1.5 s after PostgreSQL's
 * epoch. */
static void
first_row(struct msg *m, uint32_t ext)
{
	header(m, 0, ext);
	put16(m, 5);
	put32(m, 8);
	put64(m, -42);
	put32(m, 6);
	put(m, "tls.ok", 6);
	put32(m, 1);
	put(m, "\1", 1);
	put32(m, 8);
	put64(m, 1500000);
	put32(m, UINT32_MAX);
}

Test(pg_copy_binary, reads_the_header_then_typed_fields)
{
	struct pg_copy_binary st = {0};
	struct pg_copy_field f[8];
	struct msg m = {.n = 0}, t = {.n = 0};
	int64_t i, us;
	char code[16];
	int b;

	first_row(&m, 3);
	cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, m.n, f, 8), 5);
	cr_assert_eq(pg_copy_binary_int8(&f[0], &i), 0);
	cr_assert_eq(i, -42);
	cr_assert_eq(pg_copy_binary_text(&f[1], code, sizeof(code)), 0);
	cr_assert_str_eq(code, "tls.ok");
	cr_assert_eq(pg_copy_binary_bool(&f[2], &b), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(pg_copy_binary_timestamptz(&f[3], &us), 0);
	cr_assert_eq(us, INT64_C(946684801500000));
	cr_assert_eq(f[4].len, -1);
	cr_assert_null(f[4].data);
	cr_assert_eq(pg_copy_binary_int8(&f[4], &i), -1, "NULL is not a number");
	/* Later messages carry no header; the trailer ends the data. */
	put16(&t, -1);
	cr_assert_eq(pg_copy_binary_row(&st, (char *)t.b, t.n, f, 8), PG_COPY_BINARY_TRAILER);
}

Test(pg_copy_binary, refuses_what_is_not_the_format)
{
	struct pg_copy_binary st = {0};
	struct pg_copy_field f[8];
	struct msg m = {.n = 0};
	size_t cut;

	first_row(&m, 0);
	/* Every cut short of the whole message is malformed, header or row. */
	for (cut = 0; cut < m.n; cut++) {
		memset(&st, 0, sizeof(st));
		cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, cut, f, 8),
		    PG_COPY_BINARY_MALFORMED, "cut at %zu", cut);
	}
	memset(&st, 0, sizeof(st));
	cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, m.n, f, 4),
	    PG_COPY_BINARY_MALFORMED, "more fields than room");
	memset(&st, 0, sizeof(st));
	m.b[0] = 'X';
	cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, m.n, f, 8),
	    PG_COPY_BINARY_MALFORMED, "signature");
	m.n = 0;
	header(&m, 1u << 16, 0);
	put16(&m, 0);
	memset(&st, 0, sizeof(st));
	cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, m.n, f, 8),
	    PG_COPY_BINARY_MALFORMED, "OIDs");
	m.n = 0;
	header(&m, 0, 0);
	put16(&m, 0);
	put(&m, "z", 1);
	memset(&st, 0, sizeof(st));
	cr_assert_eq(pg_copy_binary_row(&st, (char *)m.b, m.n, f, 8),
	    PG_COPY_BINARY_MALFORMED, "bytes left over");
}

Test(pg_copy_binary, typed_reads_check_sizes_and_values)
{
	static const unsigned char inf[8] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const unsigned char ninf[8] = {0x80, 0, 0, 0, 0, 0, 0, 0};
	struct pg_copy_field f;
	char out[4];
	int64_t v;
	int b;

	f.data = (const unsigned char *)"abcd";
	f.len = 4;
	cr_assert_eq(pg_copy_binary_int8(&f, &v), -1, "int4 is not int8");
	cr_assert_eq(pg_copy_binary_bool(&f, &b), -1);
	cr_assert_eq(pg_copy_binary_text(&f, out, sizeof(out)), -1, "does not fit");
	f.len = 3;
	cr_assert_eq(pg_copy_binary_text(&f, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "abc");
	f.data = (const unsigned char *)"a\0c";
	cr_assert_eq(pg_copy_binary_text(&f, out, sizeof(out)), -1, "NUL inside");
	f.data = inf;
	f.len = 8;
	cr_assert_eq(pg_copy_binary_timestamptz(&f, &v), -1, "infinity");
	f.data = ninf;
	cr_assert_eq(pg_copy_binary_timestamptz(&f, &v), -1, "-infinity");
}

/* extract(epoch FROM t)::bigint rounds half away from zero. */
Test(pg_copy_binary, seconds_round_as_postgresql_does)
{
	cr_assert_eq(pg_unix_us_to_seconds(0), 0);
	cr_assert_eq(pg_unix_us_to_seconds(499999), 0);
	cr_assert_eq(pg_unix_us_to_seconds(500000), 1);
	cr_assert_eq(pg_unix_us_to_seconds(1500000), 2);
	cr_assert_eq(pg_unix_us_to_seconds(-499999), 0);
	cr_assert_eq(pg_unix_us_to_seconds(-500000), -1);
	cr_assert_eq(pg_unix_us_to_seconds(-1500000), -2);
	cr_assert_eq(pg_unix_us_to_seconds(INT64_C(1780000000000000)), INT64_C(1780000000));
}

/* What the writer puts out reads back through the reader, field for field. */
Test(pg_copy_binary, written_rows_read_back)
{
	struct pg_copy_binary st = {0};
	struct pg_copy_field f[8];
	struct buf b;
	int64_t i, us;
	int32_t len;
	char text[32];

	buf_init(&b, 1024);
	cr_assert_eq(pg_copy_binary_put_header(&b), 0);
	cr_assert_eq(pg_copy_binary_put_row(&b, 5), 0);
	cr_assert_eq(pg_copy_binary_put_int8(&b, -7), 0);
	cr_assert_eq(pg_copy_binary_put_text(&b, "2026.1"), 0);
	cr_assert_eq(pg_copy_binary_put_timestamptz(&b, INT64_C(1780000000123456)), 0);
	cr_assert_eq(pg_copy_binary_put_null(&b), 0);
	cr_assert_eq(pg_copy_binary_put_jsonb(&b, "{}"), 0);
	cr_assert_eq(pg_copy_binary_row(&st, b.data, b.len, f, 8), 5);
	cr_assert_eq(pg_copy_binary_int8(&f[0], &i), 0);
	cr_assert_eq(i, -7);
	cr_assert_eq(pg_copy_binary_text(&f[1], text, sizeof(text)), 0);
	cr_assert_str_eq(text, "2026.1");
	cr_assert_eq(pg_copy_binary_timestamptz(&f[2], &us), 0);
	cr_assert_eq(us, INT64_C(1780000000123456));
	cr_assert_eq(f[3].len, -1);
	cr_assert_eq(f[4].len, 3);
	cr_assert_eq(f[4].data[0], 1, "jsonb format version 1");
	cr_assert_eq(memcmp(f[4].data + 1, "{}", 2), 0);
	buf_reset(&b);
	cr_assert_eq(pg_copy_binary_put_trailer(&b), 0);
	cr_assert_eq(pg_copy_binary_row(&st, b.data, b.len, f, 8), PG_COPY_BINARY_TRAILER);
	buf_reset(&b);
	cr_assert_eq(pg_copy_binary_put_int4(&b, 123456), 0);
	len = (int32_t)((unsigned char)b.data[0] << 24 | (unsigned char)b.data[3]);
	cr_assert_eq(len, 4);
	cr_assert_eq(b.len, 8);
	buf_free(&b);
	buf_init(&b, 6);
	cr_assert_eq(pg_copy_binary_put_int8(&b, 1), -1, "past the cap");
	buf_free(&b);
}

/* numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits. The
 * server's own numeric_send gives these bytes for the same values. */
Test(pg_copy_binary, numeric_tenths_in_postgresql_form)
{
	static const struct {
		int64_t tenths;
		unsigned char bytes[16];
		size_t n;
	} cases[] = {
		/* 0.0: no digits, scale 1 */
		{0, {0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1}, 12},
		/* 89.9: digits 89 and 9000, weight 0 */
		{899, {0, 0, 0, 12, 0, 2, 0, 0, 0, 0, 0, 1, 0, 89, 0x23, 0x28}, 16},
		/* 100.0: one digit 100 */
		{1000, {0, 0, 0, 10, 0, 1, 0, 0, 0, 0, 0, 1, 0, 100}, 14},
		/* 0.5: one digit 5000 of weight -1 */
		{5, {0, 0, 0, 10, 0, 1, 0xff, 0xff, 0, 0, 0, 1, 0x13, 0x88}, 14},
		/* -12.5: negative */
		{-125, {0, 0, 0, 12, 0, 2, 0, 0, 0x40, 0, 0, 1, 0, 12, 0x13, 0x88}, 16},
	};
	struct buf b;
	size_t i;

	buf_init(&b, 64);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		cr_assert_eq(pg_copy_binary_put_numeric_tenths(&b, cases[i].tenths), 0);
		cr_assert_eq(b.len, cases[i].n, "%lld", (long long)cases[i].tenths);
		cr_assert_eq(memcmp(b.data, cases[i].bytes, b.len), 0, "%lld",
		    (long long)cases[i].tenths);
	}
	buf_free(&b);
}
