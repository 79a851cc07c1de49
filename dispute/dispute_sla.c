#include "dispute/dispute_sla.h"

#include "common/timefmt.h"

void
dispute_sla_default(struct dispute_sla_config *cfg)
{
	cfg->first_response_secs = 2 * (int64_t)TIMEFMT_DAY;
	cfg->resolution_secs = 30 * (int64_t)TIMEFMT_DAY;
}

int
dispute_sla_appeal_open(int64_t window_secs, int64_t rejected_at, int64_t now)
{
	return (rejected_at == 0 || now <= rejected_at + window_secs);
}

int64_t
dispute_sla_first_response_due(const struct dispute_sla_config *cfg, int64_t opened_at)
{
	return (opened_at + cfg->first_response_secs);
}

int64_t
dispute_sla_resolution_due(const struct dispute_sla_config *cfg, int64_t opened_at,
    int64_t paused_secs)
{
	return (opened_at + cfg->resolution_secs + paused_secs);
}

int64_t
dispute_sla_paused_total(const struct dispute_sla_times *t, int64_t now)
{
	int64_t end = t->resolved_at != 0 ? t->resolved_at : now;
	int64_t total = t->paused_secs;

	if (t->paused_since != 0 && end > t->paused_since)
		total += end - t->paused_since;
	return (total);
}

/* One clock of length window that falls due at due and stopped at done (0: running). */
static enum dispute_sla_state
clock_state(int64_t window, int64_t due, int64_t done, int64_t now)
{
	if (done != 0)
		return (done <= due ? DISPUTE_SLA_MET : DISPUTE_SLA_MISSED);
	if (now > due)
		return (DISPUTE_SLA_OVERDUE);
	if (due - now <= window / 5)
		return (DISPUTE_SLA_DUE_SOON);
	return (DISPUTE_SLA_ON_TIME);
}

enum dispute_sla_state
dispute_sla_first_response_state(const struct dispute_sla_config *cfg,
    const struct dispute_sla_times *t, int64_t now)
{
	return (clock_state(cfg->first_response_secs,
	    dispute_sla_first_response_due(cfg, t->opened_at), t->first_response_at, now));
}

enum dispute_sla_state
dispute_sla_resolution_state(const struct dispute_sla_config *cfg,
    const struct dispute_sla_times *t, int64_t now)
{
	int64_t due = dispute_sla_resolution_due(cfg, t->opened_at,
	    dispute_sla_paused_total(t, now));

	return (clock_state(cfg->resolution_secs, due, t->resolved_at, now));
}

enum dispute_sla_state
dispute_sla_state(const struct dispute_sla_config *cfg, const struct dispute_sla_times *t,
    int64_t now)
{
	enum dispute_sla_state fr, res;

	res = dispute_sla_resolution_state(cfg, t, now);
	if (t->resolved_at != 0 || t->first_response_at != 0)
		return (res);
	fr = dispute_sla_first_response_state(cfg, t, now);
	/* Both are running: ON_TIME < DUE_SOON < OVERDUE in urgency. */
	return (fr > res ? fr : res);
}

const char *
dispute_sla_state_name(enum dispute_sla_state s)
{
	switch (s) {
	case DISPUTE_SLA_ON_TIME:
		return ("on_time");
	case DISPUTE_SLA_DUE_SOON:
		return ("due_soon");
	case DISPUTE_SLA_OVERDUE:
		return ("overdue");
	case DISPUTE_SLA_MET:
		return ("met");
	case DISPUTE_SLA_MISSED:
		return ("missed");
	}
	return ("?");
}
