#ifndef FAIRRATE_UTF8_H
#define FAIRRATE_UTF8_H

#include <stddef.h>

/*
 * UTF-8 checks shared by every edge that takes text (CSV imports, JSON bodies, query
 * strings, dispute text), so that they all agree on what is well-formed. Pure: no
 * allocation, no I/O, no locale.
 */

/* utf8_valid: 1 when the n bytes at s are well-formed UTF-8, else 0: no overlong
 * forms, no surrogates (U+D800..U+DFFF), nothing past U+10FFFF, no stray
 * continuation bytes and no sequence cut short by the end of the n bytes. A NUL byte
 * is U+0000 and so valid here; callers that cannot hold one must reject it themselves.
 * n == 0 is valid. */
int utf8_valid(const char *s, size_t n);

/* utf8_length: the number of code points in the n bytes at s, which should be valid
 * UTF-8 (it counts the bytes that are not continuation bytes, so invalid input gives
 * a number but not a meaningful one). */
size_t utf8_length(const char *s, size_t n);

/* utf8_scrub: make the NUL-terminated s valid UTF-8 in place: every byte that does
 * not begin a well-formed sequence (a stray, overlong, surrogate or cut-short one)
 * becomes '?'. For messages that quote outside text (a JSON parser's "near '...'",
 * a snprintf cut in the middle of a character). Returns how many bytes it replaced. */
size_t utf8_scrub(char *s);

#endif
