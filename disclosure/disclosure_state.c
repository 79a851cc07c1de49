#include "disclosure/disclosure_state.h"

#include <string.h>

#include "common/i18n_format.h"

static const char *const state_names[DISCLOSURE_NSTATES] = {
	"submitted", "verified", "rejected", "withdrawn", "expired", "superseded",
};

static const char *const event_names[DISCLOSURE_NEVENTS] = {
	"verify", "reject", "withdraw", "expire", "supersede",
};

static const char *const role_names[DISCLOSURE_NROLES] = {
	"company", "analyst", "admin", "system",
};

static const char *const refusal_names[DISCLOSURE_NREFUSALS] = {
	"none", "forbidden_for_role", "invalid_state", "certificate_expired",
};

const char *
disclosure_state_name(enum disclosure_state s)
{
	return ((unsigned)s < DISCLOSURE_NSTATES ? state_names[s] : "?");
}

const char *
disclosure_event_name(enum disclosure_event e)
{
	return ((unsigned)e < DISCLOSURE_NEVENTS ? event_names[e] : "?");
}

const char *
disclosure_role_name(enum disclosure_role r)
{
	return ((unsigned)r < DISCLOSURE_NROLES ? role_names[r] : "?");
}

const char *
disclosure_refusal_name(enum disclosure_refusal r)
{
	return ((unsigned)r < DISCLOSURE_NREFUSALS ? refusal_names[r] : "?");
}

int
disclosure_state_parse(const char *s, enum disclosure_state *out)
{
	int i;

	for (i = 0; s != NULL && i < DISCLOSURE_NSTATES; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum disclosure_state)i;
			return (0);
		}
	return (-1);
}

int
disclosure_state_counts(enum disclosure_state s)
{
	return (s == DISCLOSURE_VERIFIED);
}

int
disclosure_refusal_http_status(enum disclosure_refusal r)
{
	switch (r) {
	case DISCLOSURE_REFUSAL_NONE:
		return (200);
	case DISCLOSURE_REFUSAL_ROLE:
		return (403);
	default:
		return (409);
	}
}

/* Which roles may ever perform an event, before looking at the state. */
static int
role_may(enum disclosure_event event, enum disclosure_role role)
{
	switch (event) {
	case DISCLOSURE_EV_VERIFY:
	case DISCLOSURE_EV_REJECT:
		return (role == DISCLOSURE_ROLE_ANALYST || role == DISCLOSURE_ROLE_ADMIN);
	case DISCLOSURE_EV_WITHDRAW:
		return (role == DISCLOSURE_ROLE_COMPANY);
	case DISCLOSURE_EV_EXPIRE:
	case DISCLOSURE_EV_SUPERSEDE:
		return (role == DISCLOSURE_ROLE_SYSTEM);
	default:
		return (0);
	}
}

static int
refuse(struct disclosure_transition *out, enum disclosure_refusal why, const char *msg)
{
	out->refusal = why;
	out->message = msg;
	out->counts_after = out->counts_before;
	return (-1);
}

int
disclosure_transition_apply(enum disclosure_state from, enum disclosure_event event,
    enum disclosure_role role, int past_valid_until, struct disclosure_transition *out)
{
	out->to = from;
	out->refusal = DISCLOSURE_REFUSAL_NONE;
	out->message = "";
	out->counts_before = disclosure_state_counts(from);
	out->counts_after = out->counts_before;
	if ((unsigned)from >= DISCLOSURE_NSTATES || (unsigned)event >= DISCLOSURE_NEVENTS ||
	    (unsigned)role >= DISCLOSURE_NROLES || !role_may(event, role))
		return (refuse(out, DISCLOSURE_REFUSAL_ROLE,
		    event == DISCLOSURE_EV_WITHDRAW ?
		    N_("only the company withdraws its disclosure") :
		    N_("this role may not perform this action on a disclosure")));
	switch (event) {
	case DISCLOSURE_EV_VERIFY:
		if (from != DISCLOSURE_SUBMITTED)
			return (refuse(out, DISCLOSURE_REFUSAL_STATE,
			    "only a submitted disclosure can be verified"));
		if (past_valid_until)
			return (refuse(out, DISCLOSURE_REFUSAL_EXPIRED,
			    "the certificate is past its valid_until date"));
		out->to = DISCLOSURE_VERIFIED;
		break;
	case DISCLOSURE_EV_REJECT:
		/* Staff may also take back a verification they find was wrong. */
		if (from != DISCLOSURE_SUBMITTED && from != DISCLOSURE_VERIFIED)
			return (refuse(out, DISCLOSURE_REFUSAL_STATE,
			    "only a submitted or verified disclosure can be rejected"));
		out->to = DISCLOSURE_REJECTED;
		break;
	case DISCLOSURE_EV_WITHDRAW:
		if (from != DISCLOSURE_SUBMITTED && from != DISCLOSURE_VERIFIED)
			return (refuse(out, DISCLOSURE_REFUSAL_STATE,
			    "only a submitted or verified disclosure can be withdrawn"));
		out->to = DISCLOSURE_WITHDRAWN;
		break;
	case DISCLOSURE_EV_EXPIRE:
		if (from != DISCLOSURE_VERIFIED || !past_valid_until)
			return (refuse(out, DISCLOSURE_REFUSAL_STATE,
			    "only a verified certificate past its date expires"));
		out->to = DISCLOSURE_EXPIRED;
		break;
	case DISCLOSURE_EV_SUPERSEDE:
		if (from != DISCLOSURE_VERIFIED)
			return (refuse(out, DISCLOSURE_REFUSAL_STATE,
			    "only a verified disclosure is superseded"));
		out->to = DISCLOSURE_SUPERSEDED;
		break;
	default:
		return (refuse(out, DISCLOSURE_REFUSAL_ROLE, "unknown event"));
	}
	out->counts_after = disclosure_state_counts(out->to);
	return (0);
}
