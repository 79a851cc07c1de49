/* The catalogue of checks recorded without weight (rater/unweighted_checks.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "rater/unweighted_checks.h"
#include "tests/support/shipped.h"

static struct methodology *m;

static void
setup(void)
{
	m = shipped_methodology();
}

static void
teardown(void)
{
	methodology_free(m);
}

TestSuite(unweighted_checks, .init = setup, .fini = teardown);

static int
parse(const char *text, struct unweighted_checks *c, struct methodology_errors *errs)
{
	return (unweighted_checks_parse(text, strlen(text), m, c, errs));
}

/* The error report of text must contain want. */
static void
refused(const char *text, const char *want)
{
	struct methodology_errors errs;
	struct unweighted_checks c;
	char report[4096];

	cr_assert_eq(parse(text, &c, &errs), -1, "%s", text);
	cr_assert_eq(c.n, 0);
	methodology_errors_format(&errs, "checks.json", report, sizeof(report));
	cr_assert_not_null(strstr(report, want), "want '%s' in:\n%s", want, report);
}

#define ITEM(code, factor, sev) "{\"code\": \"" code "\", \"factor\": \"" factor "\"," \
	" \"severity\": \"" sev "\", \"title\": \"T\", \"description\": \"D\"}"

Test(unweighted_checks, a_valid_catalogue_parses)
{
	struct methodology_errors errs;
	struct unweighted_checks c;

	cr_assert_eq(parse("{\"checks\": [" ITEM("tls.weak_cipher", "tls", "high") ","
	    ITEM("email_auth.mta_sts_missing", "email_auth", "low") "]}", &c, &errs), 0);
	cr_assert_eq(c.n, 2);
	cr_assert_str_eq(c.items[0].code, "tls.weak_cipher");
	cr_assert_eq(c.items[0].severity, METHODOLOGY_SEV_HIGH);
	cr_assert_str_eq(c.items[1].factor, "email_auth");
	cr_assert_str_eq(c.items[1].title, "T");
	unweighted_checks_free(&c);
	cr_assert_eq(parse("{\"checks\": []}", &c, &errs), 0);
	cr_assert_eq(c.n, 0);
}

Test(unweighted_checks, every_problem_is_named_by_its_path)
{
	refused("{\"checks\": [" ITEM("tls.x", "tls", "dire") "]}",
	    "checks[0].severity: 'dire' is not");
	refused("{\"checks\": [" ITEM("tls.x", "tlss", "high") "]}",
	    "checks[0].factor: 'tlss' is not a factor of methodology 2026.1");
	refused("{\"checks\": [" ITEM("web_headers.x", "tls", "high") "]}",
	    "checks[0].code: 'web_headers.x' does not start with 'tls.'");
	refused("{\"checks\": [" ITEM("tls.x", "tls", "high") "," ITEM("tls.x", "tls", "low")
	    "]}", "checks[1].code: duplicate check code 'tls.x'");
	refused("{\"checks\": [" ITEM("TLS.x", "tls", "high") "]}", "is not a check code");
	refused("{\"checks\": [" ITEM("tls", "tls", "high") "]}", "is not a check code");
	refused("{\"checks\": [{\"code\": \"tls.x\", \"factor\": \"tls\", \"severity\":"
	    " \"high\", \"title\": \"\", \"description\": \"D\", \"points\": 3}]}",
	    "checks[0].points: unknown key");
	refused("{\"checks\": [{\"code\": \"tls.x\", \"factor\": \"tls\", \"severity\":"
	    " \"high\", \"title\": \"\", \"description\": \"D\"}]}", "checks[0].title: must be");
	refused("{\"checks\": [{\"code\": \"tls.x\", \"factor\": \"tls\", \"severity\":"
	    " \"high\", \"title\": \"T\"}]}", "checks[0].description: missing");
	refused("{\"checks\": {}}", "document: must be an object with one member");
	refused("{\"checks\": [], \"extra\": 1}", "document: must be an object with one");
	refused("{\"checks\": [\n  1,\n", "malformed JSON at line 3");
}

Test(unweighted_checks, the_shipped_catalogue_is_valid_and_weighs_nothing_twice)
{
	struct unweighted_checks c = shipped_unweighted();
	size_t i;

	for (i = 0; i < c.n; i++)
		cr_assert_null(methodology_find_check(m, c.items[i].code),
		    "%s is weighed by the methodology already", c.items[i].code);
	unweighted_checks_free(&c);
}
