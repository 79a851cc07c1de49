#ifndef FAIRRATE_DISCLOSURE_EVIDENCE_H
#define FAIRRATE_DISCLOSURE_EVIDENCE_H

#include <stdint.h>

#include <libpq-fe.h>

/*
 * What a disclosure's decision changes in the rating. A verified disclosure is one
 * evidence row the engine already understands: check governance.<item>, outcome
 * pass, no asset, source "verified_disclosure", details naming the disclosure id and where it
 * is published (and the certificate). One row per company and item: verifying a
 * newer disclosure of the item rewrites it. When the disclosure stops counting
 * (rejected, withdrawn, superseded by none), the row is corrected; when its
 * certificate expires, the row is expired. Each change rescores the company in the
 * caller's transaction, so the rating moves the moment the change commits.
 */

#define DISCLOSURE_EVIDENCE_SOURCE "verified_disclosure"

/* disclosure_evidence_verified: inside the caller's open transaction, write the
 * evidence of verified disclosure id (of company_id) as seen at now and rescore the
 * company as of now (reason_detail {"disclosure_id": id}). Sets *rating_id to the new
 * ratings row, 0 when the rating did not change (may be NULL). 0, or -1 after
 * logging (the caller rolls back). */
int disclosure_evidence_verified(PGconn *conn, int64_t id, int64_t company_id,
    int64_t now, int64_t *rating_id);

/* disclosure_evidence_ended: inside the caller's open transaction, take the evidence
 * of disclosure id (of company_id) out of the rating: status 'expired' when expired
 * is 1, else 'corrected', with reason as its status_reason; then rescore the company
 * as of now. A disclosure with no evidence row (never verified) changes nothing and
 * rescores nothing. Sets *rating_id as above. 0, or -1 after logging. */
int disclosure_evidence_ended(PGconn *conn, int64_t id, int64_t company_id,
    int expired, const char *reason, int64_t now, int64_t *rating_id);

#endif
