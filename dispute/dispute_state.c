#include "dispute/dispute_state.h"

#include <string.h>

static const char *const state_names[DISPUTE_NSTATES] = {
	"open", "in_review", "info_requested", "accepted", "rejected", "appealed",
	"in_review_appeal", "appeal_accepted", "appeal_rejected", "withdrawn",
};

static const char *const event_names[DISPUTE_NEVENTS] = {
	"assign", "request_info", "respond", "decide_accept", "decide_reject", "appeal",
	"withdraw", "comment",
};

static const char *const role_names[DISPUTE_NROLES] = {
	"company", "analyst", "admin",
};

static const char *const refusal_names[DISPUTE_NREFUSALS] = {
	"none", "forbidden_for_role", "invalid_state", "appeal_already_made",
	"same_reviewer", "not_assignee", "invalid_assignee", "appeal_window_closed",
};

const char *
dispute_state_name(enum dispute_state s)
{
	return ((unsigned)s < DISPUTE_NSTATES ? state_names[s] : "?");
}

const char *
dispute_event_name(enum dispute_event e)
{
	return ((unsigned)e < DISPUTE_NEVENTS ? event_names[e] : "?");
}

const char *
dispute_role_name(enum dispute_role r)
{
	return ((unsigned)r < DISPUTE_NROLES ? role_names[r] : "?");
}

const char *
dispute_refusal_name(enum dispute_refusal r)
{
	return ((unsigned)r < DISPUTE_NREFUSALS ? refusal_names[r] : "?");
}

static int
parse_name(const char *s, const char *const *names, int n)
{
	int i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (i);
	return (-1);
}

int
dispute_state_parse(const char *s, enum dispute_state *out)
{
	int i = parse_name(s, state_names, DISPUTE_NSTATES);

	if (i < 0)
		return (-1);
	*out = (enum dispute_state)i;
	return (0);
}

int
dispute_event_parse(const char *s, enum dispute_event *out)
{
	int i = parse_name(s, event_names, DISPUTE_NEVENTS);

	if (i < 0)
		return (-1);
	*out = (enum dispute_event)i;
	return (0);
}

int
dispute_role_parse(const char *s, enum dispute_role *out)
{
	int i = parse_name(s, role_names, DISPUTE_NROLES);

	if (i < 0)
		return (-1);
	*out = (enum dispute_role)i;
	return (0);
}

int
dispute_state_is_final(enum dispute_state s)
{
	return (s == DISPUTE_ACCEPTED || s == DISPUTE_APPEAL_ACCEPTED ||
	    s == DISPUTE_APPEAL_REJECTED || s == DISPUTE_WITHDRAWN);
}

int
dispute_state_is_active(enum dispute_state s)
{
	return (s == DISPUTE_OPEN || s == DISPUTE_IN_REVIEW ||
	    s == DISPUTE_INFO_REQUESTED || s == DISPUTE_APPEALED ||
	    s == DISPUTE_IN_REVIEW_APPEAL);
}

int
dispute_refusal_http_status(enum dispute_refusal r)
{
	switch (r) {
	case DISPUTE_REFUSAL_NONE:
		return (200);
	case DISPUTE_REFUSAL_ROLE:
	case DISPUTE_REFUSAL_NOT_ASSIGNEE:
		return (403);
	case DISPUTE_REFUSAL_BAD_ASSIGNEE:
		return (422);
	default:
		return (409);
	}
}

static int
is_staff(enum dispute_role r)
{
	return (r == DISPUTE_ROLE_ANALYST || r == DISPUTE_ROLE_ADMIN);
}

/* Which roles may ever perform an event (before looking at the state). */
static int
role_may(const struct dispute_request *req)
{
	switch (req->event) {
	case DISPUTE_EV_ASSIGN:
	case DISPUTE_EV_REQUEST_INFO:
	case DISPUTE_EV_DECIDE_ACCEPT:
	case DISPUTE_EV_DECIDE_REJECT:
		return (is_staff(req->role));
	case DISPUTE_EV_RESPOND:
	case DISPUTE_EV_APPEAL:
	case DISPUTE_EV_WITHDRAW:
		return (req->role == DISPUTE_ROLE_COMPANY);
	case DISPUTE_EV_COMMENT:
		if (req->role == DISPUTE_ROLE_COMPANY)
			return (!req->internal);
		return (is_staff(req->role));
	default:
		return (0);
	}
}

static int
refuse(struct dispute_transition *out, enum dispute_refusal why, const char *msg)
{
	out->refusal = why;
	out->message = msg;
	return (-1);
}

static int
apply_assign(enum dispute_state from, const struct dispute_request *req,
    struct dispute_transition *out)
{
	int64_t target = req->target != 0 ? req->target : req->actor_id;

	if (req->target != 0 && req->target_unfit)
		return (refuse(out, DISPUTE_REFUSAL_BAD_ASSIGNEE,
		    "the reviewer must be the id of an analyst or admin key in use"));
	switch (from) {
	case DISPUTE_OPEN:
		out->to = DISPUTE_IN_REVIEW;
		break;
	case DISPUTE_IN_REVIEW:
	case DISPUTE_INFO_REQUESTED:
	case DISPUTE_IN_REVIEW_APPEAL:
		out->to = from;
		break;
	case DISPUTE_APPEALED:
		out->to = DISPUTE_IN_REVIEW_APPEAL;
		break;
	default:
		return (refuse(out, DISPUTE_REFUSAL_STATE,
		    "only an open, in-review or appealed dispute can be assigned"));
	}
	if ((from == DISPUTE_APPEALED || from == DISPUTE_IN_REVIEW_APPEAL) &&
	    target == out->facts.rejected_by)
		return (refuse(out, DISPUTE_REFUSAL_SAME_REVIEWER,
		    "an appeal goes to a reviewer other than the one who rejected"));
	out->facts.assignee = target;
	return (0);
}

static int
apply_decide(enum dispute_state from, const struct dispute_request *req,
    struct dispute_transition *out)
{
	int accept = req->event == DISPUTE_EV_DECIDE_ACCEPT;

	/* Who the actor is comes before the state: a 403 does not depend on it. */
	if (req->role == DISPUTE_ROLE_ANALYST && out->facts.assignee != req->actor_id)
		return (refuse(out, DISPUTE_REFUSAL_NOT_ASSIGNEE,
		    "an analyst decides only the disputes assigned to them"));
	if (from == DISPUTE_IN_REVIEW)
		out->to = accept ? DISPUTE_ACCEPTED : DISPUTE_REJECTED;
	else if (from == DISPUTE_IN_REVIEW_APPEAL)
		out->to = accept ? DISPUTE_APPEAL_ACCEPTED : DISPUTE_APPEAL_REJECTED;
	else
		return (refuse(out, DISPUTE_REFUSAL_STATE,
		    "only a dispute in review can be decided"));
	if (from == DISPUTE_IN_REVIEW_APPEAL && req->actor_id == out->facts.rejected_by)
		return (refuse(out, DISPUTE_REFUSAL_SAME_REVIEWER,
		    "whoever rejected a dispute cannot decide its appeal"));
	if (out->to == DISPUTE_REJECTED)
		out->facts.rejected_by = req->actor_id;
	return (0);
}

int
dispute_transition_apply(enum dispute_state from, const struct dispute_facts *facts,
    const struct dispute_request *req, struct dispute_transition *out)
{
	int rc;

	out->to = from;
	out->facts = *facts;
	out->refusal = DISPUTE_REFUSAL_NONE;
	out->message = "";
	out->first_response = 0;
	if ((unsigned)from >= DISPUTE_NSTATES || (unsigned)req->event >= DISPUTE_NEVENTS ||
	    (unsigned)req->role >= DISPUTE_NROLES || !role_may(req))
		return (refuse(out, DISPUTE_REFUSAL_ROLE,
		    req->event == DISPUTE_EV_COMMENT ?
		    "internal notes are for staff only" :
		    "this role may not perform this action on a dispute"));

	switch (req->event) {
	case DISPUTE_EV_ASSIGN:
		rc = apply_assign(from, req, out);
		break;
	case DISPUTE_EV_REQUEST_INFO:
		if (from != DISPUTE_IN_REVIEW)
			return (refuse(out, DISPUTE_REFUSAL_STATE,
			    "information can be requested only while in review"));
		out->to = DISPUTE_INFO_REQUESTED;
		rc = 0;
		break;
	case DISPUTE_EV_RESPOND:
		if (from != DISPUTE_INFO_REQUESTED)
			return (refuse(out, DISPUTE_REFUSAL_STATE,
			    "no information was requested"));
		out->to = DISPUTE_IN_REVIEW;
		rc = 0;
		break;
	case DISPUTE_EV_DECIDE_ACCEPT:
	case DISPUTE_EV_DECIDE_REJECT:
		rc = apply_decide(from, req, out);
		break;
	case DISPUTE_EV_APPEAL:
		if (facts->appealed)
			return (refuse(out, DISPUTE_REFUSAL_APPEAL_USED,
			    "a dispute can be appealed once"));
		if (from != DISPUTE_REJECTED)
			return (refuse(out, DISPUTE_REFUSAL_STATE,
			    "only a rejected dispute can be appealed"));
		if (req->appeal_late)
			return (refuse(out, DISPUTE_REFUSAL_APPEAL_LATE,
			    "the time to appeal this rejection has passed"));
		out->to = DISPUTE_APPEALED;
		out->facts.appealed = 1;
		out->facts.assignee = 0;
		rc = 0;
		break;
	case DISPUTE_EV_WITHDRAW:
		if (from != DISPUTE_OPEN && from != DISPUTE_IN_REVIEW &&
		    from != DISPUTE_INFO_REQUESTED)
			return (refuse(out, DISPUTE_REFUSAL_STATE,
			    "only a dispute not yet decided can be withdrawn"));
		out->to = DISPUTE_WITHDRAWN;
		rc = 0;
		break;
	case DISPUTE_EV_COMMENT:
		if (dispute_state_is_final(from) && !req->internal)
			return (refuse(out, DISPUTE_REFUSAL_STATE,
			    "the dispute is closed; only internal notes can be added"));
		rc = 0;
		break;
	default:
		rc = -1;
		break;
	}
	if (rc != 0) {
		out->to = from;
		out->facts = *facts;
		return (-1);
	}
	out->first_response = is_staff(req->role) &&
	    !(req->event == DISPUTE_EV_COMMENT && req->internal);
	return (0);
}
