/* The disclosure state machine: every (state, event) by the role that may do it
 * against a table written from docs/disclosure.md, every other role refused with 403
 * whatever the state, and what counts as evidence before and after. */
#include <criterion/criterion.h>
#include <string.h>

#include "disclosure/disclosure_state.h"

#define RS (-1)                  /* refused: not in this state */

enum {
	SU = DISCLOSURE_SUBMITTED, VE = DISCLOSURE_VERIFIED, RJ = DISCLOSURE_REJECTED,
	WD = DISCLOSURE_WITHDRAWN, EX = DISCLOSURE_EXPIRED, SS = DISCLOSURE_SUPERSEDED
};

/* Columns: verify, reject, withdraw, expire (past its date), supersede. */
static const int expected[DISCLOSURE_NSTATES][DISCLOSURE_NEVENTS] = {
	[DISCLOSURE_SUBMITTED] =  {VE, RJ, WD, RS, RS},
	[DISCLOSURE_VERIFIED] =   {RS, RJ, WD, EX, SS},
	[DISCLOSURE_REJECTED] =   {RS, RS, RS, RS, RS},
	[DISCLOSURE_WITHDRAWN] =  {RS, RS, RS, RS, RS},
	[DISCLOSURE_EXPIRED] =    {RS, RS, RS, RS, RS},
	[DISCLOSURE_SUPERSEDED] = {RS, RS, RS, RS, RS},
};

/* The roles that may ever perform each event. */
static int
may(enum disclosure_event e, enum disclosure_role r)
{
	switch (e) {
	case DISCLOSURE_EV_VERIFY:
	case DISCLOSURE_EV_REJECT:
		return (r == DISCLOSURE_ROLE_ANALYST || r == DISCLOSURE_ROLE_ADMIN);
	case DISCLOSURE_EV_WITHDRAW:
		return (r == DISCLOSURE_ROLE_COMPANY);
	default:
		return (r == DISCLOSURE_ROLE_SYSTEM);
	}
}

Test(disclosure_state, every_state_event_and_role)
{
	struct disclosure_transition t;
	int s, e, r, rc, want;

	for (s = 0; s < DISCLOSURE_NSTATES; s++)
		for (e = 0; e < DISCLOSURE_NEVENTS; e++)
			for (r = 0; r < DISCLOSURE_NROLES; r++) {
				rc = disclosure_transition_apply((enum disclosure_state)s,
				    (enum disclosure_event)e, (enum disclosure_role)r, 1, &t);
				want = may((enum disclosure_event)e, (enum disclosure_role)r) ?
				    expected[s][e] : RS;
				/* A verification past the date is refused on its own. */
				if (e == DISCLOSURE_EV_VERIFY && want == VE)
					want = RS;
				if (want == RS) {
					cr_expect_eq(rc, -1, "%s %s by %s applied",
					    disclosure_state_name(s), disclosure_event_name(e),
					    disclosure_role_name(r));
					cr_expect_eq((int)t.to, s);
					cr_expect_eq(t.counts_after, t.counts_before);
					cr_expect_eq(disclosure_refusal_http_status(t.refusal),
					    may((enum disclosure_event)e,
					    (enum disclosure_role)r) ? 409 : 403);
				} else {
					cr_expect_eq(rc, 0, "%s %s by %s: %s",
					    disclosure_state_name(s), disclosure_event_name(e),
					    disclosure_role_name(r), t.message);
					cr_expect_eq((int)t.to, want);
					cr_expect_eq(t.counts_after, want == VE);
				}
				cr_expect_eq(t.counts_before, s == VE);
			}
}

Test(disclosure_state, verify_before_and_after_the_date)
{
	struct disclosure_transition t;

	cr_assert_eq(disclosure_transition_apply(DISCLOSURE_SUBMITTED, DISCLOSURE_EV_VERIFY,
	    DISCLOSURE_ROLE_ANALYST, 0, &t), 0);
	cr_assert_eq(t.to, DISCLOSURE_VERIFIED);
	cr_assert(t.counts_after && !t.counts_before);
	cr_assert_eq(disclosure_transition_apply(DISCLOSURE_SUBMITTED, DISCLOSURE_EV_VERIFY,
	    DISCLOSURE_ROLE_ADMIN, 1, &t), -1);
	cr_assert_eq(t.refusal, DISCLOSURE_REFUSAL_EXPIRED);
	cr_assert_str_eq(disclosure_refusal_name(t.refusal), "certificate_expired");
	/* Not past its date: nothing to expire. */
	cr_assert_eq(disclosure_transition_apply(DISCLOSURE_VERIFIED, DISCLOSURE_EV_EXPIRE,
	    DISCLOSURE_ROLE_SYSTEM, 0, &t), -1);
	cr_assert_eq(t.refusal, DISCLOSURE_REFUSAL_STATE);
}

Test(disclosure_state, names_round_trip)
{
	enum disclosure_state s;
	int i;

	for (i = 0; i < DISCLOSURE_NSTATES; i++) {
		cr_assert_eq(disclosure_state_parse(disclosure_state_name(i), &s), 0);
		cr_assert_eq((int)s, i);
	}
	cr_assert_eq(disclosure_state_parse("open", &s), -1);
	cr_assert_eq(disclosure_state_parse(NULL, &s), -1);
	cr_assert_str_eq(disclosure_state_name(DISCLOSURE_NSTATES), "?");
	cr_assert_str_eq(disclosure_role_name(DISCLOSURE_ROLE_SYSTEM), "system");
}
