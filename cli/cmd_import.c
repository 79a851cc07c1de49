#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "collector/import_file.h"
#include "common/db.h"
#include "common/timefmt.h"

static void
import_usage(FILE *out)
{
	fprintf(out, "usage: fairrate import companies|evidence|incidents FILE"
	    " [--format csv|jsonl] [--source NAME]\n\n"
	    "Imports a CSV or JSON Lines file, all or nothing: every row is checked first,\n"
	    "every bad row is listed as FILE:LINE: reason, and a file with any bad row\n"
	    "imports nothing. Rows already stored are updated (see docs/import-formats.md).\n\n"
	    "  companies   slug, name, sector, size_band, country, domains, ip_ranges,\n"
	    "              visibility; upsert by slug; domains and ranges become assets\n"
	    "  evidence    company, asset, check_code, outcome, observation_key,\n"
	    "              observed_at | first_seen + last_seen, source, collector_version,\n"
	    "              details; re-observation updates; corrections stick\n"
	    "  incidents   company, occurred_at, disclosed_at, kind, severity, source,\n"
	    "              external_ref, summary; disclosed breaches also become evidence\n\n"
	    "  FILE            the file, or - for standard input (then --format is needed)\n"
	    "  --format FMT    csv or jsonl (default: from the extension .csv, .jsonl, .ndjson)\n"
	    "  --source NAME   the source of rows that name none, and of imported assets\n"
	    "                  (default for assets: import)\n"
	    "  --help          this text\n\n"
	    "Exit status: 0 imported, 1 rejected or failed, 2 bad usage.\n");
}

static void
import_summary(const char *file, enum import_kind kind, const struct import_counts *c)
{
	switch (kind) {
	case IMPORT_COMPANIES:
		printf("%s: %ld row%s: %ld companies added, %ld changed; %ld assets attributed\n",
		    file, c->rows, c->rows == 1 ? "" : "s", c->inserted, c->updated,
		    c->assets_added);
		break;
	case IMPORT_EVIDENCE:
		printf("%s: %ld row%s: %ld evidence added, %ld re-observed, %ld unchanged\n",
		    file, c->rows, c->rows == 1 ? "" : "s", c->evidence_inserted,
		    c->evidence_updated, c->evidence_unchanged);
		if (c->evidence_stale > 0)
			printf("%s: %ld of them already past their factor's lifetime: stored, but"
			    " no rating counts them (see the warnings above)\n", file,
			    c->evidence_stale);
		break;
	case IMPORT_INCIDENTS:
		printf("%s: %ld row%s: %ld incidents added, %ld changed; evidence: %ld added, "
		    "%ld re-observed, %ld unchanged\n", file, c->rows, c->rows == 1 ? "" : "s",
		    c->inserted,
		    c->updated, c->evidence_inserted, c->evidence_updated, c->evidence_unchanged);
		break;
	}
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"source", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_options opt;
	struct import_counts counts;
	const char *format = NULL;
	PGconn *conn;
	int c, rc;

	memset(&opt, 0, sizeof(opt));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 's':
			opt.source = optarg;
			break;
		case 'h':
			import_usage(stdout);
			return (0);
		default:
			import_usage(stderr);
			return (2);
		}
	}
	if (argc - optind != 2 || import_rows_kind_parse(argv[optind], &opt.kind) != 0) {
		import_usage(stderr);
		return (2);
	}
	if (format != NULL) {
		if (strcmp(format, "csv") == 0)
			opt.format = IMPORT_FORMAT_CSV;
		else if (strcmp(format, "jsonl") == 0 || strcmp(format, "ndjson") == 0)
			opt.format = IMPORT_FORMAT_JSONL;
		else {
			fprintf(stderr, "fairrate: import: --format must be csv or jsonl\n");
			return (2);
		}
	} else if (import_file_format_for(argv[optind + 1], &opt.format) != 0) {
		fprintf(stderr, "fairrate: import: cannot tell the format of %s from its name;"
		    " give --format csv or --format jsonl\n", argv[optind + 1]);
		return (2);
	}
	if (opt.source != NULL && (opt.source[0] == '\0' || strlen(opt.source) > 100)) {
		fprintf(stderr, "fairrate: import: --source must be 1 to 100 characters\n");
		return (2);
	}
	opt.now = timefmt_now();
	opt.errors = stderr;
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = import_file_run(conn, argv[optind + 1], &opt, &counts);
	PQfinish(conn);
	if (rc == 0)
		import_summary(argv[optind + 1], opt.kind, &counts);
	return (rc == 0 ? 0 : 1);
}
