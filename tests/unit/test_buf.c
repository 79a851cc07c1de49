/* The capped buffer: its limit holds however the bytes arrive. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"

Test(buf, the_limit_holds_for_small_appends_into_room_already_allocated)
{
	struct buf b;
	int i;

	buf_init(&b, 10);
	/* The first allocation is larger than the limit; appends past it still fail. */
	for (i = 0; i < 10; i++)
		cr_assert_eq(buf_append(&b, "x", 1), 0);
	cr_assert_eq(buf_append(&b, "x", 1), -1);
	cr_assert_eq(b.len, 10);
	cr_assert_str_eq(b.data, "xxxxxxxxxx");
	cr_assert_eq(buf_append(&b, "", 0), 0, "nothing always fits");
	buf_free(&b);
}

Test(buf, a_failed_append_leaves_it_as_it_was)
{
	struct buf b;

	buf_init(&b, 300);
	cr_assert_eq(buf_append(&b, "abc", 3), 0);
	cr_assert_eq(buf_appendf(&b, "%0400d", 1), -1);
	cr_assert_eq(b.len, 3);
	cr_assert_str_eq(b.data, "abc");
	buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	buf_free(&b);
}
