/* The dispute SLA clocks at their exact boundaries, and the pause in info_requested. */
#include <criterion/criterion.h>

#include "common/timefmt.h"
#include "dispute/dispute_sla.h"

#define OPENED 1700000000
#define DAY TIMEFMT_DAY

static struct dispute_sla_config cfg;

static void
setup(void)
{
	dispute_sla_default(&cfg);
}

TestSuite(dispute_sla, .init = setup);

Test(dispute_sla, defaults_and_due_times)
{
	cr_assert_eq(cfg.first_response_secs, 2 * DAY);
	cr_assert_eq(cfg.resolution_secs, 30 * DAY);
	cr_assert_eq(dispute_sla_first_response_due(&cfg, OPENED), OPENED + 2 * DAY);
	cr_assert_eq(dispute_sla_resolution_due(&cfg, OPENED, 0), OPENED + 30 * DAY);
	cr_assert_eq(dispute_sla_resolution_due(&cfg, OPENED, 3 * DAY), OPENED + 33 * DAY);
}

Test(dispute_sla, first_response_boundaries)
{
	struct dispute_sla_times t = {OPENED, 0, 0, 0, 0};
	int64_t due = OPENED + 2 * DAY, soon = due - (2 * DAY) / 5;

	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, OPENED), DISPUTE_SLA_ON_TIME);
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, soon - 1), DISPUTE_SLA_ON_TIME);
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, soon), DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, due), DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, due + 1), DISPUTE_SLA_OVERDUE);
	t.first_response_at = due;
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, due + 99), DISPUTE_SLA_MET);
	t.first_response_at = due + 1;
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, due + 99), DISPUTE_SLA_MISSED);
}

Test(dispute_sla, resolution_boundaries)
{
	struct dispute_sla_times t = {OPENED, OPENED + 3600, 0, 0, 0};
	int64_t due = OPENED + 30 * DAY, soon = due - 6 * DAY;

	cr_assert_eq(dispute_sla_state(&cfg, &t, soon - 1), DISPUTE_SLA_ON_TIME);
	cr_assert_eq(dispute_sla_state(&cfg, &t, soon), DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_state(&cfg, &t, due), DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_state(&cfg, &t, due + 1), DISPUTE_SLA_OVERDUE);
	t.resolved_at = due;
	cr_assert_eq(dispute_sla_state(&cfg, &t, due + 100 * DAY), DISPUTE_SLA_MET);
	t.resolved_at = due + 1;
	cr_assert_eq(dispute_sla_state(&cfg, &t, due + 1), DISPUTE_SLA_MISSED);
}

Test(dispute_sla, before_the_first_response_the_more_urgent_clock_wins)
{
	struct dispute_sla_times t = {OPENED, 0, 0, 0, 0};

	cr_assert_eq(dispute_sla_state(&cfg, &t, OPENED + 1), DISPUTE_SLA_ON_TIME);
	cr_assert_eq(dispute_sla_state(&cfg, &t, OPENED + 2 * DAY - 60),
	    DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_state(&cfg, &t, OPENED + 3 * DAY), DISPUTE_SLA_OVERDUE);
	/* Once answered (late), the resolution clock alone speaks. */
	t.first_response_at = OPENED + 3 * DAY;
	cr_assert_eq(dispute_sla_state(&cfg, &t, OPENED + 3 * DAY), DISPUTE_SLA_ON_TIME);
	cr_assert_eq(dispute_sla_first_response_state(&cfg, &t, OPENED + 3 * DAY),
	    DISPUTE_SLA_MISSED);
}

Test(dispute_sla, time_in_info_requested_pauses_the_resolution_clock)
{
	/* Asked for information on day 10; still waiting on day 35. */
	struct dispute_sla_times t = {OPENED, OPENED + DAY, 0, 0, OPENED + 10 * DAY};
	int64_t now = OPENED + 35 * DAY;

	cr_assert_eq(dispute_sla_paused_total(&t, now), 25 * DAY);
	cr_assert_eq(dispute_sla_resolution_state(&cfg, &t, now), DISPUTE_SLA_ON_TIME,
	    "a paused clock never runs out");
	t.paused_since = 0;
	cr_assert_eq(dispute_sla_resolution_state(&cfg, &t, now), DISPUTE_SLA_OVERDUE,
	    "the same dispute without the pause is overdue");
	/* A completed 5-day pause moves the due time exactly 5 days. */
	t.paused_secs = 5 * DAY;
	cr_assert_eq(dispute_sla_resolution_state(&cfg, &t, OPENED + 35 * DAY),
	    DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_resolution_state(&cfg, &t, OPENED + 35 * DAY + 1),
	    DISPUTE_SLA_OVERDUE);
	t.resolved_at = OPENED + 35 * DAY;
	cr_assert_eq(dispute_sla_resolution_state(&cfg, &t, OPENED + 90 * DAY),
	    DISPUTE_SLA_MET);
}

Test(dispute_sla, a_pause_counts_up_to_the_resolution_not_to_now)
{
	/* Withdrawn on day 20 while waiting since day 10: 10 days paused. */
	struct dispute_sla_times t = {OPENED, OPENED + DAY, OPENED + 20 * DAY, 0,
	    OPENED + 10 * DAY};

	cr_assert_eq(dispute_sla_paused_total(&t, OPENED + 400 * DAY), 10 * DAY);
}

Test(dispute_sla, configurable_windows)
{
	struct dispute_sla_config c = {3600, 10 * 3600};
	struct dispute_sla_times t = {OPENED, 0, 0, 0, 0};

	cr_assert_eq(dispute_sla_first_response_state(&c, &t, OPENED + 3600 - 720),
	    DISPUTE_SLA_DUE_SOON);
	cr_assert_eq(dispute_sla_first_response_state(&c, &t, OPENED + 3600 - 721),
	    DISPUTE_SLA_ON_TIME);
	cr_assert_str_eq(dispute_sla_state_name(DISPUTE_SLA_DUE_SOON), "due_soon");
	cr_assert_str_eq(dispute_sla_state_name(DISPUTE_SLA_MISSED), "missed");
}
