/* The rules of a sharing grant: its scope names, how long it may run, its status. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/timefmt.h"
#include "disclosure/share_grant.h"

Test(share_grant, scope_names)
{
	unsigned bit;

	cr_assert_eq(share_scope_parse("evidence", &bit), 0);
	cr_assert_eq(bit, SHARE_SCOPE_EVIDENCE);
	cr_assert_eq(share_scope_parse("disputes", &bit), 0);
	cr_assert_str_eq(share_scope_name(bit), "disputes");
	cr_assert_eq(share_scope_parse("assets", &bit), -1);
	cr_assert_eq(share_scope_parse(NULL, &bit), -1);
	cr_assert_str_eq(share_scope_name(SHARE_SCOPE_EVIDENCE | SHARE_SCOPE_RATING), "?");
}

Test(share_grant, expiry_bounds)
{
	const char *why;
	int64_t now = 1772323200;      /* 2026-03-01 */

	cr_assert_eq(share_grant_expiry_check(now + 1, now, &why), 0);
	cr_assert_eq(share_grant_expiry_check(now + 365 * (int64_t)TIMEFMT_DAY, now, &why), 0);
	cr_assert_eq(share_grant_expiry_check(now + 365 * (int64_t)TIMEFMT_DAY + 1, now,
	    &why), -1);
	cr_assert_eq(share_grant_expiry_check(now, now, &why), -1);
	cr_assert_str_eq(why, "expires_at must be in the future");
}

Test(share_grant, status)
{
	cr_assert_str_eq(share_grant_status(100, 0, 99), "active");
	cr_assert_str_eq(share_grant_status(100, 0, 100), "expired");
	cr_assert_str_eq(share_grant_status(100, 50, 60), "revoked");
}
