/*
 * collector/csv: any bytes, read record by record under small or default caps.
 * Checks: every record has the header's field count (at most CSV_MAX_FIELDS), every
 * field is valid UTF-8 without NUL within the field and record caps, a bad record
 * has a reason and a good one none, lines never go back, and the good records,
 * written out again as CSV, read back the same.
 */
#define _GNU_SOURCE
#include "tests/fuzz/fuzz.h"

#include "collector/csv.h"

struct caps { size_t record, field; };

/* Read all of in; write the good records to out as CSV (every field quoted) when out
 * is not NULL; return how many good records there were. */
static size_t
read_all(FILE *in, struct caps caps, size_t size, FILE *out)
{
	struct csv_reader *r = csv_reader_new(in, caps.record, caps.field);
	size_t good = 0, calls = 0, header = 0, i, n, len, total;
	long line = 0;
	enum csv_result res;

	FUZZ_CHECK(r != NULL);
	while ((res = csv_reader_next(r)) != CSV_EOF) {
		FUZZ_CHECK(res == CSV_RECORD || res == CSV_BAD);
		FUZZ_CHECK(++calls <= size + 2);
		FUZZ_CHECK(csv_reader_line(r) >= line);
		line = csv_reader_line(r);
		if (res == CSV_BAD) {
			FUZZ_CHECK(csv_reader_error(r)[0] != '\0');
			continue;
		}
		FUZZ_CHECK(csv_reader_error(r)[0] == '\0');
		n = csv_reader_nfields(r);
		FUZZ_CHECK(n >= 1 && n <= CSV_MAX_FIELDS);
		if (header == 0)
			header = n;
		FUZZ_CHECK(n == header);
		for (i = 0, total = 0; i < n; i++) {
			const char *f = csv_reader_field(r, i, &len);

			FUZZ_CHECK(strlen(f) == len);
			FUZZ_CHECK(len <= caps.field && utf8_valid(f, len));
			total += len;
			if (out != NULL) {
				fputc('"', out);
				for (; *f != '\0'; f++) {
					if (*f == '"')
						fputc('"', out);
					fputc(*f, out);
				}
				fputs(i + 1 < n ? "\"," : "\"\r\n", out);
			}
		}
		FUZZ_CHECK(total <= caps.record);
		good++;
	}
	csv_reader_free(r);
	return (good);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caps caps = {CSV_DEFAULT_MAX_RECORD, CSV_DEFAULT_MAX_FIELD};
	char *again = NULL, *twice = NULL;
	size_t againlen = 0, twicelen = 0, good;
	FILE *in, *out;

	/* The first byte picks small caps half the time, so that they are reached. */
	if (size > 0 && (data[0] & 1)) {
		caps.record = 64 + (data[0] >> 1);
		caps.field = 16 + (data[0] >> 3);
	}
	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return (0);
	FUZZ_CHECK((out = open_memstream(&again, &againlen)) != NULL);
	good = read_all(in, caps, size, out);
	fclose(in);
	fclose(out);
	if (againlen > 0) {
		FUZZ_CHECK((in = fmemopen(again, againlen, "r")) != NULL);
		FUZZ_CHECK((out = open_memstream(&twice, &twicelen)) != NULL);
		FUZZ_CHECK(read_all(in, caps, againlen, out) == good);
		fclose(in);
		fclose(out);
		FUZZ_CHECK(twicelen == againlen && memcmp(twice, again, againlen) == 0);
	}
	free(again);
	free(twice);
	return (0);
}
