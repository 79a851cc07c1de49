#ifndef FAIRRATE_GOVERNANCE_H
#define FAIRRATE_GOVERNANCE_H

#include <stdint.h>

/*
 * The rules of publishing a methodology version (principle 4). Pure: no I/O.
 * docs/methodology.md ("Versions and governance") states them for readers.
 */

/* The notice period when none is configured, in days. */
#define GOVERNANCE_DEFAULT_NOTICE_DAYS 30
/* The longest notice period that may be configured, in days. */
#define GOVERNANCE_MAX_NOTICE_DAYS 3650
/* Bounds of a short-notice reason, in bytes. */
#define GOVERNANCE_MIN_REASON 20
#define GOVERNANCE_MAX_REASON 2000

enum governance_publish_check {
	GOVERNANCE_OK = 0,             /* at least the notice period ahead */
	GOVERNANCE_OK_SHORT_NOTICE,    /* shorter, with a written reason */
	GOVERNANCE_IN_PAST,            /* effective_at is not after now */
	GOVERNANCE_NEEDS_REASON,       /* shorter than the notice period, no reason */
	GOVERNANCE_REASON_TOO_SHORT,   /* a reason of fewer than GOVERNANCE_MIN_REASON
	                                  bytes (after trimming spaces) */
	GOVERNANCE_REASON_TOO_LONG
};

/* governance_check_publish: may a version be published at now to take effect at
 * effective_at under a notice period of notice_days, with reason (NULL or "" for
 * none)? A reason given with enough notice is accepted and kept. */
enum governance_publish_check governance_check_publish(int64_t now, int64_t effective_at,
    int notice_days, const char *reason);

/* governance_check_message: a sentence for people about c. Static; never NULL. */
const char *governance_check_message(enum governance_publish_check c);

/* governance_notice_days_parse: s as a notice period (0..GOVERNANCE_MAX_NOTICE_DAYS
 * days, decimal); NULL or "" gives the default. 0 and *out, or -1 when invalid. */
int governance_notice_days_parse(const char *s, int *out);

/* governance_notice_given: whole days between now and effective_at (rounded down;
 * 0 when effective_at is not later). */
int governance_notice_given(int64_t now, int64_t effective_at);

#endif
