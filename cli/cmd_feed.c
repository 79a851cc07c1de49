/* fairrate feed: import a breach, compromised-host or open-port feed (collector/feeds). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "collector/feeds.h"
#include "common/db.h"
#include "common/timefmt.h"

static void
feed_usage(FILE *out)
{
	fprintf(out, "usage: fairrate feed breaches|compromised-hosts|open-ports FILE\n"
	    "       [--format csv|jsonl] [--source NAME]\n\n"
	    "Imports a feed file, all or nothing: every bad row is listed as FILE:LINE:\n"
	    "reason and a file with any bad row imports nothing (docs/collector.md).\n\n"
	    "  breaches           company, occurred_at, disclosed_at, kind, severity,\n"
	    "                     source, external_ref, summary, records\n"
	    "  compromised-hosts  company, asset, ip, category (botnet|malware|spam),\n"
	    "                     family, observed_at, source\n"
	    "  open-ports         company, asset, ip, port, protocol, service,\n"
	    "                     observed_at, source\n\n"
	    "  --format FMT    csv or jsonl (default: from the extension)\n"
	    "  --source NAME   the source of rows that name none\n\n"
	    "Exit status: 0 imported, 1 rejected or failed, 2 bad usage.\n");
}

int
cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	    {"source", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *format = NULL, *dot;
	struct feeds_options o;
	struct import_counts c;
	PGconn *conn;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 's': o.source = optarg; break;
		case 'h': feed_usage(stdout); return (0);
		default: feed_usage(stderr); return (2);
		}
	}
	if (argc - optind != 2 || feeds_kind_parse(argv[optind], &o.kind) != 0) {
		feed_usage(stderr);
		return (2);
	}
	dot = strrchr(argv[optind + 1], '.');
	if (format == NULL && dot != NULL)
		format = strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0 ? "jsonl" :
		    strcmp(dot, ".csv") == 0 ? "csv" : NULL;
	if (format == NULL || (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)) {
		fprintf(stderr, "fairrate feed: say --format csv or --format jsonl\n");
		return (2);
	}
	o.jsonl = strcmp(format, "jsonl") == 0;
	o.now = timefmt_now();
	o.errors = stderr;
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = feeds_run(conn, argv[optind + 1], &o, &c);
	PQfinish(conn);
	if (rc == 0)
		printf("%s: %ld row%s: %ld incidents added, %ld changed; evidence: %ld added,"
		    " %ld re-observed\n", argv[optind + 1], c.rows, c.rows == 1 ? "" : "s",
		    o.kind == FEEDS_BREACHES ? c.inserted : 0,
		    o.kind == FEEDS_BREACHES ? c.updated : 0, c.evidence_inserted,
		    c.evidence_updated);
	return (rc == 0 ? 0 : 1);
}
