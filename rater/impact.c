#include "rater/impact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Score deltas in tenths of a point: -1000..1000. */
#define IMPACT_DELTA_SPAN 1000
#define IMPACT_NBINS (2 * IMPACT_DELTA_SPAN + 1)
/* Grades of both versions, and one more row and column for insufficient data. */
#define IMPACT_MAX_GRADES (2 * METHODOLOGY_MAX_BANDS + 1)
#define IMPACT_NCONF 4

struct impact_mover {
	int64_t id;
	char slug[64];
	int delta;                     /* tenths */
	double before, after;
	char before_grade[4], after_grade[4];
};

struct impact {
	const struct methodology *before_m, *after_m;
	size_t ngrades;
	char grades[IMPACT_MAX_GRADES][20];
	int64_t matrix[IMPACT_MAX_GRADES][IMPACT_MAX_GRADES];
	int64_t conf[IMPACT_NCONF][IMPACT_NCONF];
	int64_t bins[IMPACT_NBINS];
	int64_t companies, both_rated, up, down, unchanged;
	int64_t delta_sum;             /* tenths */
	int64_t ins_before, ins_after, became_ins, became_rated;
	size_t top_n, nup, ndown;
	struct impact_mover up_list[IMPACT_MAX_TOP], down_list[IMPACT_MAX_TOP];
};

static int
impact_grade_index(const struct impact *im, const char *grade)
{
	size_t i;

	for (i = 0; i < im->ngrades; i++)
		if (strcmp(im->grades[i], grade) == 0)
			return ((int)i);
	return (-1);
}

struct impact *
impact_new(const struct methodology *before, const struct methodology *after,
    size_t top_n)
{
	struct impact *im;
	size_t i;

	if (top_n < 1 || top_n > IMPACT_MAX_TOP)
		return (NULL);
	if ((im = calloc(1, sizeof(*im))) == NULL)
		return (NULL);
	im->before_m = before;
	im->after_m = after;
	im->top_n = top_n;
	/* The draft's grades in its order, then any grade only the old version had. */
	for (i = 0; i < after->nbands && im->ngrades < IMPACT_MAX_GRADES - 1; i++)
		if (impact_grade_index(im, after->bands[i].grade) < 0)
			memcpy(im->grades[im->ngrades++], after->bands[i].grade, 4);
	for (i = 0; i < before->nbands && im->ngrades < IMPACT_MAX_GRADES - 1; i++)
		if (impact_grade_index(im, before->bands[i].grade) < 0)
			memcpy(im->grades[im->ngrades++], before->bands[i].grade, 4);
	memcpy(im->grades[im->ngrades++], "insufficient_data", 18);
	return (im);
}

void
impact_free(struct impact *im)
{
	free(im);
}

void
impact_side_of(const struct rating *r, struct impact_side *out)
{
	memset(out, 0, sizeof(*out));
	out->status = r->status;
	out->confidence = r->confidence;
	if (r->status == RATING_RATED) {
		out->score = r->score;
		memcpy(out->grade, r->grade, sizeof(out->grade));
		out->grade[sizeof(out->grade) - 1] = '\0';
	}
}

int64_t
impact_companies(const struct impact *im)
{
	return (im->companies);
}

static int
impact_side_grade(const struct impact *im, const struct impact_side *s)
{
	if (s->status != RATING_RATED)
		return ((int)im->ngrades - 1);
	return (impact_grade_index(im, s->grade));
}

/* Whether mover a goes before b in a list of largest moves. */
static int
impact_mover_before(const struct impact_mover *a, const struct impact_mover *b)
{
	int ma = abs(a->delta), mb = abs(b->delta);

	if (ma != mb)
		return (ma > mb);
	return (strcmp(a->slug, b->slug) < 0);
}

static void
impact_keep_mover(struct impact_mover *list, size_t *n, size_t top_n,
    const struct impact_mover *m)
{
	size_t i;

	if (*n == top_n && !impact_mover_before(m, &list[*n - 1]))
		return;
	i = *n < top_n ? (*n)++ : *n - 1;
	while (i > 0 && impact_mover_before(m, &list[i - 1])) {
		list[i] = list[i - 1];
		i--;
	}
	list[i] = *m;
}

int
impact_add(struct impact *im, const struct impact_company *c)
{
	int gb = impact_side_grade(im, &c->before), ga = impact_side_grade(im, &c->after);
	struct impact_mover mv;
	long d;

	if (gb < 0 || ga < 0 || c->before.confidence >= IMPACT_NCONF ||
	    c->after.confidence >= IMPACT_NCONF)
		return (-1);
	im->companies++;
	im->matrix[gb][ga]++;
	im->conf[c->before.confidence][c->after.confidence]++;
	if (c->before.status != RATING_RATED)
		im->ins_before++;
	if (c->after.status != RATING_RATED)
		im->ins_after++;
	if (c->before.status == RATING_RATED && c->after.status != RATING_RATED)
		im->became_ins++;
	if (c->before.status != RATING_RATED && c->after.status == RATING_RATED)
		im->became_rated++;
	if (c->before.status != RATING_RATED || c->after.status != RATING_RATED)
		return (0);
	d = lround((c->after.score - c->before.score) * 10.0);
	if (d < -IMPACT_DELTA_SPAN)
		d = -IMPACT_DELTA_SPAN;
	if (d > IMPACT_DELTA_SPAN)
		d = IMPACT_DELTA_SPAN;
	im->both_rated++;
	im->bins[d + IMPACT_DELTA_SPAN]++;
	im->delta_sum += d;
	if (d == 0) {
		im->unchanged++;
		return (0);
	}
	memset(&mv, 0, sizeof(mv));
	mv.id = c->id;
	memcpy(mv.slug, c->slug, sizeof(mv.slug));
	mv.slug[sizeof(mv.slug) - 1] = '\0';
	mv.delta = (int)d;
	mv.before = c->before.score;
	mv.after = c->after.score;
	memcpy(mv.before_grade, c->before.grade, sizeof(mv.before_grade));
	memcpy(mv.after_grade, c->after.grade, sizeof(mv.after_grade));
	if (d > 0) {
		im->up++;
		impact_keep_mover(im->up_list, &im->nup, im->top_n, &mv);
	} else {
		im->down++;
		impact_keep_mover(im->down_list, &im->ndown, im->top_n, &mv);
	}
	return (0);
}

/* The delta (tenths) at nearest rank ceil(q * n), 1-based. */
static long
impact_quantile(const struct impact *im, double q)
{
	int64_t rank = (int64_t)ceil(q * (double)im->both_rated), seen = 0;
	size_t i;

	if (rank < 1)
		rank = 1;
	for (i = 0; i < IMPACT_NBINS; i++) {
		seen += im->bins[i];
		if (seen >= rank)
			return ((long)i - IMPACT_DELTA_SPAN);
	}
	return (IMPACT_DELTA_SPAN);
}

static json_t *
impact_points(const struct impact *im, long tenths)
{
	if (im->both_rated == 0)
		return (json_null());
	return (json_real((double)tenths / 10.0));
}

static json_t *
impact_delta_json(const struct impact *im)
{
	/* Inclusive bucket bounds in tenths. */
	static const int edges[][2] = {
		{-1000, -200}, {-199, -100}, {-99, -50}, {-49, -10}, {-9, -1}, {0, 0},
		{1, 9}, {10, 49}, {50, 99}, {100, 199}, {200, 1000},
	};
	json_t *hist = json_array(), *o;
	long lo = 0, hi = 0;
	int64_t n;
	size_t i;
	int d;

	if (hist == NULL)
		return (NULL);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		n = 0;
		for (d = edges[i][0]; d <= edges[i][1]; d++)
			n += im->bins[d + IMPACT_DELTA_SPAN];
		if (json_array_append_new(hist, json_pack("{s:f, s:f, s:I}", "from",
		    edges[i][0] / 10.0, "to", edges[i][1] / 10.0, "companies",
		    (json_int_t)n)) != 0) {
			json_decref(hist);
			return (NULL);
		}
	}
	if (im->both_rated > 0) {
		lo = impact_quantile(im, 0.0);
		hi = impact_quantile(im, 1.0);
	}
	o = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "companies", (json_int_t)im->both_rated, "up", (json_int_t)im->up,
	    "down", (json_int_t)im->down, "unchanged", (json_int_t)im->unchanged,
	    "mean", im->both_rated ? json_real(round((double)im->delta_sum /
	    (double)im->both_rated * 100.0) / 1000.0) : json_null(),
	    "min", impact_points(im, lo), "p10", impact_points(im, impact_quantile(im, 0.1)),
	    "median", impact_points(im, impact_quantile(im, 0.5)),
	    "p90", impact_points(im, impact_quantile(im, 0.9)),
	    "max", impact_points(im, hi), "histogram", hist);
	return (o);
}

static json_t *
impact_migration_json(const struct impact *im)
{
	json_t *grades = json_array(), *matrix = json_array(), *row;
	int64_t upg = 0, down = 0, same = 0;
	size_t i, j;

	if (grades == NULL || matrix == NULL)
		goto fail;
	for (i = 0; i < im->ngrades; i++) {
		if (json_array_append_new(grades, json_string(im->grades[i])) != 0 ||
		    (row = json_array()) == NULL || json_array_append_new(matrix, row) != 0)
			goto fail;
		for (j = 0; j < im->ngrades; j++) {
			if (json_array_append_new(row, json_integer(im->matrix[i][j])) != 0)
				goto fail;
			/* Between rated grades only: insufficient data is the last index. */
			if (i + 1 == im->ngrades || j + 1 == im->ngrades)
				continue;
			if (i == j)
				same += im->matrix[i][j];
			else if (j < i)
				upg += im->matrix[i][j];
			else
				down += im->matrix[i][j];
		}
	}
	return (json_pack("{s:o, s:o, s:I, s:I, s:I}", "grades", grades, "matrix", matrix,
	    "upgrades", (json_int_t)upg, "downgrades", (json_int_t)down, "same_grade",
	    (json_int_t)same));
fail:
	json_decref(grades);
	json_decref(matrix);
	return (NULL);
}

static json_t *
impact_movers_json(const struct impact_mover *list, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:I, s:s, s:f, s:f, s:f, s:s, s:s}",
		    "id", (json_int_t)list[i].id, "slug", list[i].slug, "before_score",
		    list[i].before, "after_score", list[i].after, "delta",
		    list[i].delta / 10.0, "before_grade", list[i].before_grade,
		    "after_grade", list[i].after_grade)) != 0) {
			json_decref(a);
			return (NULL);
		}
	return (a);
}

static json_t *
impact_confidence_json(const struct impact *im)
{
	json_t *changes = json_array();
	int64_t changed = 0;
	int i, j;

	for (i = IMPACT_NCONF - 1; changes != NULL && i >= 0; i--)
		for (j = IMPACT_NCONF - 1; j >= 0; j--) {
			if (i == j || im->conf[i][j] == 0)
				continue;
			changed += im->conf[i][j];
			if (json_array_append_new(changes, json_pack("{s:s, s:s, s:I}", "from",
			    rating_confidence_name((enum rating_confidence)i), "to",
			    rating_confidence_name((enum rating_confidence)j), "companies",
			    (json_int_t)im->conf[i][j])) != 0) {
				json_decref(changes);
				return (NULL);
			}
		}
	return (json_pack("{s:I, s:o}", "changed", (json_int_t)changed, "changes", changes));
}

json_t *
impact_json(const struct impact *im)
{
	return (json_pack("{s:I, s:s, s:s, s:o, s:o, s:{s:o, s:o}, s:o, s:{s:I, s:I, s:I, s:I}}",
	    "companies", (json_int_t)im->companies,
	    "before_version", im->before_m->version, "after_version", im->after_m->version,
	    "delta", impact_delta_json(im),
	    "grade_migration", impact_migration_json(im),
	    "top_movers", "up", impact_movers_json(im->up_list, im->nup),
	    "down", impact_movers_json(im->down_list, im->ndown),
	    "confidence", impact_confidence_json(im),
	    "insufficient_data", "before", (json_int_t)im->ins_before,
	    "after", (json_int_t)im->ins_after,
	    "became_insufficient", (json_int_t)im->became_ins,
	    "became_rated", (json_int_t)im->became_rated));
}
