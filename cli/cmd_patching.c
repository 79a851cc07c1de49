/* fairrate patching: judge the software seen against the loaded data sets
 * (collector/patching_store). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "collector/patching_store.h"
#include "common/db.h"
#include "common/timefmt.h"

static void
patching_usage(FILE *out)
{
	fprintf(out, "usage: fairrate patching [--as-of TIME]\n\n"
	    "Judges every product and version the scans saw (Server and X-Powered-By\n"
	    "headers, service banners: web_headers.version_disclosure and exposed_services\n"
	    "evidence) against the data sets loaded with fairrate feed endoflife|kev|osv,\n"
	    "and writes patching.end_of_life_software, patching.outdated_software and\n"
	    "patching.known_vulnerability evidence, all or nothing (docs/collector.md).\n\n"
	    "  --as-of TIME   judge end of life at this time (ISO 8601; default now)\n\n"
	    "Exit status: 0 done, 1 refused or failed, 2 bad usage.\n");
}

int
cmd_patching(int argc, char **argv)
{
	static const struct option opts[] = {{"as-of", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct patching_counts c;
	int64_t now = timefmt_now();
	PGconn *conn;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (timefmt_parse(optarg, &now) != 0) {
				fprintf(stderr, "fairrate patching: --as-of '%s' is not an ISO 8601"
				    " time\n", optarg);
				return (2);
			}
			break;
		case 'h': patching_usage(stdout); return (0);
		default: patching_usage(stderr); return (2);
		}
	}
	if (optind != argc) {
		patching_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = patching_store_run(conn, now, stderr, &c);
	PQfinish(conn);
	if (rc == 0)
		printf("patching: %ld products seen, %ld judged (%ld past end of life, %ld"
		    " outdated, %ld with an exploited vulnerability); %ld companies covered;"
		    " evidence: %ld added, %ld re-observed\n", c.observations, c.judged,
		    c.end_of_life, c.outdated, c.exploited, c.companies_covered,
		    c.evidence.evidence_inserted, c.evidence.evidence_updated);
	return (rc == 0 ? 0 : 1);
}
