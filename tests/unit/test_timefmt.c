/* Times at the edges: what timefmt_parse accepts, timefmt_format writes back the same. */
#include <criterion/criterion.h>

#include "common/timefmt.h"

Test(timefmt, early_years_have_four_digits)
{
	char out[21];
	int64_t t;

	cr_assert_eq(timefmt_parse("0001-01-01T00:00:00Z", &t), 0);
	cr_assert_eq(t, TIMEFMT_MIN);
	cr_assert_str_eq(timefmt_format(t, out), "0001-01-01T00:00:00Z");
	cr_assert_eq(timefmt_parse("0999-06-30", &t), 0);
	cr_assert_str_eq(timefmt_format(t, out), "0999-06-30T00:00:00Z");
	cr_assert_str_eq(timefmt_format(0, out), "1970-01-01T00:00:00Z");
}

Test(timefmt, times_without_a_four_digit_year_are_refused)
{
	char out[21];
	int64_t t;

	cr_assert_eq(timefmt_parse("0000-12-31T00:00:00Z", &t), -1);
	cr_assert_eq(timefmt_parse("0001-01-01T00:00:00+01:00", &t), -1, "year 0 in UTC");
	cr_assert_eq(timefmt_parse("9999-12-31T23:59:59Z", &t), 0);
	cr_assert_eq(t, TIMEFMT_MAX);
	cr_assert_eq(timefmt_parse("9999-12-31T23:59:59-00:01", &t), -1, "year 10000 in UTC");
	cr_assert_str_eq(timefmt_format(TIMEFMT_MAX + 1, out), "0000-00-00T00:00:00Z");
}
