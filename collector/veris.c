#include "collector/veris.h"

#include <stdio.h>
#include <string.h>

/* A summary cut to the buffer may end inside a UTF-8 sequence: drop that part. */
static void
utf8_cut(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || (lead = (unsigned char)s[i - 1]) < 0xc0)
		return;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

static const json_t *
path(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);

	return (b != NULL ? json_object_get(v, b) : v);
}

/* Whether the array v holds the string s. */
static int
has(const json_t *v, const char *s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(v, i, x)
		if (json_string_value(x) != NULL && strcmp(json_string_value(x), s) == 0)
			return (1);
	return (0);
}

static long long
integer(const json_t *v, long long dflt)
{
	return (json_is_integer(v) ? (long long)json_integer_value(v) : dflt);
}

int
veris_breach(const json_t *inc, struct veris_breach *out, char *err, size_t errlen)
{
	const json_t *timeline = path(inc, "timeline", "incident");
	const char *victim = json_string_value(path(inc, "victim", "victim_id"));
	const char *created = json_string_value(path(inc, "plus", "created"));
	const char *disclosure = json_string_value(path(path(inc, "attribute",
	    "confidentiality"), "data_disclosure", NULL));
	const json_t *total = path(path(inc, "attribute", "confidentiality"), "data_total",
	    NULL);
	long long year, month, day, records;
	int ransomware, exposure;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(inc)) {
		snprintf(err, errlen, "not a JSON object");
		return (-1);
	}
	if (victim == NULL || victim[0] == '\0' || strlen(victim) >= sizeof(out->victim)) {
		snprintf(err, errlen, "victim.victim_id: missing or longer than 255 bytes");
		return (-1);
	}
	year = integer(json_object_get(timeline, "year"), -1);
	month = integer(json_object_get(timeline, "month"), 1);
	day = integer(json_object_get(timeline, "day"), 1);
	if (year < 1971 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
		snprintf(err, errlen, "timeline.incident: no year, or a month or day out of"
		    " range");
		return (-1);
	}
	snprintf(out->victim, sizeof(out->victim), "%s", victim);
	snprintf(out->occurred_at, sizeof(out->occurred_at), "%04lld-%02lld-%02lldT00:00:00Z",
	    year, month, day);
	if (created != NULL && strlen(created) >= 10) {
		/* "2014-06-09T19:10:00Z" or a bare date: the day is what is known. */
		snprintf(out->disclosed_at, sizeof(out->disclosed_at), "%.10sT00:00:00Z", created);
	}
	ransomware = has(path(path(inc, "action", "malware"), "variety", NULL), "Ransomware");
	exposure = json_object_get(json_object_get(inc, "action"), "error") != NULL &&
	    json_object_get(json_object_get(inc, "action"), "hacking") == NULL &&
	    json_object_get(json_object_get(inc, "action"), "malware") == NULL &&
	    disclosure != NULL && (strcmp(disclosure, "Yes") == 0 ||
	    strcmp(disclosure, "Potentially") == 0);
	snprintf(out->kind, sizeof(out->kind), "%s", ransomware ? "ransomware" :
	    exposure ? "data_exposure" : "breach");
	records = integer(total, -1);
	if (records >= 0)
		snprintf(out->records, sizeof(out->records), "%lld", records);
	snprintf(out->severity, sizeof(out->severity), "%s", records >= 1000000 ? "critical" :
	    records >= 10000 ? "high" : records >= 1 ? "medium" : ransomware ? "high" :
	    disclosure != NULL && strcmp(disclosure, "No") == 0 ? "low" : "medium");
	snprintf(out->external_ref, sizeof(out->external_ref), "%s",
	    json_string_value(json_object_get(inc, "incident_id")) ?
	    json_string_value(json_object_get(inc, "incident_id")) : "");
	snprintf(out->summary, sizeof(out->summary), "%s",
	    json_string_value(json_object_get(inc, "summary")) ?
	    json_string_value(json_object_get(inc, "summary")) : "");
	utf8_cut(out->summary);
	return (0);
}

void
veris_fields(const struct veris_breach *b, const char *slug, struct feeds_fields *f)
{
	static const char *const cols[] = {"company", "occurred_at", "disclosed_at", "kind",
	    "severity", "external_ref", "summary", "records"};
	const char *vals[] = {slug, b->occurred_at, b->disclosed_at, b->kind, b->severity,
	    b->external_ref, b->summary, b->records};
	size_t i;
	int c;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if ((c = feeds_column(FEEDS_BREACHES, cols[i])) >= 0 && vals[i][0] != '\0')
			f->value[c] = vals[i];
}
