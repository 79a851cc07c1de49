/*
 * Cursors (api/paging): the first byte picks the mode. Decode: any text as ?cursor; a
 * cursor that decodes carries at most PAGING_POSITION_MAX bytes and is the one
 * spelling paging_cursor_encode gives its position. Round trip: the input as a
 * position encodes to base64url within PAGING_CURSOR_MAX that decodes to it, and the
 * cursor with any one character changed (picked by the input) no longer decodes, and
 * the genuine cursor is foreign to another list and to another caller.
 */
#include "tests/fuzz/fuzz.h"

#include "api/paging.h"

#define LIST "/v1/companies"
#define CALLER 7

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char cursor[PAGING_CURSOR_MAX], again[PAGING_CURSOR_MAX];
	char position[PAGING_POSITION_MAX + 1], *s;
	size_t len, at;
	int rc;

	if (!ready) {
		FUZZ_CHECK(paging_set_secret("fuzz-secret-0123456789abcdef", 28) == 0);
		ready = 1;
	}
	if (size < 1)
		return (0);
	s = fuzz_strndup(data + 1, size - 1);
	len = strlen(s);
	if ((data[0] & 1) == 0) {
		if (paging_cursor_decode(LIST, CALLER, s, position, sizeof(position)) == 0) {
			FUZZ_CHECK(strlen(position) >= 1 && strlen(position) <= PAGING_POSITION_MAX);
			FUZZ_CHECK(paging_cursor_encode(LIST, CALLER, position, again, sizeof(again)) == 0);
			FUZZ_CHECK(strcmp(again, s) == 0);
		}
		/* A position buffer one byte short of the position is refused, not overrun. */
		(void)paging_cursor_decode(LIST, CALLER, s, position, 2);
	} else {
		rc = paging_cursor_encode(LIST, CALLER, s, cursor, sizeof(cursor));
		FUZZ_CHECK((rc == 0) == (len >= 1 && len <= PAGING_POSITION_MAX));
		if (rc == 0) {
			FUZZ_CHECK(strlen(cursor) < PAGING_CURSOR_MAX);
			FUZZ_CHECK(strspn(cursor, b64) == strlen(cursor));
			FUZZ_CHECK(paging_cursor_decode(LIST, CALLER, cursor, position,
			    sizeof(position)) == PAGING_CURSOR_OK);
			FUZZ_CHECK(strcmp(position, s) == 0);
			FUZZ_CHECK(paging_cursor_decode("/v1/me/evidence", CALLER, cursor, position,
			    sizeof(position)) == PAGING_CURSOR_FOREIGN);
			FUZZ_CHECK(paging_cursor_decode(LIST, CALLER + 1, cursor, position,
			    sizeof(position)) == PAGING_CURSOR_FOREIGN);
			at = (size_t)data[0] * 7 % strlen(cursor);
			cursor[at] = cursor[at] == 'A' ? 'B' : 'A';
			FUZZ_CHECK(paging_cursor_decode(LIST, CALLER, cursor, position,
			    sizeof(position)) != PAGING_CURSOR_OK);
		}
	}
	free(s);
	return (0);
}
