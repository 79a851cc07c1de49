#ifndef FAIRRATE_API_PAGING_H
#define FAIRRATE_API_PAGING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pagination for list routes: `limit` (default 50, 1..500) and an opaque `cursor`.
 *
 * Contract for handlers: read ?limit with paging_limit and ?cursor with
 * paging_cursor_decode (both answer 400 on failure: "invalid_limit", "invalid_cursor";
 * "bad_cursor" for a genuine cursor of another list or another caller).
 * Fetch limit + 1 rows ordered by a unique key (keyset pagination: WHERE (sort, id) >
 * (position) ORDER BY sort, id LIMIT limit + 1). If limit + 1 rows came back, drop the
 * last and answer "next_cursor": paging_cursor_encode(position of the last row kept);
 * else "next_cursor": null. The position is any short text the handler chooses (for
 * example "71.5|42"); the cursor carries it base64url-encoded with an HMAC-SHA256 tag,
 * so a client cannot forge or alter one: a tampered cursor fails to decode. Each
 * cursor is bound to its list (the path of the route that made it, parameters
 * included) and its caller (the API key's id): an 8-byte MAC of both goes inside the
 * tagged bytes, so that a cursor replayed on another list, or by another key, is
 * refused. Cursors are valid for any process sharing the secret
 * (FAIRRATE_CURSOR_SECRET), and only within one process when the secret is random.
 */

#define PAGING_DEFAULT_LIMIT 50
#define PAGING_MAX_LIMIT 500
#define PAGING_POSITION_MAX 256
/* The longest cursor: base64url of an 8-byte binding, a position and a 16-byte tag,
 * and a NUL. */
#define PAGING_CURSOR_MAX (((8 + PAGING_POSITION_MAX + 16 + 2) / 3) * 4 + 1)

/* paging_set_secret: the HMAC key (16..64 bytes, copied). Call before serving; not
 * thread-safe against concurrent encode/decode. 0, or -1 on a bad length. */
int paging_set_secret(const void *key, size_t len);

/* paging_set_random_secret: a fresh random 32-byte secret. 0 or -1. */
int paging_set_random_secret(void);

/* paging_limit: parse ?limit (NULL: the default) into *out. 0, or -1 when it is not a
 * decimal integer within 1..PAGING_MAX_LIMIT. */
int paging_limit(const char *s, unsigned *out);

enum paging_cursor_result {
	PAGING_CURSOR_OK = 0,
	PAGING_CURSOR_INVALID = -1,    /* malformed, altered, or made with another secret */
	PAGING_CURSOR_FOREIGN = -2     /* genuine, but made for another list or caller */
};

/* paging_cursor_encode: the cursor for position (1..PAGING_POSITION_MAX bytes of text)
 * in the list named list (its route's path) as seen by caller (the key id; 0 for
 * none), into out (at least PAGING_CURSOR_MAX bytes). 0, or -1 on a bad position or
 * list (empty, or past 1024 bytes), or with no secret set. */
int paging_cursor_encode(const char *list, int64_t caller, const char *position,
    char *out, size_t outn);

/* paging_cursor_decode: the position a cursor made for list and caller carries, into
 * position (size posn, at least PAGING_POSITION_MAX + 1). PAGING_CURSOR_OK, or
 * PAGING_CURSOR_INVALID / PAGING_CURSOR_FOREIGN (position is then unspecified).
 * Nothing is logged: it is input. */
enum paging_cursor_result paging_cursor_decode(const char *list, int64_t caller,
    const char *cursor, char *position, size_t posn);

#endif
