#ifndef FAIRRATE_SHARE_GRANT_H
#define FAIRRATE_SHARE_GRANT_H

#include <stdint.h>

/*
 * The rules of a second-party sharing grant (docs/disclosure.md), pure: what a grant
 * may cover (its scope), how long it may last, and its status at a given time.
 */

/* What a grant opens, each the company's own view of it:
 *   evidence  its evidence with provenance and host-level details (/v1/me/evidence)
 *   rating    the full explanation: findings, their cost, the remediation plan
 *   disputes  its disputes and their outcomes (not their threads or attachments) */
enum share_scope {
	SHARE_SCOPE_EVIDENCE = 1 << 0,
	SHARE_SCOPE_RATING = 1 << 1,
	SHARE_SCOPE_DISPUTES = 1 << 2
};

#define SHARE_GRANT_MAX_DAYS 365   /* the longest a grant may run from its creation */
#define SHARE_GRANT_NOTE_MAX 200   /* characters */

/* share_scope_parse: "evidence", "rating" or "disputes" to its bit; 0, or -1 when
 * unknown. */
int share_scope_parse(const char *name, unsigned *bit);

/* share_scope_name: the name of one bit; "?" for anything else. Static. */
const char *share_scope_name(unsigned bit);

/* share_grant_expiry_check: 0 when a grant made at now may expire at expires_at
 * (after now, at most SHARE_GRANT_MAX_DAYS days later); else -1 and *why (static). */
int share_grant_expiry_check(int64_t expires_at, int64_t now, const char **why);

/* share_grant_status: "revoked" when revoked_at (0: never) is set, else "expired"
 * once now >= expires_at, else "active". Static. */
const char *share_grant_status(int64_t expires_at, int64_t revoked_at, int64_t now);

#endif
