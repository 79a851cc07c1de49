/* fairrate feed: import a breach, compromised-host or open-port feed (collector/feeds),
 * a published IP blocklist (collector/blocklist_store), or a data set patching is
 * judged against (collector/advisories). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "collector/advisories.h"
#include "collector/blocklist_store.h"
#include "collector/feeds.h"
#include "collector/patching_store.h"
#include "collector/software.h"
#include "collector/veris_store.h"
#include "common/db.h"
#include "common/timefmt.h"

static void
feed_usage(FILE *out)
{
	fprintf(out, "usage: fairrate feed breaches|compromised-hosts|open-ports FILE\n"
	    "       [--format csv|jsonl] [--source NAME]\n"
	    "       fairrate feed blocklist FILE --category botnet|malware|spam\n"
	    "       --source NAME [--observed-at TIME]\n"
	    "       fairrate feed endoflife FILE --product ID\n"
	    "       fairrate feed kev|osv FILE\n"
	    "       fairrate feed veris FILE [--source NAME]\n\n"
	    "Imports a feed file, all or nothing: every bad row is listed as FILE:LINE:\n"
	    "reason and a file with any bad row imports nothing (docs/collector.md).\n\n"
	    "  breaches           company, occurred_at, disclosed_at, kind, severity,\n"
	    "                     source, external_ref, summary, records\n"
	    "  compromised-hosts  company, asset, ip, category (botnet|malware|spam),\n"
	    "                     family, observed_at, source\n"
	    "  open-ports         company, asset, ip, port, protocol, service,\n"
	    "                     observed_at, source\n\n"
	    "  blocklist          an IP blocklist as its maintainer publishes it: one\n"
	    "                     address or CIDR network a line (Spamhaus DROP's\n"
	    "                     'NET ; SBL...' too), or abuse.ch's CSV (Feodo Tracker);\n"
	    "                     every listed network overlapping a company's attributed\n"
	    "                     IP range becomes compromised_systems.<category> evidence\n"
	    "  veris              VERIS incident records (VCDB: one JSON record, an array,\n"
	    "                     or JSON Lines) as incidents of the companies named as\n"
	    "                     their victims (source default vcdb)\n"
	    "  endoflife          a product's release cycles as endoflife.date publishes\n"
	    "                     them (https://endoflife.date/api/PRODUCT.json); replaces\n"
	    "                     that product's cycles\n"
	    "  kev                CISA's Known Exploited Vulnerabilities catalogue (JSON);\n"
	    "                     replaces the catalogue\n"
	    "  osv                OSV vulnerability records (one record or an array);\n"
	    "                     records of other products are skipped\n"
	    "  Then fairrate patching judges the software seen against them.\n\n"
	    "  --product ID    endoflife: the product (nginx, php, apache-http-server, ...;\n"
	    "                  docs/collector.md)\n"
	    "  --format FMT    csv or jsonl (default: from the extension)\n"
	    "  --source NAME   the source of rows that name none; for a blocklist, the\n"
	    "                  list's name (required)\n"
	    "  --category C    blocklist: botnet, malware or spam (what a listing means)\n"
	    "  --observed-at T blocklist: when the list was fetched (ISO 8601; default now)\n"
	    "\n"
	    "Exit status: 0 imported, 1 rejected or failed, 2 bad usage.\n");
}

/* fairrate feed blocklist FILE ...: 0, 1 rejected or failed, 2 bad usage. */
static int
feed_blocklist(const char *path, const char *category, const char *source,
    const char *observed)
{
	struct blocklist_options o;
	struct blocklist_counts c;
	PGconn *conn;
	int rc;

	memset(&o, 0, sizeof(o));
	o.path = path;
	o.source = source;
	o.errors = stderr;
	o.observed_at = timefmt_now();
	if (category == NULL || blocklist_category_parse(category, &o.category) != 0) {
		fprintf(stderr, "fairrate feed blocklist: say --category botnet, malware or"
		    " spam\n");
		return (2);
	}
	if (source == NULL || source[0] == '\0' || strlen(source) > 48 ||
	    strspn(source, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(source)) {
		fprintf(stderr, "fairrate feed blocklist: say --source NAME (the list's name:"
		    " lowercase letters, digits, '-', '_', '.'; at most 48)\n");
		return (2);
	}
	if (observed != NULL && timefmt_parse(observed, &o.observed_at) != 0) {
		fprintf(stderr, "fairrate feed blocklist: --observed-at '%s' is not an ISO 8601"
		    " time\n", observed);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = blocklist_run(conn, &o, &c);
	PQfinish(conn);
	if (rc == 0)
		printf("%s: %ld network%s listed, %ld attributed to IP ranges; %ld compan%s"
		    " covered; evidence: %ld added, %ld re-observed\n", path, c.listed,
		    c.listed == 1 ? "" : "s", c.matched, c.companies_covered,
		    c.companies_covered == 1 ? "y" : "ies", c.evidence.evidence_inserted,
		    c.evidence.evidence_updated);
	return (rc == 0 ? 0 : 1);
}

/* fairrate feed veris FILE: 0, 1 rejected or failed. */
static int
feed_veris(const char *path, const char *source)
{
	struct veris_counts c;
	PGconn *conn;
	int rc;

	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = veris_store_run(conn, path, source ? source : "vcdb", timefmt_now(), stderr, &c);
	PQfinish(conn);
	if (rc == 0)
		printf("%s: %ld record%s: %ld of rated companies (%ld incidents added, %ld"
		    " changed), %ld of others, %ld of a name several companies share\n", path,
		    c.records, c.records == 1 ? "" : "s", c.matched, c.imported.inserted,
		    c.imported.updated, c.unmatched, c.ambiguous);
	return (rc == 0 ? 0 : 1);
}

/* fairrate feed endoflife|kev|osv FILE: 0, 1 refused or failed. */
static int
feed_dataset(const char *kind, const char *path, const char *product)
{
	enum patching_dataset k = strcmp(kind, "endoflife") == 0 ? PATCHING_ENDOFLIFE :
	    strcmp(kind, "kev") == 0 ? PATCHING_KEV : PATCHING_OSV;
	json_error_t je;
	json_t *doc, *rows;
	char err[300];
	size_t skipped = 0;
	PGconn *conn;
	int rc;

	if (k == PATCHING_ENDOFLIFE && (product == NULL || !software_product_known(product))) {
		fprintf(stderr, "fairrate feed endoflife: say --product with one of the product"
		    " ids in docs/collector.md (\"Patching\")\n");
		return (2);
	}
	if (k != PATCHING_ENDOFLIFE && product != NULL) {
		fprintf(stderr, "fairrate feed %s: --product is for endoflife\n", kind);
		return (2);
	}
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		fprintf(stderr, "%s:%d: %s\n", path, je.line, je.text);
		return (1);
	}
	rows = k == PATCHING_ENDOFLIFE ? advisories_endoflife(doc, err, sizeof(err)) :
	    k == PATCHING_KEV ? advisories_kev(doc, err, sizeof(err)) :
	    advisories_osv(doc, &skipped, err, sizeof(err));
	json_decref(doc);
	if (rows == NULL) {
		fprintf(stderr, "%s: %s; nothing was loaded\n", path, err);
		return (1);
	}
	if ((conn = db_connect(NULL)) == NULL) {
		json_decref(rows);
		return (1);
	}
	rc = patching_store_load(conn, k, rows, product, path, timefmt_now());
	PQfinish(conn);
	if (rc == 0)
		printf("%s: %zu %s loaded%s", path, json_array_size(rows),
		    k == PATCHING_ENDOFLIFE ? "release cycles" : k == PATCHING_KEV ?
		    "catalogue entries" : "affected products", skipped > 0 ? "" : "\n");
	if (rc == 0 && skipped > 0)
		printf(", %zu of other products skipped\n", skipped);
	json_decref(rows);
	return (rc == 0 ? 0 : 1);
}

int
cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	    {"source", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
	    {"product", required_argument, NULL, 'p'}, {"category", required_argument, NULL,
	    'c'}, {"observed-at", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	const char *format = NULL, *dot, *product = NULL, *category = NULL, *observed = NULL;
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
		case 'p': product = optarg; break;
		case 'c': category = optarg; break;
		case 'o': observed = optarg; break;
		case 'h': feed_usage(stdout); return (0);
		default: feed_usage(stderr); return (2);
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "veris") == 0 && product == NULL &&
	    category == NULL && observed == NULL)
		return (feed_veris(argv[optind + 1], o.source));
	if (argc - optind == 2 && strcmp(argv[optind], "blocklist") == 0)
		return (feed_blocklist(argv[optind + 1], category, o.source, observed));
	if (argc - optind == 2 && (strcmp(argv[optind], "endoflife") == 0 ||
	    strcmp(argv[optind], "kev") == 0 || strcmp(argv[optind], "osv") == 0))
		return (feed_dataset(argv[optind], argv[optind + 1], product));
	if (argc - optind != 2 || feeds_kind_parse(argv[optind], &o.kind) != 0 ||
	    product != NULL || category != NULL || observed != NULL) {
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
