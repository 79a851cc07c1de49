#include "common/utf8.h"

#include <stdint.h>
#include <string.h>

int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, need;
	uint32_t cp, min;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		/* 0xC0 and 0xC1 can only start overlong two-byte forms, and 0xF5 and up
		 * only code points past U+10FFFF: reject them as lead bytes at once. */
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return (0);
		}
		if (n - i <= need)
			return (0);
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* Decoding first and then checking the value catches the overlong three-
		 * and four-byte forms that the lead byte alone cannot show. */
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (0);
		i += need + 1;
	}
	return (1);
}

size_t
utf8_length(const char *s, size_t n)
{
	size_t i, count = 0;

	/* Every code point has exactly one byte that is not 10xxxxxx. */
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return (count);
}

size_t
utf8_scrub(char *s)
{
	unsigned char c;
	size_t i, len, n = 0;

	for (i = 0; s[i] != '\0'; i += len) {
		c = (unsigned char)s[i];
		len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		    c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (len > 1 && (memchr(s + i, '\0', len) != NULL || !utf8_valid(s + i, len)))
			len = 0;
		if (len == 0) {
			s[i] = '?';
			len = 1;
			n++;
		}
	}
	return (n);
}
