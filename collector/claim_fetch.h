#ifndef FAIRRATE_CLAIM_FETCH_H
#define FAIRRATE_CLAIM_FETCH_H

#include <stddef.h>

#include "collector/outbound.h"

/*
 * Proof of domain control for profile claims: the claimant publishes a token at
 * https://DOMAIN/.well-known/fairrate-verification.txt and we fetch it through
 * collector/outbound (TLS verified, at most OUTBOUND_MAX_REDIRECTS HTTPS redirects,
 * CLAIM_FETCH_MAX_BYTES read, timeouts, non-public addresses refused after DNS and on
 * every redirect unless the operator allows them).
 */

#define CLAIM_FETCH_PATH "/.well-known/fairrate-verification.txt"
#define CLAIM_FETCH_MAX_BYTES 4096
#define CLAIM_DOMAIN_MAX 253

/* claim_fetch_domain_valid: whether s is a lowercase DNS name of at least two labels
 * (each 1..63 of [a-z0-9-], not starting or ending with '-', the last not all
 * digits), at most CLAIM_DOMAIN_MAX characters, no trailing dot. Pure. */
int claim_fetch_domain_valid(const char *s);

/* claim_fetch_token_found: whether one line of body (len bytes; lines end with LF or
 * CRLF, surrounding blanks ignored) is exactly token. Pure. */
int claim_fetch_token_found(const char *body, size_t len, const char *token);

/* claim_fetch_url: "https://" domain CLAIM_FETCH_PATH into out (size n). 0, or -1
 * when it does not fit. */
int claim_fetch_url(const char *domain, char *out, size_t n);

/* claim_fetch: fetch the verification file of domain under cfg and tell whether it
 * holds token. Returns OUTBOUND_OK with *found set (0 also when the status is not
 * 200: *status says which), or the failure (nothing is logged: the far end is input).
 * *status is the last HTTP status, 0 when none came. */
enum outbound_result claim_fetch(const struct outbound_config *cfg, const char *domain,
    const char *token, int *found, long *status);

#endif
