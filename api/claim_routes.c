/* Profile claims. Public: make a claim on a registered domain, queue its check (the
 * worker of api/claim_worker.c fetches https://DOMAIN/.well-known/
 * fairrate-verification.txt, never a request thread), poll it and collect the company
 * key once. Company keys: the claims on their company, and the confirmation a new
 * claim waits for. Staff: every claim, and the decision in place of the company. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "api/claim_store.h"
#include "api/claim_worker.h"
#include "api/dispute_http.h"
#include "api/paging.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "collector/claim_fetch.h"
#include "common/log.h"
#include "common/regdomain.h"
#include "common/sha256.h"
#include "common/timefmt.h"

#define CLAIM_SECRET_HEX 64
#define CLAIM_SECRET_HEADER "X-Claim-Secret"
#define CLAIM_RATIONALE_MAX 2000

/* n random bytes as lowercase hex into out (2n + 1 bytes). 0 or -1. */
static int
claim_random_hex(char *out, size_t n)
{
	unsigned char raw[32];

	if (n > sizeof(raw) || RAND_bytes(raw, (int)n) != 1)
		return (-1);
	hex_encode(raw, n, out);
	return (0);
}

/* The SHA-256 hex of a claim secret s (64 lowercase hex digits) into hash. 0, or -1
 * when s is not one. */
static int
claim_secret_hash(const char *s, char hash[65])
{
	size_t i;

	if (s == NULL || strlen(s) != CLAIM_SECRET_HEX)
		return (-1);
	for (i = 0; i < CLAIM_SECRET_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return (-1);
	return (sha256_hex(s, CLAIM_SECRET_HEX, hash));
}

void
claim_routes_create(struct api_request *r)
{
	json_t *body = request_json(r);
	const char *domain = json_string_value(json_object_get(body, "domain"));
	char token[48], secret[CLAIM_SECRET_HEX + 1], hash[65], url[CLAIM_DOMAIN_MAX + 64];
	char expires[21], location[64], reg[REGDOMAIN_MAX];
	int64_t now = timefmt_now(), id = 0;
	enum claim_store_result rc;
	PGconn *db;

	if (!json_is_object(body) || domain == NULL) {
		request_reply_error(r, 400, "invalid_body", "the body is {\"domain\": \"...\"}");
		return;
	}
	if (strlen(domain) > CLAIM_DOMAIN_MAX || !claim_fetch_domain_valid(domain)) {
		request_reply_error(r, 400, "invalid_domain", "domain must be a lowercase DNS"
		    " name of at most %d characters, such as example.com", CLAIM_DOMAIN_MAX);
		return;
	}
	/* Control of a subdomain (a portal run by someone else) proves nothing about
	 * the company: only its registered domain can be claimed. */
	if (!regdomain_is_registered(domain)) {
		if (regdomain_of(domain, reg, sizeof(reg)) == 0)
			request_reply_error(r, 400, "not_registered_domain", "claim the"
			    " registered domain %s, not a name under it", reg);
		else
			request_reply_error(r, 400, "not_registered_domain", "%s is a public"
			    " suffix: claim a registered domain under it", domain);
		return;
	}
	memcpy(token, "fairrate-claim-", 15);
	if (claim_random_hex(token + 15, 16) != 0 ||
	    claim_random_hex(secret, CLAIM_SECRET_HEX / 2) != 0 ||
	    sha256_hex(secret, CLAIM_SECRET_HEX, hash) != 0) {
		log_error("claims: cannot draw random bytes");
		request_reply_error(r, 500, "internal_error", "cannot draw random bytes");
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	rc = claim_store_create(db, domain, token, hash, now, &id);
	if (rc == CLAIM_STORE_LIMITED) {
		request_add_header(r, "Retry-After", "3600");
		request_reply_error(r, 429, "too_many_claims", "at most %d claims per domain"
		    " an hour", CLAIM_PER_DOMAIN_HOUR);
		return;
	}
	if (rc != CLAIM_STORE_OK) {
		resource_db_failed(r, "cannot record the claim");
		return;
	}
	claim_fetch_url(domain, url, sizeof(url));
	snprintf(location, sizeof(location), "/v1/claims/%lld", (long long)id);
	request_add_header(r, "Location", location);
	resource_reply(r, 201, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
	    (json_int_t)id, "domain", domain, "token", token, "secret", secret,
	    "publish_at", url, "expires_at", timefmt_format(now + CLAIM_TTL_SECS, expires),
	    "instructions", request_text(r, "publish the token alone on a line of the file at"
	    " publish_at, then POST {\"secret\": ...} to /v1/claims/{id}/verify and poll GET"
	    " /v1/claims/{id} with the header X-Claim-Secret; the secret is shown only now")));
}

/* 429 with Retry-After. */
static void
claim_reply_busy(struct api_request *r, const struct claim_settings *s, const char *code,
    const char *message)
{
	char after[16];

	snprintf(after, sizeof(after), "%d", s->retry_after);
	request_add_header(r, "Retry-After", after);
	request_reply_error(r, 429, code, "%s", message);
}

void
claim_routes_verify(struct api_request *r)
{
	json_t *body = request_json(r);
	const char *secret = json_string_value(json_object_get(body, "secret"));
	char hash[65], client[64], location[64];
	struct claim_settings s;
	struct claim_status st;
	enum claim_admit admit;
	int64_t id = strtoll(request_param(r, "id"), NULL, 10);
	PGconn *db;
	int found;

	if (claim_secret_hash(secret, hash) != 0) {
		request_reply_error(r, 400, "invalid_body", "the body is {\"secret\": \"...\"},"
		    " the 64 hex digits POST /v1/claims returned");
		return;
	}
	if (claim_settings_from_env(&s) != 0) {
		request_reply_error(r, 500, "internal_error", "cannot verify claims");
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	request_client_address(r, client, sizeof(client));
	found = claim_store_request(db, id, hash, timefmt_now(), client, &s, &admit, &st);
	if (found < 0) {
		resource_db_failed(r, "cannot queue the check");
		return;
	}
	if (found == 0) {
		request_reply_error(r, 404, "not_found", "no claim with this id and secret");
		return;
	}
	switch (admit) {
	case CLAIM_ADMIT_QUEUE:
		claim_worker_wake();
		snprintf(location, sizeof(location), "/v1/claims/%lld", (long long)id);
		request_add_header(r, "Location", location);
		resource_reply(r, 202, claim_status_json(&st));
		return;
	case CLAIM_ADMIT_IN_FLIGHT:
		claim_reply_busy(r, &s, "verification_in_progress", "a check of this claim is"
		    " queued or running: poll GET /v1/claims/{id}");
		return;
	case CLAIM_ADMIT_SETTLED:
		request_reply_error(r, 409, st.state == CLAIM_AWAITING ?
		    "claim_awaiting_confirmation" : "claim_verified", "domain control was"
		    " shown already: poll GET /v1/claims/{id}");
		return;
	case CLAIM_ADMIT_REJECTED:
		request_reply_error(r, 409, "claim_rejected", "the company or staff rejected"
		    " this claim");
		return;
	case CLAIM_ADMIT_EXPIRED:
		request_reply_error(r, 410, "claim_expired", "the claim expired: make another");
		return;
	case CLAIM_ADMIT_ATTEMPTS:
		request_reply_error(r, 429, "too_many_attempts", "a claim may be checked %d"
		    " times: make another", CLAIM_MAX_ATTEMPTS);
		return;
	case CLAIM_ADMIT_CLIENT_BUSY:
		claim_reply_busy(r, &s, "too_many_verifications", "this address has as many"
		    " claim checks queued or running as it may: wait for them");
		return;
	case CLAIM_ADMIT_QUEUE_FULL:
		claim_reply_busy(r, &s, "verification_queue_full", "the claim checks queued"
		    " or running are at their cap: try again later");
		return;
	}
	request_reply_error(r, 500, "internal_error", "cannot verify claims");
}

void
claim_routes_get(struct api_request *r)
{
	const char *secret = request_header(r, CLAIM_SECRET_HEADER);
	char hash[65], key[AUTH_KEY_SIZE];
	struct claim_status st;
	int64_t id = strtoll(request_param(r, "id"), NULL, 10), now = timefmt_now();
	int64_t key_id = 0;
	json_t *v;
	PGconn *db;
	int found;

	if (claim_secret_hash(secret, hash) != 0) {
		request_reply_error(r, 400, "missing_secret", "send the claim's secret (the 64"
		    " hex digits POST /v1/claims returned) in the header %s", CLAIM_SECRET_HEADER);
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	if ((found = claim_store_status(db, id, hash, now, &st)) == 0) {
		request_reply_error(r, 404, "not_found", "no claim with this id and secret");
		return;
	}
	/* The first poll after success makes the key and shows it, once. */
	if (found > 0 && st.state == CLAIM_VERIFIED && st.key_issued_at == 0 && !st.expired)
		found = claim_store_collect(db, id, now, key, &key_id);
	if (found < 0 || (key_id != 0 && claim_store_status(db, id, hash, now, &st) != 1)) {
		memset(key, 0, sizeof(key));
		resource_db_failed(r, "cannot read the claim");
		return;
	}
	v = claim_status_json(&st);
	if (v != NULL && key_id != 0)
		json_object_set_new(v, "key", json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)key_id, "role", "company", "secret", key));
	memset(key, 0, sizeof(key));
	request_add_header(r, "Cache-Control", "no-store");
	resource_reply(r, 200, v);
}

/* GET a page of claims: of company company_id (0: all), in ?state when given. */
static void
claim_reply_list(struct api_request *r, int64_t company_id)
{
	const char *state = request_query(r, "state");
	char position[PAGING_POSITION_MAX + 1];
	enum claim_state parsed;
	unsigned limit;
	int64_t after;
	PGconn *db;

	if (state != NULL && claim_state_parse(state, &parsed) != 0) {
		request_reply_error(r, 400, "invalid_parameter", "state is a claim state (open,"
		    " pending, verifying, failed, awaiting_confirmation, verified, rejected)");
		return;
	}
	if (resource_paging(r, &limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, &after) != 0 || (db = request_db(r)) == NULL)
		return;
	resource_reply_page(r, claim_store_list(db, company_id, state, after, limit + 1,
	    timefmt_now()), limit, "id");
}

void
claim_routes_me_list(struct api_request *r)
{
	claim_reply_list(r, request_principal(r)->company_id);
}

void
claim_routes_staff_list(struct api_request *r)
{
	claim_reply_list(r, 0);
}

/* Confirm or reject a claim awaiting confirmation; company_id 0 for staff. */
static void
claim_decide(struct api_request *r, int64_t company_id)
{
	const struct auth_principal *who = request_principal(r);
	const char *outcome, *rationale;
	struct claim_status st;
	int64_t id = strtoll(request_param(r, "id"), NULL, 10);
	int confirm;
	PGconn *db;

	if (dispute_http_text(r, "outcome", 20, 1, &outcome) != 0 ||
	    dispute_http_text(r, "rationale", CLAIM_RATIONALE_MAX, 0, &rationale) != 0)
		return;
	if ((confirm = claim_rules_decision_parse(outcome)) < 0) {
		request_reply_error(r, 400, "invalid_field", "outcome is confirmed or rejected");
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	switch (claim_store_decide(db, id, company_id, confirm, rationale,
	    auth_role_name(who->role), who->key_id, timefmt_now(), &st)) {
	case CLAIM_DECIDE_OK:
		resource_reply(r, 200, claim_status_json(&st));
		return;
	case CLAIM_DECIDE_NOT_FOUND:
		request_reply_error(r, 404, "not_found", "no claim %lld%s", (long long)id,
		    company_id != 0 ? " on this company" : "");
		return;
	case CLAIM_DECIDE_NOT_AWAITING:
		request_reply_error(r, 409, "claim_not_awaiting_confirmation", "the claim is"
		    " %s, not awaiting confirmation", claim_state_public(st.state, st.expired));
		return;
	case CLAIM_DECIDE_EXPIRED:
		request_reply_error(r, 410, "claim_expired", "the claim expired");
		return;
	default:
		resource_db_failed(r, "cannot record the decision");
		return;
	}
}

void
claim_routes_me_decision(struct api_request *r)
{
	claim_decide(r, request_principal(r)->company_id);
}

void
claim_routes_staff_decision(struct api_request *r)
{
	claim_decide(r, 0);
}
