/* The scan queue: leases, SKIP LOCKED claims, reclaiming after a worker dies, and
 * fairrate scan writing evidence through the importer's rules. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/scan_queue.h"
#include "common/timefmt.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct scan_fixture fx;
static int fx_started;

static void
setup(void)
{
	conn = testdb_create();
	fx_started = 0;
}

static void
teardown(void)
{
	if (fx_started)
		scan_fixture_stop(&fx);
	testdb_drop(conn);
}

static void
fixture(void)
{
	scan_fixture_start(&fx);
	fx_started = 1;
}

TestSuite(scan_queue, .init = setup, .fini = teardown, .timeout = 120);

static void
sql(const char *q)
{
	testdb_exec(conn, q);
}

/* One company "acme" with n domains d01.test ... */
static void
make_domains(int n)
{
	char q[512];

	sql("INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE')");
	snprintf(q, sizeof(q), "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT c.id, 'domain', format('d%%s.test', lpad(g::text, 2, '0')), 'test'"
	    " FROM companies c, generate_series(1, %d) g WHERE c.slug = 'acme'", n);
	sql(q);
}

Test(scan_queue, claims_are_leases_that_run_out)
{
	struct scan_job jobs[8];
	int64_t now = timefmt_now(), ids[2];
	long added, removed, finished;
	size_t n;

	make_domains(3);
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(added, 3);
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(added, 0, "a second sync adds nothing");
	cr_assert_eq(scan_queue_due(conn, now), 3);
	cr_assert_eq(scan_queue_claim(conn, "A", now, 60, 2, jobs, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(jobs[0].company, "acme");
	cr_assert_str_eq(jobs[0].domain, "d01.test");
	ids[0] = jobs[0].id;
	ids[1] = jobs[1].id;
	cr_assert_eq(scan_queue_claim(conn, "B", now, 60, 8, jobs, &n), 0);
	cr_assert_eq(n, 1, "leased jobs are not claimed again");
	cr_assert_str_eq(jobs[0].domain, "d03.test");
	cr_assert_eq(scan_queue_claim(conn, "B", now, 60, 8, jobs, &n), 0);
	cr_assert_eq(n, 0);
	/* A finishes cleanly: due again an interval later. */
	cr_assert_eq(scan_queue_finish(conn, "A", now, ids, NULL, 2, &finished), 0);
	cr_assert_eq(finished, 2);
	cr_assert_eq(scan_queue_due(conn, now + 59), 0, "B still holds d03");
	/* B dies holding d03: after its lease, C takes it, and B's late finish is void. */
	cr_assert_eq(scan_queue_due(conn, now + 61), 1);
	cr_assert_eq(scan_queue_claim(conn, "C", now + 61, 60, 8, jobs, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(jobs[0].domain, "d03.test");
	cr_assert_eq(jobs[0].attempts, 2);
	ids[0] = jobs[0].id;
	cr_assert_eq(scan_queue_finish(conn, "B", now + 62, ids, NULL, 1, &finished), 0);
	cr_assert_eq(finished, 0, "a lease that ran out cannot be finished");
	{
		const char *errors[1] = {"https: timeout"};

		cr_assert_eq(scan_queue_finish(conn, "C", now + 62, ids, errors, 1, &finished), 0);
	}
	cr_assert_eq(finished, 1);
	/* An error retries after 15 minutes per attempt (two attempts here). */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs WHERE"
	    " last_error = 'https: timeout' AND due_at - last_finished_at = '30 minutes'"), 1);
}

Test(scan_queue, renew_release_and_detached_assets)
{
	struct scan_job jobs[8];
	int64_t now = timefmt_now();
	long added, removed, held;
	size_t n;

	make_domains(2);
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(scan_queue_claim(conn, "A", now, 60, 8, jobs, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(scan_queue_renew(conn, "A", now + 50, 60, &held), 0);
	cr_assert_eq(held, 2);
	cr_assert_eq(scan_queue_due(conn, now + 100), 0, "renewed leases hold");
	cr_assert_eq(scan_queue_release(conn, "A"), 0);
	cr_assert_eq(scan_queue_due(conn, now), 2);
	sql("UPDATE assets SET detached_at = now(), detached_reason = 'sold'"
	    " WHERE value = 'd02.test'");
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(removed, 1);
	cr_assert_eq(scan_queue_due(conn, now), 1);
}

/* The demo world's fictitious names are never queued (README's first scan must not
 * write "no SPF record" over the demo's evidence), and a job queued before goes. */
Test(scan_queue, the_demo_world_is_never_scanned)
{
	int64_t now = timefmt_now();
	long added, removed;

	make_domains(1);
	sql("INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " 'fictitious.example', 'demo' FROM companies WHERE slug = 'acme'");
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(added, 1, "only d01.test");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs j JOIN assets a"
	    " ON a.id = j.asset_id WHERE a.source = 'demo'"), 0);
	sql("INSERT INTO scan_jobs (company_id, asset_id, due_at, interval_seconds)"
	    " SELECT company_id, id, now(), 3600 FROM assets WHERE source = 'demo'");
	cr_assert_eq(scan_queue_sync(conn, now, 3600, &added, &removed), 0);
	cr_assert_eq(removed, 1);
	cr_assert_eq(scan_queue_due(conn, now), 1);
}

/* Run fairrate scan with args (NULL-ended) and FAIRRATE_NOW = now (0: unset),
 * stdout to out_path (may be NULL). Returns the child's pid. */
static pid_t
scan_start(const char *const *args, int64_t now, const char *out_path)
{
	const char *bin = getenv("FAIRRATE_BIN");
	const char *argv[48];
	char iso[21];
	size_t i, n = 0;
	pid_t pid;

	cr_assert_not_null(bin, "FAIRRATE_BIN is not set");
	argv[n++] = bin;
	argv[n++] = "scan";
	for (i = 0; args[i] != NULL && n < 46; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		if (now != 0)
			setenv("FAIRRATE_NOW", timefmt_format(now, iso), 1);
		if (out_path != NULL && freopen(out_path, "w", stdout) == NULL)
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	cr_assert(pid > 0);
	return (pid);
}

static int
scan_wait(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The "domains" figure of a JSON summary file. */
static long
summary_domains(const char *path)
{
	char text[2048], *p;
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	cr_assert_not_null(p = strstr(text, "\"domains\":"), "%s", text);
	return (atol(p + 10));
}

/* The arguments of `fairrate scan --once --no-mail` against the fixture's server,
 * only loopback allowed, with name ("" for every name) resolved to it through https
 * and http (64 bytes each); with --json and --concurrency when concurrency is not
 * NULL. Into args (16 entries). */
static void
fixture_scan_args(const char **args, char *https, char *http, const char *name,
    const char *concurrency)
{
	size_t n = 0;

	snprintf(https, 64, "%s:443:127.0.0.1:%d", name, fx.https_port);
	snprintf(http, 64, "%s:80:127.0.0.1:%d", name, fx.http_port);
	args[n++] = "--once";
	args[n++] = "--no-mail";
	if (concurrency != NULL) {
		args[n++] = "--json";
		args[n++] = "--concurrency";
		args[n++] = concurrency;
	}
	args[n++] = "--allow";
	args[n++] = "127.0.0.0/8";
	args[n++] = "--ca-file";
	args[n++] = fx.ca_file;
	args[n++] = "--connect-to";
	args[n++] = https;
	args[n++] = "--connect-to";
	args[n++] = http;
	args[n] = NULL;
}

Test(scan_queue, two_workers_share_one_queue_without_double_work)
{
	char https[64], http[64], out1[96], out2[96];
	const char *args[16];
	pid_t a, b;
	long total;

	make_domains(40);
	fixture();
	snprintf(out1, sizeof(out1), "%s/w1.json", fx.dir);
	snprintf(out2, sizeof(out2), "%s/w2.json", fx.dir);
	fixture_scan_args(args, https, http, "", "3");
	a = scan_start(args, 0, out1);
	b = scan_start(args, 0, out2);
	cr_assert_eq(scan_wait(a), 0);
	cr_assert_eq(scan_wait(b), 0);
	total = summary_domains(out1) + summary_domains(out2);
	cr_expect_eq(total, 40, "every domain scanned once, by one of the workers");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs WHERE scans = 1"
	    " AND leased_by IS NULL AND last_error IS NULL"), 40);
	/* nginx's default certificate is good.test's: every d*.test mismatches. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'tls.hostname_mismatch' AND outcome = 'fail'"
	    " AND source = 'fairrate-scan'"), 40);
}

/* Sixty domains on one server, eight at a time: the results go in many batches, some
 * written by the writer thread and, once scanning is over, some by the main thread
 * beside it. Each domain's evidence is written once, on its own asset, and is the
 * same as every other's (one server answers them all); every job is finished. */
Test(scan_queue, many_batches_write_each_domain_s_evidence_once)
{
	char https[64], http[64], out[96];
	const char *args[16];

	make_domains(60);
	fixture();
	snprintf(out, sizeof(out), "%s/many.json", fx.dir);
	fixture_scan_args(args, https, http, "", "8");
	cr_assert_eq(scan_wait(scan_start(args, 0, out)), 0);
	cr_expect_eq(summary_domains(out), 60);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs WHERE scans = 1"
	    " AND leased_by IS NULL AND last_error IS NULL"), 60);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(DISTINCT asset_id) FROM evidence"
	    " WHERE source = 'fairrate-scan'"), 60);
	cr_expect_gt(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'd01.test'"), 10);
	/* Every domain has exactly d01.test's results (check, key, outcome, details with
	 * the domain's own name in place of d01.test's). */
	cr_expect_eq(testdb_scalar(conn, "WITH f AS (SELECT a.value, string_agg(concat_ws("
	    "'|', e.check_code, e.observation_key, e.outcome, replace(e.details::text,"
	    " a.value, 'HOST')), ',' ORDER BY"
	    " e.check_code, e.observation_key) AS facts FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE e.source = 'fairrate-scan' GROUP BY a.value)"
	    " SELECT count(*) FROM f WHERE facts IS DISTINCT FROM"
	    " (SELECT facts FROM f WHERE value = 'd01.test')"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " source = 'fairrate-scan' AND first_seen <> last_seen"), 0);
}

Test(scan_queue, a_killed_worker_s_jobs_are_reclaimed)
{
	char slow443[64], slow80[64], https[64], http[64];
	const char *args[20];
	int64_t now = timefmt_now();
	pid_t w;
	int i;

	make_domains(5);
	fixture();
	snprintf(slow443, sizeof(slow443), ":443:127.0.0.1:%d", fx.slow_port);
	snprintf(slow80, sizeof(slow80), ":80:127.0.0.1:%d", fx.slow_port);
	{
		const char *worker[] = {"--worker", "--no-mail", "--lease", "60", "--timeout",
		    "60", "--allow", "127.0.0.0/8", "--connect-to", slow443, "--connect-to",
		    slow80, NULL};

		w = scan_start(worker, 0, "/dev/null");
	}
	for (i = 0; i < 100 && testdb_scalar(conn, "SELECT count(*) FROM scan_jobs"
	    " WHERE leased_by IS NOT NULL") < 5; i++)
		usleep(100 * 1000);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs"
	    " WHERE leased_by IS NOT NULL"), 5, "the worker claimed every job");
	kill(w, SIGKILL);
	scan_wait(w);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);
	/* Before the lease runs out nobody else may take them. */
	fixture_scan_args(args, https, http, "", NULL);
	cr_assert_eq(scan_wait(scan_start(args, now + 30, "/dev/null")), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs WHERE scans > 0"), 0);
	/* Two minutes on, the leases have run out: another worker finishes the jobs. */
	cr_assert_eq(scan_wait(scan_start(args, now + 120, "/dev/null")), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs WHERE scans = 1"
	    " AND leased_by IS NULL AND attempts = 0"), 5);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(DISTINCT asset_id) FROM evidence"), 5);
}

Test(scan_queue, rescans_move_last_seen_and_keep_corrections)
{
	char https[64], http[64];
	const char *args[16];
	/* A minute on: the fixture's certificates are valid from the moment they are made. */
	int64_t t1 = timefmt_now() + 60, t2 = t1 + 2 * TIMEFMT_DAY;

	make_domains(1);
	sql("UPDATE assets SET value = 'weak.test'");
	fixture();
	fixture_scan_args(args, https, http, "weak.test", NULL);
	cr_assert_eq(scan_wait(scan_start(args, t1, "/dev/null")), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'web_headers.version_disclosure' AND outcome = 'fail'"), 1);
	/* A dispute corrects the cookie finding. */
	sql("UPDATE evidence SET status = 'corrected', corrected_at = last_seen + interval '1 hour',"
	    " status_reason = 'dispute 1' WHERE check_code = 'web_headers.cookie_insecure'");
	cr_assert_eq(scan_wait(scan_start(args, t2, "/dev/null")), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'web_headers.cookie_insecure' AND status = 'corrected'"), 1,
	    "the same fact seen again does not undo the correction");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'web_headers.version_disclosure'"
	    " AND last_seen > first_seen + interval '1 day'"), 1, "re-observation moves last_seen");
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e WHERE"
	    " (SELECT count(*) FROM evidence f WHERE f.check_code = e.check_code) > 1"), 0,
	    "no duplicate rows");
}
