/* The COPY text format as the rescoring reads the companies stream. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "rater/rating_store.h"

Test(copy_text, splits_fields_and_nulls)
{
	char line[] = "12\tabc\t\\N\t\tlast\n";
	char *f[RATING_STORE_MAX_FIELDS];
	int n = rating_store_copy_split(line, strlen(line), f, RATING_STORE_MAX_FIELDS);

	cr_assert_eq(n, 5);
	cr_assert_str_eq(f[0], "12");
	cr_assert_str_eq(f[1], "abc");
	cr_assert_null(f[2]);
	cr_assert_str_eq(f[3], "");
	cr_assert_str_eq(f[4], "last");
}

Test(copy_text, undoes_escapes)
{
	char line[] = "a\\tb\\\\c\\nd\tx\\\\N\t\\N";
	char *f[RATING_STORE_MAX_FIELDS];
	int n = rating_store_copy_split(line, strlen(line), f, RATING_STORE_MAX_FIELDS);

	cr_assert_eq(n, 3);
	cr_assert_str_eq(f[0], "a\tb\\c\nd");
	/* An escaped backslash followed by N is text, not NULL. */
	cr_assert_str_eq(f[1], "x\\N");
	cr_assert_null(f[2]);
}

Test(copy_text, refuses_too_many_fields_and_bad_escapes)
{
	char many[] = "1\t2\t3";
	char bad[] = "1\t2\\q";
	char trailing[] = "abc\\";
	char *f[2];

	cr_assert_eq(rating_store_copy_split(many, strlen(many), f, 2), -1);
	cr_assert_eq(rating_store_copy_split(bad, strlen(bad), f, 2), -1);
	cr_assert_eq(rating_store_copy_split(trailing, strlen(trailing), f, 2), -1);
}

/* The companies stream's list of assets attributed below confidence 1. */
Test(copy_text, reads_the_uncertain_assets)
{
	struct rating_store_uncertain l = {0};

	cr_assert_eq(rating_store_uncertain_parse("3:0.500,17:0.900,40:0.999", &l), 0);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.items[0].id, 3);
	cr_assert_float_eq(l.items[1].confidence, 0.9, 1e-12);
	cr_assert_eq(l.items[2].id, 40);
	cr_assert_eq(rating_store_uncertain_parse(NULL, &l), 0);
	cr_assert_eq(l.n, 0, "replaced, not appended");
	cr_assert_eq(rating_store_uncertain_parse("", &l), 0);
	cr_assert_eq(rating_store_uncertain_parse("5:0.5,5:0.6", &l), -1, "ids ascend");
	cr_assert_eq(rating_store_uncertain_parse("5:1.000", &l), -1, "below 1 only");
	cr_assert_eq(rating_store_uncertain_parse("5:0", &l), -1);
	cr_assert_eq(rating_store_uncertain_parse("5:0.5;6:0.5", &l), -1);
	cr_assert_eq(rating_store_uncertain_parse("x:0.5", &l), -1);
	cr_assert_eq(rating_store_uncertain_parse("5:", &l), -1);
	rating_store_uncertain_free(&l);
}
