#include "tests/support/shipped.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/paths.h"

#define SHIPPED_PATH "methodology/2026.1.json"

char *
shipped_text(size_t *len)
{
	char path[1024], *text;
	FILE *f;
	long n;

	cr_assert_eq(paths_join(path, sizeof(path), SHIPPED_PATH), 0);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0, "cannot size %s", path);
	rewind(f);
	text = malloc((size_t)n + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n, "cannot read %s", path);
	fclose(f);
	text[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return (text);
}

json_t *
shipped_json(size_t flags)
{
	char path[1024];
	json_error_t err;
	json_t *root;

	cr_assert_eq(paths_join(path, sizeof(path), SHIPPED_PATH), 0);
	root = json_load_file(path, flags, &err);
	cr_assert_not_null(root, "%s: %s", path, err.text);
	return (root);
}

struct methodology *
shipped_methodology(void)
{
	struct methodology_errors errs;
	struct methodology *m;
	size_t len;
	char *text = shipped_text(&len);

	m = methodology_parse(text, len, &errs);
	free(text);
	cr_assert_not_null(m, "the shipped methodology does not parse");
	return (m);
}

struct unweighted_checks
shipped_unweighted(void)
{
	struct methodology *m = shipped_methodology();
	struct methodology_errors errs;
	struct unweighted_checks c;
	char path[1024], report[4096], *text;
	FILE *f;
	long n;

	cr_assert_eq(paths_join(path, sizeof(path), "methodology/unweighted/checks.json"), 0);
	cr_assert_not_null(f = fopen(path, "rb"), "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	cr_assert_geq(n = ftell(f), 0);
	rewind(f);
	cr_assert_not_null(text = malloc((size_t)n + 1));
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n, "cannot read %s", path);
	fclose(f);
	cr_assert_eq(unweighted_checks_parse(text, (size_t)n, m, &c, &errs), 0, "%s",
	    methodology_errors_format(&errs, path, report, sizeof(report)));
	free(text);
	methodology_free(m);
	return (c);
}
