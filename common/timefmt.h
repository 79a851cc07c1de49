#ifndef FAIRRATE_TIMEFMT_H
#define FAIRRATE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Times are int64 seconds since the Unix epoch, UTC, everywhere inside fairrate, and
 * ISO 8601 UTC ("2026-03-01T12:00:00Z") at every edge.
 */

/* The times that have a four-digit year in UTC: 0001-01-01T00:00:00Z and
 * 9999-12-31T23:59:59Z. */
#define TIMEFMT_MIN INT64_C(-62135596800)
#define TIMEFMT_MAX INT64_C(253402300799)

/* timefmt_parse: parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" followed by "Z", "+00:00"
 * or an offset "+HH:MM"/"-HH:MM", with optional fractional seconds (dropped), or the
 * same with a space instead of "T" (PostgreSQL's text form). Returns 0 and sets *out,
 * or -1 when s is not such a time, names an impossible date, or lies outside
 * TIMEFMT_MIN..TIMEFMT_MAX once in UTC (year 0000, or past 9999 after the offset). */
int timefmt_parse(const char *s, int64_t *out);

/* timefmt_format: write t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes),
 * or "0000-00-00T00:00:00Z" when t is outside TIMEFMT_MIN..TIMEFMT_MAX. Returns out. */
char *timefmt_format(int64_t t, char out[21]);

/* timefmt_now: the current time. FAIRRATE_NOW (an ISO 8601 time) overrides it, so that
 * tests and the demo are reproducible. */
int64_t timefmt_now(void);

#define TIMEFMT_DAY 86400

#endif
