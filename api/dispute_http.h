#ifndef FAIRRATE_API_DISPUTE_HTTP_H
#define FAIRRATE_API_DISPUTE_HTTP_H

#include <stdint.h>

#include <jansson.h>

#include "dispute/dispute_sla.h"
#include "dispute/dispute_store.h"

/*
 * What the company and staff dispute handlers (api/dispute_routes.c,
 * api/staff_dispute_routes.c) share: the SLA settings, the actor of a request, text
 * fields read with their limits, store results turned into the one error shape, and
 * lists answered with signed cursors.
 */

struct api_request;

#define DISPUTE_HTTP_PER_DAY 20          /* default disputes a company opens a day */

/* dispute_http_sla: the SLA windows: 2 days and 30 days, or
 * FAIRRATE_SLA_FIRST_RESPONSE_HOURS / FAIRRATE_SLA_RESOLUTION_DAYS when set to a
 * positive whole number. */
void dispute_http_sla(struct dispute_sla_config *cfg);

/* dispute_http_appeal_window: how long after a rejection an appeal may be made, in
 * seconds: FAIRRATE_APPEAL_WINDOW_DAYS days when a whole number from 1 to 3650, else
 * DISPUTE_SLA_APPEAL_WINDOW_DEFAULT (30 days). */
int64_t dispute_http_appeal_window(void);

/* dispute_http_per_day: FAIRRATE_DISPUTES_PER_DAY when a positive whole number, else
 * DISPUTE_HTTP_PER_DAY. */
long dispute_http_per_day(void);

/* dispute_http_actor: the store's actor for the request's key. */
void dispute_http_actor(struct api_request *r, struct dispute_actor *a);

/* dispute_http_id: the {id} path parameter. */
int64_t dispute_http_id(struct api_request *r);

/* dispute_http_text: the string field name of the JSON body into *out (borrowed).
 * required: absent is an error. Empty, not a string, invalid, or past max characters
 * (Unicode code points) answers 400 (missing_field, invalid_field, field_too_long)
 * naming the field and the limit, and returns -1; 0 else (*out NULL when absent and
 * not required). */
int dispute_http_text(struct api_request *r, const char *name, size_t max, int required,
    const char **out);

/* dispute_http_store_failed: answer a store result that is not OK: 404 not_found,
 * 409 conflict, 400 invalid, 413 too large, 500/503 for errors; what names the
 * thing for the message. REFUSED is answered by dispute_http_refused. */
void dispute_http_store_failed(struct api_request *r, enum dispute_store_result rc,
    const char *what);

/* dispute_http_refused: answer a refused event: 403 or 409 with the refusal name as
 * code and the current state in "state". */
void dispute_http_refused(struct api_request *r, const struct dispute_apply_result *res);

/* dispute_http_reply_dispute: read dispute id for the request's actor and answer
 * status with it in view (404 when not the actor's). */
void dispute_http_reply_dispute(struct api_request *r, int64_t id, unsigned status,
    int staff_view);

/* dispute_http_apply: apply action to the {id} dispute for the request's actor and
 * answer: the dispute (200) when applied, else the refusal or store error. */
void dispute_http_apply(struct api_request *r, const struct dispute_action *action,
    int staff_view);

/* dispute_http_reply_list: answer 200 with list l in view, its next page as a signed
 * cursor; takes nothing (l stays the caller's). */
void dispute_http_reply_list(struct api_request *r, const struct dispute_list *l,
    int staff_view);

/* dispute_http_attachment: answer the content of attachment {attachment} of dispute
 * {id} for the request's actor (staff reads are audited by the store). */
void dispute_http_attachment(struct api_request *r);

#endif
