/* The shared UTF-8 rules: what every text edge (CSV, JSON bodies, query strings,
 * dispute text) accepts, and how it counts characters. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/utf8.h"

/* Literal strings with their length from sizeof, so that embedded NULs count. */
#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)
#define LENGTH(lit) utf8_length((lit), sizeof(lit) - 1)

Test(utf8, ascii_and_nothing_are_valid)
{
	cr_assert(VALID(""));
	cr_assert(utf8_valid(NULL, 0), "no bytes are not read");
	cr_assert(VALID("hello, world"));
	cr_assert(VALID("\x01\x7f"), "all of 0x01..0x7F are one-byte characters");
}

Test(utf8, a_nul_is_u0000_and_valid)
{
	/* Callers that store C strings (the CSV reader) refuse NULs themselves. */
	cr_assert(VALID("a\0b"));
}

Test(utf8, two_byte_sequences)
{
	cr_assert(VALID("h\xC3\xA9llo"));
	cr_assert(VALID("\xC2\x80"), "U+0080, the first two-byte code point");
	cr_assert(VALID("\xDF\xBF"), "U+07FF, the last");
}

Test(utf8, three_byte_sequences)
{
	cr_assert(VALID("\xE2\x82\xAC"), "euro sign");
	cr_assert(VALID("\xE0\xA0\x80"), "U+0800, the first three-byte code point");
	cr_assert(VALID("\xED\x9F\xBF"), "U+D7FF, just below the surrogates");
	cr_assert(VALID("\xEE\x80\x80"), "U+E000, just above them");
	cr_assert(VALID("\xEF\xBF\xBF"), "U+FFFF");
}

Test(utf8, four_byte_sequences)
{
	cr_assert(VALID("\xF0\x9F\x98\x80"), "U+1F600");
	cr_assert(VALID("\xF0\x90\x80\x80"), "U+10000, the first four-byte code point");
	cr_assert(VALID("\xF4\x8F\xBF\xBF"), "U+10FFFF, the last code point");
	cr_assert(VALID("h\xC3\xA9llo \xF0\x9F\x98\x80"));
}

Test(utf8, overlong_forms_are_refused)
{
	cr_assert_not(VALID("\xC0\x80"), "NUL in two bytes");
	cr_assert_not(VALID("\xC0\xAF"), "'/' in two bytes");
	cr_assert_not(VALID("\xC1\xBF"), "U+007F in two bytes");
	cr_assert_not(VALID("\xE0\x80\x80"), "NUL in three bytes");
	cr_assert_not(VALID("\xE0\x9F\xBF"), "U+07FF in three bytes");
	cr_assert_not(VALID("\xF0\x80\x80\x80"), "NUL in four bytes");
	cr_assert_not(VALID("\xF0\x8F\xBF\xBF"), "U+FFFF in four bytes");
}

Test(utf8, surrogates_are_refused)
{
	cr_assert_not(VALID("\xED\xA0\x80"), "U+D800");
	cr_assert_not(VALID("\xED\xAF\xBF"), "U+DBFF");
	cr_assert_not(VALID("\xED\xB0\x80"), "U+DC00");
	cr_assert_not(VALID("\xED\xBF\xBF"), "U+DFFF");
	cr_assert_not(VALID("\xED\xA0\xBD\xED\xB8\x80"), "a CESU-8 pair");
}

Test(utf8, nothing_past_u10ffff)
{
	cr_assert_not(VALID("\xF4\x90\x80\x80"), "U+110000");
	cr_assert_not(VALID("\xF5\x80\x80\x80"));
	cr_assert_not(VALID("\xF7\xBF\xBF\xBF"));
	cr_assert_not(VALID("\xF8\x88\x80\x80\x80"), "five-byte forms");
	cr_assert_not(VALID("\xFE"));
	cr_assert_not(VALID("\xFF"));
}

Test(utf8, truncated_sequences_are_refused)
{
	cr_assert_not(VALID("\xC3"));
	cr_assert_not(VALID("\xE2\x82"));
	cr_assert_not(VALID("\xF0\x9F\x98"));
	cr_assert_not(VALID("ab\xC3"), "cut at the end of the text");
	cr_assert_not(utf8_valid("\xC3\xA9", 1), "cut by n, not by the NUL");
	cr_assert_not(utf8_valid("\xF0\x9F\x98\x80", 3));
	cr_assert_not(VALID("\xE2\x82x"), "a non-continuation byte inside");
	cr_assert_not(VALID("\xC3\x41"));
}

Test(utf8, stray_continuation_bytes_are_refused)
{
	cr_assert_not(VALID("\x80"));
	cr_assert_not(VALID("a\xBF" "b"));
	cr_assert_not(VALID("\xC3\xA9\xA9"), "one continuation too many");
}

Test(utf8, only_n_bytes_are_read)
{
	cr_assert(utf8_valid("abc\xFF", 3));
	cr_assert_eq(utf8_length("h\xC3\xA9llo", 3), 2);
}

Test(utf8, length_counts_code_points)
{
	cr_assert_eq(LENGTH(""), 0);
	cr_assert_eq(utf8_length(NULL, 0), 0);
	cr_assert_eq(LENGTH("hello"), 5);
	cr_assert_eq(LENGTH("h\xC3\xA9llo"), 5);
	cr_assert_eq(LENGTH("\xE2\x82\xAC"), 1);
	cr_assert_eq(LENGTH("\xF0\x9F\x98\x80"), 1);
	cr_assert_eq(LENGTH("h\xC3\xA9llo \xF0\x9F\x98\x80"), 7);
	cr_assert_eq(LENGTH("a\0b"), 3, "U+0000 is a character");
}

/* Found by fuzz_methodology: jansson's error text quotes the document's own bytes
 * ("near '\"version\\ud80\xcb'"), which the error message must not carry as they are. */
Test(utf8, scrub_replaces_what_is_not_utf8_and_keeps_what_is)
{
	char mixed[] = "near '\"version\\ud80\xcb' \xe6\x97\xa5 \xed\xa0\x80 \xc0\xaf \xe6\x97";
	char clean[] = "caf\xc3\xa9 \xf0\x9f\x98\x80";

	cr_assert_eq(utf8_scrub(mixed), 1 + 3 + 2 + 2);
	cr_assert_str_eq(mixed, "near '\"version\\ud80?' \xe6\x97\xa5 ??? ?? ??");
	cr_assert(utf8_valid(mixed, strlen(mixed)));
	cr_assert_eq(utf8_scrub(clean), 0);
	cr_assert_str_eq(clean, "caf\xc3\xa9 \xf0\x9f\x98\x80");
}
