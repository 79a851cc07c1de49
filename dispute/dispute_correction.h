#ifndef FAIRRATE_DISPUTE_CORRECTION_H
#define FAIRRATE_DISPUTE_CORRECTION_H

#include <stdint.h>

#include <libpq-fe.h>

/*
 * What an accepted dispute changes (principle 2): its evidence becomes 'corrected';
 * an asset whose attribution was disputed is detached and its evidence corrected;
 * then the company is rescored in the same transaction, so the correction shows in
 * the rating the moment the decision commits. docs/disputes.md states the rule that
 * keeps a correction from being undone by a later import.
 */

/* dispute_correction_apply: inside the caller's open transaction on conn, correct
 * everything dispute_id (of company_id) covers at now, then rescore the company as of
 * now through rescore_company with reason_detail {"dispute_id": dispute_id}. Takes
 * the rescoring lock (to the end of the transaction) before anything else;
 * corrected_at and detached_at are the later of now and the wall clock once the lock
 * is held, so they are after every rating already computed, and the new rating's
 * reason is correction. Sets *rating_id to the ratings row
 * written, 0 when the rating did not change (may be NULL). Returns 0, or -1 after
 * logging (the caller rolls back). Commits nothing. */
int dispute_correction_apply(PGconn *conn, int64_t dispute_id, int64_t company_id,
    int64_t now, int64_t *rating_id);

#endif
