#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "demo/demo_store.h"
#include "demo/demo_world.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"
#include "rater/rescore.h"

static void
demo_usage(FILE *out)
{
	fprintf(out, "usage: fairrate demo --companies N --seed S [--as-of TIME] [--if-empty]\n"
	    "                     [--history-months M]\n\n"
	    "Loads a synthetic world (docs/demo-world.md) in one transaction: N companies\n"
	    "with assets under .example and .test and in documentation IP ranges, evidence\n"
	    "for every factor, incidents, and a few customers. The same N and S give the\n"
	    "same data, with times relative to TIME truncated to the day.\n\n"
	    "  --companies N  how many companies (1..%d)\n"
	    "  --seed S       the random seed, a number (0..2^64-1)\n"
	    "  --as-of TIME   ISO 8601 date or time (default: FAIRRATE_NOW, else now)\n"
	    "  --if-empty     do nothing (and say so) when companies exist already\n"
	    "  --history-months M  after loading, rate the world every 30 days from M\n"
	    "                 months before TIME (not before the first methodology took\n"
	    "                 effect), so that charts have a history (0..24; default 0)\n"
	    "  --help         this text\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n",
	    DEMO_WORLD_MAX_COMPANIES);
}

static int
demo_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return (-1);
	*out = (uint64_t)v;
	return (0);
}

/* Rate the freshly loaded world every 30 days from months before as_of (not before the
 * first published methodology took effect), oldest first, so that the history charts
 * start with the world instead of a single point. */
static int
demo_history(int64_t as_of, int months)
{
	struct rescore_options ro;
	struct rescore_summary sum;
	int64_t first = 0, at;
	PGconn *conn;
	char when[21];
	int rc, k, runs = 0;

	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = methodology_store_first_effective(conn, &first);
	PQfinish(conn);
	if (rc < 0)
		return (1);
	for (k = months; rc == 1 && k >= 1; k--) {
		at = as_of - (int64_t)k * 30 * TIMEFMT_DAY;
		if (at < first)
			continue;
		memset(&ro, 0, sizeof(ro));
		ro.as_of = at;
		if (rescore_run(NULL, &ro, &sum) != 0)
			return (1);
		runs++;
	}
	printf("demo: rated the world %d times in the %d months before %s (history)\n", runs,
	    months, timefmt_format(as_of, when));
	return (0);
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"companies", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"as-of", required_argument, NULL, 'a'},
		{"if-empty", no_argument, NULL, 'e'},
		{"history-months", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct demo_world_params p;
	struct demo_store_summary sum;
	struct timespec t0, t1;
	uint64_t n = 0, months = 0;
	int c, if_empty = 0, have_n = 0, have_seed = 0, rc;
	PGconn *conn;
	char day[21];

	memset(&p, 0, sizeof(p));
	p.as_of = timefmt_now();
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (demo_parse_u64(optarg, DEMO_WORLD_MAX_COMPANIES, &n) != 0 || n < 1) {
				log_error("demo: --companies takes a number from 1 to %d",
				    DEMO_WORLD_MAX_COMPANIES);
				return (2);
			}
			have_n = 1;
			break;
		case 's':
			if (demo_parse_u64(optarg, UINT64_MAX, &p.seed) != 0) {
				log_error("demo: --seed takes a non-negative number");
				return (2);
			}
			have_seed = 1;
			break;
		case 'a':
			if (timefmt_parse(optarg, &p.as_of) != 0) {
				log_error("demo: --as-of: '%s' is not an ISO 8601 time", optarg);
				return (2);
			}
			break;
		case 'e':
			if_empty = 1;
			break;
		case 'm':
			if (demo_parse_u64(optarg, 24, &months) != 0) {
				log_error("demo: --history-months takes a number from 0 to 24");
				return (2);
			}
			break;
		case 'h':
			demo_usage(stdout);
			return (0);
		default:
			demo_usage(stderr);
			return (2);
		}
	}
	if (optind != argc || !have_n || !have_seed) {
		demo_usage(stderr);
		return (2);
	}
	p.ncompanies = (size_t)n;
	/* Whole days, so that reruns on the same day give the same rows. */
	p.as_of -= ((p.as_of % TIMEFMT_DAY) + TIMEFMT_DAY) % TIMEFMT_DAY;
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = demo_store_load(conn, &p, if_empty, &sum);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	PQfinish(conn);
	if (rc != 0)
		return (1);
	if (sum.skipped) {
		printf("demo: companies exist already; --if-empty: nothing loaded\n");
		return (0);
	}
	printf("demo: loaded a synthetic world as of %s (seed %" PRIu64 ") in %.1f s: "
	    "%ld companies (%ld private, %ld with too little evidence to rate), %ld assets, "
	    "%ld evidence items (%ld findings), %ld incidents (%ld disclosed), %ld customers "
	    "with %ld subscriptions. All names are under .example/.test and all addresses "
	    "in documentation ranges.\n", timefmt_format(p.as_of, day), p.seed,
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    sum.companies, sum.private_companies, sum.sparse_companies, sum.assets,
	    sum.evidence, sum.findings, sum.incidents, sum.disclosed_incidents,
	    sum.customers, sum.subscriptions);
	return (months > 0 ? demo_history(p.as_of, (int)months) : 0);
}
