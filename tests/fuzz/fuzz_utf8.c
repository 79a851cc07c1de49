/*
 * common/utf8: utf8_valid against an independent reading of the Unicode standard's
 * table of well-formed byte sequences (Table 3-7), and utf8_length against a decoder.
 */
#include "tests/fuzz/fuzz.h"

/* The length of the well-formed sequence at s (n bytes left), or 0 when there is
 * none, by Table 3-7 of the Unicode standard: each row a lead byte range and the
 * ranges of the bytes that follow. */
static size_t
reference_sequence(const unsigned char *s, size_t n)
{
	static const struct { unsigned char lo, hi; unsigned char next[3][2]; size_t len; } rows[] = {
		{0x00, 0x7F, {{0, 0}, {0, 0}, {0, 0}}, 1},
		{0xC2, 0xDF, {{0x80, 0xBF}, {0, 0}, {0, 0}}, 2},
		{0xE0, 0xE0, {{0xA0, 0xBF}, {0x80, 0xBF}, {0, 0}}, 3},
		{0xE1, 0xEC, {{0x80, 0xBF}, {0x80, 0xBF}, {0, 0}}, 3},
		{0xED, 0xED, {{0x80, 0x9F}, {0x80, 0xBF}, {0, 0}}, 3},
		{0xEE, 0xEF, {{0x80, 0xBF}, {0x80, 0xBF}, {0, 0}}, 3},
		{0xF0, 0xF0, {{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}, 4},
		{0xF1, 0xF3, {{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}, 4},
		{0xF4, 0xF4, {{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}, 4},
	};
	size_t r, k;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (s[0] < rows[r].lo || s[0] > rows[r].hi)
			continue;
		if (n < rows[r].len)
			return (0);
		for (k = 1; k < rows[r].len; k++)
			if (s[k] < rows[r].next[k - 1][0] || s[k] > rows[r].next[k - 1][1])
				return (0);
		return (rows[r].len);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0, len, points = 0;
	int valid = 1;

	while (i < size) {
		if ((len = reference_sequence(data + i, size - i)) == 0) {
			valid = 0;
			break;
		}
		i += len;
		points++;
	}
	FUZZ_CHECK(utf8_valid((const char *)data, size) == valid);
	if (valid)
		FUZZ_CHECK(utf8_length((const char *)data, size) == points);
	/* Every prefix that ends on a sequence boundary of valid text is valid too. */
	if (valid && size > 0) {
		i = size - 1;
		while (i > 0 && (data[i] & 0xC0) == 0x80)
			i--;
		FUZZ_CHECK(utf8_valid((const char *)data, i) == 1);
		if (i + 1 < size)
			FUZZ_CHECK(utf8_valid((const char *)data, size - 1) == 0);
	}
	return (0);
}
