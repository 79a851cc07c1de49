#ifndef FAIRRATE_API_CLAIM_RULES_H
#define FAIRRATE_API_CLAIM_RULES_H

#include <stddef.h>

/*
 * The rules of profile claims, without I/O: the states a claim goes through, when a
 * verification may be queued (the caps), what a found token proves, and the
 * operator's settings. docs/disputes.md ("Claiming a profile") tells the story.
 *
 *   open --verify--> pending --worker--> verifying --> failed (verify again)
 *                                                  \-> verified (no key holder yet)
 *                                                  \-> awaiting_confirmation
 *   awaiting_confirmation --company key or staff--> verified | rejected
 *
 * A claim past its expiry that is neither verified nor rejected reads "expired".
 */

#define CLAIM_MAX_ATTEMPTS 10            /* verifications queued per claim, in all */

enum claim_state {
	CLAIM_OPEN = 0,                  /* made, never checked */
	CLAIM_PENDING,                   /* a check is queued */
	CLAIM_VERIFYING,                 /* a worker is fetching the file */
	CLAIM_FAILED,                    /* the last check failed: reason says why */
	CLAIM_AWAITING,                  /* control shown; an existing key holder or
	                                    staff must confirm */
	CLAIM_VERIFIED,                  /* a key is (or was) there to collect */
	CLAIM_REJECTED                   /* the company or staff said no */
};

/* claim_state_name: "open", "pending", "verifying", "failed",
 * "awaiting_confirmation", "verified", "rejected". */
const char *claim_state_name(enum claim_state s);

/* claim_state_parse: the state named s. 0, or -1 when s names none. */
int claim_state_parse(const char *s, enum claim_state *out);

/* claim_state_public: the state a reader is told: "expired" for an expired claim
 * that is neither verified nor rejected, else claim_state_name(s). */
const char *claim_state_public(enum claim_state s, int expired);

/* The operator's settings (environment, read by claim_settings_from_env). */
struct claim_settings {
	int workers;                     /* FAIRRATE_CLAIM_WORKERS: fetches at once, per
	                                    process (2) */
	long poll_ms;                    /* FAIRRATE_CLAIM_POLL_MS: how often an idle
	                                    worker looks at the queue (1000) */
	int queue_max;                   /* FAIRRATE_CLAIM_QUEUE_MAX: checks queued or
	                                    running, all clients (32) */
	int per_client;                  /* FAIRRATE_CLAIM_PER_CLIENT: checks queued or
	                                    running for one client address (2) */
	double min_confidence;           /* FAIRRATE_CLAIM_MIN_CONFIDENCE: the least
	                                    attribution confidence a claimed domain
	                                    needs (0.9) */
	int retry_after;                 /* seconds a 429 asks to wait (15) */
};

/* claim_settings_defaults: the values in brackets above. */
void claim_settings_defaults(struct claim_settings *s);

/* claim_settings_parse: the defaults, then every setting that lookup(name) returns
 * (NULL or "": the default). 0, or -1 with the first bad setting's name and rule in
 * err (size errn). Pure but for lookup. */
int claim_settings_parse(struct claim_settings *s, const char *(*lookup)(const char *),
    char *err, size_t errn);

/* claim_settings_from_env: claim_settings_parse over getenv; a bad setting is logged
 * and -1 returned. */
int claim_settings_from_env(struct claim_settings *s);

/* What a verification request meets. */
struct claim_admit_facts {
	enum claim_state state;
	int expired;
	int attempts;                    /* checks queued so far for this claim */
	int client_in_flight;            /* checks queued or running for the client */
	int all_in_flight;               /* checks queued or running in all */
};

enum claim_admit {
	CLAIM_ADMIT_QUEUE = 0,           /* queue a check (202) */
	CLAIM_ADMIT_IN_FLIGHT,           /* one is queued or running: say so (202) */
	CLAIM_ADMIT_SETTLED,             /* awaiting confirmation or verified (409) */
	CLAIM_ADMIT_REJECTED,            /* 409 */
	CLAIM_ADMIT_EXPIRED,             /* 410 */
	CLAIM_ADMIT_ATTEMPTS,            /* CLAIM_MAX_ATTEMPTS made (429) */
	CLAIM_ADMIT_CLIENT_BUSY,         /* the client's checks in flight at the cap (429) */
	CLAIM_ADMIT_QUEUE_FULL           /* all checks in flight at the cap (429) */
};

/* claim_rules_admit: whether a verification of a claim with facts f may be queued
 * under s, and if not why. Pure. */
enum claim_admit claim_rules_admit(const struct claim_admit_facts *f,
    const struct claim_settings *s);

/* What a found token proves, from the companies that hold the claimed domain
 * (attached, at or above the minimum confidence): how many, whether the one is
 * rated, and how many key holders it has (active company keys, and verified claims
 * whose key is still to be collected). */
enum claim_match {
	CLAIM_MATCH_NONE = 0,            /* failed: domain_not_attributed */
	CLAIM_MATCH_AMBIGUOUS,           /* failed: domain_ambiguous */
	CLAIM_MATCH_UNRATED,             /* failed: domain_not_rated */
	CLAIM_MATCH_VERIFIED,            /* verified: a key to collect */
	CLAIM_MATCH_AWAIT                /* awaiting_confirmation */
};

/* claim_rules_match: the outcome above. Pure. */
enum claim_match claim_rules_match(int companies, int rated, int key_holders);

/* claim_match_reason: the failure's reason word for NONE, AMBIGUOUS, UNRATED; NULL
 * for the others. */
const char *claim_match_reason(enum claim_match m);

/* claim_rules_decision_parse: "confirmed" -> 1, "rejected" -> 0, else -1. */
int claim_rules_decision_parse(const char *outcome);

#endif
