/*
 * The feed importers' rows (collector/feeds): breaches, compromised hosts and open
 * ports, CSV or JSON Lines; the first byte picks the kind and the format. feeds_run
 * reads and stages in one pass against the database, so this harness reads the file
 * the way feeds_run does (a CSV header mapped by feeds_column, or one JSON object per
 * line with string or integer values) and validates each row with feeds_row_breach /
 * feeds_row_evidence, the pure part. Checks on every row accepted: texts are
 * NUL-terminated valid UTF-8 within their fields, a company is named, the details
 * are one JSON object within their buffer, times are in order and not in the future.
 */
#define _GNU_SOURCE
#include "tests/fuzz/fuzz.h"

#include <jansson.h>

#include "collector/csv.h"
#include "collector/feeds.h"
#include "collector/import_file.h"

#define NOW 1767225600                    /* 2026-01-01T00:00:00Z */

static void
check_row(enum feeds_kind kind, const struct feeds_fields *f)
{
	static struct import_incident incident;
	static struct import_evidence evidence;
	static char details[IMPORT_MAX_FIELD];
	char err[512];
	json_t *d;

	if (kind == FEEDS_BREACHES) {
		if (feeds_row_breach(f, NULL, NOW, &incident, err, sizeof(err)) != 0) {
			FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
			return;
		}
		FUZZ_TEXT(incident.company);
		/* Not checked as a slug: feeds take any name and leave unknown ones to the
		 * database checks (tests/fuzz/crashes-open/feeds/). */
		FUZZ_CHECK(incident.company[0] != '\0');
		FUZZ_TEXT(incident.kind);
		FUZZ_TEXT(incident.severity);
		FUZZ_TEXT(incident.source);
		FUZZ_TEXT(incident.external_ref);
		FUZZ_TEXT(incident.summary);
		FUZZ_CHECK(incident.occurred_at <= NOW + IMPORT_FUTURE_SKEW);
		if (incident.disclosed)
			FUZZ_CHECK(incident.disclosed_at >= incident.occurred_at &&
			    incident.disclosed_at <= NOW + IMPORT_FUTURE_SKEW);
		return;
	}
	if (feeds_row_evidence(kind, f, NULL, NOW, &evidence, details, sizeof(details), err,
	    sizeof(err)) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return;
	}
	FUZZ_TEXT(evidence.company);
	FUZZ_TEXT(evidence.asset.value);
	FUZZ_TEXT(evidence.check_code);
	FUZZ_TEXT(evidence.outcome);
	FUZZ_TEXT(evidence.observation_key);
	FUZZ_TEXT(evidence.source);
	FUZZ_TEXT(evidence.collector_version);
	FUZZ_CHECK(evidence.first_seen <= evidence.last_seen &&
	    evidence.last_seen <= NOW + IMPORT_FUTURE_SKEW);
	FUZZ_CHECK(evidence.details == details && evidence.details_len < sizeof(details));
	FUZZ_CHECK(strlen(details) == evidence.details_len);
	FUZZ_CHECK(utf8_valid(details, evidence.details_len));
	d = json_loadb(details, evidence.details_len, 0, NULL);
	FUZZ_CHECK(json_is_object(d));
	json_decref(d);
}

static void
read_csv(enum feeds_kind kind, FILE *in)
{
	struct csv_reader *csv = csv_reader_new(in, IMPORT_MAX_LINE, IMPORT_MAX_FIELD);
	struct feeds_fields f;
	int map[CSV_MAX_FIELDS];
	size_t i, k, n;

	FUZZ_CHECK(csv != NULL);
	if (csv_reader_next(csv) != CSV_RECORD)
		goto done;
	n = csv_reader_nfields(csv);
	for (i = 0; i < n; i++) {
		map[i] = feeds_column(kind, csv_reader_field(csv, i, NULL));
		FUZZ_CHECK(map[i] < FEEDS_MAX_COLUMNS);
		if (map[i] < 0)
			goto done;
		for (k = 0; k < i; k++)
			if (map[k] == map[i])
				goto done;
	}
	for (;;) {
		enum csv_result res = csv_reader_next(csv);

		if (res == CSV_EOF || res == CSV_IO_ERROR)
			break;
		if (res == CSV_BAD)
			continue;
		memset(&f, 0, sizeof(f));
		for (i = 0; i < n && i < csv_reader_nfields(csv); i++)
			f.value[map[i]] = csv_reader_field(csv, i, NULL);
		check_row(kind, &f);
	}
done:
	csv_reader_free(csv);
}

static void
read_jsonl(enum feeds_kind kind, const uint8_t *data, size_t size)
{
	static char store[FEEDS_MAX_COLUMNS][IMPORT_MAX_FIELD / 8];
	struct feeds_fields f;
	const uint8_t *line;
	const char *key;
	json_t *obj, *v;
	size_t len;
	int col, ok;

	while (size > 0) {
		line = fuzz_split(&data, &size, "\n", &len);
		if ((obj = json_loadb((const char *)line, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
			continue;
		memset(&f, 0, sizeof(f));
		ok = json_is_object(obj);
		json_object_foreach(obj, key, v) {
			if ((col = feeds_column(kind, key)) < 0) {
				ok = 0;
				break;
			}
			if (json_is_string(v) && json_string_length(v) < IMPORT_MAX_FIELD / 8)
				snprintf(store[col], sizeof(store[col]), "%s", json_string_value(v));
			else if (json_is_integer(v))
				snprintf(store[col], sizeof(store[col]), "%lld",
				    (long long)json_integer_value(v));
			else if (!json_is_null(v))
				ok = 0;
			if (!json_is_null(v))
				f.value[col] = store[col];
		}
		if (ok)
			check_row(kind, &f);
		json_decref(obj);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum feeds_kind kind;
	FILE *in;

	if (size < 1)
		return (0);
	kind = (enum feeds_kind)((data[0] & 3) % 3);
	if (data[0] & 4) {
		read_jsonl(kind, data + 1, size - 1);
	} else if (size > 1 && (in = fmemopen((void *)(data + 1), size - 1, "r")) != NULL) {
		read_csv(kind, in);
		fclose(in);
	}
	return (0);
}
