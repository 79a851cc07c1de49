/* Profile claims (public routes): prove control of a domain by publishing a token at
 * https://DOMAIN/.well-known/fairrate-verification.txt, and get a company key once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "api/claim_store.h"
#include "api/keys_store.h"
#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "collector/claim_fetch.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/timefmt.h"

#define CLAIM_SECRET_HEX 64

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

static int
claim_hex_valid(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || strlen(s) != len)
		return (0);
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return (0);
	return (1);
}

void
claim_routes_create(struct api_request *r)
{
	json_t *body = request_json(r);
	const char *domain = json_string_value(json_object_get(body, "domain"));
	char token[48], secret[CLAIM_SECRET_HEX + 1], hash[65], url[CLAIM_DOMAIN_MAX + 64];
	char expires[21], location[64];
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
	    "instructions", "publish the token alone on a line of the file at publish_at,"
	    " then POST {\"secret\": ...} to /v1/claims/{id}/verify; the secret is shown"
	    " only now"));
}

/* The outcome of a verification whose fetch failed or found no token. */
static void
claim_reply_failed(struct api_request *r, PGconn *db, int64_t id, const char *why,
    long status)
{
	char note[64];

	if (status != 0 && strcmp(why, "token_not_found") == 0)
		snprintf(note, sizeof(note), "%s (HTTP %ld)", why, status);
	else
		snprintf(note, sizeof(note), "%s", why);
	if (claim_store_note(db, id, note) != 0) {
		resource_db_failed(r, "cannot record the attempt");
		return;
	}
	request_reply_error(r, 422, "verification_failed", "domain control not shown: %s",
	    note);
}

void
claim_routes_verify(struct api_request *r)
{
	json_t *body = request_json(r);
	const char *secret = json_string_value(json_object_get(body, "secret"));
	char hash[65], domain[254], token[48], slug[64], key[AUTH_KEY_SIZE];
	struct outbound_config cfg;
	enum outbound_result fetched;
	enum claim_store_result rc;
	int64_t id, now = timefmt_now(), key_id = 0;
	long status = 0;
	int found = 0;
	PGconn *db;

	id = strtoll(request_param(r, "id"), NULL, 10);
	if (!claim_hex_valid(secret, CLAIM_SECRET_HEX)) {
		request_reply_error(r, 400, "invalid_body", "the body is {\"secret\": \"...\"},"
		    " the 64 hex digits POST /v1/claims returned");
		return;
	}
	if (sha256_hex(secret, CLAIM_SECRET_HEX, hash) != 0 ||
	    outbound_config_from_env(&cfg) != 0) {
		request_reply_error(r, 500, "internal_error", "cannot verify claims");
		return;
	}
	if ((db = request_db(r)) == NULL)
		return;
	switch (claim_store_attempt(db, id, hash, now, domain, token)) {
	case CLAIM_STORE_OK:
		break;
	case CLAIM_STORE_NOT_FOUND:
		request_reply_error(r, 404, "not_found", "no claim with this id and secret");
		return;
	case CLAIM_STORE_EXPIRED:
		request_reply_error(r, 410, "claim_expired", "the claim expired: make another");
		return;
	case CLAIM_STORE_VERIFIED:
		request_reply_error(r, 409, "claim_verified", "the claim was verified already;"
		    " its key was shown then");
		return;
	case CLAIM_STORE_LIMITED:
		request_reply_error(r, 429, "too_many_attempts", "a claim may be checked %d"
		    " times: make another", CLAIM_MAX_ATTEMPTS);
		return;
	default:
		resource_db_failed(r, "cannot read the claim");
		return;
	}
	fetched = claim_fetch(&cfg, domain, token, &found, &status);
	if (fetched != OUTBOUND_OK || !found) {
		claim_reply_failed(r, db, id, fetched != OUTBOUND_OK ?
		    outbound_result_name(fetched) : "token_not_found", status);
		return;
	}
	rc = claim_store_win(db, id, domain, now, slug);
	if (rc == CLAIM_STORE_NO_COMPANY) {
		claim_reply_failed(r, db, id, "domain_not_rated", 0);
		return;
	}
	if (rc == CLAIM_STORE_VERIFIED) {
		request_reply_error(r, 409, "claim_verified", "the claim was verified already;"
		    " its key was shown then");
		return;
	}
	if (rc != CLAIM_STORE_OK) {
		resource_db_failed(r, "cannot record the claim");
		return;
	}
	if (keys_store_create(db, AUTH_ROLE_COMPANY, slug, "claimed by domain control", 0,
	    key, &key_id) != KEYS_STORE_OK) {
		claim_store_unwin(db, id);
		resource_db_failed(r, "cannot issue the company key");
		return;
	}
	if (claim_store_set_key(db, id, key_id) != 0) {
		/* Nobody will ever see this key: revoke it rather than leave it live. */
		keys_store_revoke(db, key_id, 0);
		memset(key, 0, sizeof(key));
		claim_store_unwin(db, id);
		resource_db_failed(r, "cannot issue the company key");
		return;
	}
	claim_store_note(db, id, "verified");
	resource_reply(r, 200, json_pack("{s:I, s:s, s:s, s:{s:I, s:s, s:s}}", "id",
	    (json_int_t)id, "domain", domain, "company", slug, "key", "id",
	    (json_int_t)key_id, "role", "company", "secret", key));
	memset(key, 0, sizeof(key));
}
