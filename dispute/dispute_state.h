#ifndef FAIRRATE_DISPUTE_STATE_H
#define FAIRRATE_DISPUTE_STATE_H

#include <stdint.h>

/*
 * The dispute state machine (principle 2), pure: no I/O, no clock. docs/disputes.md
 * draws it. The HTTP layer turns a refusal into 403 (the actor may never do this) or
 * 409 (not now, with the current state) through dispute_refusal_http_status.
 */

enum dispute_state {
	DISPUTE_OPEN = 0,
	DISPUTE_IN_REVIEW,
	DISPUTE_INFO_REQUESTED,
	DISPUTE_ACCEPTED,
	DISPUTE_REJECTED,
	DISPUTE_APPEALED,
	DISPUTE_IN_REVIEW_APPEAL,
	DISPUTE_APPEAL_ACCEPTED,
	DISPUTE_APPEAL_REJECTED,
	DISPUTE_WITHDRAWN,
	DISPUTE_NSTATES
};

enum dispute_event {
	DISPUTE_EV_ASSIGN = 0,
	DISPUTE_EV_REQUEST_INFO,
	DISPUTE_EV_RESPOND,
	DISPUTE_EV_DECIDE_ACCEPT,
	DISPUTE_EV_DECIDE_REJECT,
	DISPUTE_EV_APPEAL,
	DISPUTE_EV_WITHDRAW,
	DISPUTE_EV_COMMENT,
	DISPUTE_NEVENTS
};

enum dispute_role {
	DISPUTE_ROLE_COMPANY = 0,
	DISPUTE_ROLE_ANALYST,
	DISPUTE_ROLE_ADMIN,
	DISPUTE_NROLES
};

enum dispute_refusal {
	DISPUTE_REFUSAL_NONE = 0,
	DISPUTE_REFUSAL_ROLE,          /* 403: this role never does this event */
	DISPUTE_REFUSAL_STATE,         /* 409: not in the current state */
	DISPUTE_REFUSAL_APPEAL_USED,   /* 409: the one appeal was already made */
	DISPUTE_REFUSAL_SAME_REVIEWER, /* 409: the appeal reviewer is who rejected */
	DISPUTE_REFUSAL_NOT_ASSIGNEE,  /* 403: an analyst decides only what is assigned
	                                  to them (an admin may decide any) */
	DISPUTE_REFUSAL_BAD_ASSIGNEE,  /* 422: the named reviewer is no usable analyst or
	                                  admin key */
	DISPUTE_REFUSAL_APPEAL_LATE,   /* 409: the appeal window after the rejection has
	                                  closed */
	DISPUTE_NREFUSALS
};

/* What the rules need to know besides the state; the store keeps these columns. */
struct dispute_facts {
	int64_t assignee;              /* key id of the reviewer; 0 when none */
	int64_t rejected_by;           /* key id of who rejected; 0 when nobody has */
	int appealed;                  /* 1 once the company has appealed */
};

struct dispute_request {
	enum dispute_event event;
	enum dispute_role role;
	int64_t actor_id;              /* the actor's key id (> 0) */
	int64_t target;                /* ASSIGN: the reviewer's key id; 0 = the actor */
	int internal;                  /* COMMENT: a staff-only note */
	int target_unfit;              /* ASSIGN: 1 when target names no usable reviewer
	                                  (no such key, a revoked key, or a key that is
	                                  not an analyst or admin key); the caller looks
	                                  the key up */
	int appeal_late;               /* APPEAL: 1 when the appeal window after the
	                                  rejection has closed (dispute_sla_appeal_open,
	                                  on the caller's clock) */
};

struct dispute_transition {
	enum dispute_state to;         /* the new state (== from when refused or COMMENT) */
	struct dispute_facts facts;    /* the facts after the event */
	enum dispute_refusal refusal;
	const char *message;           /* static: why refused, for people; "" when not */
	int first_response;            /* 1: a staff event the company sees (starts nothing,
	                                  stops the first-response clock) */
};

/* dispute_transition_apply: decide what event req does to a dispute in state from
 * with facts. Always fills *out; returns 0 when the event applies, -1 when it is
 * refused (out->refusal and out->message say why, out->to == from). Refusals come in
 * this order: the role (ROLE), then who the actor is for this dispute (NOT_ASSIGNEE:
 * an analyst deciding what is not assigned to them), then the named reviewer
 * (BAD_ASSIGNEE), then the state and the facts (APPEAL_USED, STATE, SAME_REVIEWER,
 * APPEAL_LATE); so a 403 never depends on the state. */
int dispute_transition_apply(enum dispute_state from, const struct dispute_facts *facts,
    const struct dispute_request *req, struct dispute_transition *out);

/* dispute_state_is_final: accepted, appeal_accepted, appeal_rejected, withdrawn. */
int dispute_state_is_final(enum dispute_state s);

/* dispute_state_is_active: the states in which the dispute holds its items
 * (evidence shows 'disputed'): open, in_review, info_requested, appealed,
 * in_review_appeal. A rejected dispute holds nothing until it is appealed. */
int dispute_state_is_active(enum dispute_state s);

/* dispute_state_name, dispute_event_name, dispute_role_name, dispute_refusal_name:
 * the snake_case names used in the database and the API ("in_review_appeal",
 * "decide_accept", ...); "?" for an out-of-range value. Static strings. */
const char *dispute_state_name(enum dispute_state s);
const char *dispute_event_name(enum dispute_event e);
const char *dispute_role_name(enum dispute_role r);
const char *dispute_refusal_name(enum dispute_refusal r);

/* dispute_state_parse, dispute_event_parse, dispute_role_parse: name to enum; 0, or
 * -1 when the name is unknown (*out unchanged). */
int dispute_state_parse(const char *s, enum dispute_state *out);
int dispute_event_parse(const char *s, enum dispute_event *out);
int dispute_role_parse(const char *s, enum dispute_role *out);

/* dispute_refusal_http_status: 403 for ROLE and NOT_ASSIGNEE, 422 for BAD_ASSIGNEE,
 * 409 for the others, 200 for NONE. */
int dispute_refusal_http_status(enum dispute_refusal r);

#endif
