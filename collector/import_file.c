#include "collector/import_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/csv.h"
#include "common/log.h"
#include "common/progress.h"

struct import_run {
	const struct import_options *opt;
	const char *name;
	long errors;                          /* bad rows so far */
	union {
		struct import_company company;
		struct import_evidence evidence;
		struct import_incident incident;
	} row;
	struct import_store *store;           /* NULL once a row is bad: nothing to stage */
	struct progress *progress;
	FILE *in;
	long rows;
	import_file_row_fn *on_row;           /* import_file_check's caller, or NULL */
	void *on_row_arg;
};

int
import_file_format_for(const char *path, enum import_format *format)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return (-1);
	if (strcmp(dot, ".csv") == 0 || strcmp(dot, ".CSV") == 0)
		*format = IMPORT_FORMAT_CSV;
	else if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0)
		*format = IMPORT_FORMAT_JSONL;
	else
		return (-1);
	return (0);
}

/* List each of a row's problems (one per line of reasons) as FILE:LINE: problem. */
static void
import_list(struct import_run *r, long line, const char *reasons)
{
	const char *p, *end;

	for (p = reasons;; p = end + 1) {
		end = p + strcspn(p, "\n");
		fprintf(r->opt->errors, "%s:%ld: %.*s\n", r->name, line, (int)(end - p), p);
		if (*end == '\0')
			break;
	}
}

static void
import_bad_row(struct import_run *r, long line, const char *reasons)
{
	if (r->errors++ < IMPORT_MAX_REPORTED)
		import_list(r, line, reasons);
	if (r->store != NULL) {
		import_store_abort(r->store);
		r->store = NULL;
	}
}

static void
import_store_report(void *arg, long line, const char *message)
{
	struct import_run *r = arg;

	if (r->errors++ < IMPORT_MAX_REPORTED)
		import_list(r, line, message);
}

/* A row that is stored but will not count: said, not refused. */
static void
import_store_warn(void *arg, long line, const char *message)
{
	struct import_run *r = arg;

	fprintf(r->opt->errors, "%s:%ld: %s\n", r->name, line, message);
}

/* Validate one row and stage it. 0, or -1 on a failure that stops the import. */
static int
import_row(struct import_run *r, long line, const struct import_fields *f)
{
	const struct import_options *opt = r->opt;
	char why[IMPORT_MAX_REASONS];
	int rc = -1, staged = 0;

	if (++r->rows > IMPORT_MAX_ROWS) {
		snprintf(why, sizeof(why), "more than %ld rows; split the file", IMPORT_MAX_ROWS);
		import_bad_row(r, line, why);
		return (-1);
	}
	switch (opt->kind) {
	case IMPORT_COMPANIES:
		rc = import_rows_company(f, &r->row.company, why, sizeof(why));
		if (rc == 0 && r->store != NULL)
			staged = import_store_add_company(r->store, line, &r->row.company);
		break;
	case IMPORT_EVIDENCE:
		rc = import_rows_evidence(f, opt->source, opt->now, &r->row.evidence, why,
		    sizeof(why));
		if (rc == 0 && r->store != NULL)
			staged = import_store_add_evidence(r->store, line, &r->row.evidence);
		break;
	case IMPORT_INCIDENTS:
		rc = import_rows_incident(f, opt->source, opt->now, &r->row.incident, why,
		    sizeof(why));
		if (rc == 0 && r->store != NULL)
			staged = import_store_add_incident(r->store, line, &r->row.incident);
		break;
	}
	if (rc != 0)
		import_bad_row(r, line, why);
	else if (r->on_row != NULL)
		r->on_row(r->on_row_arg, line, opt->kind, &r->row);
	if (staged != 0) {
		import_store_abort(r->store);
		r->store = NULL;
		return (-1);
	}
	if ((r->rows & 1023) == 0)
		progress_update(r->progress, (uint64_t)ftello(r->in));
	return (0);
}

/* Read a CSV file: a header, then rows. 0, or -1 when reading must stop. */
static int
import_read_csv(struct import_run *r)
{
	const char *names[CSV_MAX_FIELDS];
	size_t lens[CSV_MAX_FIELDS], i, n;
	int map[CSV_MAX_FIELDS];
	struct import_fields f;
	struct csv_reader *csv;
	char why[256];
	enum csv_result res;
	int rc = -1;

	if ((csv = csv_reader_new(r->in, IMPORT_MAX_LINE, IMPORT_MAX_FIELD)) == NULL)
		return (-1);
	res = csv_reader_next(csv);
	if (res == CSV_EOF) {
		import_bad_row(r, 1, "empty file: the first line must name the columns");
		goto done;
	}
	if (res != CSV_RECORD) {
		if (res == CSV_BAD)
			import_bad_row(r, csv_reader_line(csv), csv_reader_error(csv));
		goto done;
	}
	n = csv_reader_nfields(csv);
	for (i = 0; i < n; i++)
		names[i] = csv_reader_field(csv, i, &lens[i]);
	if (import_rows_header(r->opt->kind, names, lens, n, map, why, sizeof(why)) != 0) {
		import_bad_row(r, csv_reader_line(csv), why);
		goto done;
	}
	while ((res = csv_reader_next(csv)) != CSV_EOF) {
		if (res == CSV_IO_ERROR)
			goto done;
		if (res == CSV_BAD) {
			import_bad_row(r, csv_reader_line(csv), csv_reader_error(csv));
			continue;
		}
		memset(&f, 0, sizeof(f));
		for (i = 0; i < n; i++)
			f.value[map[i]] = csv_reader_field(csv, i, &f.len[map[i]]);
		if (import_row(r, csv_reader_line(csv), &f) != 0)
			goto done;
	}
	rc = 0;
done:
	csv_reader_free(csv);
	return (rc);
}

long
import_file_getline(FILE *in, char *line, size_t cap)
{
	size_t n = 0;
	int c, over = 0;

	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (n < cap)
			line[n++] = (char)c;
		else
			over = 1;
	}
	if (c == EOF && n == 0 && !over)
		return (-1);
	line[n] = '\0';
	return (over ? -2 : (long)n);
}

static int
import_read_jsonl(struct import_run *r)
{
	struct import_json *json;
	struct import_fields f;
	char *line, why[IMPORT_MAX_REASONS];
	long lineno = 0, n;
	size_t start;
	int rc = -1;

	if ((line = malloc(IMPORT_MAX_LINE + 1)) == NULL ||
	    (json = import_json_new()) == NULL) {
		free(line);
		log_error("import: out of memory");
		return (-1);
	}
	while ((n = import_file_getline(r->in, line, IMPORT_MAX_LINE)) != -1) {
		lineno++;
		if (n == -2) {
			snprintf(why, sizeof(why), "line longer than %d bytes", IMPORT_MAX_LINE);
			import_bad_row(r, lineno, why);
			continue;
		}
		start = 0;
		if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			start = 3;
		while (n > (long)start && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
		    line[n - 1] == '\t'))
			n--;
		while ((long)start < n && (line[start] == ' ' || line[start] == '\t'))
			start++;
		if ((long)start == n)
			continue;
		if (import_json_row(json, r->opt->kind, line + start, (size_t)n - start, &f, why,
		    sizeof(why)) != 0) {
			import_bad_row(r, lineno, why);
			continue;
		}
		if (import_row(r, lineno, &f) != 0)
			goto done;
	}
	if (ferror(r->in)) {
		log_error("import: %s: read error: %s", r->name, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	import_json_free(json);
	free(line);
	return (rc);
}

int
import_file_run(PGconn *conn, const char *path, const struct import_options *opt,
    struct import_counts *counts)
{
	struct import_run *r;
	struct stat st;
	char label[300];
	long rejected = 0;
	int rc = -1, read_rc;

	memset(counts, 0, sizeof(*counts));
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_error("import: out of memory");
		return (-1);
	}
	r->opt = opt;
	r->name = opt->label ? opt->label : path;
	r->in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (r->in == NULL) {
		log_error("import: cannot open %s: %s", path, strerror(errno));
		goto done;
	}
	if ((r->store = import_store_begin(conn, opt->kind)) == NULL)
		goto done;
	snprintf(label, sizeof(label), "reading %s", r->name);
	if (fstat(fileno(r->in), &st) == 0 && S_ISREG(st.st_mode))
		r->progress = progress_new(label, (uint64_t)st.st_size, "bytes");
	read_rc = opt->format == IMPORT_FORMAT_CSV ? import_read_csv(r) : import_read_jsonl(r);
	progress_finish(r->progress);
	r->progress = NULL;
	if (read_rc != 0 && r->errors == 0)
		goto done;                    /* a failure already logged */
	if (r->errors > 0) {
		rc = 1;
		goto done;
	}
	import_store_set_warn(r->store, import_store_warn, r);
	rc = import_store_finish(r->store, opt->source ? opt->source : "import",
	    IMPORT_MAX_REPORTED, import_store_report, r, &rejected, counts);
	r->store = NULL;
done:
	if (rc == 1) {
		if (r->errors > IMPORT_MAX_REPORTED)
			fprintf(opt->errors, "%s: %ld more bad rows not listed\n", r->name,
			    r->errors - IMPORT_MAX_REPORTED);
		if (rejected > r->errors)
			fprintf(opt->errors, "%s: %ld more rows rejected by the database checks\n",
			    r->name, rejected - r->errors);
		fprintf(opt->errors, "%s: rejected; nothing was imported\n", r->name);
	}
	import_store_abort(r->store);
	if (r->in != NULL && r->in != stdin)
		fclose(r->in);
	free(r);
	return (rc);
}

int
import_file_check(FILE *in, const struct import_options *opt, import_file_row_fn *on_row,
    void *arg)
{
	struct import_run *r;
	int rc;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_error("import: out of memory");
		return (-1);
	}
	r->opt = opt;
	r->name = opt->label ? opt->label : "-";
	r->in = in;
	r->on_row = on_row;
	r->on_row_arg = arg;
	rc = opt->format == IMPORT_FORMAT_CSV ? import_read_csv(r) : import_read_jsonl(r);
	if (r->errors > 0)
		rc = 1;
	free(r);
	return (rc);
}
