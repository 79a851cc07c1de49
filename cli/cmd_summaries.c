/* fairrate summaries [--batch N] [--threads N]: render and store every public company's investor
 * summary that is missing or out of date (api/summary_store.h), so that lookups the
 * API's memory cache misses read stored bytes instead of rendering them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/company_store.h"
#include "api/summary_store.h"
#include "cli/commands.h"
#include "common/db.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

static void
summaries_usage(FILE *out)
{
	fprintf(out, "usage: fairrate summaries [--batch N] [--threads N]\n\n"
	    "Renders the investor summary (GET /v1/companies/{slug}) of every public company\n"
	    "whose stored summary is missing or out of date, and stores it, so that lookups\n"
	    "send stored bytes. Run it after a full `fairrate score`: the API renders a\n"
	    "missing summary on its first lookup anyway, this does it before the lookups\n"
	    "come. A stored summary is never served once anything it shows has changed.\n\n"
	    "  --batch N    companies rendered and written per statement (1..2000, default 500)\n"
	    "  --threads N  threads, each on its own connection and range of companies\n"
	    "               (1..%d, default one per CPU, at most 4)\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n",
	    SUMMARY_STORE_THREADS_MAX);
}

/* The progress callback of summary_store_render_stale (arg: the meter). */
static void
summaries_progress(void *arg, long done)
{
	progress_update(arg, (uint64_t)done);
}

int
cmd_summaries(int argc, char **argv)
{
	static const struct option opts[] = {
		{"batch", required_argument, NULL, 'b'},
		{"threads", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct progress *meter;
	struct db_pool *pool = NULL;
	long batch = 500, threads = sysconf(_SC_NPROCESSORS_ONLN), done;
	double t0;
	PGconn *conn = NULL;
	char *end;
	int c, rc = 1, explicit_threads = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = strtol(optarg, &end, 10);
			if (*end != '\0' || batch < 1 || batch > 2000) {
				log_error("summaries: --batch takes a number from 1 to 2000");
				return (2);
			}
			break;
		case 't':
			threads = strtol(optarg, &end, 10);
			if (*end != '\0' || threads < 1 || threads > SUMMARY_STORE_THREADS_MAX) {
				log_error("summaries: --threads takes a number from 1 to %d",
				    SUMMARY_STORE_THREADS_MAX);
				return (2);
			}
			explicit_threads = 1;
			break;
		case 'h':
			summaries_usage(stdout);
			return (0);
		default:
			summaries_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		summaries_usage(stderr);
		return (2);
	}
	if (!explicit_threads)
		threads = threads < 1 ? 1 : threads > 4 ? 4 : threads;
	if ((pool = db_pool_new(db_url(), (size_t)threads + 1, 0, NULL)) == NULL ||
	    summary_store_register(pool) != 0 ||
	    (conn = db_pool_acquire(pool, NULL)) == NULL) {
		log_error("summaries: cannot connect to the database");
		goto out;
	}
	t0 = progress_clock();
	meter = progress_new("summaries", 0, "companies");
	done = summary_store_render_stale(pool, conn, timefmt_now(), (unsigned)batch,
	    (unsigned)threads, summaries_progress, meter);
	progress_finish(meter);
	if (done < 0) {
		log_error("summaries: stopped: the summaries stored so far stay (each is "
		    "checked when read)");
		goto out;
	}
	printf("%ld summaries rendered and stored in %.1f s (%ld threads)\n", done,
	    progress_clock() - t0, threads);
	rc = 0;
out:
	if (conn != NULL)
		db_pool_release(pool, conn);
	db_pool_free(pool);
	return (rc);
}
