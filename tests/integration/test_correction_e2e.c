/*
 * A correction end to end, over HTTP and the command line, on the small rated world
 * (tests/support/api_world.h) moved forward in time so that the story happens now:
 * a correction is stamped with the later of the decision time and the database's
 * clock (docs/disputes.md), so the world's times are shifted to T, a whole hour a day
 * past the real clock, and the server runs at T.
 *
 * - A company disputes a finding over HTTP, an analyst accepts it: the company's
 *   rating and the investor summary show the corrected score at once, with a history
 *   row whose reason is correction. `fairrate import evidence` bringing back the SAME
 *   observation leaves the item corrected, and `fairrate score` changes nothing. A
 *   genuinely newer observation makes the item active again and the next score
 *   counts it.
 * - An attribution dispute accepted detaches the asset: a companies import naming it
 *   again (by its own source, or another) does not attribute it again, and evidence
 *   naming it is refused.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/timefmt.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

#define HOUR 3600

static PGconn *conn;
static struct api_client *c;
static char *k_acme, *k_investor, *k_analyst;
static int64_t t0;                 /* the test's now: the server's FAIRRATE_NOW */
static int64_t shift;              /* seconds the world was moved forward by */
static long ev_port;               /* acme's open Redis port finding */

/* Run `$FAIRRATE_BIN args...` with FAIRRATE_NOW = now, standard output and error
 * both into out (started afresh); the exit status. */
static int
run_at(int64_t now, const char *const *args, struct buf *out)
{
	const char *argv[16];
	char chunk[4096], iso[21];
	int fds[2], status;
	ssize_t n;
	size_t i;
	pid_t pid;

	buf_free(out);
	buf_init(out, 1 << 20);
	cr_assert_eq(pipe(fds), 0);
	setenv("FAIRRATE_NOW", timefmt_format(now, iso), 1);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		argv[0] = getenv("FAIRRATE_BIN");
		for (i = 0; args[i] != NULL && i < 14; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		cr_assert_eq(buf_append(out, chunk, (size_t)n), 0);
	close(fds[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_not_null(out->data, "%s printed nothing", args[0]);
	return (WEXITSTATUS(status));
}

static void
run_ok_at(int64_t now, const char *const *args, struct buf *out)
{
	int rc = run_at(now, args, out);

	cr_assert_eq(rc, 0, "fairrate %s %s: exit %d: %s", args[0], args[1], rc, out->data);
}

/* Write text to a new temporary file named like template (ending in .csv). */
static void
write_file(char *path, const char *text)
{
	int fd = mkstemps(path, 4);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void
setup(void)
{
	const char *score[] = {"score", NULL};
	int64_t world_now;
	char sql[1024], iso[21], env_now[64];
	const char *env[] = {env_now, "FAIRRATE_RATE_LIMIT=0",
	    "FAIRRATE_PUBLIC_RATE_LIMIT=0", "FAIRRATE_KEY_CACHE_TTL=0",
	    "FAIRRATE_WEBHOOK_WORKER=off", NULL};
	struct buf out;

	conn = testdb_create();
	api_world_seed(conn);
	t0 = ((int64_t)time(NULL) / HOUR + 25) * HOUR;
	cr_assert_eq(timefmt_parse(API_WORLD_NOW, &world_now), 0);
	shift = t0 - world_now;
	/* The world's one 'disputed' row has no dispute behind it: make it plain. */
	snprintf(sql, sizeof(sql),
	    "UPDATE evidence SET status = CASE status WHEN 'disputed' THEN 'active'"
	    "  ELSE status END,"
	    " status_reason = CASE status WHEN 'disputed' THEN NULL ELSE status_reason END,"
	    " first_seen = first_seen + make_interval(secs => %lld),"
	    " last_seen = last_seen + make_interval(secs => %lld),"
	    " corrected_at = corrected_at + make_interval(secs => %lld);"
	    "UPDATE assets SET attributed_at = attributed_at + make_interval(secs => %lld),"
	    " detached_at = detached_at + make_interval(secs => %lld);",
	    (long long)shift, (long long)shift, (long long)shift, (long long)shift,
	    (long long)shift);
	testdb_exec(conn, sql);
	ev_port = testdb_scalar(conn, "SELECT id FROM evidence WHERE check_code ="
	    " 'exposed_services.open_port_risky'");
	/* Every company rated at T: the ratings the story starts from. */
	buf_init(&out, 1 << 20);
	run_ok_at(t0, score, &out);
	buf_free(&out);
	snprintf(env_now, sizeof(env_now), "FAIRRATE_NOW=%s", timefmt_format(t0, iso));
	setenv("FAIRRATE_NOW", iso, 1);
	k_acme = api_client_create_key("company", "acme");
	k_investor = api_client_create_key("investor", NULL);
	k_analyst = api_client_create_key("analyst", NULL);
	c = api_client_start(env);
}

static void
teardown(void)
{
	if (c != NULL)
		api_client_stop(c);
	c = NULL;
	free(k_acme);
	free(k_investor);
	free(k_analyst);
	testdb_drop(conn);
}

TestSuite(correction_e2e, .init = setup, .fini = teardown, .timeout = 120);

/* Open a dispute with body as acme; assign and accept it as the analyst. */
static long
dispute_and_accept(const char *body)
{
	char path[128];
	json_t *v;
	long id;

	v = api_call_json(c, "POST", "/v1/me/disputes", k_acme, body, 201);
	id = (long)json_integer_value(json_object_get(v, "id"));
	json_decref(v);
	cr_assert_gt(id, 0);
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/assign", id);
	json_decref(api_call_json(c, "POST", path, k_analyst, "{}", 200));
	snprintf(path, sizeof(path), "/v1/staff/disputes/%ld/decision", id);
	v = api_call_json(c, "POST", path, k_analyst, "{\"outcome\": \"accepted\","
	    " \"rationale\": \"confirmed with the company\"}", 200);
	cr_assert_str_eq(json_string_value(json_object_get(v, "state")), "accepted");
	json_decref(v);
	return (id);
}

/* The company's own view of its rating: a new reference. */
static json_t *
my_rating(void)
{
	json_t *v = api_call_json(c, "GET", "/v1/me/rating", k_acme, NULL, 200);

	cr_assert_not_null(v);
	return (v);
}

static double
score_of(const json_t *v)
{
	cr_assert(json_is_number(json_object_get(v, "score")), "no score: %s",
	    json_dumps(v, JSON_COMPACT));
	return (json_number_value(json_object_get(v, "score")));
}

/* Whether the explanation v counts evidence id among its findings. */
static int
counts_finding(const json_t *v, long id)
{
	const char *code;
	json_t *f, *fd;
	size_t i;

	json_object_foreach(json_object_get((json_t *)v, "factors"), code, f)
		json_array_foreach(json_object_get(f, "findings"), i, fd)
			if (json_integer_value(json_object_get(fd, "evidence_id")) == id)
				return (1);
	return (0);
}

/* Whether the investor summary of acme shows score within two seconds (the summary
 * cache learns of a change by a database notification). */
static int
investor_sees_score(double score)
{
	json_t *v;
	double s;
	int i;

	for (i = 0; i < 100; i++) {
		v = api_call_json(c, "GET", "/v1/companies/acme", k_investor, NULL, 200);
		s = json_number_value(json_object_get(v, "score"));
		json_decref(v);
		if (s == score)
			return (1);
		usleep(20000);
	}
	return (0);
}

static long
acme_ratings(void)
{
	return (testdb_scalar(conn, "SELECT count(*) FROM ratings WHERE company_id ="
	    " (SELECT id FROM companies WHERE slug = 'acme')"));
}

/* Whether the Redis port finding has status. */
static int
port_status_is(const char *status)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE id = %ld AND"
	    " status = '%s'", ev_port, status);
	return (testdb_scalar(conn, sql) == 1);
}

/* A time of the seeded world, as it stands after the shift. */
static int64_t
world_time(const char *iso)
{
	int64_t t;

	cr_assert_eq(timefmt_parse(iso, &t), 0);
	return (t + shift);
}

/* One evidence CSV row of acme's Redis port finding seen from first to last. */
static void
port_csv(char *out, size_t n, int64_t first, int64_t last)
{
	char f[21], l[21];

	snprintf(out, n, "company,asset,check_code,outcome,observation_key,first_seen,"
	    "last_seen,source,collector_version,details\n"
	    "acme," API_WORLD_SECRET_HOST ",exposed_services.open_port_risky,fail,6379,%s,%s,"
	    "portscan,scan/2.1,\"{\"\"host\"\": \"\"" API_WORLD_SECRET_HOST "\"\", \"\"ip\"\":"
	    " \"\"" API_WORLD_SECRET_IP "\"\", \"\"port\"\": 6379, \"\"service\"\":"
	    " \"\"redis\"\"}\"\n", timefmt_format(first, f), timefmt_format(last, l));
}

Test(correction_e2e, corrected_over_http_and_kept_through_a_reimport)
{
	static const char *const score[] = {"score", NULL};
	char body[256], csv[1024], path[] = "/tmp/fairrate-correction-XXXXXX.csv";
	const char *import[] = {"import", "evidence", path, NULL};
	double s0, s1;
	long dispute, rows, rating_id;
	json_t *v, *h;
	struct buf out;
	char sql[256], why[64];
	PGresult *res;

	buf_init(&out, 1 << 20);
	v = my_rating();
	s0 = score_of(v);
	cr_assert(counts_finding(v, ev_port), "the finding is not in the rating at first");
	json_decref(v);
	cr_assert(investor_sees_score(s0));

	/* Disputed over HTTP and accepted: the rating shows it at once. */
	rows = acme_ratings();
	snprintf(body, sizeof(body), "{\"reason\": \"false_positive\", \"explanation\":"
	    " \"the port answers only inside our network\", \"evidence_ids\": [%ld]}",
	    ev_port);
	dispute = dispute_and_accept(body);
	cr_assert_eq(acme_ratings(), rows + 1, "no new rating in the accepting request");
	cr_assert(port_status_is("corrected"));
	v = my_rating();
	s1 = score_of(v);
	cr_assert_gt(s1, s0, "the correction did not raise the score (%.1f, %.1f)", s1, s0);
	cr_assert_not(counts_finding(v, ev_port), "the corrected finding still counts");
	cr_assert_str_eq(json_string_value(json_object_get(v, "reason")), "correction");
	cr_assert(json_is_true(json_object_get(v, "matches_stored_rating")));
	rating_id = (long)json_integer_value(json_object_get(v, "rating_id"));
	json_decref(v);
	cr_assert(investor_sees_score(s1), "the investor summary does not show %.1f", s1);
	v = api_call_json(c, "GET", "/v1/companies/acme/history", k_investor, NULL, 200);
	h = json_array_get(json_object_get(v, "items"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(h, "reason")), "correction",
	    "history: %s", json_dumps(v, JSON_COMPACT));
	cr_assert_float_eq(json_number_value(json_object_get(h, "score")), s1, 1e-9);
	json_decref(v);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ratings WHERE id = %ld AND reason ="
	    " 'correction' AND (reason_detail->>'dispute_id')::bigint = %ld", rating_id,
	    dispute);
	cr_assert_eq(testdb_scalar(conn, sql), 1);

	/* The same observation again (the times it was stored with): unchanged. */
	port_csv(csv, sizeof(csv), world_time("2026-02-01T00:00:00Z"),
	    world_time("2026-02-27T00:00:00Z"));
	write_file(path, csv);
	run_ok_at(t0 + HOUR, import, &out);
	cr_assert_not_null(strstr(out.data, "0 evidence added, 0 re-observed, 1 unchanged"),
	    "%s", out.data);
	snprintf(sql, sizeof(sql), "SELECT status, status_reason,"
	    " extract(epoch FROM corrected_at)::bigint FROM evidence"
	    " WHERE id = %ld", ev_port);
	res = PQexec(conn, sql);
	cr_assert_eq(PQntuples(res), 1);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "corrected");
	snprintf(why, sizeof(why), "corrected by dispute %ld", dispute);
	cr_assert_str_eq(PQgetvalue(res, 0, 1), why);
	cr_assert_eq(strtoll(PQgetvalue(res, 0, 2), NULL, 10), t0, "corrected_at moved");
	PQclear(res);
	rows = acme_ratings();
	run_ok_at(t0 + HOUR, score, &out);
	cr_assert_eq(acme_ratings(), rows, "a rescore after the re-import wrote a rating: %s",
	    out.data);
	v = my_rating();
	cr_assert_float_eq(score_of(v), s1, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(v, "rating_id")), rating_id);
	cr_assert(json_is_true(json_object_get(v, "matches_stored_rating")));
	cr_assert_not(counts_finding(v, ev_port));
	json_decref(v);
	cr_assert(investor_sees_score(s1));

	/* A genuinely newer observation (after the correction): active again, and the
	 * next score counts it. */
	port_csv(csv, sizeof(csv), t0 + 2 * HOUR, t0 + 2 * HOUR);
	unlink(path);
	snprintf(path, sizeof(path), "/tmp/fairrate-correction-XXXXXX.csv");
	write_file(path, csv);
	run_ok_at(t0 + 3 * HOUR, import, &out);
	cr_assert_not_null(strstr(out.data, "0 evidence added, 1 re-observed, 0 unchanged"),
	    "%s", out.data);
	snprintf(sql, sizeof(sql), "SELECT status, corrected_at IS NULL,"
	    " extract(epoch FROM first_seen)::bigint, status_reason FROM evidence"
	    " WHERE id = %ld", ev_port);
	res = PQexec(conn, sql);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "active");
	cr_assert_str_eq(PQgetvalue(res, 0, 1), "t");
	cr_assert_eq(strtoll(PQgetvalue(res, 0, 2), NULL, 10), t0 + 2 * HOUR,
	    "the row does not start again from the new observation");
	cr_assert_not_null(strstr(PQgetvalue(res, 0, 3), "after the correction of"), "%s",
	    PQgetvalue(res, 0, 3));
	PQclear(res);
	run_ok_at(t0 + 3 * HOUR, score, &out);
	cr_assert_eq(acme_ratings(), rows + 1, "the rescore did not rate the new fact: %s",
	    out.data);
	v = my_rating();
	cr_assert(counts_finding(v, ev_port), "the new observation does not count");
	cr_assert_float_eq(score_of(v), s0, 1e-9, "the same finding again costs what it did");
	cr_assert_str_neq(json_string_value(json_object_get(v, "reason")), "correction");
	cr_assert(json_is_true(json_object_get(v, "matches_stored_rating")));
	json_decref(v);
	cr_assert(investor_sees_score(s0));
	unlink(path);
	buf_free(&out);
}

Test(correction_e2e, a_detached_asset_is_not_attributed_again)
{
	static const char *const score[] = {"score", NULL};
	char body[256], sql[256], cpath[] = "/tmp/fairrate-companies-XXXXXX.csv";
	char epath[] = "/tmp/fairrate-evidence-XXXXXX.csv", csv[1024];
	const char *by_ct[] = {"import", "companies", cpath, "--source", "ct_logs", NULL};
	const char *by_default[] = {"import", "companies", cpath, NULL};
	const char *evidence[] = {"import", "evidence", epath, NULL};
	long asset, assets, evidence_rows, rows;
	double s1;
	json_t *v, *it;
	struct buf out;
	size_t i;
	int listed = 0;

	buf_init(&out, 1 << 20);
	asset = testdb_scalar(conn, "SELECT id FROM assets WHERE value = '"
	    API_WORLD_SECRET_HOST "'");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE value = '"
	    API_WORLD_SECRET_HOST "' AND source = 'ct_logs' AND detached_at IS NULL"), 1);
	snprintf(body, sizeof(body), "{\"reason\": \"not_our_asset\", \"explanation\":"
	    " \"this host belongs to our former subsidiary\", \"asset_ids\": [%ld]}", asset);
	dispute_and_accept(body);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM assets WHERE id = %ld AND"
	    " detached_at IS NOT NULL", asset);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	cr_assert(port_status_is("corrected"), "the asset's evidence is not corrected");
	v = my_rating();
	s1 = score_of(v);
	cr_assert_not(counts_finding(v, ev_port));
	cr_assert_str_eq(json_string_value(json_object_get(v, "reason")), "correction");
	json_decref(v);

	/* A companies import naming the host again, by the source that attributed it
	 * and by another: only a really new domain (of another company, so that acme's
	 * footprint stays as it is) is attributed. */
	assets = testdb_scalar(conn, "SELECT count(*) FROM assets");
	write_file(cpath, "slug,name,sector,size_band,country,domains\n"
	    "acme,Acme Holdings,finance,medium,DE,acme.example;" API_WORLD_SECRET_HOST "\n"
	    "beta,Beta Bank,finance,small,FR,beta.example;new-beta.example\n");
	run_ok_at(t0 + HOUR, by_ct, &out);
	cr_assert_not_null(strstr(out.data, "1 assets attributed"), "%s", out.data);
	run_ok_at(t0 + HOUR, by_default, &out);
	cr_assert_not_null(strstr(out.data, "0 assets attributed"), "%s", out.data);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets"), assets + 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE value ="
	    " 'new-beta.example' AND source = 'ct_logs' AND detached_at IS NULL"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE lower(value) = '"
	    API_WORLD_SECRET_HOST "'"), 1, "the host was attributed a second time");
	cr_assert_eq(testdb_scalar(conn, sql), 1, "the host is attached again");
	v = api_call_json(c, "GET", "/v1/me/assets", k_acme, NULL, 200);
	json_array_foreach(json_object_get(v, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "value")),
		    API_WORLD_SECRET_HOST) == 0) {
			listed++;
			cr_assert(json_is_true(json_object_get(it, "detached")));
		}
	cr_assert_eq(listed, 1);
	json_decref(v);

	/* Evidence naming the detached host is refused; nothing is imported. */
	evidence_rows = testdb_scalar(conn, "SELECT count(*) FROM evidence");
	port_csv(csv, sizeof(csv), t0 + 2 * HOUR, t0 + 2 * HOUR);
	write_file(epath, csv);
	cr_assert_eq(run_at(t0 + 3 * HOUR, evidence, &out), 1, "%s", out.data);
	cr_assert_not_null(strstr(out.data, "asset: '" API_WORLD_SECRET_HOST
	    "' was detached from company 'acme'"), "%s", out.data);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), evidence_rows);
	cr_assert(port_status_is("corrected"));

	/* And the next score leaves the corrected rating as it is. */
	rows = acme_ratings();
	run_ok_at(t0 + 3 * HOUR, score, &out);
	cr_assert_eq(acme_ratings(), rows, "%s", out.data);
	v = my_rating();
	cr_assert_float_eq(score_of(v), s1, 1e-9);
	json_decref(v);
	unlink(cpath);
	unlink(epath);
	buf_free(&out);
}
