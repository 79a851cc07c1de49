/* Stored investor summaries (api/summary_store.c, migrations 0035 and 0039) with the
 * server's memory cache off, so that every lookup reads PostgreSQL: a lookup stores
 * the summary it rendered and the next one sends the stored bytes; every change a
 * summary shows (a new rating, a dispute, the company row, its visibility, a
 * methodology version, the upcoming version taking effect) makes the stored bytes
 * unservable at once, a new rating by deleting them in its own transaction; a
 * rendering overtaken by a change, or stored while one is being written, is not
 * stored; `fairrate summaries` stores what is missing. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/company_store.h"
#include "api/summary_store.h"
#include "common/db_pool.h"
#include "common/timefmt.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

/* What a test writes into acme's stored body as its name, to see whether it is
 * served (the body keeps the documented shape: the contract check reads it too). */
#define PLANTED "planted"
#define PLANT_SQL(where) "UPDATE company_summaries SET body = regexp_replace(body," \
	" '\"name\":\"[^\"]*\"', '\"name\":\"" PLANTED "\"') WHERE " where
#define PLANTED_ROWS "SELECT count(*) FROM company_summaries WHERE body LIKE" \
	" '%\"name\":\"" PLANTED "\"%'"

/* acme's latest rating again, as a new rating (rated 12.5, F). */
#define NEW_ACME_RATING "INSERT INTO ratings (company_id, methodology_version, as_of," \
	" status, score, grade, confidence, factors, evidence_count, inputs_digest," \
	" outcome_digest, reason) SELECT company_id, methodology_version, as_of, 'rated'," \
	" 12.5, 'F', confidence, factors, evidence_count, inputs_digest, outcome_digest," \
	" 'new_evidence' FROM ratings WHERE company_id = (SELECT id FROM companies" \
	" WHERE slug = 'acme') ORDER BY id DESC LIMIT 1"
#define ACME_STORED "SELECT count(*) FROM company_summaries WHERE slug = 'acme'"

static PGconn *conn;
static struct api_client *c;
static char *investor;

static void
setup(void)
{
	static const char *const env[] = {"FAIRRATE_SUMMARY_CACHE_MB=0", NULL};

	c = api_world_start(&conn, env);
	investor = api_client_create_key("investor", NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
	free(investor);
}

TestSuite(summary_store, .init = setup, .fini = teardown, .timeout = 120);

/* GET /v1/companies/slug: the status must be status; the body as text (caller frees;
 * NULL for 404). */
static char *
lookup(const char *slug, long status)
{
	struct api_response r;
	char path[128], *body = NULL;

	snprintf(path, sizeof(path), "/v1/companies/%s", slug);
	cr_assert_eq(api_client_get(c, path, investor, &r), 0);
	cr_assert_eq(r.status, status, "GET %s: %ld: %s", path, r.status,
	    r.body.data ? r.body.data : "");
	if (status == 200)
		body = strdup(r.body.data);
	api_response_free(&r);
	return (body);
}

static long
metric(const char *name)
{
	struct api_response r;
	char pat[128];
	const char *p;
	long v;

	cr_assert_eq(api_client_get(c, "/metrics", NULL, &r), 0);
	snprintf(pat, sizeof(pat), "\n%s ", name);
	cr_assert_not_null(p = strstr(r.body.data, pat), "no %s", name);
	v = strtol(p + strlen(pat), NULL, 10);
	api_response_free(&r);
	return (v);
}

/* The name in acme's answer. */
static json_t *
acme(void)
{
	char *body = lookup("acme", 200);
	json_t *v = json_loads(body, 0, NULL);

	cr_assert_not_null(v, "%s", body);
	free(body);
	return (v);
}

/* Look acme up once (storing it), then change its stored body's name to PLANTED and
 * see it served: from here on, acme's answer says whether the store was used. */
static void
plant(void)
{
	json_t *v;

	free(lookup("acme", 200));
	cr_assert_eq(testdb_scalar(conn, "WITH u AS (" PLANT_SQL("company_id = (SELECT id"
	    " FROM companies WHERE slug = 'acme')") " RETURNING 1) SELECT count(*) FROM u"),
	    1, "acme's summary was stored");
	v = acme();
	cr_assert_str_eq(json_string_value(json_object_get(v, "name")), PLANTED);
	json_decref(v);
}

/* After a change: acme's answer is rendered again. */
static json_t *
not_planted(void)
{
	json_t *v = acme();

	cr_assert_str_neq(json_string_value(json_object_get(v, "name")), PLANTED,
	    "the stored body outlived the change");
	return (v);
}

Test(summary_store, a_lookup_stores_its_summary_and_the_next_sends_it)
{
	long hits, misses;
	char *first, *second, *stored;
	PGresult *res;

	misses = metric("fairrate_summary_store_misses_total");
	first = lookup("acme", 200);
	cr_assert_eq(metric("fairrate_summary_store_misses_total"), misses + 1);
	res = PQexec(conn, "SELECT body FROM company_summaries s JOIN companies c"
	    " ON c.id = s.company_id WHERE c.slug = 'acme' AND s.slug = 'acme'"
	    " AND s.expires_at = '2026-04-01T00:00:00Z'");
	cr_assert_eq(PQntuples(res), 1, "stored, expiring when 2026.2 takes effect");
	stored = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	cr_assert_str_eq(stored, first, "the bytes sent are the bytes stored");
	hits = metric("fairrate_summary_store_hits_total");
	second = lookup("acme", 200);
	cr_assert_str_eq(second, first);
	cr_assert_eq(metric("fairrate_summary_store_hits_total"), hits + 1);
	free(first);
	free(second);
	free(stored);
	free(lookup("no-such-company", 404));
	free(lookup("hidden", 404));
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries s JOIN"
	    " companies c ON c.id = s.company_id WHERE c.visibility = 'private'"), 0);
}

Test(summary_store, a_new_rating_is_sent_at_once)
{
	json_t *v;

	plant();
	api_world_exec(conn, NEW_ACME_RATING);
	v = not_planted();
	cr_assert_float_eq(json_real_value(json_object_get(v, "score")), 12.5, 1e-9);
	json_decref(v);
}

Test(summary_store, a_dispute_state_change_is_sent_at_once)
{
	json_t *v;

	plant();
	api_world_exec(conn, "UPDATE evidence SET status = 'active' WHERE status ="
	    " 'disputed' AND company_id = (SELECT id FROM companies WHERE slug = 'acme')");
	v = not_planted();
	cr_assert(json_is_false(json_object_get(v, "disputed")));
	json_decref(v);
}

Test(summary_store, the_company_row_is_sent_at_once)
{
	json_t *v;

	plant();
	api_world_exec(conn, "UPDATE companies SET name = 'Acme Renamed' WHERE slug = 'acme'");
	v = not_planted();
	cr_assert_str_eq(json_string_value(json_object_get(v, "name")), "Acme Renamed");
	json_decref(v);
	plant();
	api_world_exec(conn, "UPDATE companies SET visibility = 'private' WHERE slug = 'acme'");
	free(lookup("acme", 404));
	api_world_exec(conn, "UPDATE companies SET visibility = 'public' WHERE slug = 'acme'");
	json_decref(not_planted());
	/* A change that shows nothing leaves the stored body alone. */
	plant();
	api_world_exec(conn, "UPDATE companies SET summary_epoch = summary_epoch"
	    " WHERE slug = 'acme'");
	free(lookup("acme", 200));
	cr_assert_eq(testdb_scalar(conn, PLANTED_ROWS), 1);
}

Test(summary_store, a_methodology_change_and_its_effective_time_are_sent_at_once)
{
	plant();
	api_world_exec(conn, "UPDATE methodology_versions SET status = status"
	    " WHERE version = '2026.2'");
	json_decref(not_planted());
	plant();
	/* 2026.2 taking effect needs no write: the stored body expires then. */
	api_world_exec(conn, "UPDATE company_summaries SET expires_at = '2026-02-28T00:00:00Z'"
	    " WHERE body LIKE '%\"name\":\"" PLANTED "\"%'");
	json_decref(not_planted());
}

/* A pool on the test database with the stores' statements, and acme's rendering. */
static struct db_pool *
render_acme(PGconn **pc, struct summary_stamp *stamp, char **body)
{
	struct db_pool *pool = db_pool_new(testdb_url(), 2, 2000, NULL);
	int64_t now;
	json_t *s;
	size_t len;

	cr_assert_not_null(pool);
	cr_assert_eq(summary_store_register(pool), 0);
	cr_assert_not_null(*pc = db_pool_acquire(pool, NULL));
	cr_assert_eq(timefmt_parse(API_WORLD_NOW, &now), 0);
	cr_assert_eq(company_store_summary(pool, *pc, "acme", 0, now, &s, stamp), 1);
	cr_assert_not_null(*body = summary_store_encode(s, &len));
	json_decref(s);
	return (pool);
}

Test(summary_store, a_rendering_overtaken_by_a_committed_change_is_not_stored)
{
	struct summary_stamp stamp;
	struct db_pool *pool;
	PGconn *pc;
	char *body;

	api_world_exec(conn, "DELETE FROM company_summaries");
	pool = render_acme(&pc, &stamp, &body);
	api_world_exec(conn, "UPDATE companies SET name = 'Acme Later' WHERE slug = 'acme'");
	cr_assert_eq(summary_store_put(pc, &stamp, body), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 0);
	/* The same rendering, not overtaken, is stored. */
	free(body);
	db_pool_release(pool, pc);
	db_pool_free(pool);
	pool = render_acme(&pc, &stamp, &body);
	cr_assert_eq(summary_store_put(pc, &stamp, body), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 1);
	free(body);
	db_pool_release(pool, pc);
	db_pool_free(pool);
}


/* A new rating deletes the stored body in its own transaction: lookups read a
 * stored body with no check of the rating it shows. */
Test(summary_store, a_new_rating_deletes_the_stored_body)
{
	PGconn *other = PQconnectdb(testdb_url());

	cr_assert_eq(PQstatus(other), CONNECTION_OK);
	free(lookup("acme", 200));
	cr_assert_eq(testdb_scalar(conn, ACME_STORED), 1);
	testdb_exec(other, "BEGIN");
	testdb_exec(other, NEW_ACME_RATING);
	cr_assert_eq(testdb_scalar(other, ACME_STORED), 0, "deleted by the rating's insert");
	cr_assert_eq(testdb_scalar(conn, ACME_STORED), 1, "until it commits");
	testdb_exec(other, "COMMIT");
	cr_assert_eq(testdb_scalar(conn, ACME_STORED), 0);
	PQfinish(other);
}

/* Rendered before a new rating, stored after it: the store sees the newer rating. */
Test(summary_store, a_rendering_overtaken_by_a_new_rating_is_not_stored)
{
	struct summary_stamp stamp;
	struct db_pool *pool;
	PGconn *pc;
	char *body;

	api_world_exec(conn, "DELETE FROM company_summaries");
	pool = render_acme(&pc, &stamp, &body);
	api_world_exec(conn, NEW_ACME_RATING);
	cr_assert_eq(summary_store_put(pc, &stamp, body), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 0);
	free(body);
	db_pool_release(pool, pc);
	db_pool_free(pool);
}

/* A change of acme in progress when its rendering is stored (its transaction open:
 * a rating holding acme's row for its foreign key, or a dispute's change of the
 * evidence raising acme's epoch): the store skips acme at once rather than waiting,
 * and stores nothing then or after the change commits. */
Test(summary_store, a_rendering_stored_during_a_change_in_progress_is_not_stored)
{
	static const char *const changes[] = {NEW_ACME_RATING, "UPDATE evidence SET"
	    " status = 'active' WHERE status = 'disputed' AND company_id = (SELECT id FROM"
	    " companies WHERE slug = 'acme')"};
	PGconn *other = PQconnectdb(testdb_url());
	struct summary_stamp stamp;
	struct db_pool *pool;
	PGconn *pc;
	char *body;
	size_t i;

	cr_assert_eq(PQstatus(other), CONNECTION_OK);
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		api_world_exec(conn, "DELETE FROM company_summaries");
		pool = render_acme(&pc, &stamp, &body);
		testdb_exec(other, "BEGIN");
		testdb_exec(other, changes[i]);
		cr_assert_eq(summary_store_put(pc, &stamp, body), 0);
		cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 0,
		    "change %zu", i);
		testdb_exec(other, "COMMIT");
		cr_assert_eq(summary_store_put(pc, &stamp, body), 0);
		cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"), 0,
		    "change %zu, committed", i);
		free(body);
		db_pool_release(pool, pc);
		db_pool_free(pool);
	}
	PQfinish(other);
}

Test(summary_store, fairrate_summaries_stores_what_is_missing_or_out_of_date)
{
	char out[1024];
	long public_companies = testdb_scalar(conn, "SELECT count(*) FROM companies"
	    " WHERE visibility = 'public'");

	api_world_exec(conn, "DELETE FROM company_summaries");
	cr_assert_eq(testdb_cli("summaries", out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "summaries rendered and stored"), "%s", out);
	cr_assert_eq(atol(out), public_companies, "%s", out);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM company_summaries"),
	    public_companies);
	cr_assert_eq(testdb_cli("summaries", out, sizeof(out)), 0, "%s", out);
	cr_assert_eq(atol(out), 0, "nothing left: %s", out);
	api_world_exec(conn, "UPDATE companies SET name = 'Beta Renamed' WHERE slug = 'beta'");
	cr_assert_eq(testdb_cli("summaries", out, sizeof(out)), 0, "%s", out);
	cr_assert_eq(atol(out), 1, "only beta: %s", out);
	/* What it stored is what a lookup renders. */
	{
		char *sent = lookup("beta", 200);
		PGresult *res = PQexec(conn, "SELECT body FROM company_summaries WHERE slug = 'beta'");

		cr_assert_eq(PQntuples(res), 1);
		cr_assert_str_eq(PQgetvalue(res, 0, 0), sent);
		PQclear(res);
		free(sent);
	}
	cr_assert_eq(testdb_cli("summaries --batch 0", out, sizeof(out)), 2, "%s", out);
	cr_assert_not_null(strstr(out, "--batch"), "%s", out);
}

/* summary_store_lookup_many reads the current stored body of each slug in one
 * statement, in the order asked (a slug twice: twice), and nothing for a slug without
 * one: none stored, no such company, private, or its rating newer than its body. */
Test(summary_store, a_batch_read_finds_each_current_body_in_order)
{
	static const char *const slugs[] = {"gamma", "no-such-company", "acme", "hidden",
	    "beta", "acme"};
	enum { N = sizeof(slugs) / sizeof(slugs[0]) };
	static const int first[N] = {1, 0, 1, 0, 1, 1}, after[N] = {1, 0, 1, 0, 0, 1};
	struct summary_stored out[N];
	struct db_pool *pool = db_pool_new(testdb_url(), 1, 2000, NULL);
	PGresult *res;
	int64_t now;
	PGconn *pc;
	size_t i;
	int round;

	free(lookup("beta", 200));
	free(lookup("gamma", 200));
	plant();
	cr_assert_not_null(pool);
	cr_assert_eq(summary_store_register(pool), 0);
	cr_assert_not_null(pc = db_pool_acquire(pool, NULL));
	cr_assert_eq(timefmt_parse(API_WORLD_NOW, &now), 0);
	for (round = 0; round < 2; round++) {
		const int *want = round == 0 ? first : after;

		if (round == 1)
			(void)api_world_rate(conn, "beta", "new_evidence");
		cr_assert_eq(summary_store_lookup_many(pool, pc, slugs, N, now, out, &res), 0);
		cr_assert_not_null(res);
		for (i = 0; i < N; i++) {
			char name[64];

			cr_assert_eq(out[i].found, want[i], "round %d, %s", round, slugs[i]);
			if (!out[i].found)
				continue;
			cr_assert_eq(out[i].id, testdb_scalar(conn, strcmp(slugs[i], "acme") == 0 ?
			    "SELECT id FROM companies WHERE slug = 'acme'" : strcmp(slugs[i],
			    "beta") == 0 ? "SELECT id FROM companies WHERE slug = 'beta'" :
			    "SELECT id FROM companies WHERE slug = 'gamma'"), "%s", slugs[i]);
			snprintf(name, sizeof(name), "\"slug\":\"%s\"", slugs[i]);
			cr_assert_eq(strlen(out[i].body), out[i].len);
			cr_assert_not_null(strstr(out[i].body, name), "%s: %s", slugs[i],
			    out[i].body);
		}
		cr_assert_not_null(strstr(out[2].body, "\"name\":\"" PLANTED "\""),
		    "the stored bytes are read");
		cr_assert_str_eq(out[5].body, out[2].body);
		PQclear(res);
	}
	db_pool_release(pool, pc);
	db_pool_free(pool);
}

struct queued_lookup {
	const char *slug;
	char *body;
};

static void *
queued_lookup_run(void *arg)
{
	struct queued_lookup *q = arg;

	q->body = lookup(q->slug, 200);
	return (NULL);
}

static void *
staff_keys_run(void *arg)
{
	struct api_response r;

	cr_assert_eq(api_client_get(c, "/v1/staff/keys", arg, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body.data ? r.body.data : "");
	api_response_free(&r);
	return (NULL);
}

/* Lookups that wait in the queue together are taken by one worker and read in one
 * statement, and each gets its own company's stored body. The only worker is held
 * by a request blocked on a lock while they queue. */
Test(summary_store, lookups_queued_together_are_read_in_one_statement)
{
	static const char *const env[] = {API_WORLD_NOW_ENV, "FAIRRATE_RATE_LIMIT=0",
	    "FAIRRATE_PUBLIC_RATE_LIMIT=0", "FAIRRATE_SUMMARY_CACHE_MB=0",
	    "FAIRRATE_POOL_SIZE=1", "FAIRRATE_POOL_WAIT_MS=60000",
	    "FAIRRATE_KEY_CACHE_TTL=600", NULL};
	struct queued_lookup q[] = {{"acme", NULL}, {"beta", NULL}, {"gamma", NULL},
	    {"acme", NULL}};
	enum { N = sizeof(q) / sizeof(q[0]) };
	PGconn *holder = PQconnectdb(testdb_url());
	char *admin = api_client_create_key("admin", NULL);
	pthread_t slow, t[N];
	long batched;
	size_t i;
	int waited = 0;

	cr_assert_eq(PQstatus(holder), CONNECTION_OK);
	cr_assert_eq(api_client_stop(c), 0);
	c = api_client_start(env);
	for (i = 0; i < 3; i++)            /* stored, and the investor key cached */
		free(lookup(q[i].slug, 200));
	testdb_exec(holder, "BEGIN; LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
	cr_assert_eq(pthread_create(&slow, NULL, staff_keys_run, admin), 0);
	while (testdb_scalar(conn, "SELECT count(*) FROM pg_stat_activity WHERE"
	    " wait_event_type = 'Lock' AND datname = current_database()") == 0) {
		cr_assert(waited++ < 500, "the staff request never reached the lock");
		usleep(10000);
	}
	for (i = 0; i < N; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, queued_lookup_run, &q[i]), 0);
	for (waited = 0; metric("fairrate_db_pool_waiting") < N; waited++) {
		cr_assert(waited < 500, "the lookups never queued");
		usleep(10000);
	}
	batched = metric("fairrate_summary_store_batched_total");
	testdb_exec(holder, "COMMIT");
	cr_assert_eq(pthread_join(slow, NULL), 0);
	for (i = 0; i < N; i++) {
		char want[64];

		cr_assert_eq(pthread_join(t[i], NULL), 0);
		snprintf(want, sizeof(want), "\"slug\":\"%s\"", q[i].slug);
		cr_assert_not_null(strstr(q[i].body, want), "%s got %s", q[i].slug, q[i].body);
		free(q[i].body);
	}
	cr_assert_eq(metric("fairrate_summary_store_batched_total"), batched + N,
	    "all %d read by one batch read", N);
	PQfinish(holder);
	free(admin);
}
