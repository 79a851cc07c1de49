/* Pagination: limit parsing, cursors that round-trip and refuse tampering. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/paging.h"

static void
secret(void)
{
	cr_assert_eq(paging_set_secret("0123456789abcdef0123456789abcdef", 32), 0);
}

TestSuite(paging, .init = secret);

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
		cr_assert_eq(paging_cursor_encode(positions[i], cursor, sizeof(cursor)), 0);
		cr_assert_eq(strspn(cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_"), strlen(cursor), "base64url only");
		cr_assert_eq(paging_cursor_decode(cursor, pos, sizeof(pos)), 0);
		cr_assert_str_eq(pos, positions[i]);
	}
	memset(longpos, 'x', PAGING_POSITION_MAX);
	longpos[PAGING_POSITION_MAX] = '\0';
	cr_assert_eq(paging_cursor_encode(longpos, cursor, sizeof(cursor)), 0);
	cr_assert_eq(paging_cursor_decode(cursor, pos, sizeof(pos)), 0);
	cr_assert_str_eq(pos, longpos);
	cr_assert_eq(paging_cursor_encode("", cursor, sizeof(cursor)), -1);
}

Test(paging, tampered_cursors_are_refused)
{
	char cursor[PAGING_CURSOR_MAX], bad[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];
	size_t i, n;

	cr_assert_eq(paging_cursor_encode("1000|42", cursor, sizeof(cursor)), 0);
	n = strlen(cursor);
	for (i = 0; i < n; i++) {
		memcpy(bad, cursor, n + 1);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		cr_assert_eq(paging_cursor_decode(bad, pos, sizeof(pos)), -1,
		    "a change at %zu is caught", i);
	}
	memcpy(bad, cursor, n + 1);
	bad[n - 1] = '\0';
	cr_assert_eq(paging_cursor_decode(bad, pos, sizeof(pos)), -1, "truncated");
	cr_assert_eq(paging_cursor_decode("", pos, sizeof(pos)), -1);
	cr_assert_eq(paging_cursor_decode("not a cursor!", pos, sizeof(pos)), -1);
	cr_assert_eq(paging_cursor_decode("MTAwMHw0Mg", pos, sizeof(pos)), -1,
	    "a bare base64url position without a tag");
}

Test(paging, another_secret_refuses_the_cursor)
{
	char cursor[PAGING_CURSOR_MAX], pos[PAGING_POSITION_MAX + 1];

	cr_assert_eq(paging_cursor_encode("7", cursor, sizeof(cursor)), 0);
	cr_assert_eq(paging_set_secret("another secret, 16+ bytes", 25), 0);
	cr_assert_eq(paging_cursor_decode(cursor, pos, sizeof(pos)), -1);
	cr_assert_eq(paging_set_secret("short", 5), -1);
}
