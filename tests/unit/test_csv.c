/* The CSV reader: RFC 4180 quoting, line numbers, caps and UTF-8. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "collector/csv.h"
#include "common/utf8.h"

static FILE *in;
static struct csv_reader *reader;

static void
open_text(const char *text, size_t len, size_t max_record, size_t max_field)
{
	in = fmemopen((void *)text, len, "r");
	cr_assert_not_null(in);
	reader = csv_reader_new(in, max_record, max_field);
	cr_assert_not_null(reader);
}

static void
open_str(const char *text)
{
	open_text(text, strlen(text), 0, 0);
}

static void
close_reader(void)
{
	csv_reader_free(reader);
	if (in != NULL)
		fclose(in);
	reader = NULL;
	in = NULL;
}

TestSuite(csv, .fini = close_reader);

static void
expect_record(long line, size_t n, const char *const *fields)
{
	enum csv_result r = csv_reader_next(reader);
	size_t i;

	cr_assert_eq(r, CSV_RECORD, "expected a record at line %ld, got %d (%s)", line, r,
	    csv_reader_error(reader));
	cr_assert_eq(csv_reader_line(reader), line);
	cr_assert_eq(csv_reader_nfields(reader), n);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(csv_reader_field(reader, i, NULL), fields[i], "field %zu", i);
}

static void
expect_bad(long line, const char *reason_part)
{
	enum csv_result r = csv_reader_next(reader);

	cr_assert_eq(r, CSV_BAD, "expected a bad record at line %ld, got %d", line, r);
	cr_assert_eq(csv_reader_line(reader), line, "bad record at line %ld, not %ld",
	    csv_reader_line(reader), line);
	cr_assert(strstr(csv_reader_error(reader), reason_part) != NULL,
	    "error '%s' lacks '%s'", csv_reader_error(reader), reason_part);
}

Test(csv, plain_fields_and_the_end)
{
	open_str("a,b,c\n1,2,3\n");
	expect_record(1, 3, (const char *[]){"a", "b", "c"});
	expect_record(2, 3, (const char *[]){"1", "2", "3"});
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, quoted_fields_hold_commas_and_doubled_quotes)
{
	open_str("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\n");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_record(2, 2, (const char *[]){"x, y", "say \"hi\""});
	expect_record(3, 2, (const char *[]){"", "\""});
}

Test(csv, embedded_newlines_keep_line_numbers_right)
{
	open_str("a,b\n\"one\ntwo\nthree\",x\nlast,y\n\"p\r\nq\",z\n");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_record(2, 2, (const char *[]){"one\ntwo\nthree", "x"});
	expect_record(5, 2, (const char *[]){"last", "y"});
	expect_record(6, 2, (const char *[]){"p\r\nq", "z"});
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, crlf_and_a_missing_final_newline)
{
	open_str("a,b\r\n1,2\r\n3,4");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_record(2, 2, (const char *[]){"1", "2"});
	expect_record(3, 2, (const char *[]){"3", "4"});
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, a_byte_order_mark_is_skipped)
{
	open_str("\xEF\xBB\xBFslug,name\nx,y\n");
	expect_record(1, 2, (const char *[]){"slug", "name"});
	expect_record(2, 2, (const char *[]){"x", "y"});
}

Test(csv, a_partial_byte_order_mark_is_data)
{
	open_str("\xEF\xBB,b\n");
	cr_assert_eq(csv_reader_next(reader), CSV_BAD, "EF BB alone is not UTF-8");
}

Test(csv, empty_fields_and_blank_lines)
{
	open_str("a,b,c\n,,\n\n\r\n,x,\n");
	expect_record(1, 3, (const char *[]){"a", "b", "c"});
	expect_record(2, 3, (const char *[]){"", "", ""});
	expect_record(5, 3, (const char *[]){"", "x", ""});
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, an_unterminated_quote_at_eof_names_its_line)
{
	open_str("a,b\n1,2\n3,\"never\nclosed\n");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_record(2, 2, (const char *[]){"1", "2"});
	expect_bad(3, "unterminated quoted field (opened on line 3)");
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, a_field_past_the_cap_is_a_bad_record_and_reading_goes_on)
{
	char text[200];

	snprintf(text, sizeof(text), "a,b\n1,%s\n2,ok\n", "0123456789abcdefX");
	open_text(text, strlen(text), 0, 16);
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_bad(2, "field 2 is longer than 16 bytes");
	expect_record(3, 2, (const char *[]){"2", "ok"});
}

Test(csv, a_quoted_field_past_the_cap_with_newlines_resyncs)
{
	const char *text = "a,b\n1,\"aaaaaaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n2,ok\n";

	open_text(text, strlen(text), 0, 16);
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_bad(2, "longer than 16 bytes");
	expect_record(4, 2, (const char *[]){"2", "ok"});
}

Test(csv, a_record_past_the_cap_is_bad)
{
	const char *text = "a,b,c\n0123456789,0123456789,0123456789\nx,y,z\n";

	open_text(text, strlen(text), 25, 16);
	expect_record(1, 3, (const char *[]){"a", "b", "c"});
	expect_bad(2, "record is longer than 25 bytes");
	expect_record(3, 3, (const char *[]){"x", "y", "z"});
}

Test(csv, a_wrong_column_count_is_bad)
{
	open_str("a,b,c\n1,2\n1,2,3,4\n1,2,3\n");
	expect_record(1, 3, (const char *[]){"a", "b", "c"});
	expect_bad(2, "2 fields where the header has 3");
	expect_bad(3, "4 fields where the header has 3");
	expect_record(4, 3, (const char *[]){"1", "2", "3"});
}

Test(csv, invalid_utf8_is_bad)
{
	open_str("a,b\nok,\xC3\x28\nok,\xE2\x82\xAC\n\xC0\xAF,x\n\xED\xA0\x80,x\n");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_bad(2, "field 2 is not valid UTF-8");
	expect_record(3, 2, (const char *[]){"ok", "\xE2\x82\xAC"});
	expect_bad(4, "field 1 is not valid UTF-8");   /* overlong */
	expect_bad(5, "field 1 is not valid UTF-8");   /* surrogate */
}

Test(csv, a_nul_byte_is_bad)
{
	open_text("a,b\nx\0y,z\n", 10, 0, 0);
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_bad(2, "not valid UTF-8");
}

Test(csv, stray_quotes_are_bad)
{
	open_str("a,b\nab\"c,d\n\"ab\"c,d\nok,ok\n");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_bad(2, "field 1 has a quote but does not start with one");
	expect_bad(3, "field 1 has text after its closing quote");
	expect_record(4, 2, (const char *[]){"ok", "ok"});
}

Test(csv, a_lone_cr_ends_a_record)
{
	open_str("a,b\r1,2\r");
	expect_record(1, 2, (const char *[]){"a", "b"});
	expect_record(2, 2, (const char *[]){"1", "2"});
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, an_empty_input_has_no_records)
{
	open_str("");
	cr_assert_eq(csv_reader_next(reader), CSV_EOF);
}

Test(csv, utf8_helpers)
{
	cr_assert(csv_utf8_valid("h\xC3\xA9llo \xF0\x9F\x98\x80", 11));
	cr_assert_not(csv_utf8_valid("\xF4\x90\x80\x80", 4), "past U+10FFFF");
	cr_assert_not(csv_utf8_valid("\xE2\x82", 2), "truncated");
	cr_assert_eq(utf8_length("h\xC3\xA9llo", 6), 5);
	/* Valid UTF-8 (U+0000), but a field is a C string: the reader refuses it. */
	cr_assert_not(csv_utf8_valid("a\0b", 3), "NUL");
	cr_assert(csv_utf8_valid("", 0));
}
