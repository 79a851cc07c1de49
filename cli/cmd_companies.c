/* fairrate companies [--q TEXT] [--sector S] [--grade G] [--limit N] [--json]: find
 * companies and their slugs (the argument of show, plan, report, score --company),
 * with their latest rating; private companies too, marked. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "rater/rating_store.h"

static void
companies_usage(FILE *out)
{
	fprintf(out, "usage: fairrate companies [--q TEXT] [--sector S] [--grade G]\n"
	    "                          [--limit N] [--after SLUG] [--json]\n\n"
	    "Lists companies in slug order with their latest rating: slug (what show, plan,\n"
	    "report and score --company take), name, sector, size band, country, grade and\n"
	    "score. Private companies are listed too, marked private.\n\n"
	    "  --q TEXT     name or slug containing TEXT (any case)\n"
	    "  --sector S   only sector S      --grade G   only latest grade G\n"
	    "  --limit N    at most N (1..10000, default 50)\n"
	    "  --after SLUG the page after SLUG (the last slug listed)\n"
	    "  --json       one JSON array\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

static json_t *
companies_value(const PGresult *res, int i, int col)
{
	return (PQgetisnull(res, i, col) ? json_null() : json_string(PQgetvalue(res, i, col)));
}

int
cmd_companies(int argc, char **argv)
{
	static const struct option opts[] = {
		{"q", required_argument, NULL, 'q'},
		{"sector", required_argument, NULL, 's'},
		{"grade", required_argument, NULL, 'g'},
		{"limit", required_argument, NULL, 'l'},
		{"after", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *q = NULL, *sector = NULL, *grade = NULL, *after = "";
	long limit = 50;
	char *end;
	PGresult *res;
	PGconn *conn;
	json_t *arr;
	int c, i, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'q': q = optarg; break;
		case 's': sector = optarg; break;
		case 'g': grade = optarg; break;
		case 'a': after = optarg; break;
		case 'j': json = 1; break;
		case 'l':
			limit = strtol(optarg, &end, 10);
			if (*end != '\0' || limit < 1 || limit > 10000) {
				log_error("companies: --limit takes a number from 1 to 10000");
				return (2);
			}
			break;
		case 'h':
			companies_usage(stdout);
			return (0);
		default:
			companies_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		companies_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	if ((res = rating_store_list_companies(conn, q, sector, grade, after, (int)limit)) ==
	    NULL) {
		PQfinish(conn);
		return (1);
	}
	if (json) {
		arr = json_array();
		for (i = 0; arr != NULL && i < PQntuples(res); i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
			    " s:o, s:o, s:o}", "slug", PQgetvalue(res, i, 0), "name",
			    PQgetvalue(res, i, 1), "sector", PQgetvalue(res, i, 2), "size_band",
			    PQgetvalue(res, i, 3), "country", PQgetvalue(res, i, 4), "visibility",
			    PQgetvalue(res, i, 5), "status", companies_value(res, i, 6), "score",
			    PQgetisnull(res, i, 7) ? json_null() :
			    json_real(strtod(PQgetvalue(res, i, 7), NULL)), "grade",
			    companies_value(res, i, 8), "methodology_version",
			    companies_value(res, i, 9)));
		if (arr == NULL || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0) {
			json_decref(arr);
			PQclear(res);
			PQfinish(conn);
			return (1);
		}
		putchar('\n');
		json_decref(arr);
	} else {
		if (PQntuples(res) == 0)
			printf("no company matches\n");
		for (i = 0; i < PQntuples(res); i++)
			printf("%-32s %-5s %5s  %-36.36s %-14s %-10s %s%s\n", PQgetvalue(res, i, 0),
			    PQgetisnull(res, i, 8) ? "-" : PQgetvalue(res, i, 8),
			    PQgetisnull(res, i, 7) ? "-" : PQgetvalue(res, i, 7),
			    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			    PQgetvalue(res, i, 4), strcmp(PQgetvalue(res, i, 5), "private") == 0 ?
			    "  private" : "");
		if (PQntuples(res) == limit)
			printf("(more: --after %s)\n", PQgetvalue(res, PQntuples(res) - 1, 0));
	}
	PQclear(res);
	PQfinish(conn);
	return (0);
}
