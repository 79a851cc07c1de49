#ifndef FAIRRATE_CANDIDATE_STORE_H
#define FAIRRATE_CANDIDATE_STORE_H

#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * The SQL of a company's asset candidates (table asset_candidates, written by fairrate
 * discover): its list, and its decisions. Confirming attributes the name with
 * confidence 1.0; rejecting is for names that do not count yet (a counted one is
 * corrected by an attribution dispute, which staff review).
 */

enum candidate_result {
	CANDIDATE_OK = 0,
	CANDIDATE_NOT_FOUND,                  /* no such candidate of this company */
	CANDIDATE_COUNTED,                    /* reject: the name is an attributed asset */
	CANDIDATE_DETACHED,                   /* confirm: the asset was detached by a
	                                         correction */
	CANDIDATE_FAILED                      /* the database failed (logged) */
};

/* candidate_store_list: up to limit candidates of company after id after, in id
 * order. NULL when the database failed (logged). */
json_t *candidate_store_list(PGconn *conn, int64_t company, int64_t after, unsigned limit);

/* candidate_store_decide: confirm (confirm 1) or reject candidate id of company at now
 * with reason (may be NULL); *out gets the candidate as it is then. */
enum candidate_result candidate_store_decide(PGconn *conn, int64_t company, int64_t id,
    int confirm, const char *reason, int64_t now, json_t **out);

#endif
