#ifndef FAIRRATE_API_PAGING_H
#define FAIRRATE_API_PAGING_H

#include <stddef.h>

/*
 * Pagination for list routes: `limit` (default 50, 1..500) and an opaque `cursor`.
 *
 * Contract for handlers: read ?limit with paging_limit and ?cursor with
 * paging_cursor_decode (both answer 400 on failure: "invalid_limit", "invalid_cursor").
 * Fetch limit + 1 rows ordered by a unique key (keyset pagination: WHERE (sort, id) >
 * (position) ORDER BY sort, id LIMIT limit + 1). If limit + 1 rows came back, drop the
 * last and answer "next_cursor": paging_cursor_encode(position of the last row kept);
 * else "next_cursor": null. The position is any short text the handler chooses (for
 * example "71.5|42"); the cursor carries it base64url-encoded with an HMAC-SHA256 tag,
 * so a client cannot forge or alter one: a tampered cursor fails to decode. Cursors
 * are valid for any process sharing the secret (FAIRRATE_CURSOR_SECRET), and only
 * within one process when the secret is random.
 */

#define PAGING_DEFAULT_LIMIT 50
#define PAGING_MAX_LIMIT 500
#define PAGING_POSITION_MAX 256
/* The longest cursor: base64url of a position and a 16-byte tag, and a NUL. */
#define PAGING_CURSOR_MAX (((PAGING_POSITION_MAX + 16 + 2) / 3) * 4 + 1)

/* paging_set_secret: the HMAC key (16..64 bytes, copied). Call before serving; not
 * thread-safe against concurrent encode/decode. 0, or -1 on a bad length. */
int paging_set_secret(const void *key, size_t len);

/* paging_set_random_secret: a fresh random 32-byte secret. 0 or -1. */
int paging_set_random_secret(void);

/* paging_limit: parse ?limit (NULL: the default) into *out. 0, or -1 when it is not a
 * decimal integer within 1..PAGING_MAX_LIMIT. */
int paging_limit(const char *s, unsigned *out);

/* paging_cursor_encode: the cursor for position (1..PAGING_POSITION_MAX bytes of text)
 * into out (at least PAGING_CURSOR_MAX bytes). 0, or -1 on a bad position or with no
 * secret set. */
int paging_cursor_encode(const char *position, char *out, size_t outn);

/* paging_cursor_decode: the position a cursor carries into position (size posn, at
 * least PAGING_POSITION_MAX + 1). 0, or -1 when it is malformed, was altered, or was
 * made with another secret. Nothing is logged: it is input. */
int paging_cursor_decode(const char *cursor, char *position, size_t posn);

#endif
