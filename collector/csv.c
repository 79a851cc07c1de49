#include "collector/csv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/utf8.h"

enum csv_state { CSV_FIELD_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_SEEN };

struct csv_reader {
	FILE *in;
	size_t max_record, max_field;
	char *data;                    /* the fields, each NUL-terminated */
	size_t len;                    /* bytes used in data */
	size_t off[CSV_MAX_FIELDS], flen[CSV_MAX_FIELDS];
	size_t nfields;                /* fields stored */
	size_t nseen;                  /* fields seen, stored or not */
	size_t expected;               /* fields in the first record; 0 before it */
	size_t field_start;            /* offset of the field being read */
	long line;                     /* the physical line being read */
	long record_line;              /* where the current record starts */
	int bad;
	int started;                   /* the BOM check has been done */
	unsigned char pending[3];      /* bytes read ahead while looking for a BOM */
	int npending;
	char error[160];
};

struct csv_reader *
csv_reader_new(FILE *in, size_t max_record, size_t max_field)
{
	struct csv_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto err0;
	r->in = in;
	r->max_record = max_record ? max_record : CSV_DEFAULT_MAX_RECORD;
	r->max_field = max_field ? max_field : CSV_DEFAULT_MAX_FIELD;
	if ((r->data = malloc(r->max_record + CSV_MAX_FIELDS + 1)) == NULL)
		goto err1;
	r->line = 1;
	return (r);

err1:
	free(r);
err0:
	log_error("csv: out of memory");
	return (NULL);
}

void
csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r);
}

static int
csv_getc(struct csv_reader *r)
{
	int c;

	if (r->npending > 0) {
		c = r->pending[0];
		memmove(r->pending, r->pending + 1, (size_t)--r->npending);
		return (c);
	}
	return (getc_unlocked(r->in));
}

/* Skip a UTF-8 byte order mark at the start of the input; keep anything else. */
static void
csv_skip_bom(struct csv_reader *r)
{
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
	int c, i;

	r->started = 1;
	for (i = 0; i < 3; i++) {
		if ((c = getc_unlocked(r->in)) == EOF)
			break;
		r->pending[r->npending++] = (unsigned char)c;
		if (c != bom[i])
			return;
	}
	if (r->npending == 3)
		r->npending = 0;
}

static void
csv_set_bad(struct csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
csv_set_bad(struct csv_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad)
		return;
	r->bad = 1;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

static void
csv_add(struct csv_reader *r, int c)
{
	if (r->bad)
		return;
	if (r->len - r->field_start >= r->max_field) {
		csv_set_bad(r, "field %zu is longer than %zu bytes", r->nseen + 1,
		    r->max_field);
		return;
	}
	if (r->len - r->nfields >= r->max_record) {
		csv_set_bad(r, "record is longer than %zu bytes", r->max_record);
		return;
	}
	r->data[r->len++] = (char)c;
}

static void
csv_end_field(struct csv_reader *r)
{
	size_t n = r->len - r->field_start;

	r->nseen++;
	if (r->bad)
		return;
	if (r->nfields == CSV_MAX_FIELDS) {
		csv_set_bad(r, "more than %d fields", CSV_MAX_FIELDS);
		return;
	}
	if (!csv_utf8_valid(r->data + r->field_start, n)) {
		csv_set_bad(r, "field %zu is not valid UTF-8 text", r->nseen);
		return;
	}
	r->off[r->nfields] = r->field_start;
	r->flen[r->nfields] = n;
	r->nfields++;
	r->data[r->len++] = '\0';
	r->field_start = r->len;
}

/* After the character that ended a record: eat the LF of a CRLF, count the line. */
static void
csv_end_line(struct csv_reader *r, int c)
{
	int next;

	if (c == '\r') {
		next = csv_getc(r);
		if (next != '\n' && next != EOF) {
			/* Put it back in front of anything still pending. */
			memmove(r->pending + 1, r->pending, (size_t)r->npending);
			r->pending[0] = (unsigned char)next;
			r->npending++;
		}
	}
	if (c == '\r' || c == '\n')
		r->line++;
}

enum csv_result
csv_reader_next(struct csv_reader *r)
{
	enum csv_state state = CSV_FIELD_START;
	long quote_line = 0;
	int c;

	r->len = r->nfields = r->nseen = r->field_start = 0;
	r->bad = 0;
	r->error[0] = '\0';
	if (!r->started)
		csv_skip_bom(r);
	for (;;) {          /* blank lines */
		c = csv_getc(r);
		if (c == '\r' || c == '\n') {
			csv_end_line(r, c);
			continue;
		}
		break;
	}
	if (c == EOF) {
		if (ferror(r->in)) {
			log_error("csv: read error near line %ld", r->line);
			return (CSV_IO_ERROR);
		}
		return (CSV_EOF);
	}
	r->record_line = r->line;
	for (;; c = csv_getc(r)) {
		switch (state) {
		case CSV_FIELD_START:
			if (c == '"') {
				state = CSV_QUOTED;
				quote_line = r->line;
				continue;
			}
			state = CSV_UNQUOTED;
			/* FALLTHROUGH */
		case CSV_UNQUOTED:
			if (c == ',') {
				csv_end_field(r);
				state = CSV_FIELD_START;
				continue;
			}
			if (c == '\n' || c == '\r' || c == EOF)
				break;
			if (c == '"')
				csv_set_bad(r, "field %zu has a quote but does not start with one",
				    r->nseen + 1);
			csv_add(r, c);
			continue;
		case CSV_QUOTED:
			if (c == EOF) {
				csv_set_bad(r, "unterminated quoted field (opened on line %ld)",
				    quote_line);
				break;
			}
			if (c == '"') {
				state = CSV_QUOTE_SEEN;
				continue;
			}
			if (c == '\n')
				r->line++;
			csv_add(r, c);
			continue;
		case CSV_QUOTE_SEEN:
			if (c == '"') {
				csv_add(r, c);
				state = CSV_QUOTED;
				continue;
			}
			if (c == ',') {
				csv_end_field(r);
				state = CSV_FIELD_START;
				continue;
			}
			if (c == '\n' || c == '\r' || c == EOF)
				break;
			csv_set_bad(r, "field %zu has text after its closing quote",
			    r->nseen + 1);
			state = CSV_UNQUOTED;
			continue;
		}
		break;
	}
	csv_end_field(r);
	csv_end_line(r, c);
	if (c == EOF && ferror(r->in)) {
		log_error("csv: read error near line %ld", r->line);
		return (CSV_IO_ERROR);
	}
	if (r->expected == 0)
		r->expected = r->nseen;
	else if (r->nseen != r->expected)
		csv_set_bad(r, "%zu fields where the header has %zu", r->nseen, r->expected);
	return (r->bad ? CSV_BAD : CSV_RECORD);
}

size_t
csv_reader_nfields(const struct csv_reader *r)
{
	return (r->nfields);
}

const char *
csv_reader_field(const struct csv_reader *r, size_t i, size_t *len)
{
	if (len != NULL)
		*len = r->flen[i];
	return (r->data + r->off[i]);
}

long
csv_reader_line(const struct csv_reader *r)
{
	return (r->record_line);
}

const char *
csv_reader_error(const struct csv_reader *r)
{
	return (r->error);
}

/* A field is text for a C string column, so a NUL byte, though valid UTF-8, is
 * refused here rather than in utf8_valid, which the JSON side shares. */
int
csv_utf8_valid(const char *s, size_t n)
{
	return (memchr(s, '\0', n) == NULL && utf8_valid(s, n));
}

