/* Array literals for PostgreSQL parameters (common/db.h): elements quoted, their
 * quotes and backslashes escaped, commas between them. */
#include <criterion/criterion.h>

#include "common/buf.h"
#include "common/db.h"

Test(db_array, elements_are_quoted_escaped_and_separated)
{
	struct buf b;

	buf_init(&b, 1024);
	cr_assert_eq(buf_append(&b, "{", 1), 0);
	cr_assert_eq(db_array_add_text(&b, "acme"), 0);
	cr_assert_eq(db_array_add_text(&b, "say \"hi\""), 0);
	cr_assert_eq(db_array_add_text(&b, "back\\slash"), 0);
	cr_assert_eq(db_array_add_text(&b, ""), 0);
	cr_assert_eq(buf_append(&b, "}", 1), 0);
	cr_assert_str_eq(b.data, "{\"acme\",\"say \\\"hi\\\"\",\"back\\\\slash\",\"\"}");
	buf_free(&b);
}

Test(db_array, the_cap_is_an_error)
{
	struct buf b;

	buf_init(&b, 8);
	cr_assert_eq(buf_append(&b, "{", 1), 0);
	cr_assert_eq(db_array_add_text(&b, "ab"), 0);
	cr_assert_eq(db_array_add_text(&b, "too long for the cap"), -1);
	buf_free(&b);
}
