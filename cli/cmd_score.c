#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"
#include "rater/rating_store.h"
#include "rater/rescore.h"

static void
score_usage(FILE *out)
{
	fprintf(out, "usage: fairrate score [--company SLUG | --shard K/N] [--as-of TIME] "
	    "[--batch N]\n                     [--threads N] [--json]\n\n"
	    "Rates every company (or one) from its evidence under the methodology in force\n"
	    "at the as-of time, and appends a ratings row for each company whose rating\n"
	    "changed, with the reason (initial, new_evidence, correction, evidence_expired,\n"
	    "methodology_change, evidence_changed). History is never overwritten.\n\n"
	    "  --company SLUG  rescore this company only (one transaction)\n"
	    "  --shard K/N     rescore only shard K of N: the companies whose id %% N is\n"
	    "                  K - 1; N workers (on N machines) given 1/N to N/N rescore\n"
	    "                  the database together (docs/rescoring.md)\n"
	    "  --as-of TIME    rate as of this ISO 8601 time (default: now, or $FAIRRATE_NOW)\n"
	    "  --batch N       ratings rows per commit, per thread (default 5000)\n"
	    "  --threads N     rate on N threads, 1 to 4, each with its own three database\n"
	    "                  connections (default: one per CPU, at most 4)\n"
	    "  --json          print a JSON summary instead of a sentence\n"
	    "  --help          this text\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

/* The company id of slug, 0 after saying that there is none, -1 on error. */
static int64_t
score_find_company(const char *slug)
{
	PGconn *conn;
	int64_t id = 0;
	int rc;

	if ((conn = db_connect(NULL)) == NULL)
		return (-1);
	rc = rating_store_company_id(conn, slug, &id);
	PQfinish(conn);
	if (rc < 0)
		return (-1);
	if (rc == 1) {
		log_error("score: no company has the slug '%s'", slug);
		return (0);
	}
	return (id);
}

/* "K/N" with 1 <= K <= N <= 1024 into ro. 0, or -1 after saying why. */
static int
score_parse_shard(const char *text, struct rescore_options *ro)
{
	char *end;
	long k, n;

	k = strtol(text, &end, 10);
	if (end == text || *end != '/')
		goto bad;
	n = strtol(end + 1, &end, 10);
	if (*end != '\0' || n < 1 || n > 1024 || k < 1 || k > n)
		goto bad;
	ro->shard_k = (int)k;
	ro->shard_n = (int)n;
	return (0);
bad:
	log_error("score: --shard: '%s' is not K/N with 1 <= K <= N <= 1024", text);
	return (-1);
}

static void
score_print(const struct rescore_summary *s, int64_t as_of, double secs, int as_json)
{
	char iso[21];
	json_t *o;
	char *text;

	timefmt_format(as_of, iso);
	if (!as_json) {
		printf("rated %" PRId64 " companies as of %s under methodology %s in %.2f s "
		    "(%.0f companies/s): %" PRId64 " rated, %" PRId64 " insufficient data; "
		    "%" PRId64 " new ratings rows, %" PRId64 " unchanged\n", s->companies,
		    iso, s->methodology_version, secs,
		    secs > 0 ? (double)s->companies / secs : 0.0, s->rated, s->insufficient,
		    s->new_rows, s->unchanged);
		return;
	}
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:s, s:s}",
	    "companies", (json_int_t)s->companies, "rated", (json_int_t)s->rated,
	    "insufficient", (json_int_t)s->insufficient, "new_rows", (json_int_t)s->new_rows,
	    "unchanged", (json_int_t)s->unchanged, "seconds", secs,
	    "methodology_version", s->methodology_version, "as_of", iso);
	text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(o);
}

int
cmd_score(int argc, char **argv)
{
	static const struct option opts[] = {
		{"company", required_argument, NULL, 'c'},
		{"as-of", required_argument, NULL, 'a'},
		{"batch", required_argument, NULL, 'b'},
		{"threads", required_argument, NULL, 't'},
		{"shard", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct rescore_options ro;
	struct rescore_summary sum;
	struct progress_lazy meter = {"score", "companies", NULL};
	const char *slug = NULL;
	int as_json = 0, c, rc;
	long batch, threads;
	char *end;
	double t0;

	memset(&ro, 0, sizeof(ro));
	ro.as_of = timefmt_now();
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			slug = optarg;
			break;
		case 'a':
			if (timefmt_parse(optarg, &ro.as_of) != 0) {
				log_error("score: --as-of: not an ISO 8601 time: '%s'", optarg);
				return (2);
			}
			break;
		case 'b':
			batch = strtol(optarg, &end, 10);
			if (*end != '\0' || batch < 1 || batch > 1000000) {
				log_error("score: --batch: a number from 1 to 1000000");
				return (2);
			}
			ro.batch_rows = (size_t)batch;
			break;
		case 't':
			threads = strtol(optarg, &end, 10);
			if (*end != '\0' || threads < 1 || threads > 4) {
				log_error("score: --threads: a number from 1 to 4");
				return (2);
			}
			ro.threads = (int)threads;
			break;
		case 's':
			if (score_parse_shard(optarg, &ro) != 0)
				return (2);
			break;
		case 'j':
			as_json = 1;
			break;
		case 'h':
			score_usage(stdout);
			return (0);
		default:
			score_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		score_usage(stderr);
		return (2);
	}
	if (slug != NULL && ro.shard_n > 0) {
		log_error("score: --company and --shard exclude each other");
		return (2);
	}
	if (slug != NULL && (ro.company_id = score_find_company(slug)) <= 0)
		return (1);
	if (slug == NULL) {
		ro.progress = progress_lazy_report;
		ro.progress_arg = &meter;
	}
	t0 = progress_clock();
	rc = rescore_run(NULL, &ro, &sum);
	progress_finish(meter.meter);
	if (rc != 0)
		return (1);
	score_print(&sum, ro.as_of, progress_clock() - t0, as_json);
	return (0);
}
