#include "common/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

static int
timefmt_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return (-1);
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return (0);
}

static int
timefmt_days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return (m == 2 && leap ? 29 : days[m - 1]);
}

int
timefmt_parse(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	int64_t t;

	if (timefmt_digits(&p, 4, &y) || *p++ != '-' || timefmt_digits(&p, 2, &mo) ||
	    *p++ != '-' || timefmt_digits(&p, 2, &d))
		return (-1);
	if (mo < 1 || mo > 12 || d < 1 || d > timefmt_days_in_month(y, mo))
		return (-1);
	if (*p == 'T' || *p == ' ') {
		p++;
		if (timefmt_digits(&p, 2, &h) || *p++ != ':' || timefmt_digits(&p, 2, &mi) ||
		    *p++ != ':' || timefmt_digits(&p, 2, &sec))
			return (-1);
		if (h > 23 || mi > 59 || sec > 59)
			return (-1);
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return (-1);
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (timefmt_digits(&p, 2, &oh))
				return (-1);
			if (*p == ':')
				p++;
			if (*p != '\0' && timefmt_digits(&p, 2, &om))
				return (-1);
			if (oh > 23 || om > 59)
				return (-1);
		} else {
			return (-1);
		}
	}
	if (*p != '\0')
		return (-1);
	t = timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) * TIMEFMT_DAY +
	    h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	/* Only what timefmt_format writes back as four-digit years. */
	if (t < TIMEFMT_MIN || t > TIMEFMT_MAX)
		return (-1);
	*out = t;
	return (0);
}

char *
timefmt_format(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[64];

	/* By hand: strftime's %Y does not pad years below 1000 to four digits. Within
	 * TIMEFMT_MIN..TIMEFMT_MAX the text is exactly 20 characters. */
	if (t < TIMEFMT_MIN || t > TIMEFMT_MAX || gmtime_r(&tt, &tm) == NULL)
		snprintf(text, sizeof(text), "0000-00-00T00:00:00Z");
	else
		snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, text, 20);
	out[20] = '\0';
	return (out);
}

int64_t
timefmt_now(void)
{
	const char *fixed = getenv("FAIRRATE_NOW");
	int64_t t;

	if (fixed != NULL && fixed[0] != '\0' && timefmt_parse(fixed, &t) == 0)
		return (t);
	return ((int64_t)time(NULL));
}
