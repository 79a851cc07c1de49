#ifndef FAIRRATE_FUZZ_H
#define FAIRRATE_FUZZ_H

/*
 * What every libFuzzer harness under tests/fuzz/ shares: a failed invariant aborts
 * (libFuzzer keeps the input as a crash), the input as a NUL-terminated string, and
 * a few byte-level checks. Header-only, so that each harness is one file.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_CHECK: abort with the failed condition when cond is false. */
#define FUZZ_CHECK(cond) do {                                                     \
	if (!(cond)) {                                                              \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,    \
		    #cond);                                                             \
		abort();                                                                \
	}                                                                           \
} while (0)

/* fuzz_strndup: the n bytes at data as a malloc'd NUL-terminated string (they may
 * hold NULs of their own). Aborts when memory is short. */
static inline char *
fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return (s);
}

/* fuzz_text_ok: whether the cap-byte array s holds a NUL-terminated, valid UTF-8
 * string: what every fixed-size text field of a parser's output must be. */
static inline int
fuzz_text_ok(const char *s, size_t cap)
{
	const char *nul = memchr(s, '\0', cap);

	return (nul != NULL && utf8_valid(s, (size_t)(nul - s)));
}

/* FUZZ_TEXT: check a char array field with fuzz_text_ok. */
#define FUZZ_TEXT(field) FUZZ_CHECK(fuzz_text_ok((field), sizeof(field)))

/* fuzz_split: the next part of *data (*size bytes) up to sep (not included), which
 * is consumed; the whole rest when there is no sep. Sets *n. */
static inline const uint8_t *
fuzz_split(const uint8_t **data, size_t *size, const char *sep, size_t *n)
{
	const uint8_t *start = *data, *hit = NULL;
	size_t seplen = strlen(sep), i;

	for (i = 0; seplen > 0 && i + seplen <= *size && hit == NULL; i++)
		if (memcmp(start + i, sep, seplen) == 0)
			hit = start + i;
	if (hit == NULL) {
		*n = *size;
		*data += *size;
		*size = 0;
	} else {
		*n = (size_t)(hit - start);
		*data = hit + seplen;
		*size -= *n + seplen;
	}
	return (start);
}

#endif
