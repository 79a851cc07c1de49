#include "api/claim_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static const char *const state_names[] = {"open", "pending", "verifying", "failed",
    "awaiting_confirmation", "verified", "rejected"};

const char *
claim_state_name(enum claim_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return ("open");
	return (state_names[s]);
}

int
claim_state_parse(const char *s, enum claim_state *out)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum claim_state)i;
			return (0);
		}
	return (-1);
}

const char *
claim_state_public(enum claim_state s, int expired)
{
	if (expired && s != CLAIM_VERIFIED && s != CLAIM_REJECTED)
		return ("expired");
	return (claim_state_name(s));
}

void
claim_settings_defaults(struct claim_settings *s)
{
	s->workers = 2;
	s->poll_ms = 1000;
	s->queue_max = 32;
	s->per_client = 2;
	s->min_confidence = 0.9;
	s->retry_after = 15;
}

/* A whole number of [min, max] from v into *out; -1 when it is not one. */
static int
settings_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end != '\0' || n < min || n > max)
		return (-1);
	*out = n;
	return (0);
}

int
claim_settings_parse(struct claim_settings *s, const char *(*lookup)(const char *),
    char *err, size_t errn)
{
	static const struct {
		const char *name;
		long min, max;
	} ints[] = {
		{"FAIRRATE_CLAIM_WORKERS", 1, 16},
		{"FAIRRATE_CLAIM_POLL_MS", 10, 600000},
		{"FAIRRATE_CLAIM_QUEUE_MAX", 1, 100000},
		{"FAIRRATE_CLAIM_PER_CLIENT", 1, 1000},
	};
	const char *v;
	long n[4];
	char *end;
	size_t i;

	claim_settings_defaults(s);
	n[0] = s->workers;
	n[1] = s->poll_ms;
	n[2] = s->queue_max;
	n[3] = s->per_client;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		v = lookup(ints[i].name);
		if (v != NULL && v[0] != '\0' &&
		    settings_long(v, ints[i].min, ints[i].max, &n[i]) != 0) {
			snprintf(err, errn, "%s must be a whole number from %ld to %ld",
			    ints[i].name, ints[i].min, ints[i].max);
			return (-1);
		}
	}
	s->workers = (int)n[0];
	s->poll_ms = n[1];
	s->queue_max = (int)n[2];
	s->per_client = (int)n[3];
	v = lookup("FAIRRATE_CLAIM_MIN_CONFIDENCE");
	if (v != NULL && v[0] != '\0') {
		s->min_confidence = strtod(v, &end);
		if (end == v || *end != '\0' || !(s->min_confidence > 0.0) ||
		    s->min_confidence > 1.0) {
			snprintf(err, errn, "FAIRRATE_CLAIM_MIN_CONFIDENCE must be a number"
			    " above 0 and at most 1");
			return (-1);
		}
	}
	return (0);
}

static const char *
settings_getenv(const char *name)
{
	return (getenv(name));
}

int
claim_settings_from_env(struct claim_settings *s)
{
	char err[128];

	if (claim_settings_parse(s, settings_getenv, err, sizeof(err)) != 0) {
		log_error("claims: %s", err);
		return (-1);
	}
	return (0);
}

enum claim_admit
claim_rules_admit(const struct claim_admit_facts *f, const struct claim_settings *s)
{
	if (f->state == CLAIM_REJECTED)
		return (CLAIM_ADMIT_REJECTED);
	if (f->state == CLAIM_AWAITING || f->state == CLAIM_VERIFIED)
		return (CLAIM_ADMIT_SETTLED);
	if (f->expired)
		return (CLAIM_ADMIT_EXPIRED);
	if (f->state == CLAIM_PENDING || f->state == CLAIM_VERIFYING)
		return (CLAIM_ADMIT_IN_FLIGHT);
	if (f->attempts >= CLAIM_MAX_ATTEMPTS)
		return (CLAIM_ADMIT_ATTEMPTS);
	if (f->client_in_flight >= s->per_client)
		return (CLAIM_ADMIT_CLIENT_BUSY);
	if (f->all_in_flight >= s->queue_max)
		return (CLAIM_ADMIT_QUEUE_FULL);
	return (CLAIM_ADMIT_QUEUE);
}

enum claim_match
claim_rules_match(int companies, int rated, int key_holders)
{
	if (companies <= 0)
		return (CLAIM_MATCH_NONE);
	if (companies > 1)
		return (CLAIM_MATCH_AMBIGUOUS);
	if (!rated)
		return (CLAIM_MATCH_UNRATED);
	return (key_holders > 0 ? CLAIM_MATCH_AWAIT : CLAIM_MATCH_VERIFIED);
}

const char *
claim_match_reason(enum claim_match m)
{
	switch (m) {
	case CLAIM_MATCH_NONE:
		return ("domain_not_attributed");
	case CLAIM_MATCH_AMBIGUOUS:
		return ("domain_ambiguous");
	case CLAIM_MATCH_UNRATED:
		return ("domain_not_rated");
	default:
		return (NULL);
	}
}

int
claim_rules_decision_parse(const char *outcome)
{
	if (outcome == NULL)
		return (-1);
	if (strcmp(outcome, "confirmed") == 0)
		return (1);
	if (strcmp(outcome, "rejected") == 0)
		return (0);
	return (-1);
}
