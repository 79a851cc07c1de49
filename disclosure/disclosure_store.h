#ifndef FAIRRATE_DISCLOSURE_STORE_H
#define FAIRRATE_DISCLOSURE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "common/attachment.h"
#include "dispute/dispute_sla.h"
#include "disclosure/disclosure_rules.h"
#include "disclosure/disclosure_state.h"

/*
 * Governance disclosures in PostgreSQL (migrations/0030_disclosures.sql). Every
 * function that changes something runs in its own transaction on conn (which must
 * not be inside one): a failure changes nothing. Each change is written to the audit
 * log (actions disclosure.submit, disclosure.verify, disclosure.reject,
 * disclosure.withdraw, disclosure.expire). Database errors are logged here, once.
 * Views are JSON objects as docs/openapi.yaml describes them (Disclosure,
 * CompanyDisclosures).
 */

enum disclosure_store_result {
	DISCLOSURE_STORE_ERROR = -1,   /* database or memory error, logged (500/503) */
	DISCLOSURE_STORE_OK = 0,
	DISCLOSURE_STORE_NOT_FOUND = 1,/* no such disclosure for this actor, or no such
	                                  public company (404) */
	DISCLOSURE_STORE_CONFLICT = 2, /* submit: a disclosure of the item already waits
	                                  for staff (409) */
	DISCLOSURE_STORE_REFUSED = 3   /* the state machine refused (403/409) */
};

/* Who acts. company_id is the key's company for role COMPANY (other companies'
 * disclosures are NOT_FOUND to it); ignored for staff and the system. key_id 0 for
 * the system. */
struct disclosure_actor {
	enum disclosure_role role;
	int64_t key_id;
	int64_t company_id;
};

/* disclosure_store_submit: store s (already judged by disclosure_submission_check)
 * as a new submitted disclosure of the actor's company at now; sets *id. CONFLICT
 * when one of the item already waits; OK; ERROR. */
enum disclosure_store_result disclosure_store_submit(PGconn *conn,
    const struct disclosure_actor *actor, const struct disclosure_submission *s,
    int64_t now, int64_t *id);

/* disclosure_store_get: disclosure id as the actor may see it, with its decision
 * clock ("sla": {state, due_at}, on cfg's resolution window at now), into *out (a new
 * reference). NOT_FOUND, OK or ERROR. */
enum disclosure_store_result disclosure_store_get(PGconn *conn,
    const struct disclosure_actor *actor, int64_t id,
    const struct dispute_sla_config *cfg, int64_t now, json_t **out);

/* Which disclosures a list holds; zero values mean "any". */
struct disclosure_list_filter {
	int64_t company_id;            /* > 0: that company's only */
	int has_state;
	enum disclosure_state state;
	int overdue;                   /* 1: submitted ones past their decision due time */
	int64_t after_id;              /* keyset: ids greater than this */
	size_t limit;                  /* 1..500; limit + 1 rows are read */
};

/* disclosure_store_list: the disclosures f selects, by id, at most f->limit + 1 (so
 * that the caller can tell whether there is a next page), each as
 * disclosure_store_get shows it. A new array, or NULL on error (logged). */
json_t *disclosure_store_list(PGconn *conn, const struct disclosure_list_filter *f,
    const struct dispute_sla_config *cfg, int64_t now);

struct disclosure_apply_result {
	enum disclosure_state state;   /* the state now (after, or current when refused) */
	enum disclosure_refusal refusal;
	const char *message;           /* static; "" when applied */
	int64_t rating_id;             /* the ratings row the change wrote; 0: none */
};

/* disclosure_store_apply: apply event to disclosure id at now, holding its row
 * (SELECT ... FOR UPDATE) so that concurrent decisions are serialised. reason (NULL:
 * none) is the decision's reason (required by the caller for a rejection). VERIFY
 * supersedes the company's verified disclosure of the same item and writes the
 * evidence; REJECT, WITHDRAW and EXPIRE take a counting disclosure's evidence out
 * (disclosure_evidence.h); each rescores the company in the same transaction. Fills
 * *res. OK, NOT_FOUND, REFUSED, ERROR. */
enum disclosure_store_result disclosure_store_apply(PGconn *conn,
    const struct disclosure_actor *actor, int64_t id, enum disclosure_event event,
    const char *reason, int64_t now, struct disclosure_apply_result *res);

/* disclosure_store_expire_due: expire every verified certificate whose valid_until
 * has come at now, each in its own transaction (disclosure_store_apply with the
 * system actor); *expired is how many. 0, or -1 after logging (those done stay
 * done). */
int disclosure_store_expire_due(PGconn *conn, int64_t now, long *expired);

/* disclosure_store_company_items: the five items of public company slug as investors
 * see them: {company, items: [{item, check_code, status (verified, submitted or
 * not_disclosed), statement, publication, certification, verified_at}]} with the
 * statement, publication and certification of a verified item only (null else);
 * nothing else of the disclosures. *out a new reference. NOT_FOUND, OK, ERROR. */
enum disclosure_store_result disclosure_store_company_items(PGconn *conn,
    const char *slug, json_t **out);

/* disclosure_store_sector: how many public companies of sector disclose each of the
 * five items, aggregate only: {sector, companies, items: [{item, check_code,
 * verified, submitted}]} where verified counts companies with a verified disclosure of
 * the item and submitted those with one waiting (and none verified). No company is
 * named. NOT_FOUND when the sector has no public company; OK; ERROR. */
enum disclosure_store_result disclosure_store_sector(PGconn *conn, const char *sector,
    json_t **out);

/* disclosure_store_stats: the public statistics of disclosure decisions (no company
 * named): {total, by_state, by_item, waiting, decided, median_hours_to_decision,
 * p90_hours_to_decision, decision_sla_hours, decided_within_sla}; a decision is a
 * verification or a rejection, timed from submission; sla_secs is the decision SLA
 * (the disputes' resolution time). NULL on a failure (logged). */
json_t *disclosure_store_stats(PGconn *conn, int64_t sla_secs);

/* A supporting document as read. */
struct disclosure_attachment {
	char filename[ATTACHMENT_FILENAME_SIZE];
	char content_type[ATTACHMENT_TYPE_SIZE];
	size_t size;
};

/* disclosure_store_add_attachment: add len bytes of content (filename, content_type,
 * already judged by the rules of common/attachment.h: ERROR otherwise) to disclosure
 * id of the actor's company (a company actor only), which must be submitted. Sets
 * *attachment_id. NOT_FOUND, REFUSED (no longer submitted), OK, ERROR. */
enum disclosure_store_result disclosure_store_add_attachment(PGconn *conn,
    const struct disclosure_actor *actor, int64_t id, const char *filename,
    const char *content_type, const void *content, size_t len, int64_t now,
    int64_t *attachment_id);

/* disclosure_store_read_attachment: the content of attachment attachment_id of
 * disclosure id (the actor's company's, for a company actor). A staff read writes an
 * audit_log row (disclosure.attachment.read) in the same transaction. Sets *info and
 * *content (malloc'ed, free() it; info->size bytes). NOT_FOUND, OK, ERROR. */
enum disclosure_store_result disclosure_store_read_attachment(PGconn *conn,
    const struct disclosure_actor *actor, int64_t id, int64_t attachment_id,
    int64_t now, struct disclosure_attachment *info, void **content);

#endif
