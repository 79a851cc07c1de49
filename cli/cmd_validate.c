/* fairrate validate: back-test a methodology version against dated incidents
 * (principle 3; rater/backtest.h) and publish the figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/backtest.h"

static void
validate_usage(FILE *out)
{
	fprintf(out, "usage: fairrate validate --version V [--as-of DATE]... [--window DAYS]\n"
	    "                        [--dry-run] [--json]\n\n"
	    "Rates every company as of past dates under methodology V using only the evidence\n"
	    "known then, counts incidents in the window after (default 365 days), and reports\n"
	    "incident rates by grade, relative risk against the best grade and the ROC AUC\n"
	    "with its 95%% interval. The figures are stored and published at\n"
	    "/v1/methodology/versions/V/validation (not with --dry-run).\n"
	    "Default dates: four, 91 days apart, the latest one window before now.\n");
}

static void
validate_print(const json_t *f)
{
	const json_t *g, *ci = json_object_get(f, "roc_auc_ci");
	size_t i;

	printf("back-test of %s: %" JSON_INTEGER_FORMAT " observations over %zu dates, %"
	    JSON_INTEGER_FORMAT " with an incident within %" JSON_INTEGER_FORMAT " days, %"
	    JSON_INTEGER_FORMAT " insufficient data\n",
	    json_string_value(json_object_get(f, "version")),
	    json_integer_value(json_object_get(f, "observations")),
	    json_array_size(json_object_get(f, "as_of_dates")),
	    json_integer_value(json_object_get(f, "incidents")),
	    json_integer_value(json_object_get(f, "window_days")),
	    json_integer_value(json_object_get(f, "insufficient_data")));
	printf("grade  companies  incidents   rate    relative risk\n");
	json_array_foreach(json_object_get(f, "by_grade"), i, g) {
		printf("%-5s  %9" JSON_INTEGER_FORMAT "  %9" JSON_INTEGER_FORMAT "  %6.3f  ",
		    json_string_value(json_object_get(g, "grade")),
		    json_integer_value(json_object_get(g, "companies")),
		    json_integer_value(json_object_get(g, "incidents")),
		    json_number_value(json_object_get(g, "rate")));
		if (json_is_number(json_object_get(g, "relative_risk")))
			printf("%.2f\n", json_number_value(json_object_get(g, "relative_risk")));
		else
			printf("-\n");
	}
	if (json_is_number(json_object_get(f, "roc_auc")))
		printf("ROC AUC %.3f (95%% CI %.3f to %.3f)\n",
		    json_number_value(json_object_get(f, "roc_auc")),
		    json_number_value(json_array_get(ci, 0)),
		    json_number_value(json_array_get(ci, 1)));
	else
		printf("ROC AUC undefined (no incident, or no company without one)\n");
}

int
cmd_validate(int argc, char **argv)
{
	struct backtest_options o;
	json_t *fig = NULL;
	int as_json = 0, i;
	char *end, *s;
	long w;

	memset(&o, 0, sizeof(o));
	o.now = timefmt_now();
	o.store = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			validate_usage(stdout);
			return (0);
		} else if (strcmp(argv[i], "--json") == 0)
			as_json = 1;
		else if (strcmp(argv[i], "--dry-run") == 0)
			o.store = 0;
		else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc)
			o.version = argv[++i];
		else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc) {
			w = strtol(s = argv[++i], &end, 10);
			if (*end != '\0' || w < 1 || w > 3650) {
				log_error("validate: --window: days from 1 to 3650, not '%s'", s);
				return (2);
			}
			o.window_days = (int)w;
		} else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
			if (o.ndates == BACKTEST_MAX_DATES ||
			    timefmt_parse(argv[++i], &o.dates[o.ndates]) != 0) {
				log_error("validate: --as-of: up to %d ISO 8601 times",
				    BACKTEST_MAX_DATES);
				return (2);
			}
			o.ndates++;
		} else {
			validate_usage(stderr);
			return (2);
		}
	}
	if (o.version == NULL) {
		validate_usage(stderr);
		return (2);
	}
	if (backtest_run(NULL, &o, &fig) != 0)
		return (1);
	if (as_json) {
		s = json_dumps(fig, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else
		validate_print(fig);
	json_decref(fig);
	return (0);
}
