/* The dispute state machine: every (state, event, role) against a table written
 * from the rules in docs/disputes.md, plus the appeal and reviewer rules. */
#include <criterion/criterion.h>
#include <string.h>

#include "dispute/dispute_sla.h"
#include "dispute/dispute_state.h"

#define ACTOR 7
#define REJECTER 99

/* Expected result of a public event by a role that may do it: the new state, or
 * RS (refused: wrong state) or RA (refused: the one appeal was used). */
#define RS (-1)
#define RA (-2)

enum {
	O = DISPUTE_OPEN, IR = DISPUTE_IN_REVIEW, IQ = DISPUTE_INFO_REQUESTED,
	AC = DISPUTE_ACCEPTED, RJ = DISPUTE_REJECTED, AP = DISPUTE_APPEALED,
	IA = DISPUTE_IN_REVIEW_APPEAL, AA = DISPUTE_APPEAL_ACCEPTED,
	AR = DISPUTE_APPEAL_REJECTED, WD = DISPUTE_WITHDRAWN
};

/* Columns: assign, request_info, respond, decide_accept, decide_reject, appeal,
 * withdraw, comment (not internal). */
static const int expected[DISPUTE_NSTATES][DISPUTE_NEVENTS] = {
	[DISPUTE_OPEN] =             {IR, RS, RS, RS, RS, RS, WD, O},
	[DISPUTE_IN_REVIEW] =        {IR, IQ, RS, AC, RJ, RS, WD, IR},
	[DISPUTE_INFO_REQUESTED] =   {IQ, RS, IR, RS, RS, RS, WD, IQ},
	[DISPUTE_ACCEPTED] =         {RS, RS, RS, RS, RS, RS, RS, RS},
	[DISPUTE_REJECTED] =         {RS, RS, RS, RS, RS, AP, RS, RJ},
	[DISPUTE_APPEALED] =         {IA, RS, RS, RS, RS, RA, RS, AP},
	[DISPUTE_IN_REVIEW_APPEAL] = {IA, RS, RS, AA, AR, RA, RS, IA},
	[DISPUTE_APPEAL_ACCEPTED] =  {RS, RS, RS, RS, RS, RA, RS, RS},
	[DISPUTE_APPEAL_REJECTED] =  {RS, RS, RS, RS, RS, RA, RS, RS},
	[DISPUTE_WITHDRAWN] =        {RS, RS, RS, RS, RS, RS, RS, RS},
};

/* Which roles may ever do each event: company, analyst, admin. */
static const int role_may[DISPUTE_NEVENTS][DISPUTE_NROLES] = {
	[DISPUTE_EV_ASSIGN] = {0, 1, 1},
	[DISPUTE_EV_REQUEST_INFO] = {0, 1, 1},
	[DISPUTE_EV_RESPOND] = {1, 0, 0},
	[DISPUTE_EV_DECIDE_ACCEPT] = {0, 1, 1},
	[DISPUTE_EV_DECIDE_REJECT] = {0, 1, 1},
	[DISPUTE_EV_APPEAL] = {1, 0, 0},
	[DISPUTE_EV_WITHDRAW] = {1, 0, 0},
	[DISPUTE_EV_COMMENT] = {1, 1, 1},
};

/* Facts consistent with each state: the actor is the assignee; someone else
 * rejected; the appeal is used once the dispute is in an appeal state. */
static struct dispute_facts
facts_for(int s)
{
	struct dispute_facts f = {ACTOR, 0, 0};

	if (s == AP || s == IA || s == AA || s == AR || s == RJ)
		f.rejected_by = REJECTER;
	if (s == AP || s == IA || s == AA || s == AR)
		f.appealed = 1;
	if (s == AP)
		f.assignee = 0;
	return (f);
}

static struct dispute_request
request(enum dispute_event e, enum dispute_role r, int internal)
{
	struct dispute_request q = {e, r, ACTOR, 0, internal, 0, 0};

	return (q);
}

Test(dispute_state, every_state_event_and_role_against_the_table)
{
	int s, e, r, checked = 0;

	for (s = 0; s < DISPUTE_NSTATES; s++)
		for (e = 0; e < DISPUTE_NEVENTS; e++)
			for (r = 0; r < DISPUTE_NROLES; r++) {
				struct dispute_facts f = facts_for(s);
				struct dispute_request q = request(e, r, 0);
				struct dispute_transition t;
				int rc = dispute_transition_apply(s, &f, &q, &t);
				const char *what = dispute_event_name(e);

				checked++;
				if (!role_may[e][r]) {
					cr_expect_eq(rc, -1, "%s by %s in %s", what,
					    dispute_role_name(r), dispute_state_name(s));
					cr_expect_eq(t.refusal, DISPUTE_REFUSAL_ROLE,
					    "%s by %s in %s: %s", what, dispute_role_name(r),
					    dispute_state_name(s), dispute_refusal_name(t.refusal));
					cr_expect_eq(t.to, s);
					continue;
				}
				if ((e == DISPUTE_EV_DECIDE_ACCEPT ||
				    e == DISPUTE_EV_DECIDE_REJECT) &&
				    r == DISPUTE_ROLE_ANALYST && f.assignee != ACTOR) {
					cr_expect_eq(t.refusal, DISPUTE_REFUSAL_NOT_ASSIGNEE,
					    "%s in %s: %s", what, dispute_state_name(s),
					    dispute_refusal_name(t.refusal));
					continue;
				}
				if (expected[s][e] >= 0) {
					cr_expect_eq(rc, 0, "%s by %s in %s refused: %s", what,
					    dispute_role_name(r), dispute_state_name(s), t.message);
					cr_expect_eq(t.to, expected[s][e], "%s in %s gave %s", what,
					    dispute_state_name(s), dispute_state_name(t.to));
					cr_expect_eq(t.refusal, DISPUTE_REFUSAL_NONE);
				} else {
					cr_expect_eq(rc, -1, "%s by %s in %s applied", what,
					    dispute_role_name(r), dispute_state_name(s));
					cr_expect_eq(t.refusal, expected[s][e] == RA ?
					    DISPUTE_REFUSAL_APPEAL_USED : DISPUTE_REFUSAL_STATE,
					    "%s in %s: %s", what, dispute_state_name(s),
					    dispute_refusal_name(t.refusal));
					cr_expect_eq(t.to, s);
					cr_expect_neq(t.message[0], '\0');
				}
			}
	cr_expect_eq(checked, DISPUTE_NSTATES * DISPUTE_NEVENTS * DISPUTE_NROLES);
}

Test(dispute_state, internal_notes_are_staff_only_and_allowed_in_every_state)
{
	int s;

	for (s = 0; s < DISPUTE_NSTATES; s++) {
		struct dispute_facts f = facts_for(s);
		struct dispute_request staff = request(DISPUTE_EV_COMMENT, DISPUTE_ROLE_ANALYST, 1);
		struct dispute_request company = request(DISPUTE_EV_COMMENT,
		    DISPUTE_ROLE_COMPANY, 1);
		struct dispute_transition t;

		cr_expect_eq(dispute_transition_apply(s, &f, &staff, &t), 0, "%s",
		    dispute_state_name(s));
		cr_expect_eq(t.to, s);
		cr_expect_eq(t.first_response, 0, "an internal note is not a response");
		cr_expect_eq(dispute_transition_apply(s, &f, &company, &t), -1);
		cr_expect_eq(t.refusal, DISPUTE_REFUSAL_ROLE);
	}
}

Test(dispute_state, a_dispute_is_appealed_once)
{
	struct dispute_facts f = {0, REJECTER, 1};
	struct dispute_request q = request(DISPUTE_EV_APPEAL, DISPUTE_ROLE_COMPANY, 0);
	struct dispute_transition t;

	cr_assert_eq(dispute_transition_apply(DISPUTE_REJECTED, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_APPEAL_USED);
	cr_assert_eq(dispute_refusal_http_status(t.refusal), 409);
	f.appealed = 0;
	f.assignee = ACTOR;
	cr_assert_eq(dispute_transition_apply(DISPUTE_REJECTED, &f, &q, &t), 0);
	cr_assert_eq(t.to, DISPUTE_APPEALED);
	cr_assert_eq(t.facts.appealed, 1);
	cr_assert_eq(t.facts.assignee, 0, "the appeal waits for a new reviewer");
	cr_assert_eq(t.facts.rejected_by, REJECTER);
}

Test(dispute_state, the_appeal_reviewer_is_not_who_rejected)
{
	struct dispute_facts f = {0, REJECTER, 1};
	struct dispute_request q = {DISPUTE_EV_ASSIGN, DISPUTE_ROLE_ADMIN, 5, REJECTER, 0, 0,
	    0};
	struct dispute_transition t;

	cr_assert_eq(dispute_transition_apply(DISPUTE_APPEALED, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_SAME_REVIEWER);
	cr_assert_eq(t.to, DISPUTE_APPEALED);
	cr_assert_eq(t.facts.assignee, 0, "refused: facts unchanged");
	/* The rejecter cannot take it either (target 0 = the actor). */
	q.actor_id = REJECTER;
	q.target = 0;
	q.role = DISPUTE_ROLE_ANALYST;
	cr_assert_eq(dispute_transition_apply(DISPUTE_APPEALED, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_SAME_REVIEWER);
	/* Another reviewer can. */
	q.actor_id = 12;
	cr_assert_eq(dispute_transition_apply(DISPUTE_APPEALED, &f, &q, &t), 0);
	cr_assert_eq(t.to, DISPUTE_IN_REVIEW_APPEAL);
	cr_assert_eq(t.facts.assignee, 12);
	/* Reassigning the appeal back to the rejecter is refused too. */
	f.assignee = 12;
	q.target = REJECTER;
	cr_assert_eq(dispute_transition_apply(DISPUTE_IN_REVIEW_APPEAL, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_SAME_REVIEWER);
	/* An admin who rejected cannot decide the appeal, even unassigned. */
	q.event = DISPUTE_EV_DECIDE_ACCEPT;
	q.role = DISPUTE_ROLE_ADMIN;
	q.actor_id = REJECTER;
	cr_assert_eq(dispute_transition_apply(DISPUTE_IN_REVIEW_APPEAL, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_SAME_REVIEWER);
}

Test(dispute_state, an_analyst_decides_only_what_is_assigned_to_them)
{
	struct dispute_facts f = {ACTOR, 0, 0};
	struct dispute_request q = {DISPUTE_EV_DECIDE_REJECT, DISPUTE_ROLE_ANALYST, 8, 0, 0,
	    0, 0};
	struct dispute_transition t;

	cr_assert_eq(dispute_transition_apply(DISPUTE_IN_REVIEW, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_NOT_ASSIGNEE);
	cr_assert_eq(dispute_refusal_http_status(t.refusal), 403);
	q.role = DISPUTE_ROLE_ADMIN;
	cr_assert_eq(dispute_transition_apply(DISPUTE_IN_REVIEW, &f, &q, &t), 0);
	cr_assert_eq(t.to, DISPUTE_REJECTED);
	cr_assert_eq(t.facts.rejected_by, 8, "the rejecter is remembered");
	cr_assert_eq(t.first_response, 1);
}

Test(dispute_state, assign_takes_the_dispute_or_names_a_reviewer)
{
	struct dispute_facts f = {0, 0, 0};
	struct dispute_request q = {DISPUTE_EV_ASSIGN, DISPUTE_ROLE_ANALYST, 4, 0, 0, 0, 0};
	struct dispute_transition t;

	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &f, &q, &t), 0);
	cr_assert_eq(t.facts.assignee, 4);
	cr_assert_eq(t.first_response, 1);
	q.target = 6;
	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &f, &q, &t), 0);
	cr_assert_eq(t.facts.assignee, 6);
}

Test(dispute_state, role_refusals_come_before_state_refusals)
{
	struct dispute_facts f = {0, 0, 0};
	struct dispute_request q = request(DISPUTE_EV_DECIDE_ACCEPT, DISPUTE_ROLE_COMPANY, 0);
	struct dispute_transition t;

	/* A company may never decide: 403 whatever the state, revealing nothing. */
	cr_assert_eq(dispute_transition_apply(DISPUTE_WITHDRAWN, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_ROLE);
	cr_assert_eq(dispute_refusal_http_status(t.refusal), 403);
	cr_assert_eq(dispute_refusal_http_status(DISPUTE_REFUSAL_STATE), 409);
	cr_assert_eq(dispute_refusal_http_status(DISPUTE_REFUSAL_NONE), 200);
}

Test(dispute_state, not_assignee_comes_before_the_state)
{
	struct dispute_facts unassigned = {0, 0, 0}, other = {8, 0, 0};
	struct dispute_request q = request(DISPUTE_EV_DECIDE_ACCEPT, DISPUTE_ROLE_ANALYST, 0);
	struct dispute_transition t;
	int s;

	/* An analyst deciding a dispute that is not theirs gets 403 not_assignee in
	 * every state, open and unassigned included: the answer tells no state. */
	for (s = 0; s < DISPUTE_NSTATES; s++) {
		cr_expect_eq(dispute_transition_apply(s, &unassigned, &q, &t), -1);
		cr_expect_eq(t.refusal, DISPUTE_REFUSAL_NOT_ASSIGNEE, "%s: %s",
		    dispute_state_name(s), dispute_refusal_name(t.refusal));
		cr_expect_eq(dispute_transition_apply(s, &other, &q, &t), -1);
		cr_expect_eq(t.refusal, DISPUTE_REFUSAL_NOT_ASSIGNEE, "%s: %s",
		    dispute_state_name(s), dispute_refusal_name(t.refusal));
		cr_expect_eq(t.to, s);
	}
	cr_assert_eq(dispute_refusal_http_status(DISPUTE_REFUSAL_NOT_ASSIGNEE), 403);
	/* The assignee, or an admin, learns the state (409). */
	other.assignee = ACTOR;
	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &other, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_STATE);
	q.role = DISPUTE_ROLE_ADMIN;
	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &unassigned, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_STATE);
}

Test(dispute_state, only_analysts_and_admins_review)
{
	struct dispute_facts f = {0, 0, 0};
	struct dispute_request q = {DISPUTE_EV_ASSIGN, DISPUTE_ROLE_ADMIN, 4, 6, 0, 1, 0};
	struct dispute_transition t;
	int s;

	/* A named reviewer that is no analyst or admin key in use: 422, whatever the
	 * state, and nothing changes. */
	for (s = 0; s < DISPUTE_NSTATES; s++) {
		cr_expect_eq(dispute_transition_apply(s, &f, &q, &t), -1);
		cr_expect_eq(t.refusal, DISPUTE_REFUSAL_BAD_ASSIGNEE, "%s: %s",
		    dispute_state_name(s), dispute_refusal_name(t.refusal));
		cr_expect_eq(t.to, s);
		cr_expect_eq(t.facts.assignee, 0);
	}
	cr_assert_eq(dispute_refusal_http_status(DISPUTE_REFUSAL_BAD_ASSIGNEE), 422);
	cr_assert_str_eq(dispute_refusal_name(DISPUTE_REFUSAL_BAD_ASSIGNEE),
	    "invalid_assignee");
	/* The role check still comes first. */
	q.role = DISPUTE_ROLE_COMPANY;
	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_ROLE);
	/* A fit reviewer is assigned. */
	q.role = DISPUTE_ROLE_ADMIN;
	q.target_unfit = 0;
	cr_assert_eq(dispute_transition_apply(DISPUTE_OPEN, &f, &q, &t), 0);
	cr_assert_eq(t.facts.assignee, 6);
}

Test(dispute_state, an_appeal_after_its_window_is_refused)
{
	struct dispute_facts f = {ACTOR, REJECTER, 0};
	struct dispute_request q = request(DISPUTE_EV_APPEAL, DISPUTE_ROLE_COMPANY, 0);
	struct dispute_transition t;

	q.appeal_late = 1;
	cr_assert_eq(dispute_transition_apply(DISPUTE_REJECTED, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_APPEAL_LATE);
	cr_assert_str_eq(dispute_refusal_name(t.refusal), "appeal_window_closed");
	cr_assert_eq(dispute_refusal_http_status(t.refusal), 409);
	cr_assert_eq(t.to, DISPUTE_REJECTED);
	cr_assert_eq(t.facts.appealed, 0);
	/* Used appeal and wrong state are told first, as before. */
	f.appealed = 1;
	cr_assert_eq(dispute_transition_apply(DISPUTE_APPEALED, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_APPEAL_USED);
	f.appealed = 0;
	cr_assert_eq(dispute_transition_apply(DISPUTE_IN_REVIEW, &f, &q, &t), -1);
	cr_assert_eq(t.refusal, DISPUTE_REFUSAL_STATE);
	q.appeal_late = 0;
	cr_assert_eq(dispute_transition_apply(DISPUTE_REJECTED, &f, &q, &t), 0);
	cr_assert_eq(t.to, DISPUTE_APPEALED);
}

Test(dispute_state, the_appeal_window_includes_its_last_second)
{
	int64_t rejected = 1780272000, w = DISPUTE_SLA_APPEAL_WINDOW_DEFAULT;

	cr_assert_eq(w, 30 * 86400);
	cr_assert_eq(dispute_sla_appeal_open(w, rejected, rejected), 1);
	cr_assert_eq(dispute_sla_appeal_open(w, rejected, rejected + w), 1);
	cr_assert_eq(dispute_sla_appeal_open(w, rejected, rejected + w + 1), 0);
	cr_assert_eq(dispute_sla_appeal_open(3600, rejected, rejected + 3601), 0);
	cr_assert_eq(dispute_sla_appeal_open(w, 0, rejected), 1, "unknown: still open");
}

Test(dispute_state, names_round_trip)
{
	int i;

	for (i = 0; i < DISPUTE_NSTATES; i++) {
		enum dispute_state s;

		cr_assert_eq(dispute_state_parse(dispute_state_name(i), &s), 0);
		cr_assert_eq((int)s, i);
	}
	for (i = 0; i < DISPUTE_NEVENTS; i++) {
		enum dispute_event e;

		cr_assert_eq(dispute_event_parse(dispute_event_name(i), &e), 0);
		cr_assert_eq((int)e, i);
	}
	for (i = 0; i < DISPUTE_NROLES; i++) {
		enum dispute_role r;

		cr_assert_eq(dispute_role_parse(dispute_role_name(i), &r), 0);
		cr_assert_eq((int)r, i);
	}
	cr_assert_str_eq(dispute_state_name(DISPUTE_IN_REVIEW_APPEAL), "in_review_appeal");
	cr_assert_str_eq(dispute_event_name(DISPUTE_EV_REQUEST_INFO), "request_info");
	cr_assert_str_eq(dispute_state_name(DISPUTE_NSTATES), "?");
	{
		enum dispute_state s = DISPUTE_OPEN;

		cr_assert_eq(dispute_state_parse("closed", &s), -1);
		cr_assert_eq(s, DISPUTE_OPEN);
	}
}

Test(dispute_state, final_and_active_states)
{
	int s, nfinal = 0, nactive = 0;

	for (s = 0; s < DISPUTE_NSTATES; s++) {
		nfinal += dispute_state_is_final(s);
		nactive += dispute_state_is_active(s);
		cr_assert(!(dispute_state_is_final(s) && dispute_state_is_active(s)));
	}
	cr_assert_eq(nfinal, 4);
	cr_assert_eq(nactive, 5);
	cr_assert(!dispute_state_is_final(DISPUTE_REJECTED), "a rejection can be appealed");
	cr_assert(!dispute_state_is_active(DISPUTE_REJECTED), "but it holds no evidence");
}
