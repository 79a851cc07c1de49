#include "rater/methodology_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

/* A diff text never needs more: a methodology document is at most 1 MB. */
#define METHODOLOGY_DIFF_TEXT_LIMIT ((size_t)8 * 1024 * 1024)

static int
diff_add(json_t *out, const char *path, const char *change, json_t *old, json_t *new)
{
	json_t *o;

	if (old == NULL)
		old = json_null();
	if (new == NULL)
		new = json_null();
	o = json_pack("{s:s, s:s, s:o, s:o}", "path", path, "change", change, "old", old,
	    "new", new);
	if (o == NULL || json_array_append_new(out, o) != 0)
		return (-1);
	return (0);
}

static int
diff_number(json_t *out, const char *path, double a, double b)
{
	if (a == b)
		return (0);
	return (diff_add(out, path, "changed", json_real(a), json_real(b)));
}

static int
diff_integer(json_t *out, const char *path, long long a, long long b)
{
	if (a == b)
		return (0);
	return (diff_add(out, path, "changed", json_integer(a), json_integer(b)));
}

static int
diff_string(json_t *out, const char *path, const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return (0);
	return (diff_add(out, path, "changed", json_string(a), json_string(b)));
}

static int
diff_bool(json_t *out, const char *path, int a, int b)
{
	if (!a == !b)
		return (0);
	return (diff_add(out, path, "changed", json_boolean(a), json_boolean(b)));
}

static const char *
diff_kind_name(enum methodology_factor_kind k)
{
	return (k == METHODOLOGY_FACTOR_BONUS ? "bonus" : "penalty");
}

static json_t *
diff_factor_json(const struct methodology_factor *f)
{
	return (json_pack("{s:s, s:s, s:s, s:f, s:i, s:f, s:i, s:b, s:b, s:f}", "code",
	    f->code, "name", f->name, "kind", diff_kind_name(f->kind), "weight", f->weight,
	    "lifetime_days", f->lifetime_days, "half_life_days", f->half_life_days,
	    "max_age_days", f->max_age_days, "absence_is_clean", f->absence_is_clean,
	    "footprint_normalised", f->footprint_normalised, "bonus_cap", f->bonus_cap));
}

static json_t *
diff_check_json(const struct methodology *m, const struct methodology_check *c)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:f}", "code", c->code, "title", c->title,
	    "factor", m->factors[c->factor].code, "severity",
	    methodology_severity_name(c->severity), "points", c->points));
}

/* A factor's clean_if_covered_by as "a, b" ("" when none), in out. */
static const char *
diff_covered(const struct methodology_factor *f, char *out)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < f->ncovered_by; i++)
		len += (size_t)sprintf(out + len, "%s%s", i > 0 ? ", " : "", f->covered_by[i]);
	return (out);
}

static int
diff_factor(json_t *out, const struct methodology_factor *a,
    const struct methodology_factor *b)
{
	char p[128], ca[METHODOLOGY_MAX_COVERED * 34], cb[sizeof(ca)];
	int bad = 0;

#define FPATH(field) (snprintf(p, sizeof(p), "factors.%s." field, a->code), p)
	bad |= diff_string(out, FPATH("name"), a->name, b->name);
	bad |= diff_string(out, FPATH("kind"), diff_kind_name(a->kind),
	    diff_kind_name(b->kind));
	bad |= diff_number(out, FPATH("weight"), a->weight, b->weight);
	bad |= diff_integer(out, FPATH("lifetime_days"), a->lifetime_days, b->lifetime_days);
	bad |= diff_number(out, FPATH("half_life_days"), a->half_life_days,
	    b->half_life_days);
	bad |= diff_integer(out, FPATH("max_age_days"), a->max_age_days, b->max_age_days);
	bad |= diff_bool(out, FPATH("absence_is_clean"), a->absence_is_clean,
	    b->absence_is_clean);
	bad |= diff_bool(out, FPATH("footprint_normalised"), a->footprint_normalised,
	    b->footprint_normalised);
	bad |= diff_number(out, FPATH("bonus_cap"), a->bonus_cap, b->bonus_cap);
	bad |= diff_string(out, FPATH("clean_if_covered_by"), diff_covered(a, ca),
	    diff_covered(b, cb));
#undef FPATH
	return (bad ? -1 : 0);
}

static int
diff_factors(json_t *out, const struct methodology *a, const struct methodology *b)
{
	char p[128];
	size_t i;
	int j;

	for (i = 0; i < a->nfactors; i++) {
		j = methodology_find_factor(b, a->factors[i].code);
		snprintf(p, sizeof(p), "factors.%s", a->factors[i].code);
		if (j < 0) {
			if (diff_add(out, p, "removed", diff_factor_json(&a->factors[i]), NULL))
				return (-1);
		} else if (diff_factor(out, &a->factors[i], &b->factors[j]) != 0)
			return (-1);
	}
	for (i = 0; i < b->nfactors; i++) {
		if (methodology_find_factor(a, b->factors[i].code) >= 0)
			continue;
		snprintf(p, sizeof(p), "factors.%s", b->factors[i].code);
		if (diff_add(out, p, "added", NULL, diff_factor_json(&b->factors[i])) != 0)
			return (-1);
	}
	return (0);
}

/* Checks are sorted by code in both: one merge pass. */
static int
diff_checks(json_t *out, const struct methodology *a, const struct methodology *b)
{
	const struct methodology_check *x, *y;
	size_t i = 0, j = 0;
	char p[160];
	int c, bad = 0;

	while (!bad && (i < a->nchecks || j < b->nchecks)) {
		x = i < a->nchecks ? &a->checks[i] : NULL;
		y = j < b->nchecks ? &b->checks[j] : NULL;
		c = x == NULL ? 1 : y == NULL ? -1 : strcmp(x->code, y->code);
		if (c < 0) {
			snprintf(p, sizeof(p), "checks.%s", x->code);
			bad |= diff_add(out, p, "removed", diff_check_json(a, x), NULL);
			i++;
			continue;
		}
		if (c > 0) {
			snprintf(p, sizeof(p), "checks.%s", y->code);
			bad |= diff_add(out, p, "added", NULL, diff_check_json(b, y));
			j++;
			continue;
		}
#define CPATH(field) (snprintf(p, sizeof(p), "checks.%s." field, x->code), p)
		bad |= diff_string(out, CPATH("title"), x->title, y->title);
		bad |= diff_string(out, CPATH("factor"), a->factors[x->factor].code,
		    b->factors[y->factor].code);
		bad |= diff_string(out, CPATH("severity"), methodology_severity_name(x->severity),
		    methodology_severity_name(y->severity));
		bad |= diff_number(out, CPATH("points"), x->points, y->points);
#undef CPATH
		i++;
		j++;
	}
	return (bad ? -1 : 0);
}

static const struct methodology_band *
diff_find_band(const struct methodology *m, const char *grade)
{
	size_t i;

	for (i = 0; i < m->nbands; i++)
		if (strcmp(m->bands[i].grade, grade) == 0)
			return (&m->bands[i]);
	return (NULL);
}

static int
diff_bands(json_t *out, const struct methodology *a, const struct methodology *b)
{
	const struct methodology_band *o;
	char p[64];
	size_t i;
	int bad = 0;

	for (i = 0; i < b->nbands; i++) {
		o = diff_find_band(a, b->bands[i].grade);
		snprintf(p, sizeof(p), "grades.%s.min_score", b->bands[i].grade);
		if (o == NULL)
			bad |= diff_add(out, p, "added", NULL, json_real(b->bands[i].min_score));
		else
			bad |= diff_number(out, p, o->min_score, b->bands[i].min_score);
	}
	for (i = 0; i < a->nbands; i++) {
		if (diff_find_band(b, a->bands[i].grade) != NULL)
			continue;
		snprintf(p, sizeof(p), "grades.%s.min_score", a->bands[i].grade);
		bad |= diff_add(out, p, "removed", json_real(a->bands[i].min_score), NULL);
	}
	return (bad ? -1 : 0);
}

json_t *
methodology_diff(const struct methodology *a, const struct methodology *b)
{
	json_t *out;
	int bad = 0;

	if ((out = json_array()) == NULL)
		return (NULL);
	bad |= diff_string(out, "title", a->title, b->title);
	bad |= diff_string(out, "summary", a->summary, b->summary);
	bad |= diff_integer(out, "inputs_digest", a->inputs_digest, b->inputs_digest);
	bad |= diff_string(out, "factor_curve", a->curve_exponential ? "exponential" : "linear",
	    b->curve_exponential ? "exponential" : "linear");
	bad |= diff_string(out, "bonus_rule", a->bonus_within_grade ? "within_grade" : "cap",
	    b->bonus_within_grade ? "within_grade" : "cap");
	bad |= diff_string(out, "sources", a->one_per_fact ? "one_per_fact" : "each",
	    b->one_per_fact ? "one_per_fact" : "each");
	bad |= diff_string(out, "footprint.basis", a->footprint_observed ? "observed" :
	    "attributed", b->footprint_observed ? "observed" : "attributed");
	bad |= diff_number(out, "footprint.reference_assets", a->footprint_reference_assets,
	    b->footprint_reference_assets);
	bad |= diff_number(out, "footprint.exponent", a->footprint_exponent,
	    b->footprint_exponent);
	bad |= diff_number(out, "attribution.min_confidence", a->min_asset_confidence,
	    b->min_asset_confidence);
	bad |= diff_integer(out, "confidence.min_evidence", a->min_evidence, b->min_evidence);
	bad |= diff_integer(out, "confidence.min_factors", a->min_factors, b->min_factors);
	bad |= diff_integer(out, "confidence.medium_evidence", a->medium_evidence,
	    b->medium_evidence);
	bad |= diff_integer(out, "confidence.medium_factors", a->medium_factors,
	    b->medium_factors);
	bad |= diff_integer(out, "confidence.high_evidence", a->high_evidence,
	    b->high_evidence);
	bad |= diff_integer(out, "confidence.high_factors", a->high_factors, b->high_factors);
	if (bad || diff_factors(out, a, b) != 0 || diff_checks(out, a, b) != 0 ||
	    diff_bands(out, a, b) != 0) {
		json_decref(out);
		return (NULL);
	}
	return (out);
}

/* A value as text: strings quoted, objects compact. */
static int
diff_value_text(struct buf *b, const json_t *v)
{
	char *s;
	int rc;

	if (json_is_real(v))
		return (buf_appendf(b, "%g", json_real_value(v)));
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS)) == NULL)
		return (-1);
	rc = buf_appendf(b, "%s", s);
	free(s);
	return (rc);
}

char *
methodology_diff_text(const json_t *changes)
{
	const char *change;
	struct buf b;
	json_t *c;
	size_t i;
	int bad = 0;

	buf_init(&b, METHODOLOGY_DIFF_TEXT_LIMIT);
	if (buf_append(&b, "", 0) != 0)
		return (NULL);
	json_array_foreach(changes, i, c) {
		change = json_string_value(json_object_get(c, "change"));
		bad |= buf_appendf(&b, "%s: ", json_string_value(json_object_get(c, "path")));
		if (change != NULL && strcmp(change, "added") == 0) {
			bad |= buf_appendf(&b, "added ");
			bad |= diff_value_text(&b, json_object_get(c, "new"));
		} else if (change != NULL && strcmp(change, "removed") == 0) {
			bad |= buf_appendf(&b, "removed ");
			bad |= diff_value_text(&b, json_object_get(c, "old"));
		} else {
			bad |= diff_value_text(&b, json_object_get(c, "old"));
			bad |= buf_appendf(&b, " -> ");
			bad |= diff_value_text(&b, json_object_get(c, "new"));
		}
		bad |= buf_appendf(&b, "\n");
	}
	if (bad) {
		buf_free(&b);
		return (NULL);
	}
	return (b.data);
}
