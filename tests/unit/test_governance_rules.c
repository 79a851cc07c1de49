/*
 * The publishing rules: the notice period, the short-notice reason, effective dates in
 * the past, and the notice period's configuration.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "common/timefmt.h"
#include "rater/governance.h"

#define NOW ((int64_t)1772323200)   /* 2026-03-01T00:00:00Z */
#define DAY ((int64_t)TIMEFMT_DAY)

Test(governance_rules, notice_period)
{
	cr_assert_eq(governance_check_publish(NOW, NOW + 30 * DAY, 30, NULL), GOVERNANCE_OK);
	cr_assert_eq(governance_check_publish(NOW, NOW + 30 * DAY - 1, 30, NULL),
	    GOVERNANCE_NEEDS_REASON);
	cr_assert_eq(governance_check_publish(NOW, NOW + 30 * DAY - 1, 30, ""),
	    GOVERNANCE_NEEDS_REASON);
	cr_assert_eq(governance_check_publish(NOW, NOW + DAY, 30,
	    "a flaw exploited in the wild"), GOVERNANCE_OK_SHORT_NOTICE);
	cr_assert_eq(governance_check_publish(NOW, NOW + DAY, 30, "   urgent fix      "),
	    GOVERNANCE_REASON_TOO_SHORT);
	cr_assert_eq(governance_check_publish(NOW, NOW, 30, "a flaw exploited in the wild"),
	    GOVERNANCE_IN_PAST);
	cr_assert_eq(governance_check_publish(NOW, NOW - DAY, 0, NULL), GOVERNANCE_IN_PAST);
	cr_assert_eq(governance_check_publish(NOW, NOW + 1, 0, NULL), GOVERNANCE_OK);
	/* A reason given with full notice is accepted (and kept). */
	cr_assert_eq(governance_check_publish(NOW, NOW + 40 * DAY, 30,
	    "aligning with the annual cycle"), GOVERNANCE_OK);
}

Test(governance_rules, reason_cap)
{
	char big[GOVERNANCE_MAX_REASON + 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(governance_check_publish(NOW, NOW + DAY, 30, big),
	    GOVERNANCE_REASON_TOO_LONG);
	big[GOVERNANCE_MAX_REASON] = '\0';
	cr_assert_eq(governance_check_publish(NOW, NOW + DAY, 30, big),
	    GOVERNANCE_OK_SHORT_NOTICE);
}

Test(governance_rules, notice_days_configuration_and_days_given)
{
	int d = -1;

	cr_assert_eq(governance_notice_days_parse(NULL, &d), 0);
	cr_assert_eq(d, 30);
	cr_assert_eq(governance_notice_days_parse("", &d), 0);
	cr_assert_eq(d, 30);
	cr_assert_eq(governance_notice_days_parse("0", &d), 0);
	cr_assert_eq(d, 0);
	cr_assert_eq(governance_notice_days_parse("90", &d), 0);
	cr_assert_eq(d, 90);
	cr_assert_eq(governance_notice_days_parse("-1", &d), -1);
	cr_assert_eq(governance_notice_days_parse("3651", &d), -1);
	cr_assert_eq(governance_notice_days_parse("30d", &d), -1);
	cr_assert_eq(governance_notice_days_parse(" 30", &d), -1);
	cr_assert_eq(governance_notice_given(NOW, NOW + 40 * DAY + 5), 40);
	cr_assert_eq(governance_notice_given(NOW, NOW + DAY - 1), 0);
	cr_assert_eq(governance_notice_given(NOW, NOW - DAY), 0);
}
