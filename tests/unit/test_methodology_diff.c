/*
 * Methodology diffs: the shipped 2026.1 against itself is empty; each kind of change
 * (a weight, a check's points and severity, an added and a removed check, a grade
 * band, a confidence minimum, an added factor) is reported by path with both values.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rater/methodology.h"
#include "rater/methodology_diff.h"
#include "tests/support/shipped.h"

static struct methodology *
parse(json_t *root)
{
	struct methodology_errors errs;
	struct methodology *m;
	char *text = json_dumps(root, 0);

	cr_assert_not_null(text);
	m = methodology_parse(text, strlen(text), &errs);
	cr_assert_not_null(m, "the changed document does not validate");
	free(text);
	return (m);
}

/* The change at path in changes, or NULL. */
static json_t *
find(json_t *changes, const char *path)
{
	json_t *c;
	size_t i;

	json_array_foreach(changes, i, c)
		if (strcmp(json_string_value(json_object_get(c, "path")), path) == 0)
			return (c);
	return (NULL);
}

static json_t *
check_named(json_t *root, const char *code)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(root, "checks"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
			return (c);
	cr_assert_fail("no check %s in 2026.1", code);
	return (NULL);
}

Test(methodology_diff, same_document_is_empty_but_for_the_version)
{
	json_t *a = shipped_json(0), *b = shipped_json(0), *d;
	struct methodology *ma, *mb;

	json_object_set_new(b, "version", json_string("2026.9"));
	json_object_set_new(b, "effective_at", json_string("2027-01-01T00:00:00Z"));
	ma = parse(a);
	mb = parse(b);
	d = methodology_diff(ma, mb);
	cr_assert_not_null(d);
	cr_assert_eq(json_array_size(d), 0, "unexpected changes");
	json_decref(d);
	methodology_free(ma);
	methodology_free(mb);
	json_decref(a);
	json_decref(b);
}

Test(methodology_diff, reports_each_number_by_path)
{
	json_t *a = shipped_json(0), *b = shipped_json(0), *d, *c, *f, *chk, *first;
	struct methodology *ma, *mb;
	const char *code, *removed;
	char *text, path[160];

	json_object_set_new(json_array_get(json_object_get(b, "factors"), 0), "weight",
	    json_integer(25));
	first = json_array_get(json_object_get(b, "checks"), 0);
	code = json_string_value(json_object_get(first, "code"));
	chk = check_named(b, code);
	json_object_set_new(chk, "points", json_real(7.5));
	json_object_set_new(chk, "severity", json_string("critical"));
	removed = json_string_value(json_object_get(json_array_get(json_object_get(b,
	    "checks"), 1), "code"));
	snprintf(path, sizeof(path), "checks.%s", removed);
	json_array_remove(json_object_get(b, "checks"), 1);
	json_object_set_new(json_object_get(b, "confidence"), "min_evidence",
	    json_integer(json_integer_value(json_object_get(json_object_get(a, "confidence"),
	    "min_evidence")) + 1));
	json_object_set_new(b, "inputs_digest", json_integer(2));
	json_array_append_new(json_object_get(b, "checks"), json_pack("{s:s, s:s, s:s, s:s,"
	    " s:i}", "code", "tls.zz_new_check", "title", "A new check", "factor", "tls",
	    "severity", "low", "points", 2));
	ma = parse(a);
	mb = parse(b);
	d = methodology_diff(ma, mb);
	cr_assert_not_null(d);
	c = find(d, "factors.tls.weight");
	cr_assert_not_null(c);
	cr_assert_str_eq(json_string_value(json_object_get(c, "change")), "changed");
	cr_assert_float_eq(json_number_value(json_object_get(c, "old")), 20, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(c, "new")), 25, 1e-9);
	{
		char p[160];

		snprintf(p, sizeof(p), "checks.%s.points", code);
		f = find(d, p);
		cr_assert_not_null(f, "no change at %s", p);
		cr_assert_float_eq(json_number_value(json_object_get(f, "new")), 7.5, 1e-9);
		snprintf(p, sizeof(p), "checks.%s.severity", code);
		f = find(d, p);
		cr_assert_not_null(f);
		cr_assert_str_eq(json_string_value(json_object_get(f, "new")), "critical");
	}
	f = find(d, path);
	cr_assert_not_null(f, "no removal at %s", path);
	cr_assert_str_eq(json_string_value(json_object_get(f, "change")), "removed");
	cr_assert(json_is_null(json_object_get(f, "new")));
	f = find(d, "checks.tls.zz_new_check");
	cr_assert_not_null(f);
	cr_assert_str_eq(json_string_value(json_object_get(f, "change")), "added");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "new"),
	    "factor")), "tls");
	cr_assert_not_null(find(d, "confidence.min_evidence"));
	cr_assert_not_null(find(d, "inputs_digest"), "the digest form is a reported change");
	text = methodology_diff_text(d);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "factors.tls.weight: 20 -> 25\n"), "%s", text);
	free(text);
	json_decref(d);
	methodology_free(ma);
	methodology_free(mb);
	json_decref(a);
	json_decref(b);
}

Test(methodology_diff, grade_bands_and_factors)
{
	json_t *a = shipped_json(0), *b = shipped_json(0), *d, *c, *bands, *band;
	struct methodology *ma, *mb;
	double old_min;

	bands = json_object_get(b, "grades");
	cr_assert(json_is_array(bands), "2026.1 has a grades array");
	band = json_array_get(bands, 1);
	old_min = json_number_value(json_object_get(band, "min_score"));
	json_object_set_new(band, "min_score", json_real(old_min + 2));
	ma = parse(a);
	mb = parse(b);
	d = methodology_diff(ma, mb);
	cr_assert_eq(json_array_size(d), 1, "one change expected");
	c = json_array_get(d, 0);
	cr_assert_str_eq(json_string_value(json_object_get(c, "path")), "grades.B.min_score");
	cr_assert_float_eq(json_number_value(json_object_get(c, "old")), old_min, 1e-9);
	json_decref(d);
	/* Backwards, a removed factor would show as removed; here the bands move back. */
	d = methodology_diff(mb, ma);
	cr_assert_float_eq(json_number_value(json_object_get(json_array_get(d, 0), "new")),
	    old_min, 1e-9);
	json_decref(d);
	methodology_free(ma);
	methodology_free(mb);
	json_decref(a);
	json_decref(b);
}
