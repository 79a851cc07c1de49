#include "api/portfolio_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const int portfolio_summary_days[PORTFOLIO_SUMMARY_PERIODS] = {7, 30, 90};

/* "+" ranks before the plain letter, "-" after it. */
static int
ps_modifier_rank(const char *g)
{
	return (g[0] == '\0' || g[1] == '\0' ? 1 : g[1] == '+' ? 0 : 2);
}

int
portfolio_summary_grade_cmp(const char *a, const char *b)
{
	if (a[0] != b[0])
		return ((unsigned char)a[0] - (unsigned char)b[0]);
	return (ps_modifier_rank(a) - ps_modifier_rank(b));
}

static double
ps_round(double x)
{
	double r = round(x * 10.0) / 10.0;

	return (r == 0.0 ? 0.0 : r);
}

struct ps_mover {
	const struct portfolio_summary_company *c;
	double change;
};

static int
ps_mover_cmp(const void *pa, const void *pb)
{
	const struct ps_mover *a = pa, *b = pb;

	if (a->change != b->change)
		return (a->change < b->change ? -1 : 1);
	return (strcmp(a->c->slug, b->c->slug));
}

static json_t *
ps_grades(const struct portfolio_summary_company *c, size_t n)
{
	json_t *grades = json_array(), *g;
	size_t i, j;

	for (i = 0; grades != NULL && i < n; i++) {
		if (c[i].status != PORTFOLIO_SUMMARY_RATED)
			continue;
		for (j = 0; j < json_array_size(grades); j++) {
			g = json_array_get(grades, j);
			if (strcmp(json_string_value(json_object_get(g, "grade")),
			    c[i].grade) == 0)
				break;
		}
		if (j < json_array_size(grades)) {
			g = json_object_get(json_array_get(grades, j), "companies");
			json_integer_set(g, json_integer_value(g) + 1);
			continue;
		}
		/* Insert in order, best first. */
		for (j = 0; j < json_array_size(grades); j++)
			if (portfolio_summary_grade_cmp(c[i].grade, json_string_value(
			    json_object_get(json_array_get(grades, j), "grade"))) < 0)
				break;
		if (json_array_insert_new(grades, j, json_pack("{s:s, s:i}", "grade",
		    c[i].grade, "companies", 1)) != 0) {
			json_decref(grades);
			grades = NULL;
		}
	}
	return (grades);
}

/* One period: compare every company rated now with its score at the period's start. */
static json_t *
ps_period(const struct portfolio_summary_company *c, size_t n, int p, struct ps_mover *m)
{
	size_t i, k = 0, up = 0, down = 0, same = 0;
	json_t *out, *movers;
	double sum = 0, d;

	for (i = 0; i < n; i++) {
		if (c[i].status != PORTFOLIO_SUMMARY_RATED || !c[i].had_score[p])
			continue;
		d = ps_round(c[i].score - c[i].past_score[p]);
		sum += d;
		if (d > 0)
			up++;
		else if (d < 0) {
			m[down].c = &c[i];
			m[down].change = d;
			down++;
		} else
			same++;
		k++;
	}
	qsort(m, down, sizeof(*m), ps_mover_cmp);
	if ((movers = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < down && i < PORTFOLIO_SUMMARY_MOVERS; i++)
		if (json_array_append_new(movers, json_pack("{s:s, s:s, s:f, s:s, s:f, s:o,"
		    " s:f}", "slug", m[i].c->slug, "name", m[i].c->name, "score",
		    m[i].c->score, "grade", m[i].c->grade, "previous_score",
		    m[i].c->past_score[p], "previous_grade", m[i].c->past_grade[p] != NULL ?
		    json_string(m[i].c->past_grade[p]) : json_null(), "change",
		    m[i].change)) != 0) {
			json_decref(movers);
			return (NULL);
		}
	out = json_pack("{s:i, s:I, s:I, s:I, s:I, s:o, s:o}", "days",
	    portfolio_summary_days[p], "compared", (json_int_t)k, "up", (json_int_t)up,
	    "down", (json_int_t)down, "unchanged", (json_int_t)same, "mean_change",
	    k > 0 ? json_real(ps_round(sum / (double)k)) : json_null(), "worst_movers",
	    movers);
	return (out);
}

json_t *
portfolio_summary_build(const struct portfolio_summary_company *c, size_t n)
{
	size_t i, rated = 0, insufficient = 0;
	json_t *out = NULL, *changes = NULL, *grades = NULL, *period;
	struct ps_mover *m;
	double sum = 0;
	int p;

	if ((m = calloc(n > 0 ? n : 1, sizeof(*m))) == NULL)
		return (NULL);
	for (i = 0; i < n; i++) {
		if (c[i].status == PORTFOLIO_SUMMARY_RATED) {
			rated++;
			sum += c[i].score;
		} else if (c[i].status == PORTFOLIO_SUMMARY_INSUFFICIENT)
			insufficient++;
	}
	if ((grades = ps_grades(c, n)) == NULL || (changes = json_array()) == NULL)
		goto done;
	for (p = 0; p < PORTFOLIO_SUMMARY_PERIODS; p++)
		if ((period = ps_period(c, n, p, m)) == NULL ||
		    json_array_append_new(changes, period) != 0)
			goto done;
	out = json_pack("{s:I, s:I, s:I, s:I, s:o, s:O, s:O}", "companies", (json_int_t)n,
	    "rated", (json_int_t)rated, "insufficient_data", (json_int_t)insufficient,
	    "not_rated", (json_int_t)(n - rated - insufficient), "mean_score", rated > 0 ?
	    json_real(ps_round(sum / (double)rated)) : json_null(), "grades", grades,
	    "changes", changes);
done:
	json_decref(grades);
	json_decref(changes);
	free(m);
	return (out);
}
