#ifndef FAIRRATE_BUF_H
#define FAIRRATE_BUF_H

#include <stddef.h>

/*
 * A growable byte buffer with a hard cap: appending past the cap fails and leaves the
 * buffer as it was, so outside input can never grow memory without bound.
 * The contents are always NUL-terminated.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;    /* allocated */
	size_t limit;  /* most bytes it may ever hold */
};

/* buf_init: an empty buffer that may grow to limit bytes. Nothing is allocated yet. */
void buf_init(struct buf *b, size_t limit);

/* buf_append: append n bytes; 0, or -1 when that would pass the limit or memory is
 * short (the buffer is unchanged). */
int buf_append(struct buf *b, const void *data, size_t n);

/* buf_appendf: append formatted text; 0 or -1 as buf_append. */
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf_reset: empty it, keeping its memory. */
void buf_reset(struct buf *b);

/* buf_free: release its memory; the buffer is empty afterwards. */
void buf_free(struct buf *b);

#endif
