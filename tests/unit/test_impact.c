/*
 * Impact summaries: deltas, their distribution and quantiles, the grade migration
 * matrix, top movers with ties, confidence changes and falls to insufficient data, on
 * a handful of companies whose figures are computed by hand.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "rater/impact.h"

static struct methodology_band bands[] = {{"A", 80}, {"B", 60}, {"C", 0}};

static void
set_side(struct impact_side *s, double score, const char *grade, enum rating_confidence c)
{
	memset(s, 0, sizeof(*s));
	if (grade == NULL) {
		s->status = RATING_INSUFFICIENT_DATA;
		s->confidence = RATING_CONFIDENCE_NONE;
		return;
	}
	s->status = RATING_RATED;
	s->score = score;
	strcpy(s->grade, grade);
	s->confidence = c;
}

static void
add(struct impact *im, int64_t id, const char *slug, double b, const char *bg,
    double a, const char *ag, enum rating_confidence bc, enum rating_confidence ac)
{
	struct impact_company c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	strcpy(c.slug, slug);
	set_side(&c.before, b, bg, bc);
	set_side(&c.after, a, ag, ac);
	cr_assert_eq(impact_add(im, &c), 0);
}

static double
num(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(json_object_get(o, path1), path2);

	cr_assert(json_is_number(v), "%s.%s is not a number", path1, path2);
	return (json_number_value(v));
}

Test(impact, summary_of_five_companies)
{
	struct methodology m;
	struct impact *im;
	json_t *j, *mx, *up, *down, *ch;
	const enum rating_confidence H = RATING_CONFIDENCE_HIGH, M = RATING_CONFIDENCE_MEDIUM;

	memset(&m, 0, sizeof(m));
	strcpy(m.version, "2026.1");
	m.nbands = 3;
	m.bands = bands;
	im = impact_new(&m, &m, 2);
	cr_assert_not_null(im);
	add(im, 1, "alpha", 85.0, "A", 75.5, "B", H, H);   /* -9.5 */
	add(im, 2, "beta", 70.0, "B", 81.0, "A", H, M);    /* +11 */
	add(im, 3, "gamma", 50.0, "C", 50.0, "C", M, M);   /* 0 */
	add(im, 4, "delta", 65.0, "B", 55.5, "C", M, M);   /* -9.5, ties alpha */
	add(im, 5, "eps", 62.0, "B", 0, NULL, M, RATING_CONFIDENCE_NONE);
	cr_assert_eq(impact_companies(im), 5);
	j = impact_json(im);
	cr_assert_not_null(j);
	cr_assert_eq(json_integer_value(json_object_get(j, "companies")), 5);
	/* Deltas over the four rated twice: -9.5, -9.5, 0, +11. */
	cr_assert_float_eq(num(j, "delta", "companies"), 4, 1e-9);
	cr_assert_float_eq(num(j, "delta", "up"), 1, 1e-9);
	cr_assert_float_eq(num(j, "delta", "down"), 2, 1e-9);
	cr_assert_float_eq(num(j, "delta", "unchanged"), 1, 1e-9);
	cr_assert_float_eq(num(j, "delta", "mean"), -2.0, 1e-9);
	cr_assert_float_eq(num(j, "delta", "min"), -9.5, 1e-9);
	cr_assert_float_eq(num(j, "delta", "median"), -9.5, 1e-9);  /* rank ceil(2) */
	cr_assert_float_eq(num(j, "delta", "p90"), 11.0, 1e-9);
	cr_assert_float_eq(num(j, "delta", "max"), 11.0, 1e-9);
	/* Histogram: -9.5 twice in [-9.9, -5], 0 in [0, 0], 11 in [10, 19.9]. */
	cr_assert_float_eq(json_number_value(json_object_get(json_array_get(json_object_get(
	    json_object_get(j, "delta"), "histogram"), 2), "companies")), 2, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(json_array_get(json_object_get(
	    json_object_get(j, "delta"), "histogram"), 5), "companies")), 1, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(json_array_get(json_object_get(
	    json_object_get(j, "delta"), "histogram"), 9), "companies")), 1, 1e-9);
	/* Matrix rows before, columns after, over A, B, C, insufficient_data. */
	mx = json_object_get(json_object_get(j, "grade_migration"), "matrix");
	cr_assert_eq(json_array_size(mx), 4);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(j,
	    "grade_migration"), "grades"), 3)), "insufficient_data");
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(mx, 0), 1)), 1);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(mx, 1), 0)), 1);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(mx, 1), 2)), 1);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(mx, 1), 3)), 1);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(mx, 2), 2)), 1);
	cr_assert_float_eq(num(j, "grade_migration", "upgrades"), 1, 1e-9);
	cr_assert_float_eq(num(j, "grade_migration", "downgrades"), 2, 1e-9);
	cr_assert_float_eq(num(j, "grade_migration", "same_grade"), 1, 1e-9);
	/* Top 2 each way; the -9.5 tie is broken by slug. */
	up = json_object_get(json_object_get(j, "top_movers"), "up");
	down = json_object_get(json_object_get(j, "top_movers"), "down");
	cr_assert_eq(json_array_size(up), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(up, 0), "slug")),
	    "beta");
	cr_assert_eq(json_array_size(down), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(down, 0), "slug")),
	    "alpha");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(down, 1), "slug")),
	    "delta");
	/* Confidence: beta high->medium, eps medium->none. */
	cr_assert_float_eq(num(j, "confidence", "changed"), 2, 1e-9);
	ch = json_object_get(json_object_get(j, "confidence"), "changes");
	cr_assert_eq(json_array_size(ch), 2);
	cr_assert_float_eq(num(j, "insufficient_data", "became_insufficient"), 1, 1e-9);
	cr_assert_float_eq(num(j, "insufficient_data", "after"), 1, 1e-9);
	cr_assert_float_eq(num(j, "insufficient_data", "before"), 0, 1e-9);
	json_decref(j);
	impact_free(im);
}

Test(impact, keeps_only_the_largest_movers)
{
	struct methodology m;
	struct impact *im;
	json_t *j, *up;
	char slug[16];
	int i;

	memset(&m, 0, sizeof(m));
	strcpy(m.version, "2026.1");
	m.nbands = 3;
	m.bands = bands;
	im = impact_new(&m, &m, 3);
	for (i = 1; i <= 10; i++) {
		snprintf(slug, sizeof(slug), "c%02d", i);
		add(im, i, slug, 10, "C", 10 + i, "C", RATING_CONFIDENCE_LOW,
		    RATING_CONFIDENCE_LOW);
	}
	j = impact_json(im);
	up = json_object_get(json_object_get(j, "top_movers"), "up");
	cr_assert_eq(json_array_size(up), 3);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(up, 0), "slug")),
	    "c10");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(up, 2), "slug")),
	    "c08");
	cr_assert_float_eq(num(j, "delta", "median"), 5.0, 1e-9);
	json_decref(j);
	impact_free(im);
}

Test(impact, unknown_grade_is_refused)
{
	struct methodology m;
	struct impact *im;
	struct impact_company c;

	memset(&m, 0, sizeof(m));
	m.nbands = 3;
	m.bands = bands;
	im = impact_new(&m, &m, 1);
	memset(&c, 0, sizeof(c));
	set_side(&c.before, 50, "Z", RATING_CONFIDENCE_LOW);
	set_side(&c.after, 50, "C", RATING_CONFIDENCE_LOW);
	cr_assert_eq(impact_add(im, &c), -1);
	cr_assert_eq(impact_companies(im), 0);
	cr_assert_null(impact_new(&m, &m, 0));
	impact_free(im);
}
