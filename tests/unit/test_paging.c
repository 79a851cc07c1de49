/* Pagination: limit parsing, cursors that round-trip, refuse tampering and are bound to
 * their list and caller. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/paging.h"

static void
secret(void)
{
	cr_assert_eq(paging_set_secret("0123456789abcdef0123456789abcdef", 32), 0);
}

TestSuite(paging, .init = secret);

/* The list and caller most tests use. */
#define L "/v1/companies"

Test(paging, limits)
{
	unsigned v = 0;

	cr_assert_eq(paging_limit(NULL, &v), 0);
	cr_assert_eq(v, 50);
	cr_assert_eq(paging_limit("1", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(paging_limit("500", &v), 0);
	cr_assert_eq(v, 500);
	cr_assert_eq(paging_limit("0", &v), -1);
	cr_assert_eq(paging_limit("501", &v), -1);
	cr_assert_eq(paging_limit("", &v), -1);
	cr_assert_eq(paging_limit("-1", &v), -1);
	cr_assert_eq(paging_limit("1e2", &v), -1);
	cr_assert_eq(paging_limit("0050", &v), -1);
}

Test(paging, cursors_round_trip)
{
	char cursor[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1], longpos[PAGING_POSITION_MAX + 1];
	const char *positions[] = {"1", "42", "71.5|1234", "2026-03-01T00:00:00Z|7", "ab"};
	size_t i;

	for (i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
		cr_assert_eq(paging_cursor_encode(L, 7, positions[i], cursor, sizeof(cursor)), 0);
		cr_assert_eq(strspn(cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_"), strlen(cursor), "base64url only");
		cr_assert_eq(paging_cursor_decode(L, 7, cursor, pos, sizeof(pos)), 0);
		cr_assert_str_eq(pos, positions[i]);
	}
	memset(longpos, 'x', PAGING_POSITION_MAX);
	longpos[PAGING_POSITION_MAX] = '\0';
	cr_assert_eq(paging_cursor_encode(L, 7, longpos, cursor, sizeof(cursor)), 0);
	cr_assert_eq(paging_cursor_decode(L, 7, cursor, pos, sizeof(pos)), 0);
	cr_assert_str_eq(pos, longpos);
	cr_assert_eq(paging_cursor_encode(L, 7, "", cursor, sizeof(cursor)), -1);
}

Test(paging, tampered_cursors_are_refused)
{
	char cursor[PAGING_CURSOR_MAX], bad[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];
	size_t i, n;

	cr_assert_eq(paging_cursor_encode(L, 7, "1000|42", cursor, sizeof(cursor)), 0);
	n = strlen(cursor);
	for (i = 0; i < n; i++) {
		memcpy(bad, cursor, n + 1);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		cr_assert_eq(paging_cursor_decode(L, 7, bad, pos, sizeof(pos)), -1,
		    "a change at %zu is caught", i);
	}
	memcpy(bad, cursor, n + 1);
	bad[n - 1] = '\0';
	cr_assert_eq(paging_cursor_decode(L, 7, bad, pos, sizeof(pos)), -1, "truncated");
	cr_assert_eq(paging_cursor_decode(L, 7, "", pos, sizeof(pos)), -1);
	cr_assert_eq(paging_cursor_decode(L, 7, "not a cursor!", pos, sizeof(pos)), -1);
	cr_assert_eq(paging_cursor_decode(L, 7, "MTAwMHw0Mg", pos, sizeof(pos)), -1,
	    "a bare base64url position without a tag");
}

Test(paging, another_secret_refuses_the_cursor)
{
	char cursor[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];

	cr_assert_eq(paging_cursor_encode(L, 7, "7", cursor, sizeof(cursor)), 0);
	cr_assert_eq(paging_set_secret("another secret, 16+ bytes", 25), 0);
	cr_assert_eq(paging_cursor_decode(L, 7, cursor, pos, sizeof(pos)), -1);
	cr_assert_eq(paging_set_secret("short", 5), -1);
}

Test(paging, a_cursor_is_bound_to_its_list_and_caller)
{
	char cursor[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];

	cr_assert_eq(paging_cursor_encode("/v1/me/evidence", 7, "2026-03-01|9", cursor,
	    sizeof(cursor)), 0);
	cr_assert_eq(paging_cursor_decode("/v1/me/evidence", 7, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_OK);
	cr_assert_str_eq(pos, "2026-03-01|9");
	cr_assert_eq(paging_cursor_decode("/v1/companies", 7, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_FOREIGN, "another list");
	cr_assert_eq(paging_cursor_decode("/v1/me/evidence", 8, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_FOREIGN, "another key");
	cr_assert_eq(paging_cursor_decode("/v1/me/evidence", 0, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_FOREIGN, "no key");
	cr_assert_eq(paging_cursor_decode("/v1/companies/acme/history", 7, cursor, pos,
	    sizeof(pos)), PAGING_CURSOR_FOREIGN);
	/* The same position in two lists makes two cursors. */
	{
		char other[PAGING_CURSOR_MAX];

		cr_assert_eq(paging_cursor_encode("/v1/companies/beta/history", 7,
		    "2026-03-01|9", other, sizeof(other)), 0);
		cr_assert_str_neq(other, cursor);
		cr_assert_eq(paging_cursor_decode("/v1/companies/acme/history", 7, other, pos,
		    sizeof(pos)), PAGING_CURSOR_FOREIGN, "the path parameters are the list's");
	}
	cr_assert_eq(paging_cursor_encode("", 7, "1", cursor, sizeof(cursor)), -1,
	    "a cursor needs a list");
	cr_assert_eq(paging_cursor_encode(NULL, 7, "1", cursor, sizeof(cursor)), -1);
}

Test(paging, a_tampered_binding_is_invalid_not_foreign)
{
	char cursor[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];

	cr_assert_eq(paging_cursor_encode("/v1/me/evidence", 7, "42", cursor, sizeof(cursor)),
	    0);
	cursor[1] = cursor[1] == 'A' ? 'B' : 'A';   /* inside the binding's bytes */
	cr_assert_eq(paging_cursor_decode("/v1/companies", 7, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_INVALID);
	cr_assert_eq(paging_cursor_decode("/v1/me/evidence", 7, cursor, pos, sizeof(pos)),
	    PAGING_CURSOR_INVALID);
}
