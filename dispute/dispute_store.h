#ifndef FAIRRATE_DISPUTE_STORE_H
#define FAIRRATE_DISPUTE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "common/attachment.h"
#include "dispute/dispute_sla.h"
#include "dispute/dispute_state.h"

/*
 * Disputes in PostgreSQL (migrations/0006_disputes.sql). Every function that changes
 * something runs in its own transaction on conn (which must not be inside one): a
 * failure changes nothing. Results tell apart what the HTTP layer answers
 * differently; database errors are logged here, once.
 */

enum dispute_store_result {
	DISPUTE_STORE_OK = 0,
	DISPUTE_STORE_ERROR = -1,      /* database or memory error, logged (500) */
	DISPUTE_STORE_NOT_FOUND = 1,   /* no such dispute / item for this company (404) */
	DISPUTE_STORE_CONFLICT = 2,    /* another open dispute holds an item, or the
	                                  version check failed (409) */
	DISPUTE_STORE_REFUSED = 3,     /* the state machine refused (403/409: see
	                                  dispute_refusal_http_status) */
	DISPUTE_STORE_INVALID = 4,     /* bad input: empty or too long text, no items,
	                                  content type not allowed (400/422) */
	DISPUTE_STORE_TOO_LARGE = 5,   /* attachment past DISPUTE_ATTACHMENT_MAX (413) */
	DISPUTE_STORE_LIMIT = 6        /* the company opened its most disputes in the
	                                  last 24 hours (429) */
};

enum dispute_kind { DISPUTE_KIND_EVIDENCE = 0, DISPUTE_KIND_ATTRIBUTION };

enum dispute_reason {
	DISPUTE_REASON_NOT_OUR_ASSET = 0,
	DISPUTE_REASON_FALSE_POSITIVE,
	DISPUTE_REASON_REMEDIATED,
	DISPUTE_REASON_COMPENSATING_CONTROL,
	DISPUTE_REASON_OTHER,
	DISPUTE_NREASONS
};

#define DISPUTE_TEXT_MAX 4000              /* explanation, comment, rationale (chars) */
#define DISPUTE_ITEMS_MAX 100              /* items in one dispute */
/* The attachment rules are those of every document (common/attachment.h). */
#define DISPUTE_ATTACHMENT_MAX ATTACHMENT_MAX
#define DISPUTE_FILENAME_MAX ATTACHMENT_FILENAME_MAX
#define DISPUTE_FILENAME_SIZE ATTACHMENT_FILENAME_SIZE

/* Who acts. company_id is the key's company for role COMPANY (disputes of other
 * companies are NOT_FOUND to it), ignored for staff. */
struct dispute_actor {
	enum dispute_role role;
	int64_t key_id;
	int64_t company_id;
};

/* dispute_kind_name, dispute_reason_name: "evidence"/"attribution", "not_our_asset"..
 * dispute_kind_parse, dispute_reason_parse: 0, or -1 when unknown. */
const char *dispute_kind_name(enum dispute_kind k);
const char *dispute_reason_name(enum dispute_reason r);
int dispute_kind_parse(const char *s, enum dispute_kind *out);
int dispute_reason_parse(const char *s, enum dispute_reason *out);

/* dispute_store_open: open a dispute of the actor's company (role COMPANY) on nitems
 * evidence ids (kind EVIDENCE) or asset ids (kind ATTRIBUTION), at now. Marks the
 * covered evidence 'disputed' and records the "open" event. Sets *id.
 * INVALID: explanation empty or past DISPUTE_TEXT_MAX characters, no items, more than
 * DISPUTE_ITEMS_MAX, or the actor is not a company; NOT_FOUND: an item is not the
 * company's (or is expired or corrected evidence, or a detached asset); CONFLICT:
 * another open dispute covers an item. */
enum dispute_store_result dispute_store_open(PGconn *conn, const struct dispute_actor *actor,
    enum dispute_kind kind, enum dispute_reason reason, const char *explanation,
    const int64_t *items, size_t nitems, int64_t now, int64_t *id);

/* dispute_store_open_limited: dispute_store_open, for a company that may open at most
 * per_day disputes in any 24 hours (per_day > 0; 0: no limit). The count and the new
 * row are made under a per-company lock held to the end of the transaction, so that
 * parallel requests never pass the limit. LIMIT when the company already opened
 * per_day disputes in the 24 hours before now (checked before the items). */
enum dispute_store_result dispute_store_open_limited(PGconn *conn,
    const struct dispute_actor *actor, enum dispute_kind kind, enum dispute_reason reason,
    const char *explanation, const int64_t *items, size_t nitems, long per_day,
    int64_t now, int64_t *id);

/* One entry of a dispute's thread. */
struct dispute_thread_entry {
	int64_t id;
	int64_t actor_key_id;          /* 0 when the key was deleted */
	enum dispute_role role;
	char event[16];                /* "open" or a dispute_event_name */
	char from_state[20];           /* "" for "open" */
	char to_state[20];
	int64_t at;
	char *body;                    /* owned */
	int internal;
};

struct dispute_attachment_info {
	int64_t id;
	char filename[DISPUTE_FILENAME_SIZE];
	char content_type[32];
	size_t size;
	char sha256[65];
	enum dispute_role uploaded_role;
	int64_t uploaded_at;
};

/* A dispute as read. Times are Unix seconds, 0 when not yet. */
struct dispute {
	int64_t id;
	int64_t company_id;
	char company_slug[64];
	enum dispute_kind kind;
	enum dispute_reason reason;
	char *explanation;             /* owned */
	enum dispute_state state;
	struct dispute_facts facts;    /* assignee, rejected_by, appealed */
	int64_t opened_by;
	struct dispute_sla_times sla;  /* opened_at, first_response_at, resolved_at, pauses */
	int64_t appealed_at;
	int64_t appeal_resolved_at;
	char decision[12];             /* "", "accepted", "rejected" */
	char *decision_rationale;      /* owned; "" when none */
	int version;
	size_t nitems;
	int64_t *items;                /* evidence ids or asset ids, by kind; owned */
	size_t nthread;
	struct dispute_thread_entry *thread; /* oldest first; owned */
	size_t nattachments;
	struct dispute_attachment_info *attachments; /* owned */
};

/* dispute_store_get: read dispute id with its items, thread and attachment list.
 * A company actor sees only its own disputes and never internal notes; staff see
 * everything. Sets *out (free with dispute_free). NOT_FOUND, OK or ERROR. */
enum dispute_store_result dispute_store_get(PGconn *conn, const struct dispute_actor *actor,
    int64_t id, struct dispute **out);

/* dispute_store_sla_times: the SLA clock that runs for d: once appealed, the appeal's
 * (a fresh resolution window from appealed_at, no first-response clock), else the
 * dispute's own (d->sla). Pure. */
void dispute_store_sla_times(const struct dispute *d, struct dispute_sla_times *t);

/* dispute_free: release d; NULL is a no-op. */
void dispute_free(struct dispute *d);

/* One line of a list. */
struct dispute_summary {
	int64_t id;
	int64_t company_id;
	char company_slug[64];
	enum dispute_kind kind;
	enum dispute_reason reason;
	enum dispute_state state;
	int64_t assignee;
	int64_t opened_at;
	size_t nitems;
	enum dispute_sla_state sla;    /* dispute_sla_state at the `now` of the query */
};

struct dispute_list {
	size_t n;
	struct dispute_summary *items; /* owned */
	int64_t next_after;            /* pass as after_id for the next page; 0: last page */
};

/* dispute_list_free: release l; NULL is a no-op. */
void dispute_list_free(struct dispute_list *l);

/* dispute_store_list_company: the company's disputes by id, those with id > after_id,
 * at most limit (1..500). Sets *out (free with dispute_list_free). OK or ERROR. */
enum dispute_store_result dispute_store_list_company(PGconn *conn, int64_t company_id,
    int64_t after_id, size_t limit, const struct dispute_sla_config *cfg, int64_t now,
    struct dispute_list **out);

/* Staff queue filters; zero values mean "any". */
struct dispute_queue_filter {
	int has_state;
	enum dispute_state state;
	int overdue;                   /* 1: only disputes whose running SLA clock is past
	                                  due (first response, resolution or appeal) */
	int64_t assignee;              /* > 0: assigned to this key; -1: unassigned */
	int64_t min_age_secs;          /* opened at least this long ago */
	int64_t after_id;              /* keyset: ids greater than this */
	size_t limit;                  /* 1..500; 0: 50 */
};

/* dispute_store_queue: the staff queue, oldest first, filtered; without a state filter
 * it holds the disputes waiting for staff or the company (dispute_state_is_active:
 * not final, and not a rejection that may still be appealed). Sets *out (free with
 * dispute_list_free). OK or ERROR. */
enum dispute_store_result dispute_store_queue(PGconn *conn,
    const struct dispute_queue_filter *f, const struct dispute_sla_config *cfg,
    int64_t now, struct dispute_list **out);

/* An event applied through the store. */
struct dispute_action {
	enum dispute_event event;
	int64_t target;                /* ASSIGN: the reviewer's key id; 0 = the actor */
	int internal;                  /* COMMENT: staff-only note */
	const char *body;              /* comment, response, rationale; NULL = "" */
	int expected_version;          /* > 0: CONFLICT unless the dispute has it */
	int64_t appeal_window_secs;    /* APPEAL: how long after the rejection; 0:
	                                  DISPUTE_SLA_APPEAL_WINDOW_DEFAULT */
};

struct dispute_apply_result {
	enum dispute_state state;      /* the state now (after, or current when refused) */
	int version;
	enum dispute_refusal refusal;  /* REFUSED: why */
	const char *message;           /* static; "" when applied */
};

/* dispute_store_apply: apply one event to dispute id at now, holding the dispute row
 * (SELECT ... FOR UPDATE) so that concurrent events are serialised: of two staff
 * deciding at once, one applies and the other is REFUSED (invalid_state) with the
 * state the first left. Records the event in the thread, moves the SLA clocks, sets
 * evidence back to 'active' on rejection or withdrawal and to 'disputed' on appeal,
 * and on acceptance applies the correction and rescores the company (see
 * dispute_correction.h), all in one transaction. A decision needs a non-empty body
 * (the rationale). ASSIGN to a named reviewer looks its key up (and holds it until
 * the commit): no such key, a revoked one or one that is not an analyst or admin key
 * is REFUSED (invalid_assignee). APPEAL later than action->appeal_window_secs after
 * the rejection (the dispute's resolved_at) is REFUSED (appeal_window_closed). Fills *res. OK, NOT_FOUND, REFUSED, CONFLICT (expected_version, or
 * an appeal while another open dispute holds an item), INVALID (body too long,
 * missing rationale), ERROR. */
enum dispute_store_result dispute_store_apply(PGconn *conn, const struct dispute_actor *actor,
    int64_t id, const struct dispute_action *action, int64_t now,
    struct dispute_apply_result *res);

/* dispute_store_add_attachment: add len bytes of content (filename, content_type) to
 * dispute id, which must not be final. Sets *attachment_id. TOO_LARGE past
 * DISPUTE_ATTACHMENT_MAX; INVALID for an empty file, a type outside the allow-list
 * (application/pdf, image/png, image/jpeg, text/plain, text/csv) or a filename that is
 * empty, too long or holds '/', '\' or control characters; REFUSED when final;
 * NOT_FOUND; OK; ERROR. */
enum dispute_store_result dispute_store_add_attachment(PGconn *conn,
    const struct dispute_actor *actor, int64_t id, const char *filename,
    const char *content_type, const void *content, size_t len, int64_t now,
    int64_t *attachment_id);

/* dispute_store_read_attachment: the content of attachment attachment_id of dispute
 * id. When staff read it, an audit_log row (action dispute.attachment.read) is written
 * in the same transaction. Sets *info and *content (malloc'ed, free() it) with
 * info->size bytes. NOT_FOUND, OK or ERROR. */
enum dispute_store_result dispute_store_read_attachment(PGconn *conn,
    const struct dispute_actor *actor, int64_t id, int64_t attachment_id, int64_t now,
    struct dispute_attachment_info *info, void **content);

/* Transparency figures, naming no company. Durations are seconds; -1 when there is
 * no dispute to measure. */
struct dispute_stats {
	long total;
	long by_state[DISPUTE_NSTATES];
	long by_reason[DISPUTE_NREASONS];
	long decided;                  /* final decision made: accepted, rejected (not
	                                  appealed), appeal_accepted, appeal_rejected */
	long accepted;                 /* accepted + appeal_accepted */
	double acceptance_rate;        /* accepted / decided; -1 when none decided */
	double first_response_median, first_response_p90;
	double resolution_median, resolution_p90; /* opened to first decision/withdrawal */
};

/* dispute_store_stats: compute the figures over all disputes. 0 or -1. */
int dispute_store_stats(PGconn *conn, struct dispute_stats *out);

#endif
