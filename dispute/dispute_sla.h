#ifndef FAIRRATE_DISPUTE_SLA_H
#define FAIRRATE_DISPUTE_SLA_H

#include <stdint.h>

/*
 * The dispute SLA clocks, pure. Two clocks start when a dispute is opened:
 * - first response: stops at the first staff event the company sees (assignment,
 *   a comment that is not internal, a request for information, a decision);
 * - resolution: stops at the first decision or the withdrawal. Time spent in
 *   info_requested (waiting for the company) does not count: the due time moves
 *   later by the paused time, so a dispute cannot become overdue while paused.
 * An appeal gets a fresh resolution clock from its appealed_at (docs/disputes.md).
 *
 * Boundaries (all times Unix seconds): a clock that stopped at or before its due
 * time is MET, after it MISSED; a running clock is OVERDUE once now > due, DUE_SOON
 * once due - now <= window / 5, else ON_TIME.
 */

struct dispute_sla_config {
	int64_t first_response_secs;   /* default 2 days */
	int64_t resolution_secs;       /* default 30 days */
};

enum dispute_sla_state {
	DISPUTE_SLA_ON_TIME = 0,
	DISPUTE_SLA_DUE_SOON,
	DISPUTE_SLA_OVERDUE,
	DISPUTE_SLA_MET,
	DISPUTE_SLA_MISSED
};

/* The times one evaluation needs; 0 means "not yet". */
struct dispute_sla_times {
	int64_t opened_at;             /* start of both clocks */
	int64_t first_response_at;
	int64_t resolved_at;
	int64_t paused_secs;           /* completed pauses (info_requested) */
	int64_t paused_since;          /* start of the pause under way; 0 when none */
};

/* dispute_sla_default: 2 days and 30 days. */
void dispute_sla_default(struct dispute_sla_config *cfg);

/* dispute_sla_first_response_due: opened_at + first_response_secs. */
int64_t dispute_sla_first_response_due(const struct dispute_sla_config *cfg,
    int64_t opened_at);

/* dispute_sla_resolution_due: opened_at + resolution_secs + paused_secs, where
 * paused_secs is all time spent in info_requested so far. */
int64_t dispute_sla_resolution_due(const struct dispute_sla_config *cfg,
    int64_t opened_at, int64_t paused_secs);

/* dispute_sla_paused_total: t->paused_secs plus the pause under way (from
 * t->paused_since up to t->resolved_at when the clock stopped, else up to now). */
int64_t dispute_sla_paused_total(const struct dispute_sla_times *t, int64_t now);

/* dispute_sla_first_response_state, dispute_sla_resolution_state: one clock. */
enum dispute_sla_state dispute_sla_first_response_state(const struct dispute_sla_config *cfg,
    const struct dispute_sla_times *t, int64_t now);
enum dispute_sla_state dispute_sla_resolution_state(const struct dispute_sla_config *cfg,
    const struct dispute_sla_times *t, int64_t now);

/* dispute_sla_state: one state for the dispute: once resolved, the resolution clock
 * (MET or MISSED); before the first response, the more urgent of the two running
 * clocks (OVERDUE over DUE_SOON over ON_TIME); after it, the resolution clock. */
enum dispute_sla_state dispute_sla_state(const struct dispute_sla_config *cfg,
    const struct dispute_sla_times *t, int64_t now);

/* How long after a rejection the company may appeal, unless configured otherwise. */
#define DISPUTE_SLA_APPEAL_WINDOW_DEFAULT (30 * (int64_t)86400)

/* dispute_sla_appeal_open: 1 while a rejection made at rejected_at may still be
 * appealed at now (now <= rejected_at + window_secs, that second included), else 0.
 * A rejection time of 0 (unknown) leaves the window open. */
int dispute_sla_appeal_open(int64_t window_secs, int64_t rejected_at, int64_t now);

/* dispute_sla_state_name: "on_time", "due_soon", "overdue", "met", "missed". */
const char *dispute_sla_state_name(enum dispute_sla_state s);

#endif
