#include <criterion/criterion.h>

#include "common/regdomain.h"

static void
expect_reg(const char *host, const char *want)
{
	char out[REGDOMAIN_MAX];

	cr_assert_eq(regdomain_of(host, out, sizeof(out)), 0, "%s has a registered domain", host);
	cr_assert_str_eq(out, want, "%s", host);
}

Test(regdomain, the_public_suffix_plus_one_label)
{
	expect_reg("acme.example.com", "example.com");
	expect_reg("portal.acme.co.jp", "acme.co.jp");
	expect_reg("ACME.Co.JP.", "acme.co.jp");
	expect_reg("www.bbc.co.uk", "bbc.co.uk");
	expect_reg("a.b.c.example.org", "example.org");
	expect_reg("user.github.io", "user.github.io");   /* a private-section suffix */
}

Test(regdomain, a_public_suffix_or_a_bad_name_has_none)
{
	char out[REGDOMAIN_MAX];

	cr_assert_eq(regdomain_of("co.jp", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("com", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of(NULL, out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("a..example.com", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("example.com..", out, sizeof(out)), -1,
	    "one trailing dot is the root; two leave an empty label");
	cr_assert_eq(regdomain_of(".", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("exa mple.com", out, sizeof(out)), -1);
	cr_assert_eq(regdomain_of("example.com", out, 4), -1, "too small a buffer");
}

Test(regdomain, registered_or_not)
{
	cr_assert_eq(regdomain_is_registered("example.com"), 1);
	cr_assert_eq(regdomain_is_registered("Example.COM."), 1);
	cr_assert_eq(regdomain_is_registered("portal.example.com"), 0);
	cr_assert_eq(regdomain_is_registered("co.uk"), 0);
}
