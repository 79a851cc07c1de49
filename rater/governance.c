#include "rater/governance.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

/* Bytes of s that are not leading or trailing spaces. */
static size_t
governance_trimmed_len(const char *s)
{
	size_t b = 0, e = strlen(s);

	while (b < e && isspace((unsigned char)s[b]))
		b++;
	while (e > b && isspace((unsigned char)s[e - 1]))
		e--;
	return (e - b);
}

enum governance_publish_check
governance_check_publish(int64_t now, int64_t effective_at, int notice_days,
    const char *reason)
{
	size_t rlen = reason != NULL ? strlen(reason) : 0;

	if (effective_at <= now)
		return (GOVERNANCE_IN_PAST);
	if (rlen > GOVERNANCE_MAX_REASON)
		return (GOVERNANCE_REASON_TOO_LONG);
	if (effective_at - now >= (int64_t)notice_days * TIMEFMT_DAY)
		return (GOVERNANCE_OK);
	if (rlen == 0)
		return (GOVERNANCE_NEEDS_REASON);
	if (governance_trimmed_len(reason) < GOVERNANCE_MIN_REASON)
		return (GOVERNANCE_REASON_TOO_SHORT);
	return (GOVERNANCE_OK_SHORT_NOTICE);
}

const char *
governance_check_message(enum governance_publish_check c)
{
	switch (c) {
	case GOVERNANCE_OK:
		return ("published with the full notice period");
	case GOVERNANCE_OK_SHORT_NOTICE:
		return ("published with short notice; the reason is in the change log");
	case GOVERNANCE_IN_PAST:
		return ("effective_at must be in the future");
	case GOVERNANCE_NEEDS_REASON:
		return ("effective_at is sooner than the notice period: give a written reason "
		    "for the short notice");
	case GOVERNANCE_REASON_TOO_SHORT:
		return ("the reason for short notice must say why, in at least 20 characters");
	case GOVERNANCE_REASON_TOO_LONG:
		return ("the reason is longer than 2000 bytes");
	}
	return ("unknown");
}

int
governance_notice_days_parse(const char *s, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0') {
		*out = GOVERNANCE_DEFAULT_NOTICE_DAYS;
		return (0);
	}
	if (!isdigit((unsigned char)*s))
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > GOVERNANCE_MAX_NOTICE_DAYS)
		return (-1);
	*out = (int)v;
	return (0);
}

int
governance_notice_given(int64_t now, int64_t effective_at)
{
	if (effective_at <= now)
		return (0);
	return ((int)((effective_at - now) / TIMEFMT_DAY));
}
