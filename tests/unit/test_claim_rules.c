#include <criterion/criterion.h>
#include <string.h>

#include "api/claim_rules.h"

static struct claim_settings caps;

static void
setup(void)
{
	claim_settings_defaults(&caps);
	caps.per_client = 2;
	caps.queue_max = 3;
}

TestSuite(claim_rules, .init = setup);

static enum claim_admit
admit(enum claim_state state, int expired, int attempts, int client, int all)
{
	struct claim_admit_facts f = {state, expired, attempts, client, all};

	return (claim_rules_admit(&f, &caps));
}

Test(claim_rules, a_check_is_queued_within_every_cap)
{
	cr_assert_eq(admit(CLAIM_OPEN, 0, 0, 0, 0), CLAIM_ADMIT_QUEUE);
	cr_assert_eq(admit(CLAIM_FAILED, 0, 9, 1, 2), CLAIM_ADMIT_QUEUE);
}

Test(claim_rules, caps_per_claim_per_client_and_in_total)
{
	cr_assert_eq(admit(CLAIM_PENDING, 0, 1, 0, 0), CLAIM_ADMIT_IN_FLIGHT);
	cr_assert_eq(admit(CLAIM_VERIFYING, 0, 1, 0, 0), CLAIM_ADMIT_IN_FLIGHT);
	cr_assert_eq(admit(CLAIM_FAILED, 0, CLAIM_MAX_ATTEMPTS, 0, 0), CLAIM_ADMIT_ATTEMPTS);
	cr_assert_eq(admit(CLAIM_OPEN, 0, 0, 2, 2), CLAIM_ADMIT_CLIENT_BUSY);
	cr_assert_eq(admit(CLAIM_OPEN, 0, 0, 1, 3), CLAIM_ADMIT_QUEUE_FULL);
}

Test(claim_rules, settled_rejected_and_expired_claims_are_not_checked)
{
	cr_assert_eq(admit(CLAIM_VERIFIED, 0, 1, 0, 0), CLAIM_ADMIT_SETTLED);
	cr_assert_eq(admit(CLAIM_AWAITING, 1, 1, 0, 0), CLAIM_ADMIT_SETTLED);
	cr_assert_eq(admit(CLAIM_REJECTED, 0, 1, 0, 0), CLAIM_ADMIT_REJECTED);
	cr_assert_eq(admit(CLAIM_OPEN, 1, 0, 0, 0), CLAIM_ADMIT_EXPIRED);
	cr_assert_eq(admit(CLAIM_PENDING, 1, 1, 0, 0), CLAIM_ADMIT_EXPIRED);
}

Test(claim_rules, a_found_token_proves_what_the_attribution_allows)
{
	cr_assert_eq(claim_rules_match(0, 0, 0), CLAIM_MATCH_NONE);
	cr_assert_eq(claim_rules_match(2, 1, 0), CLAIM_MATCH_AMBIGUOUS);
	cr_assert_eq(claim_rules_match(1, 0, 0), CLAIM_MATCH_UNRATED);
	cr_assert_eq(claim_rules_match(1, 1, 0), CLAIM_MATCH_VERIFIED);
	cr_assert_eq(claim_rules_match(1, 1, 1), CLAIM_MATCH_AWAIT);
	cr_assert_str_eq(claim_match_reason(CLAIM_MATCH_NONE), "domain_not_attributed");
	cr_assert_str_eq(claim_match_reason(CLAIM_MATCH_UNRATED), "domain_not_rated");
	cr_assert_null(claim_match_reason(CLAIM_MATCH_AWAIT));
}

Test(claim_rules, states_by_name)
{
	enum claim_state s;

	cr_assert_eq(claim_state_parse("awaiting_confirmation", &s), 0);
	cr_assert_eq(s, CLAIM_AWAITING);
	cr_assert_str_eq(claim_state_name(CLAIM_VERIFYING), "verifying");
	cr_assert_eq(claim_state_parse("expired", &s), -1);
	cr_assert_eq(claim_state_parse(NULL, &s), -1);
	cr_assert_str_eq(claim_state_public(CLAIM_FAILED, 1), "expired");
	cr_assert_str_eq(claim_state_public(CLAIM_VERIFIED, 1), "verified");
	cr_assert_eq(claim_rules_decision_parse("confirmed"), 1);
	cr_assert_eq(claim_rules_decision_parse("rejected"), 0);
	cr_assert_eq(claim_rules_decision_parse("accepted"), -1);
}

static const char *env_min, *env_workers;

static const char *
lookup(const char *name)
{
	if (strcmp(name, "FAIRRATE_CLAIM_MIN_CONFIDENCE") == 0)
		return (env_min);
	if (strcmp(name, "FAIRRATE_CLAIM_WORKERS") == 0)
		return (env_workers);
	return (NULL);
}

Test(claim_rules, settings_and_their_bounds)
{
	struct claim_settings s;
	char err[128];

	env_min = NULL;
	env_workers = "";
	cr_assert_eq(claim_settings_parse(&s, lookup, err, sizeof(err)), 0);
	cr_assert_float_eq(s.min_confidence, 0.9, 1e-9);
	cr_assert_eq(s.workers, 2);
	env_min = "0.75";
	env_workers = "4";
	cr_assert_eq(claim_settings_parse(&s, lookup, err, sizeof(err)), 0);
	cr_assert_float_eq(s.min_confidence, 0.75, 1e-9);
	cr_assert_eq(s.workers, 4);
	env_min = "1.5";
	cr_assert_eq(claim_settings_parse(&s, lookup, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "FAIRRATE_CLAIM_MIN_CONFIDENCE"));
	env_min = "0";
	cr_assert_eq(claim_settings_parse(&s, lookup, err, sizeof(err)), -1);
	env_min = NULL;
	env_workers = "17";
	cr_assert_eq(claim_settings_parse(&s, lookup, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "FAIRRATE_CLAIM_WORKERS"));
}
