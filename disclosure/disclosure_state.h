#ifndef FAIRRATE_DISCLOSURE_STATE_H
#define FAIRRATE_DISCLOSURE_STATE_H

/*
 * The life of a governance disclosure (docs/disclosure.md draws it), pure: no I/O, no
 * clock. A company submits; staff verify or reject; the company withdraws; the tick
 * expires a verified certificate past its date; a newer verified disclosure of the
 * same item supersedes the older one. Only a verified disclosure counts as evidence.
 * The HTTP layer answers a refusal with disclosure_refusal_http_status.
 */

enum disclosure_state {
	DISCLOSURE_SUBMITTED = 0,
	DISCLOSURE_VERIFIED,
	DISCLOSURE_REJECTED,
	DISCLOSURE_WITHDRAWN,
	DISCLOSURE_EXPIRED,
	DISCLOSURE_SUPERSEDED,
	DISCLOSURE_NSTATES
};

enum disclosure_event {
	DISCLOSURE_EV_VERIFY = 0,
	DISCLOSURE_EV_REJECT,
	DISCLOSURE_EV_WITHDRAW,
	DISCLOSURE_EV_EXPIRE,
	DISCLOSURE_EV_SUPERSEDE,
	DISCLOSURE_NEVENTS
};

enum disclosure_role {
	DISCLOSURE_ROLE_COMPANY = 0,
	DISCLOSURE_ROLE_ANALYST,
	DISCLOSURE_ROLE_ADMIN,
	DISCLOSURE_ROLE_SYSTEM,        /* the tick and the store itself */
	DISCLOSURE_NROLES
};

enum disclosure_refusal {
	DISCLOSURE_REFUSAL_NONE = 0,
	DISCLOSURE_REFUSAL_ROLE,       /* 403: this role never does this event */
	DISCLOSURE_REFUSAL_STATE,      /* 409: not in the current state */
	DISCLOSURE_REFUSAL_EXPIRED,    /* 409: verify: the certificate is past its date */
	DISCLOSURE_NREFUSALS
};

struct disclosure_transition {
	enum disclosure_state to;      /* the new state (== from when refused) */
	enum disclosure_refusal refusal;
	const char *message;           /* static: why refused; "" when applied */
	int counts_before;             /* 1: from counted as evidence */
	int counts_after;              /* 1: to counts as evidence */
};

/* disclosure_transition_apply: what event by role does to a disclosure in state from;
 * past_valid_until is 1 when the disclosure is a certificate whose valid_until has
 * come (the caller compares with its clock). Always fills *out; 0 when the event
 * applies, -1 when refused (out->refusal, out->message; out->to == from). The role
 * is checked before the state, so a 403 never depends on the state. */
int disclosure_transition_apply(enum disclosure_state from, enum disclosure_event event,
    enum disclosure_role role, int past_valid_until, struct disclosure_transition *out);

/* disclosure_state_counts: 1 for the one state whose disclosure is evidence
 * (verified), else 0. */
int disclosure_state_counts(enum disclosure_state s);

/* disclosure_state_name, disclosure_event_name, disclosure_role_name,
 * disclosure_refusal_name: snake_case names of the database and the API; "?" out of
 * range. Static. */
const char *disclosure_state_name(enum disclosure_state s);
const char *disclosure_event_name(enum disclosure_event e);
const char *disclosure_role_name(enum disclosure_role r);
const char *disclosure_refusal_name(enum disclosure_refusal r);

/* disclosure_state_parse: name to state; 0, or -1 when unknown (*out unchanged). */
int disclosure_state_parse(const char *s, enum disclosure_state *out);

/* disclosure_refusal_http_status: 403 for ROLE, 409 for STATE and EXPIRED, 200 for
 * NONE. */
int disclosure_refusal_http_status(enum disclosure_refusal r);

#endif
