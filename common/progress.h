#ifndef FAIRRATE_PROGRESS_H
#define FAIRRATE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A tiny progress meter for long commands: one line "LABEL: done/total UNIT, rate
 * UNIT/s, ETA m:ss", redrawn in place on standard error at most five times a second,
 * and only when standard error is a terminal (pipes, logs and tests see nothing).
 * Numbers are scaled (k, M, G) so that bytes and rows read alike.
 */

struct progress;

/* progress_clock: seconds on the monotonic clock, for timing a command's work. */
double progress_clock(void);

/* progress_new: a meter for total units (0: unknown, no ETA) called label, counting
 * unit ("rows", "bytes"). label and unit are copied. NULL when memory is short (the
 * caller may go on without a meter: every function accepts NULL). */
struct progress *progress_new(const char *label, uint64_t total, const char *unit);

/* progress_update: done units so far; redraws when due. */
void progress_update(struct progress *p, uint64_t done);

/* progress_finish: erase the line (the caller prints its own summary) and free p.
 * NULL is a no-op. */
void progress_finish(struct progress *p);

/* A meter for loops that learn their total only with their first report (rescoring,
 * previews): set label and unit, meter NULL; pass progress_lazy_report as the loop's
 * progress callback with the struct as its argument; progress_finish(meter) after. */
struct progress_lazy {
	const char *label;
	const char *unit;
	struct progress *meter;
};

/* progress_lazy_report: make the meter on the first call (arg: a struct
 * progress_lazy), then update it with done of total. */
void progress_lazy_report(void *arg, int64_t done, int64_t total);

/* progress_format: the meter's text for done of total after elapsed seconds, into out
 * (size n). Pure; what progress_update draws. Returns out. */
char *progress_format(const char *label, const char *unit, uint64_t done, uint64_t total,
    double elapsed, char *out, size_t n);

#endif
