#include "rater/unweighted_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Copy string member key of o into out (size n); 0, or -1 after recording why. */
static int
unweighted_string(const json_t *o, const char *path, const char *key, char *out, size_t n,
    struct methodology_errors *errs)
{
	const json_t *v = json_object_get(o, key);
	char where[96];

	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!json_is_string(v)) {
		methodology_errors_add(errs, where, v == NULL ? "missing" : "must be a string");
		return (-1);
	}
	if (json_string_length(v) == 0 || json_string_length(v) >= n ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		methodology_errors_add(errs, where, "must be 1 to %zu bytes without NUL", n - 1);
		return (-1);
	}
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return (0);
}

static void
unweighted_check_parse(const json_t *o, size_t i, const struct methodology *m,
    struct unweighted_checks *out, struct methodology_errors *errs)
{
	static const char *const keys[] = {"code", "factor", "severity", "title",
	    "description", NULL};
	struct unweighted_check *c = &out->items[i];
	char path[32], where[96], sev[16];
	const char *key;
	const json_t *v;
	size_t j, flen;
	int s;

	snprintf(path, sizeof(path), "checks[%zu]", i);
	if (!json_is_object(o)) {
		methodology_errors_add(errs, path, "must be an object");
		return;
	}
	json_object_foreach((json_t *)o, key, v) {
		for (j = 0; keys[j] != NULL && strcmp(keys[j], key) != 0; j++)
			;
		if (keys[j] == NULL) {
			snprintf(where, sizeof(where), "%s.%s", path, key);
			methodology_errors_add(errs, where, "unknown key");
		}
	}
	snprintf(where, sizeof(where), "%s.code", path);
	if (unweighted_string(o, path, "code", c->code, sizeof(c->code), errs) == 0) {
		if (!methodology_code_ok(c->code, 1) || strchr(c->code, '.') == NULL)
			methodology_errors_add(errs, where,
			    "'%s' is not a check code (factor.name)", c->code);
		for (j = 0; j < i; j++)
			if (strcmp(out->items[j].code, c->code) == 0)
				methodology_errors_add(errs, where, "duplicate check code '%s'",
				    c->code);
	}
	if (unweighted_string(o, path, "factor", c->factor, sizeof(c->factor), errs) == 0) {
		flen = strlen(c->factor);
		snprintf(where, sizeof(where), "%s.factor", path);
		if (methodology_find_factor(m, c->factor) < 0)
			methodology_errors_add(errs, where,
			    "'%s' is not a factor of methodology %s", c->factor, m->version);
		else if (strncmp(c->code, c->factor, flen) != 0 || c->code[flen] != '.') {
			snprintf(where, sizeof(where), "%s.code", path);
			methodology_errors_add(errs, where, "'%s' does not start with '%s.'",
			    c->code, c->factor);
		}
	}
	if (unweighted_string(o, path, "severity", sev, sizeof(sev), errs) == 0) {
		snprintf(where, sizeof(where), "%s.severity", path);
		if ((s = methodology_severity_parse(sev)) < 0)
			methodology_errors_add(errs, where,
			    "'%s' is not info, low, medium, high or critical", sev);
		else
			c->severity = (enum methodology_severity)s;
	}
	unweighted_string(o, path, "title", c->title, sizeof(c->title), errs);
	unweighted_string(o, path, "description", c->description, sizeof(c->description),
	    errs);
}

int
unweighted_checks_parse(const char *json, size_t len, const struct methodology *m,
    struct unweighted_checks *out, struct methodology_errors *errs)
{
	json_error_t jerr;
	json_t *root, *checks;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	errs->n = 0;
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		methodology_errors_add(errs, "document", "malformed JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return (-1);
	}
	checks = json_object_get(root, "checks");
	if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_array(checks))
		methodology_errors_add(errs, "document",
		    "must be an object with one member, \"checks\", an array");
	else if ((n = json_array_size(checks)) > UNWEIGHTED_CHECKS_MAX)
		methodology_errors_add(errs, "checks", "more than %d checks",
		    UNWEIGHTED_CHECKS_MAX);
	else if (n > 0 && (out->items = calloc(n, sizeof(*out->items))) == NULL)
		methodology_errors_add(errs, "document", "out of memory");
	else {
		out->n = n;
		for (i = 0; i < n; i++)
			unweighted_check_parse(json_array_get(checks, i), i, m, out, errs);
	}
	json_decref(root);
	if (errs->n == 0)
		return (0);
	unweighted_checks_free(out);
	return (-1);
}

void
unweighted_checks_free(struct unweighted_checks *c)
{
	free(c->items);
	c->items = NULL;
	c->n = 0;
}
