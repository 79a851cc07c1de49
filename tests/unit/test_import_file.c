/* import_file_check: the importer's readers without a database (what the fuzz
 * harness drives): good rows reach the callback, bad ones are listed by line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/import_file.h"

static int rows;
static long last_line;

static void
count_row(void *arg, long line, enum import_kind kind, const void *row)
{
	const struct import_company *c = row;

	cr_assert_eq(kind, IMPORT_COMPANIES);
	cr_assert_str_eq(c->slug, arg);
	rows++;
	last_line = line;
}

static int
check(const char *text, enum import_format format, char **errors)
{
	struct import_options opt;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r"), *err;
	int rc;

	cr_assert_not_null(in);
	cr_assert_not_null(err = open_memstream(errors, &len));
	memset(&opt, 0, sizeof(opt));
	opt.kind = IMPORT_COMPANIES;
	opt.format = format;
	opt.now = 1780000000;
	opt.errors = err;
	opt.label = "f.csv";
	rows = 0;
	rc = import_file_check(in, &opt, count_row, "acme");
	fclose(in);
	fclose(err);
	return (rc);
}

Test(import_file, check_reports_bad_rows_and_passes_good_ones)
{
	char *errors = NULL;

	cr_assert_eq(check("slug,name,sector,size_band,country\n"
	    "acme,Acme,manufacturing,large,DE\n"
	    "Bad Slug,B,manufacturing,large,DE\n", IMPORT_FORMAT_CSV, &errors), 1);
	cr_expect_eq(rows, 1);
	cr_expect_eq(last_line, 2);
	cr_expect(strncmp(errors, "f.csv:3: slug:", 14) == 0, "%s", errors);
	free(errors);
}

Test(import_file, check_of_a_good_jsonl_file)
{
	char *errors = NULL;

	cr_assert_eq(check("{\"slug\":\"acme\",\"name\":\"Acme\",\"sector\":\"manufacturing\","
	    "\"size_band\":\"large\",\"country\":\"DE\"}\n\n", IMPORT_FORMAT_JSONL, &errors), 0);
	cr_expect_eq(rows, 1);
	cr_expect_str_eq(errors, "");
	free(errors);
}
