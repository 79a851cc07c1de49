/* fairrate report SLUG --out FILE.pdf [--lang ja|en]: the one-page report for
 * executives and boards (report/report.h), as GET /v1/me/report.pdf draws it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/rating_store.h"
#include "report/report_pdf.h"
#include "report/report_store.h"

#define REPORT_PDF_MAX (8 * 1024 * 1024)

static void
report_usage(FILE *out)
{
	fprintf(out, "usage: fairrate report SLUG --out FILE.pdf [--lang ja|en]\n\n"
	    "Writes the company's one-page report: grade and score, the trend over twelve\n"
	    "months with methodology changes marked, factor scores, its percentile in its\n"
	    "sector and size band, governance disclosures, the top five actions of its plan\n"
	    "with their gains, the methodology version and the inputs digest. --lang picks\n"
	    "the language (default: en; ja uses the catalogues under po/ and\n"
	    "methodology/i18n/). docs/report.md describes each part.\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

static int
report_write(const char *path, const struct buf *b)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL) {
		log_error("report: %s: %s", path, strerror(errno));
		return (-1);
	}
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		log_error("report: %s: cannot write", path);
		return (-1);
	}
	return (0);
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'},
		{"lang", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out_path = NULL, *lang_arg = "en";
	struct report rep;
	struct i18n cat;
	struct buf pdf;
	char err[300];
	PGconn *conn;
	int64_t id = 0;
	int c, rc = 1, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case 'l':
			lang_arg = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return (0);
		default:
			report_usage(stderr);
			return (2);
		}
	}
	if (optind + 1 != argc || out_path == NULL) {
		report_usage(stderr);
		return (2);
	}
	if ((r = i18n_open(&cat, lang_arg, NULL, err, sizeof(err))) != 0) {
		log_error("report: %s", err);
		return (r > 0 ? 2 : 1);
	}
	if ((conn = db_connect(NULL)) == NULL) {
		i18n_free(&cat);
		return (1);
	}
	buf_init(&pdf, REPORT_PDF_MAX);
	memset(&rep, 0, sizeof(rep));
	if ((r = rating_store_company_id(conn, argv[optind], &id)) == 1)
		log_error("report: no company has the slug '%s'", argv[optind]);
	else if (r == 0 && (r = report_store_load(conn, id, timefmt_now(), &rep)) == 0)
		log_error("report: %s has no rating yet (run fairrate score)", argv[optind]);
	else if (r == 1 && report_pdf_render(&rep, &cat, &pdf) == 0 &&
	    report_write(out_path, &pdf) == 0) {
		printf("report: %s (%s, %zu bytes)\n", out_path, cat.lang, pdf.len);
		rc = 0;
	}
	report_free(&rep);
	buf_free(&pdf);
	i18n_free(&cat);
	PQfinish(conn);
	return (rc);
}
