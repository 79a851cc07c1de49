#include "collector/veris_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/feeds.h"
#include "collector/veris.h"
#include "common/db.h"
#include "common/log.h"

#define VERIS_MAX_RECORDS 1000000
#define VERIS_MAX_REPORTS 20

/* The records of path: one object, an array of them, or JSON Lines. Each record is
 * {"n": position or line, "r": record}. NULL with the reason in err. */
static json_t *
veris_read(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je), *out = json_array(), *v;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;
	long n = 0;
	FILE *f;

	if (out == NULL)
		return (NULL);
	if (doc != NULL) {
		if (json_is_array(doc))
			json_array_foreach(doc, i, v)
				json_array_append_new(out, json_pack("{sIsO}", "n",
				    (json_int_t)(i + 1), "r", v));
		else
			json_array_append_new(out, json_pack("{sIsO}", "n", (json_int_t)1, "r",
			    doc));
		json_decref(doc);
		return (out);
	}
	/* Not one document: JSON Lines, one record a line. */
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		json_decref(out);
		return (NULL);
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		n++;
		if (len <= 1 || json_array_size(out) >= VERIS_MAX_RECORDS)
			continue;
		if ((v = json_loadb(line, (size_t)len, 0, &je)) == NULL) {
			snprintf(err, errlen, "%ld: %s", n, je.text);
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, json_pack("{sIso}", "n", (json_int_t)n, "r", v));
	}
	free(line);
	fclose(f);
	return (out);
}

static void
veris_report(void *arg, long line, const char *message)
{
	fprintf(((void **)arg)[0], "%s:%ld: %s\n", (const char *)((void **)arg)[1], line,
	    message);
}

int
veris_store_run(PGconn *conn, const char *path, const char *source, int64_t now,
    FILE *errors, struct veris_counts *counts)
{
	struct veris_breach *b = NULL;
	struct import_incident inc;
	struct import_store *s = NULL;
	struct feeds_fields f;
	json_t *records, *names = json_array(), *slugs = json_object(), *rec;
	char err[300], *text = NULL;
	const char *params[1], *slug;
	void *ctx[2] = {errors, (void *)path};
	PGresult *res = NULL;
	long rejected = 0, bad = 0;
	size_t i;
	int row, rc = -1;

	memset(counts, 0, sizeof(*counts));
	if ((records = veris_read(path, err, sizeof(err))) == NULL) {
		fprintf(errors, "%s:%s; nothing was imported\n", path, err);
		json_decref(names);
		json_decref(slugs);
		return (1);
	}
	counts->records = (long)json_array_size(records);
	if ((b = calloc(json_array_size(records) + 1, sizeof(*b))) == NULL)
		goto out;
	json_array_foreach(records, i, rec) {
		if (veris_breach(json_object_get(rec, "r"), &b[i], err, sizeof(err)) != 0) {
			if (bad++ < VERIS_MAX_REPORTS)
				fprintf(errors, "%s:%lld: %s\n", path, (long long)json_integer_value(
				    json_object_get(rec, "n")), err);
			continue;
		}
		json_array_append_new(names, json_string(b[i].victim));
	}
	if (bad > 0) {
		fprintf(errors, "%s: rejected; nothing was imported\n", path);
		rc = 1;
		goto out;
	}
	/* Victims to companies, by name; a name two companies share matches neither. */
	if ((text = json_dumps(names, JSON_COMPACT)) == NULL)
		goto out;
	params[0] = text;
	if ((res = db_query(conn, "SELECT x.v, min(c.slug), count(DISTINCT c.id)"
	    " FROM (SELECT DISTINCT jsonb_array_elements_text($1::jsonb) AS v) x"
	    " JOIN companies c ON lower(c.name) = lower(x.v) GROUP BY 1", 1, params)) == NULL)
		goto out;
	for (row = 0; row < PQntuples(res); row++)
		json_object_set_new(slugs, PQgetvalue(res, row, 0), strcmp(PQgetvalue(res, row,
		    2), "1") == 0 ? json_string(PQgetvalue(res, row, 1)) : json_null());
	if ((s = import_store_begin(conn, IMPORT_INCIDENTS)) == NULL)
		goto out;
	json_array_foreach(records, i, rec) {
		json_t *m = json_object_get(slugs, b[i].victim);

		if (m == NULL) {
			counts->unmatched++;
			continue;
		}
		if ((slug = json_string_value(m)) == NULL) {
			counts->ambiguous++;
			continue;
		}
		veris_fields(&b[i], slug, &f);
		if (feeds_row_breach(&f, source, now, &inc, err, sizeof(err)) != 0) {
			if (bad++ < VERIS_MAX_REPORTS)
				fprintf(errors, "%s:%lld: %s\n", path, (long long)json_integer_value(
				    json_object_get(rec, "n")), err);
			continue;
		}
		if (import_store_add_incident(s, (long)json_integer_value(json_object_get(rec,
		    "n")), &inc) != 0)
			goto out;
		counts->matched++;
	}
	if (bad > 0) {
		fprintf(errors, "%s: rejected; nothing was imported\n", path);
		rc = 1;
		goto out;
	}
	rc = import_store_finish(s, source, VERIS_MAX_REPORTS, veris_report, ctx, &rejected,
	    &counts->imported);
	s = NULL;
	if (rc == 1)
		fprintf(errors, "%s: rejected; nothing was imported\n", path);
out:
	import_store_abort(s);
	PQclear(res);
	free(text);
	free(b);
	json_decref(records);
	json_decref(names);
	json_decref(slugs);
	return (rc);
}
