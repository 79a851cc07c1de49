/* The progress meter's text (what it draws on a terminal). */
#include <criterion/criterion.h>

#include "common/progress.h"

Test(progress, known_total_shows_rate_and_eta)
{
	char out[128];

	progress_format("reading x.csv", "bytes", 50000000, 150000000, 2.0, out, sizeof(out));
	cr_assert_str_eq(out, "reading x.csv: 50.00M/150.00M bytes, 25.00M bytes/s, ETA 0:04");
}

Test(progress, unknown_total_has_no_eta)
{
	char out[128];

	progress_format("rows", "rows", 1500, 0, 3.0, out, sizeof(out));
	cr_assert_str_eq(out, "rows: 1.5k rows, 500 rows/s");
}

Test(progress, no_time_yet_means_no_eta)
{
	char out[128];

	progress_format("a", "rows", 0, 10, 0.0, out, sizeof(out));
	cr_assert_str_eq(out, "a: 0/10 rows, 0 rows/s, ETA ?");
}

Test(progress, a_long_eta_is_in_minutes)
{
	char out[128];

	progress_format("a", "rows", 1000, 1000000, 10.0, out, sizeof(out));
	cr_assert_str_eq(out, "a: 1.0k/1.00M rows, 100 rows/s, ETA 166:30");
}

Test(progress, every_function_accepts_null)
{
	progress_update(NULL, 5);
	progress_finish(NULL);
}

Test(progress, a_lazy_meter_is_made_once_on_the_first_report)
{
	struct progress_lazy lz = {"score", "companies", NULL};
	struct progress *first;

	progress_lazy_report(&lz, 0, 10);
	cr_assert_not_null(lz.meter);
	first = lz.meter;
	progress_lazy_report(&lz, 5, 10);
	cr_assert_eq(lz.meter, first, "later reports update the same meter");
	progress_finish(lz.meter);
}
