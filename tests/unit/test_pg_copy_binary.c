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
