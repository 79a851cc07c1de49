/* The portfolio summary's arithmetic: counts, grade mix in grade order, changes per
 * period and the worst movers. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "api/portfolio_summary.h"

static struct portfolio_summary_company
company(const char *slug, enum portfolio_summary_status st, double score, const char *grade)
{
	struct portfolio_summary_company c;

	memset(&c, 0, sizeof(c));
	c.slug = slug;
	c.name = slug;
	c.status = st;
	c.score = score;
	c.grade = grade;
	return (c);
}

static void
past(struct portfolio_summary_company *c, int period, double score, const char *grade)
{
	c->had_score[period] = 1;
	c->past_score[period] = score;
	c->past_grade[period] = grade;
}

static json_int_t
num(const json_t *o, const char *k)
{
	cr_assert(json_is_integer(json_object_get(o, k)), "%s is not an integer", k);
	return (json_integer_value(json_object_get(o, k)));
}

Test(portfolio_summary, grade_order)
{
	cr_assert_lt(portfolio_summary_grade_cmp("A+", "A"), 0);
	cr_assert_lt(portfolio_summary_grade_cmp("A", "A-"), 0);
	cr_assert_lt(portfolio_summary_grade_cmp("A-", "B+"), 0);
	cr_assert_eq(portfolio_summary_grade_cmp("C", "C"), 0);
	cr_assert_gt(portfolio_summary_grade_cmp("F", "D"), 0);
}

Test(portfolio_summary, counts_grades_changes_and_movers)
{
	struct portfolio_summary_company c[6];
	json_t *s, *grades, *week, *month, *quarter, *movers;

	c[0] = company("alpha", PORTFOLIO_SUMMARY_RATED, 90.0, "A");
	c[1] = company("bravo", PORTFOLIO_SUMMARY_RATED, 70.0, "C");
	c[2] = company("charlie", PORTFOLIO_SUMMARY_RATED, 60.0, "D");
	c[3] = company("delta", PORTFOLIO_SUMMARY_RATED, 88.0, "A");
	c[4] = company("echo", PORTFOLIO_SUMMARY_INSUFFICIENT, 0, NULL);
	c[5] = company("foxtrot", PORTFOLIO_SUMMARY_NOT_RATED, 0, NULL);
	/* 7 days: alpha held, bravo fell 5. 30 days: charlie fell 12.3, bravo fell 5,
	 * alpha rose 2; echo had a score but has none now, so it is not compared. */
	past(&c[0], 0, 90.0, "A");
	past(&c[1], 0, 75.0, "B");
	past(&c[0], 1, 88.0, "A");
	past(&c[1], 1, 75.0, "B");
	past(&c[2], 1, 72.3, "C");
	past(&c[4], 1, 50.0, "E");
	s = portfolio_summary_build(c, 6);
	cr_assert_not_null(s);
	cr_assert_eq(num(s, "companies"), 6);
	cr_assert_eq(num(s, "rated"), 4);
	cr_assert_eq(num(s, "insufficient_data"), 1);
	cr_assert_eq(num(s, "not_rated"), 1);
	cr_assert_float_eq(json_real_value(json_object_get(s, "mean_score")), 77.0, 1e-9);
	grades = json_object_get(s, "grades");
	cr_assert_eq(json_array_size(grades), 3);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(grades, 0),
	    "grade")), "A");
	cr_assert_eq(num(json_array_get(grades, 0), "companies"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(grades, 1),
	    "grade")), "C");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(grades, 2),
	    "grade")), "D");

	week = json_array_get(json_object_get(s, "changes"), 0);
	cr_assert_eq(num(week, "days"), 7);
	cr_assert_eq(num(week, "compared"), 2);
	cr_assert_eq(num(week, "down"), 1);
	cr_assert_eq(num(week, "unchanged"), 1);
	cr_assert_float_eq(json_real_value(json_object_get(week, "mean_change")), -2.5, 1e-9);

	month = json_array_get(json_object_get(s, "changes"), 1);
	cr_assert_eq(num(month, "days"), 30);
	cr_assert_eq(num(month, "compared"), 3);
	cr_assert_eq(num(month, "up"), 1);
	cr_assert_eq(num(month, "down"), 2);
	movers = json_object_get(month, "worst_movers");
	cr_assert_eq(json_array_size(movers), 2, "only those that fell");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(movers, 0),
	    "slug")), "charlie");
	cr_assert_float_eq(json_real_value(json_object_get(json_array_get(movers, 0),
	    "change")), -12.3, 1e-9);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(movers, 0),
	    "previous_grade")), "C");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(movers, 1),
	    "slug")), "bravo");

	quarter = json_array_get(json_object_get(s, "changes"), 2);
	cr_assert_eq(num(quarter, "compared"), 0);
	cr_assert(json_is_null(json_object_get(quarter, "mean_change")));
	cr_assert_eq(json_array_size(json_object_get(quarter, "worst_movers")), 0);
	json_decref(s);
}

Test(portfolio_summary, movers_capped_largest_fall_first)
{
	static const char *const slugs[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7"};
	struct portfolio_summary_company c[7];
	json_t *s, *movers;
	int i;

	for (i = 0; i < 7; i++) {
		c[i] = company(slugs[i], PORTFOLIO_SUMMARY_RATED, 50.0, "D");
		past(&c[i], 2, 50.0 + i, "D");
	}
	s = portfolio_summary_build(c, 7);
	movers = json_object_get(json_array_get(json_object_get(s, "changes"), 2),
	    "worst_movers");
	cr_assert_eq(json_array_size(movers), PORTFOLIO_SUMMARY_MOVERS);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(movers, 0),
	    "slug")), "a7");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(movers, 4),
	    "slug")), "a3");
	json_decref(s);
}

Test(portfolio_summary, empty_portfolio)
{
	json_t *s = portfolio_summary_build(NULL, 0);

	cr_assert_not_null(s);
	cr_assert_eq(num(s, "companies"), 0);
	cr_assert(json_is_null(json_object_get(s, "mean_score")));
	cr_assert_eq(json_array_size(json_object_get(s, "grades")), 0);
	cr_assert_eq(json_array_size(json_object_get(s, "changes")), 3);
	json_decref(s);
}
