#include "collector/csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

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

int
csv_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, need;
	uint32_t cp, min;

	while (i < n) {
		unsigned char c = s[i];

		if (c == 0)
			return (0);
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return (0);
		}
		if (n - i <= need)
			return (0);
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (0);
		i += need + 1;
	}
	return (1);
}

size_t
csv_utf8_length(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return (count);
}
