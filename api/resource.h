#ifndef FAIRRATE_API_RESOURCE_H
#define FAIRRATE_API_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * What the resource handlers (companies, sectors, portfolios, me, methodology,
 * transparency) share: reading ?limit and ?cursor, answering a page, and writing JSON
 * whose rounded numbers print as rounded (89.9, not 89.900000000000006).
 */

struct api_request;

/* resource_reply: answer status with v as JSON (compact, reals to 15 significant
 * digits). Takes v's reference; v NULL answers 500. */
void resource_reply(struct api_request *r, unsigned status, json_t *v);

/* resource_paging: read ?limit into *limit and ?cursor's position into position (size
 * posn; "" when there is no cursor). The cursor must have been made for this request's
 * path and key (resource_cursor). 0, or -1 after answering 400 (invalid_limit,
 * invalid_cursor; bad_cursor for a cursor of another list or key). */
int resource_paging(struct api_request *r, unsigned *limit, char *position, size_t posn);

/* resource_cursor: the next_cursor for position in this request's list (its path) and
 * for its caller (its key id), into out (PAGING_CURSOR_MAX bytes). 0 or -1. */
int resource_cursor(struct api_request *r, const char *position, char *out, size_t outn);

/* resource_position_id: the position of an id cursor ("" means none: *id = dflt).
 * 0, or -1 after answering 400 invalid_cursor. */
int resource_position_id(struct api_request *r, const char *position, int64_t dflt,
    int64_t *id);

/* resource_id_page: the start of a page of a list in id order: ?limit into *limit, the
 * cursor's id into *after (0: from the start), and the request's database connection
 * into *db. 0, or -1 after answering (400, or the database's failure). */
int resource_id_page(struct api_request *r, unsigned *limit, int64_t *after,
    PGconn **db);

/* resource_position_slug: check the position of a slug cursor ("" is allowed). 0, or
 * -1 after answering 400 invalid_cursor. */
int resource_position_slug(struct api_request *r, const char *position);

/* resource_reply_page: answer 200 {"items": items, "next_cursor": ...} for items
 * fetched with limit + 1: when there are more than limit, the extra one is dropped
 * and the cursor carries field of the last item kept (an integer or a string).
 * Takes items' reference; items NULL (a failed store call) answers as
 * resource_db_failed. */
void resource_reply_page(struct api_request *r, json_t *items, unsigned limit,
    const char *field);

/* resource_db_failed: answer the error of a store call that returned -1: 503 when the
 * request's connection is lost, else 500 with message. */
void resource_db_failed(struct api_request *r, const char *message);

/* resource_reply_csv: answer 200 text/csv (RFC 4180, a header row of cols, CRLF) with
 * one row per object of items (consumed): a column "a.b" reads member b of object
 * member a; strings as they are (a leading = + - @ gets an apostrophe, so that a
 * spreadsheet does not run it), reals to one decimal, booleans as true/false,
 * objects and arrays as JSON text, null as empty. 500 when it passes max bytes. */
void resource_reply_csv(struct api_request *r, json_t *items, const char *const *cols,
    size_t ncols, size_t max);

#endif
