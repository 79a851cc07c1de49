#include "dispute/dispute_correction.h"

#include <inttypes.h>
#include <stdio.h>

#include <jansson.h>

#include "common/db.h"
#include "common/log.h"
#include "rater/rating_store.h"
#include "rater/rescore.h"

/* The items of the dispute, as evidence ids and asset ids. */
#define ITEMS_EVIDENCE "(SELECT i.evidence_id FROM dispute_items i WHERE i.dispute_id = $1::bigint)"
#define ITEMS_ASSETS "(SELECT i.asset_id FROM dispute_items i WHERE i.dispute_id = $1::bigint)"
/* Read once per statement (an init plan), after the rescoring lock is held: the wall
 * clock then is after every rating already written, where now() (the transaction's
 * start) may not be. */
#define CORRECTION_TIME "(SELECT greatest(to_timestamp($3::bigint), clock_timestamp()))"

static const char sql_detach[] =
    "UPDATE assets SET detached_at = " CORRECTION_TIME ","
    " detached_reason = 'attribution corrected by dispute ' || $1::bigint"
    " WHERE company_id = $2 AND detached_at IS NULL AND id IN " ITEMS_ASSETS;

static const char sql_correct[] =
    "UPDATE evidence e SET status = 'corrected', corrected_at = " CORRECTION_TIME ","
    " status_reason = 'corrected by dispute ' || $1::bigint, updated_at = now()"
    " WHERE e.company_id = $2 AND e.status IN ('active', 'disputed')"
    " AND (e.id IN " ITEMS_EVIDENCE " OR e.asset_id IN " ITEMS_ASSETS ")";

int
dispute_correction_apply(PGconn *conn, int64_t dispute_id, int64_t company_id,
    int64_t now, int64_t *rating_id)
{
	char sid[24], scompany[24], snow[24];
	const char *params[3] = {sid, scompany, snow};
	struct rescore_summary sum;
	json_t *detail = NULL;
	int64_t row = 0;
	int rc, ret = -1;

	snprintf(sid, sizeof(sid), "%" PRId64, dispute_id);
	snprintf(scompany, sizeof(scompany), "%" PRId64, company_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	/* The rescoring lock first, then the correction's times: a correction accepted
	 * at the same moment for the same company rescores either wholly before this
	 * one or wholly after it, so the history stays in order and names the change. */
	if (rating_store_lock(conn, 1) != 0 ||
	    db_exec(conn, sql_detach, 3, params) != 0 ||
	    db_exec(conn, sql_correct, 3, params) != 0)
		goto cleanup;
	detail = json_pack("{s:I}", "dispute_id", (json_int_t)dispute_id);
	if (detail == NULL) {
		log_error("dispute %s: out of memory", sid);
		goto cleanup;
	}
	rc = rescore_company(conn, company_id, now, detail, &row, &sum);
	if (rc == 1)
		log_error("dispute %s: company %s does not exist", sid, scompany);
	if (rc != 0)
		goto cleanup;
	if (rating_id != NULL)
		*rating_id = row;
	ret = 0;
cleanup:
	json_decref(detail);
	return (ret);
}
