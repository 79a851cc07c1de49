/* The limits of portfolios under parallel requests: PORTFOLIO_MAX_PER_KEY portfolios
 * a key and PORTFOLIO_MAX_COMPANIES companies a portfolio are never passed, however
 * many requests arrive at once (api/portfolio_store.c counts and inserts under a lock
 * of the owner key). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/portfolio_store.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

#define PARALLEL 16
#define ROOM 4                     /* free places left before the parallel requests */
#define ROUNDS 4                   /* a race shows in some rounds, not in every one */

static PGconn *conn;
static struct api_client *c;
static char *k_investor;
static long owner;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	k_investor = api_client_create_key("investor", NULL);
	owner = testdb_scalar(conn, "SELECT id FROM api_keys WHERE role = 'investor'");
}

static void
teardown(void)
{
	free(k_investor);
	api_world_stop(c, conn);
}

TestSuite(portfolio_limits, .init = setup, .fini = teardown, .timeout = 120);

struct job {
	const char *method;
	char path[128];
	const char *body;
	long status;
};

static void *
run_job(void *arg)
{
	struct job *j = arg;
	struct api_response r;

	api_client_request(c, j->method, j->path, k_investor, j->body ? "application/json" :
	    NULL, j->body, j->body ? strlen(j->body) : 0, 0, &r);
	j->status = r.status;
	api_response_free(&r);
	return (NULL);
}

/* Run the jobs all at once; how many answered 2xx. Every other answer must be 409
 * limit_reached's status. */
static int
run_in_parallel(struct job *jobs)
{
	pthread_t th[PARALLEL];
	int i, ok = 0;

	for (i = 0; i < PARALLEL; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
	for (i = 0; i < PARALLEL; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].status / 100 == 2)
			ok++;
		else
			cr_assert_eq(jobs[i].status, 409, "request %d: %ld", i, jobs[i].status);
	}
	return (ok);
}

Test(portfolio_limits, parallel_creates_never_pass_the_portfolios_per_key)
{
	struct job jobs[PARALLEL];
	char sql[256];
	int i, round;

	snprintf(sql, sizeof(sql), "INSERT INTO portfolios (owner_key_id, name) SELECT %ld,"
	    " 'p' || g FROM generate_series(1, %d) g", owner, PORTFOLIO_MAX_PER_KEY - ROOM);
	api_world_exec(conn, sql);
	for (i = 0; i < PARALLEL; i++) {
		jobs[i].method = "POST";
		snprintf(jobs[i].path, sizeof(jobs[i].path), "/v1/portfolios");
		jobs[i].body = "{\"name\": \"parallel\"}";
	}
	for (round = 0; round < ROUNDS; round++) {
		snprintf(sql, sizeof(sql), "DELETE FROM portfolios WHERE owner_key_id = %ld AND"
		    " name = 'parallel'", owner);
		api_world_exec(conn, sql);
		cr_assert_eq(run_in_parallel(jobs), ROOM, "round %d", round);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM portfolios WHERE"
		    " owner_key_id = %ld", owner);
		cr_assert_eq(testdb_scalar(conn, sql), PORTFOLIO_MAX_PER_KEY);
	}
}

Test(portfolio_limits, parallel_adds_never_pass_the_companies_per_portfolio)
{
	struct job jobs[PARALLEL];
	char sql[512];
	long id;
	int i, round;

	snprintf(sql, sizeof(sql), "INSERT INTO companies (slug, name, sector, size_band,"
	    " country) SELECT 'pl-' || g, 'Listed ' || g, 'retail', 'small', 'DE'"
	    " FROM generate_series(1, %d) g", PORTFOLIO_MAX_COMPANIES + PARALLEL);
	api_world_exec(conn, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO portfolios (owner_key_id, name) VALUES (%ld,"
	    " 'full') RETURNING id", owner);
	id = testdb_scalar(conn, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO portfolio_companies (portfolio_id,"
	    " company_id) SELECT %ld, id FROM companies WHERE slug LIKE 'pl-%%' ORDER BY id"
	    " LIMIT %d", id, PORTFOLIO_MAX_COMPANIES - ROOM);
	api_world_exec(conn, sql);
	for (i = 0; i < PARALLEL; i++) {
		jobs[i].method = "PUT";
		snprintf(jobs[i].path, sizeof(jobs[i].path), "/v1/portfolios/%ld/companies/pl-%d",
		    id, PORTFOLIO_MAX_COMPANIES + i + 1);
		jobs[i].body = NULL;
	}
	for (round = 0; round < ROUNDS; round++) {
		snprintf(sql, sizeof(sql), "DELETE FROM portfolio_companies pc USING companies c"
		    " WHERE pc.portfolio_id = %ld AND c.id = pc.company_id AND c.id > (SELECT"
		    " min(id) FROM companies WHERE slug LIKE 'pl-%%') + %d", id,
		    PORTFOLIO_MAX_COMPANIES - ROOM - 1);
		api_world_exec(conn, sql);
		cr_assert_eq(run_in_parallel(jobs), ROOM, "round %d", round);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM portfolio_companies WHERE"
		    " portfolio_id = %ld", id);
		cr_assert_eq(testdb_scalar(conn, sql), PORTFOLIO_MAX_COMPANIES);
	}
}
