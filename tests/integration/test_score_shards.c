/* Rescoring split over processes (`fairrate score --shard K/N`, docs/rescoring.md
 * "Shards"): two shards run at once produce exactly the ratings of one full run, each
 * company once; a shard killed halfway and run again adds no duplicate. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

#define AS_OF "2026-06-01T00:00:00Z"

static PGconn *conn;

static void
setup(void)
{
	static const char *const demo[] = {"demo", "--companies", "300", "--seed", "5", NULL};
	struct buf out;

	conn = testdb_create();
	setenv("FAIRRATE_NOW", AS_OF, 1);
	cr_assert_eq(api_client_run(demo, &out), 0, "%s", out.data);
	buf_free(&out);
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(score_shards, .init = setup, .fini = teardown, .timeout = 180);

/* Start `fairrate score --as-of AS_OF` with extra arguments; returns the pid. */
static pid_t
score_start(const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *bin = getenv("FAIRRATE_BIN");
	pid_t pid;

	cr_assert_not_null(bin);
	if ((pid = fork()) == 0) {
		execl(bin, bin, "score", "--as-of", AS_OF, a1, a2, a3, a4, (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	return (pid);
}

static int
score_wait(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Every company's latest rating as one text, for comparing runs. */
static char *
ratings_text(void)
{
	PGresult *res = PQexec(conn, "SELECT string_agg(concat_ws(' ', company_id, status,"
	    " score, grade, confidence, inputs_digest, outcome_digest), E'\\n'"
	    " ORDER BY company_id) FROM (SELECT DISTINCT ON (company_id) * FROM ratings"
	    " ORDER BY company_id, id DESC) r");
	char *text;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	cr_assert_not_null(text = strdup(PQgetvalue(res, 0, 0)));
	PQclear(res);
	return (text);
}

static void
no_duplicates(void)
{
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"),
	    testdb_scalar(conn, "SELECT count(*) FROM companies"),
	    "one row per company, none twice");
}

Test(score_shards, two_shards_at_once_equal_one_full_run)
{
	char *full, *sharded;
	pid_t a, b;

	cr_assert_eq(score_wait(score_start(NULL, NULL, NULL, NULL)), 0);
	full = ratings_text();
	no_duplicates();
	testdb_exec(conn, "DELETE FROM ratings");
	a = score_start("--shard", "1/2", NULL, NULL);
	b = score_start("--shard", "2/2", NULL, NULL);
	cr_assert_eq(score_wait(a), 0);
	cr_assert_eq(score_wait(b), 0);
	sharded = ratings_text();
	cr_assert_str_eq(sharded, full);
	no_duplicates();
	/* Each shard rated only its own companies. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings r JOIN companies c"
	    " ON c.id = r.company_id"), testdb_scalar(conn, "SELECT count(*) FROM companies"));
	free(full);
	free(sharded);
}

Test(score_shards, a_killed_shard_run_again_adds_no_duplicate)
{
	char *full, *after;
	long rows;
	pid_t a;
	int i;

	cr_assert_eq(score_wait(score_start(NULL, NULL, NULL, NULL)), 0);
	full = ratings_text();
	testdb_exec(conn, "DELETE FROM ratings");
	/* Killed with -9 once it has committed some rows (one row per commit). */
	a = score_start("--shard", "1/3", "--batch", "1");
	for (i = 0; i < 20000; i++) {
		if (testdb_scalar(conn, "SELECT count(*) FROM ratings") > 0)
			break;
		usleep(500);
	}
	kill(a, SIGKILL);
	score_wait(a);
	rows = testdb_scalar(conn, "SELECT count(*) FROM ratings");
	cr_assert_gt(rows, 0);
	/* As if the end of its work had not been committed: some rows gone. */
	testdb_exec(conn, "DELETE FROM ratings WHERE id IN (SELECT id FROM ratings"
	    " ORDER BY id DESC LIMIT 3)");
	cr_assert_eq(score_wait(score_start("--shard", "1/3", NULL, NULL)), 0);
	cr_assert_eq(score_wait(score_start("--shard", "2/3", NULL, NULL)), 0);
	cr_assert_eq(score_wait(score_start("--shard", "3/3", NULL, NULL)), 0);
	/* And once more: nothing changed, nothing written. */
	cr_assert_eq(score_wait(score_start("--shard", "1/3", NULL, NULL)), 0);
	after = ratings_text();
	cr_assert_str_eq(after, full);
	no_duplicates();
	free(full);
	free(after);
}

Test(score_shards, a_shard_rates_only_its_companies)
{
	cr_assert_eq(score_wait(score_start("--shard", "2/3", NULL, NULL)), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"),
	    testdb_scalar(conn, "SELECT count(*) FROM companies WHERE id % 3 = 1"));
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"
	    " WHERE company_id % 3 <> 1"), 0);
}

Test(score_shards, bad_shards_are_refused)
{
	cr_assert_eq(score_wait(score_start("--shard", "0/2", NULL, NULL)), 2);
	cr_assert_eq(score_wait(score_start("--shard", "3/2", NULL, NULL)), 2);
	cr_assert_eq(score_wait(score_start("--shard", "1/2", "--company", "x")), 2);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM ratings"), 0);
}
