#include "rater/methodology.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "common/utf8.h"

/* Numeric ranges a document must respect (beyond those docs/methodology.md states). */
#define METHODOLOGY_MAX_DAYS 36500
#define METHODOLOGY_MAX_WEIGHT 1000.0
#define METHODOLOGY_MAX_POINTS 100.0
#define METHODOLOGY_MAX_COUNT 100000

static const char *const methodology_severity_names[METHODOLOGY_NSEV] = {
	"info", "low", "medium", "high", "critical",
};

#define methodology_err methodology_errors_add

void
methodology_errors_add(struct methodology_errors *errs, const char *where, const char *fmt,
    ...)
{
	struct methodology_error *e;
	va_list ap;

	if (errs->n < METHODOLOGY_MAX_ERRORS) {
		e = &errs->items[errs->n];
		snprintf(e->where, sizeof(e->where), "%s", where);
		va_start(ap, fmt);
		vsnprintf(e->message, sizeof(e->message), fmt, ap);
		va_end(ap);
		/* A message may quote the document (or be cut inside a character). */
		utf8_scrub(e->where);
		utf8_scrub(e->message);
	}
	errs->n++;
}

/* Report every key of obj (at path) that is not in allowed (NULL-terminated). */
static void
methodology_unknown_keys(const json_t *obj, const char *path, const char *const *allowed,
    struct methodology_errors *errs)
{
	const char *key;
	json_t *val;
	size_t i;

	json_object_foreach((json_t *)obj, key, val) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			methodology_err(errs, path[0] ? path : "document", "unknown key '%.60s'",
			    key);
	}
}

static void
methodology_path(char *out, size_t n, const char *path, const char *key)
{
	snprintf(out, n, "%s%s%s", path, path[0] ? "." : "", key);
}

/*
 * Field readers. Each returns 1 when the key is present and valid, 0 when it is absent
 * and not required, -1 after reporting an error (missing, wrong type, out of range).
 */
static int
methodology_get_string(const json_t *obj, const char *path, const char *key, int required,
    char *out, size_t outsz, struct methodology_errors *errs)
{
	char where[96];
	json_t *v;
	size_t len;

	methodology_path(where, sizeof(where), path, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		if (!required)
			return (0);
		methodology_err(errs, where, "missing (a string is required)");
		return (-1);
	}
	if (!json_is_string(v)) {
		methodology_err(errs, where, "must be a string");
		return (-1);
	}
	len = json_string_length(v);
	if (strlen(json_string_value(v)) != len) {
		methodology_err(errs, where, "contains a NUL character");
		return (-1);
	}
	if (len >= outsz) {
		methodology_err(errs, where, "too long (%zu bytes; at most %zu)", len, outsz - 1);
		return (-1);
	}
	memcpy(out, json_string_value(v), len + 1);
	return (1);
}

/* A string of at most max bytes, copied into a fresh allocation (*out). */
static int
methodology_get_text(const json_t *obj, const char *key, size_t max, char **out,
    struct methodology_errors *errs)
{
	json_t *v;
	size_t len;

	if ((v = json_object_get(obj, key)) == NULL) {
		methodology_err(errs, key, "missing (a string is required)");
		return (-1);
	}
	if (!json_is_string(v)) {
		methodology_err(errs, key, "must be a string");
		return (-1);
	}
	len = json_string_length(v);
	if (len > max || strlen(json_string_value(v)) != len) {
		methodology_err(errs, key, "too long or contains a NUL (at most %zu bytes)", max);
		return (-1);
	}
	if ((*out = strdup(json_string_value(v))) == NULL) {
		methodology_err(errs, key, "out of memory");
		return (-1);
	}
	return (1);
}

static int
methodology_get_number(const json_t *obj, const char *path, const char *key, int required,
    double min, double max, double *out, struct methodology_errors *errs)
{
	char where[96];
	json_t *v;
	double d;

	methodology_path(where, sizeof(where), path, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		if (!required)
			return (0);
		methodology_err(errs, where, "missing (a number is required)");
		return (-1);
	}
	if (!json_is_number(v)) {
		methodology_err(errs, where, "must be a number");
		return (-1);
	}
	d = json_number_value(v);
	if (d < min || d > max) {
		methodology_err(errs, where, "%g is out of range [%g, %g]", d, min, max);
		return (-1);
	}
	*out = d;
	return (1);
}

static int
methodology_get_int(const json_t *obj, const char *path, const char *key, int required,
    long min, long max, int *out, struct methodology_errors *errs)
{
	char where[96];
	json_t *v;
	json_int_t i;

	methodology_path(where, sizeof(where), path, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		if (!required)
			return (0);
		methodology_err(errs, where, "missing (an integer is required)");
		return (-1);
	}
	if (!json_is_integer(v)) {
		methodology_err(errs, where, "must be an integer");
		return (-1);
	}
	i = json_integer_value(v);
	if (i < min || i > max) {
		methodology_err(errs, where, "%lld is out of range [%ld, %ld]", (long long)i, min,
		    max);
		return (-1);
	}
	*out = (int)i;
	return (1);
}

static int
methodology_get_bool(const json_t *obj, const char *path, const char *key, int *out,
    struct methodology_errors *errs)
{
	char where[96];
	json_t *v;

	methodology_path(where, sizeof(where), path, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		methodology_err(errs, where, "missing (true or false is required)");
		return (-1);
	}
	if (!json_is_boolean(v)) {
		methodology_err(errs, where, "must be true or false");
		return (-1);
	}
	*out = json_is_true(v);
	return (1);
}

/* The array at key with 1..max elements, or NULL after reporting why not. */
static json_t *
methodology_get_array(const json_t *obj, const char *key, size_t max,
    struct methodology_errors *errs)
{
	json_t *v;

	if ((v = json_object_get(obj, key)) == NULL) {
		methodology_err(errs, key, "missing (an array is required)");
		return (NULL);
	}
	if (!json_is_array(v)) {
		methodology_err(errs, key, "must be an array");
		return (NULL);
	}
	if (json_array_size(v) == 0 || json_array_size(v) > max) {
		methodology_err(errs, key, "must hold 1 to %zu elements (has %zu)", max,
		    json_array_size(v));
		return (NULL);
	}
	return (v);
}

/* The object at path.key, or NULL after reporting why not. */
static json_t *
methodology_get_object(const json_t *obj, const char *path, const char *key,
    struct methodology_errors *errs)
{
	char where[96];
	json_t *v;

	methodology_path(where, sizeof(where), path, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		methodology_err(errs, where, "missing (an object is required)");
		return (NULL);
	}
	if (!json_is_object(v)) {
		methodology_err(errs, where, "must be an object");
		return (NULL);
	}
	return (v);
}

/* An optional string member key of obj that must be one of choices (NULL-ended);
 * *out is its index, or 0 when absent. */
static void
methodology_get_choice(const json_t *obj, const char *path, const char *key,
    const char *const *choices, int *out, struct methodology_errors *errs)
{
	char value[32], where[96];
	int i;

	*out = 0;
	if (methodology_get_string(obj, path, key, 0, value, sizeof(value), errs) != 1)
		return;
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(value, choices[i]) == 0) {
			*out = i;
			return;
		}
	methodology_path(where, sizeof(where), path, key);
	methodology_err(errs, where, "'%s' is not %s%s%s", value, choices[0],
	    choices[1] != NULL ? " or " : "", choices[1] != NULL ? choices[1] : "");
}

int
methodology_code_ok(const char *s, int dots)
{
	const char *p;

	if (s[0] < 'a' || s[0] > 'z')
		return (0);
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    (dots && *p == '.')))
			return (0);
	return (1);
}

/* ^[0-9]{4}\.[0-9]+$ */
static int
methodology_version_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	if (s[4] != '.' || s[5] == '\0')
		return (0);
	for (i = 5; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/* factors[i].clean_if_covered_by: optional, with absence_is_clean only: 1 to
 * METHODOLOGY_MAX_COVERED collector names or prefixes ("feed:"). */
static void
methodology_parse_covered_by(const json_t *o, const char *path,
    struct methodology_factor *f, struct methodology_errors *errs)
{
	json_t *a = json_object_get(o, "clean_if_covered_by"), *v;
	char where[96];
	size_t k;

	if (a == NULL)
		return;
	methodology_path(where, sizeof(where), path, "clean_if_covered_by");
	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > METHODOLOGY_MAX_COVERED) {
		methodology_err(errs, where, "must be an array of 1 to %d collector names",
		    METHODOLOGY_MAX_COVERED);
		return;
	}
	if (!f->absence_is_clean)
		methodology_err(errs, where, "only a factor whose absence is clean takes it");
	json_array_foreach(a, k, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) >= sizeof(f->covered_by[0]) ||
		    json_string_value(v)[0] < 'a' || json_string_value(v)[0] > 'z' ||
		    strspn(json_string_value(v), "abcdefghijklmnopqrstuvwxyz0123456789_.-:") !=
		    json_string_length(v)) {
			methodology_err(errs, where, "item %zu is not a collector name", k);
			continue;
		}
		memcpy(f->covered_by[f->ncovered_by++], json_string_value(v),
		    json_string_length(v) + 1);
	}
}

/* Parse factors[i] into m->factors[i]; returns 1 when it is a penalty factor. */
static int
methodology_parse_factor(const json_t *o, size_t i, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"code", "name", "kind", "weight", "lifetime_days",
	    "half_life_days", "max_age_days", "absence_is_clean", "clean_if_covered_by",
	    "footprint_normalised", "bonus_cap", NULL};
	struct methodology_factor *f = &m->factors[i];
	char path[64], where[96], kind[16];
	int has_life, has_half, has_max, rc;
	size_t j;

	snprintf(path, sizeof(path), "factors[%zu]", i);
	if (!json_is_object(o)) {
		methodology_err(errs, path, "must be an object");
		return (0);
	}
	methodology_unknown_keys(o, path, keys, errs);
	if (methodology_get_string(o, path, "code", 1, f->code, sizeof(f->code), errs) == 1) {
		methodology_path(where, sizeof(where), path, "code");
		if (!methodology_code_ok(f->code, 0)) {
			methodology_err(errs, where, "'%s' is not a code ([a-z][a-z0-9_]*)",
			    f->code);
			f->code[0] = '\0';
		}
		for (j = 0; j < i && f->code[0]; j++)
			if (strcmp(m->factors[j].code, f->code) == 0)
				methodology_err(errs, where, "duplicate factor code '%s'", f->code);
	}
	if (methodology_get_string(o, path, "name", 1, f->name, sizeof(f->name), errs) == 1 &&
	    f->name[0] == '\0') {
		methodology_path(where, sizeof(where), path, "name");
		methodology_err(errs, where, "must not be empty");
	}
	methodology_path(where, sizeof(where), path, "kind");
	if (methodology_get_string(o, path, "kind", 1, kind, sizeof(kind), errs) == 1) {
		if (strcmp(kind, "penalty") == 0)
			f->kind = METHODOLOGY_FACTOR_PENALTY;
		else if (strcmp(kind, "bonus") == 0)
			f->kind = METHODOLOGY_FACTOR_BONUS;
		else
			methodology_err(errs, where, "'%s' is not 'penalty' or 'bonus'", kind);
	} else
		kind[0] = '\0';

	if (strcmp(kind, "bonus") == 0) {
		methodology_path(where, sizeof(where), path, "weight");
		if (json_object_get(o, "weight") != NULL)
			methodology_err(errs, where, "a bonus factor has no weight");
		methodology_get_number(o, path, "bonus_cap", 1, 1e-9, METHODOLOGY_MAX_POINTS,
		    &f->bonus_cap, errs);
	} else if (strcmp(kind, "penalty") == 0) {
		methodology_path(where, sizeof(where), path, "weight");
		if (json_object_get(o, "weight") != NULL && json_is_number(
		    json_object_get(o, "weight")) &&
		    json_number_value(json_object_get(o, "weight")) <= 0)
			methodology_err(errs, where, "must be positive (got %g)",
			    json_number_value(json_object_get(o, "weight")));
		else
			methodology_get_number(o, path, "weight", 1, 1e-9, METHODOLOGY_MAX_WEIGHT,
			    &f->weight, errs);
		methodology_path(where, sizeof(where), path, "bonus_cap");
		if (json_object_get(o, "bonus_cap") != NULL)
			methodology_err(errs, where, "only a bonus factor has a bonus_cap");
	}

	has_life = json_object_get(o, "lifetime_days") != NULL;
	has_half = json_object_get(o, "half_life_days") != NULL;
	has_max = json_object_get(o, "max_age_days") != NULL;
	if (has_life && (has_half || has_max)) {
		methodology_err(errs, path,
		    "give lifetime_days or half_life_days with max_age_days, not both");
	} else if (!has_life && !has_half) {
		methodology_err(errs, path,
		    "needs lifetime_days, or half_life_days with max_age_days");
		if (has_max) {
			methodology_path(where, sizeof(where), path, "max_age_days");
			methodology_err(errs, where, "max_age_days needs half_life_days");
		}
	} else if (has_life) {
		methodology_get_int(o, path, "lifetime_days", 1, 1, METHODOLOGY_MAX_DAYS,
		    &f->lifetime_days, errs);
	} else {
		rc = methodology_get_number(o, path, "half_life_days", 1, 1e-6,
		    METHODOLOGY_MAX_DAYS, &f->half_life_days, errs);
		if (methodology_get_int(o, path, "max_age_days", 1, 1, METHODOLOGY_MAX_DAYS,
		    &f->max_age_days, errs) == 1 && rc == 1 &&
		    f->max_age_days < f->half_life_days) {
			methodology_path(where, sizeof(where), path, "max_age_days");
			methodology_err(errs, where,
			    "max_age_days (%d) is less than half_life_days (%g)", f->max_age_days,
			    f->half_life_days);
		}
	}

	methodology_get_bool(o, path, "absence_is_clean", &f->absence_is_clean, errs);
	methodology_get_bool(o, path, "footprint_normalised", &f->footprint_normalised, errs);
	methodology_parse_covered_by(o, path, f, errs);
	if (strcmp(kind, "bonus") == 0 && (f->absence_is_clean || f->footprint_normalised))
		methodology_err(errs, path,
		    "a bonus factor cannot be absence_is_clean or footprint_normalised");
	return (strcmp(kind, "penalty") == 0);
}

static void
methodology_parse_check(const json_t *o, size_t i, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"code", "title", "factor", "severity", "points",
	    NULL};
	struct methodology_check *c = &m->checks[i];
	char path[64], where[96], factor[48], sev[16];
	int fi, s;
	size_t j, flen;

	snprintf(path, sizeof(path), "checks[%zu]", i);
	c->factor = (size_t)-1;
	if (!json_is_object(o)) {
		methodology_err(errs, path, "must be an object");
		return;
	}
	methodology_unknown_keys(o, path, keys, errs);
	methodology_path(where, sizeof(where), path, "code");
	if (methodology_get_string(o, path, "code", 1, c->code, sizeof(c->code), errs) == 1) {
		if (!methodology_code_ok(c->code, 1) || strlen(c->code) < 2) {
			methodology_err(errs, where, "'%s' is not a check code ([a-z][a-z0-9_.]+)",
			    c->code);
			c->code[0] = '\0';
		}
		for (j = 0; j < i && c->code[0]; j++)
			if (strcmp(m->checks[j].code, c->code) == 0)
				methodology_err(errs, where, "duplicate check code '%s'", c->code);
	}
	if (methodology_get_string(o, path, "title", 1, c->title, sizeof(c->title), errs) ==
	    1 && c->title[0] == '\0') {
		methodology_path(where, sizeof(where), path, "title");
		methodology_err(errs, where, "must not be empty");
	}
	if (methodology_get_string(o, path, "factor", 1, factor, sizeof(factor), errs) == 1) {
		methodology_path(where, sizeof(where), path, "factor");
		if ((fi = methodology_find_factor(m, factor)) < 0)
			methodology_err(errs, where, "unknown factor '%s'", factor);
		else {
			c->factor = (size_t)fi;
			flen = strlen(factor);
			methodology_path(where, sizeof(where), path, "code");
			if (c->code[0] && (strncmp(c->code, factor, flen) != 0 ||
			    c->code[flen] != '.' || c->code[flen + 1] == '\0'))
				methodology_err(errs, where,
				    "check code '%s' does not start with '%s.'", c->code, factor);
		}
	}
	if (methodology_get_string(o, path, "severity", 1, sev, sizeof(sev), errs) == 1) {
		for (s = 0; s < METHODOLOGY_NSEV; s++)
			if (strcmp(sev, methodology_severity_names[s]) == 0)
				break;
		methodology_path(where, sizeof(where), path, "severity");
		if (s == METHODOLOGY_NSEV)
			methodology_err(errs, where,
			    "'%s' is not info, low, medium, high or critical", sev);
		else
			c->severity = (enum methodology_severity)s;
	}
	methodology_path(where, sizeof(where), path, "points");
	if (json_is_number(json_object_get(o, "points")) &&
	    json_number_value(json_object_get(o, "points")) < 0)
		methodology_err(errs, where, "must not be negative (got %g)",
		    json_number_value(json_object_get(o, "points")));
	else
		methodology_get_number(o, path, "points", 1, 0, METHODOLOGY_MAX_POINTS,
		    &c->points, errs);
}

static void
methodology_parse_footprint(const json_t *root, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"basis", "reference_assets", "exponent", NULL};
	static const char *const bases[] = {"attributed", "observed", NULL};
	json_t *o;

	if ((o = methodology_get_object(root, "", "footprint", errs)) == NULL)
		return;
	methodology_unknown_keys(o, "footprint", keys, errs);
	methodology_get_choice(o, "footprint", "basis", bases, &m->footprint_observed, errs);
	methodology_get_number(o, "footprint", "reference_assets", 1, 1e-9, 1e9,
	    &m->footprint_reference_assets, errs);
	methodology_get_number(o, "footprint", "exponent", 1, 0, 1, &m->footprint_exponent,
	    errs);
}

/* Optional: "attribution": {"min_confidence": X}, 0 < X <= 1; absent: every attributed
 * asset counts (min_asset_confidence 0, as 2026.1). */
static void
methodology_parse_attribution(const json_t *root, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"min_confidence", NULL};
	json_t *o;

	m->min_asset_confidence = 0;
	if (json_object_get(root, "attribution") == NULL ||
	    (o = methodology_get_object(root, "", "attribution", errs)) == NULL)
		return;
	methodology_unknown_keys(o, "attribution", keys, errs);
	if (methodology_get_number(o, "attribution", "min_confidence", 1, 0.001, 1,
	    &m->min_asset_confidence, errs) != 1)
		m->min_asset_confidence = 0;
}

static void
methodology_parse_confidence(const json_t *root, struct methodology *m, size_t npenalty,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"min_evidence", "min_factors", "high", "medium",
	    NULL};
	static const char *const level_keys[] = {"evidence", "factors", NULL};
	json_t *o, *hi, *me;
	int ok = 1;

	if ((o = methodology_get_object(root, "", "confidence", errs)) == NULL)
		return;
	methodology_unknown_keys(o, "confidence", keys, errs);
	ok &= methodology_get_int(o, "confidence", "min_evidence", 1, 1, METHODOLOGY_MAX_COUNT,
	    &m->min_evidence, errs) == 1;
	ok &= methodology_get_int(o, "confidence", "min_factors", 1, 1, METHODOLOGY_MAX_FACTORS,
	    &m->min_factors, errs) == 1;
	if ((hi = methodology_get_object(o, "confidence", "high", errs)) != NULL) {
		methodology_unknown_keys(hi, "confidence.high", level_keys, errs);
		ok &= methodology_get_int(hi, "confidence.high", "evidence", 1, 1,
		    METHODOLOGY_MAX_COUNT, &m->high_evidence, errs) == 1;
		ok &= methodology_get_int(hi, "confidence.high", "factors", 1, 1,
		    METHODOLOGY_MAX_FACTORS, &m->high_factors, errs) == 1;
	} else
		ok = 0;
	if ((me = methodology_get_object(o, "confidence", "medium", errs)) != NULL) {
		methodology_unknown_keys(me, "confidence.medium", level_keys, errs);
		ok &= methodology_get_int(me, "confidence.medium", "evidence", 1, 1,
		    METHODOLOGY_MAX_COUNT, &m->medium_evidence, errs) == 1;
		ok &= methodology_get_int(me, "confidence.medium", "factors", 1, 1,
		    METHODOLOGY_MAX_FACTORS, &m->medium_factors, errs) == 1;
	} else
		ok = 0;
	if (!ok)
		return;
	if (m->medium_evidence < m->min_evidence)
		methodology_err(errs, "confidence.medium.evidence",
		    "%d is below min_evidence (%d)", m->medium_evidence, m->min_evidence);
	if (m->high_evidence < m->medium_evidence)
		methodology_err(errs, "confidence.high.evidence",
		    "%d is below medium.evidence (%d)", m->high_evidence, m->medium_evidence);
	if (m->medium_factors < m->min_factors)
		methodology_err(errs, "confidence.medium.factors",
		    "%d is below min_factors (%d)", m->medium_factors, m->min_factors);
	if (m->high_factors < m->medium_factors)
		methodology_err(errs, "confidence.high.factors",
		    "%d is below medium.factors (%d)", m->high_factors, m->medium_factors);
	if (npenalty > 0 && (size_t)m->high_factors > npenalty)
		methodology_err(errs, "confidence.high.factors",
		    "%d is more than the %zu penalty factors", m->high_factors, npenalty);
}

static void
methodology_parse_grades(const json_t *root, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"grade", "min_score", NULL};
	struct methodology_band *b;
	char path[64], where[96];
	json_t *arr, *o;
	size_t i, j;
	int ok;

	if ((arr = methodology_get_array(root, "grades", METHODOLOGY_MAX_BANDS, errs)) == NULL)
		return;
	if ((m->bands = calloc(json_array_size(arr), sizeof(*m->bands))) == NULL) {
		methodology_err(errs, "grades", "out of memory");
		return;
	}
	m->nbands = json_array_size(arr);
	for (i = 0; i < m->nbands; i++) {
		b = &m->bands[i];
		o = json_array_get(arr, i);
		snprintf(path, sizeof(path), "grades[%zu]", i);
		b->min_score = -1;
		if (!json_is_object(o)) {
			methodology_err(errs, path, "must be an object");
			continue;
		}
		methodology_unknown_keys(o, path, keys, errs);
		methodology_path(where, sizeof(where), path, "grade");
		if (methodology_get_string(o, path, "grade", 1, b->grade, sizeof(b->grade), errs) ==
		    1) {
			if (b->grade[0] < 'A' || b->grade[0] > 'Z' || (b->grade[1] != '\0' &&
			    ((b->grade[1] != '+' && b->grade[1] != '-') || b->grade[2] != '\0')))
				methodology_err(errs, where, "'%s' is not a grade ([A-Z][+-]?)",
				    b->grade);
			for (j = 0; j < i; j++)
				if (strcmp(m->bands[j].grade, b->grade) == 0)
					methodology_err(errs, where, "duplicate grade '%s'", b->grade);
		}
		ok = methodology_get_number(o, path, "min_score", 1, 0, 100, &b->min_score, errs);
		methodology_path(where, sizeof(where), path, "min_score");
		if (ok == 1 && i > 0 && m->bands[i - 1].min_score >= 0 &&
		    b->min_score >= m->bands[i - 1].min_score)
			methodology_err(errs, where,
			    "bands must be strictly decreasing: %g is not below %g", b->min_score,
			    m->bands[i - 1].min_score);
		if (ok == 1 && i == m->nbands - 1 && b->min_score != 0)
			methodology_err(errs, where, "the last band's min_score must be 0 (got %g)",
			    b->min_score);
	}
}

static int
methodology_check_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct methodology_check *)a)->code,
	    ((const struct methodology_check *)b)->code));
}

static void
methodology_parse_root(const json_t *root, struct methodology *m,
    struct methodology_errors *errs)
{
	static const char *const keys[] = {"version", "title", "summary", "effective_at",
	    "change_log", "inputs_digest", "factor_curve", "bonus_rule", "sources", "factors",
	    "checks", "footprint", "attribution", "confidence", "grades", NULL};
	static const char *const curves[] = {"linear", "exponential", NULL};
	static const char *const bonus_rules[] = {"cap", "within_grade", NULL};
	static const char *const sources[] = {"each", "one_per_fact", NULL};
	char when[40];
	int digest = 1;
	json_t *arr;
	size_t i, npenalty = 0, *nchecks_of = NULL;

	methodology_unknown_keys(root, "", keys, errs);
	if (methodology_get_string(root, "", "version", 1, m->version, sizeof(m->version),
	    errs) == 1 && !methodology_version_ok(m->version))
		methodology_err(errs, "version", "'%s' is not a version (YYYY.N)", m->version);
	methodology_get_string(root, "", "title", 1, m->title, sizeof(m->title), errs);
	methodology_get_text(root, "summary", METHODOLOGY_MAX_TEXT, &m->summary, errs);
	methodology_get_text(root, "change_log", METHODOLOGY_MAX_TEXT, &m->change_log, errs);
	if (methodology_get_string(root, "", "effective_at", 1, when, sizeof(when), errs) ==
	    1 && timefmt_parse(when, &m->effective_at) != 0)
		methodology_err(errs, "effective_at", "'%s' is not an ISO 8601 time", when);
	/* Optional; 1 when absent (the form of 2026.1). */
	methodology_get_int(root, "", "inputs_digest", 0, 1, 2, &digest, errs);
	m->inputs_digest = digest;
	methodology_get_choice(root, "", "factor_curve", curves, &m->curve_exponential, errs);
	methodology_get_choice(root, "", "bonus_rule", bonus_rules, &m->bonus_within_grade,
	    errs);
	methodology_get_choice(root, "", "sources", sources, &m->one_per_fact, errs);

	if ((arr = methodology_get_array(root, "factors", METHODOLOGY_MAX_FACTORS, errs)) !=
	    NULL) {
		if ((m->factors = calloc(json_array_size(arr), sizeof(*m->factors))) == NULL) {
			methodology_err(errs, "factors", "out of memory");
			return;
		}
		m->nfactors = json_array_size(arr);
		for (i = 0; i < m->nfactors; i++) {
			if (methodology_parse_factor(json_array_get(arr, i), i, m, errs))
				npenalty++;
		}
		if (npenalty == 0)
			methodology_err(errs, "factors", "no penalty factor");
	}
	if ((arr = methodology_get_array(root, "checks", METHODOLOGY_MAX_CHECKS, errs)) !=
	    NULL) {
		if ((m->checks = calloc(json_array_size(arr), sizeof(*m->checks))) == NULL ||
		    (nchecks_of = calloc(m->nfactors + 1, sizeof(*nchecks_of))) == NULL) {
			methodology_err(errs, "checks", "out of memory");
			return;
		}
		m->nchecks = json_array_size(arr);
		for (i = 0; i < m->nchecks; i++) {
			methodology_parse_check(json_array_get(arr, i), i, m, errs);
			if (m->checks[i].factor < m->nfactors)
				nchecks_of[m->checks[i].factor]++;
		}
		for (i = 0; i < m->nfactors; i++) {
			char where[64];

			snprintf(where, sizeof(where), "factors[%zu]", i);
			if (nchecks_of[i] == 0 && m->factors[i].code[0])
				methodology_err(errs, where, "factor '%s' has no checks",
				    m->factors[i].code);
		}
		free(nchecks_of);
		qsort(m->checks, m->nchecks, sizeof(*m->checks), methodology_check_cmp);
	}
	methodology_parse_footprint(root, m, errs);
	methodology_parse_attribution(root, m, errs);
	methodology_parse_confidence(root, m, npenalty, errs);
	methodology_parse_grades(root, m, errs);
}

struct methodology *
methodology_parse(const char *json, size_t len, struct methodology_errors *errs)
{
	struct methodology_errors local;
	struct methodology *m = NULL;
	json_error_t jerr;
	json_t *root = NULL;

	if (errs == NULL)
		errs = &local;
	errs->n = 0;
	if (len > METHODOLOGY_MAX_DOCUMENT) {
		methodology_err(errs, "document", "too large (%zu bytes; at most %d)", len,
		    METHODOLOGY_MAX_DOCUMENT);
		goto fail;
	}
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		methodology_err(errs, "document", "malformed JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		methodology_err(errs, "document", "must be a JSON object");
		goto fail;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		methodology_err(errs, "document", "out of memory");
		goto fail;
	}
	methodology_parse_root(root, m, errs);
	if (errs->n > 0)
		goto fail;
	json_decref(root);
	return (m);

fail:
	methodology_free(m);
	json_decref(root);
	return (NULL);
}

void
methodology_free(struct methodology *m)
{
	if (m == NULL)
		return;
	free(m->factors);
	free(m->checks);
	free(m->bands);
	free(m->summary);
	free(m->change_log);
	free(m);
}

const struct methodology_check *
methodology_find_check(const struct methodology *m, const char *code)
{
	size_t lo = 0, hi = m->nchecks, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(code, m->checks[mid].code);
		if (c == 0)
			return (&m->checks[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

int
methodology_find_factor(const struct methodology *m, const char *code)
{
	size_t i;

	for (i = 0; i < m->nfactors; i++)
		if (m->factors[i].code[0] != '\0' && strcmp(m->factors[i].code, code) == 0)
			return ((int)i);
	return (-1);
}

int
methodology_severity_parse(const char *name)
{
	int s;

	for (s = 0; s < METHODOLOGY_NSEV; s++)
		if (strcmp(name, methodology_severity_names[s]) == 0)
			return (s);
	return (-1);
}

const char *
methodology_severity_name(enum methodology_severity s)
{
	if ((int)s < 0 || s >= METHODOLOGY_NSEV)
		return ("unknown");
	return (methodology_severity_names[s]);
}

char *
methodology_errors_format(const struct methodology_errors *errs, const char *prefix,
    char *out, size_t n)
{
	size_t i, used = 0, kept;
	int w;

	if (n == 0)
		return (out);
	out[0] = '\0';
	kept = errs->n < METHODOLOGY_MAX_ERRORS ? errs->n : METHODOLOGY_MAX_ERRORS;
	for (i = 0; i < kept && used < n; i++) {
		w = snprintf(out + used, n - used, "%s%s%s: %s\n", prefix ? prefix : "",
		    prefix ? ": " : "", errs->items[i].where, errs->items[i].message);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (errs->n > kept && used < n)
		snprintf(out + used, n - used, "%s%s... and %zu more\n", prefix ? prefix : "",
		    prefix ? ": " : "", errs->n - kept);
	return (out);
}
