/* fairrate score: rating history semantics against a real database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_store.h"
#include "rater/rescore.h"
#include "tests/support/testdb.h"

#define AS_OF "2026-06-01T00:00:00Z"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	log_set_quiet(1);
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(score, .init = setup, .fini = teardown, .timeout = 120);

static void
sql(const char *q)
{
	testdb_exec(conn, q);
}

/* The single text value of q. */
static void
text_of(const char *q, char *out, size_t n)
{
	PGresult *res = PQexec(conn, q);

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1, "%s: %s",
	    q, PQresultErrorMessage(res));
	snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
}

static struct rescore_summary
score_on(const char *as_of, int64_t company_id, int threads)
{
	struct rescore_options o;
	struct rescore_summary s;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(timefmt_parse(as_of, &o.as_of), 0);
	o.company_id = company_id;
	o.threads = threads;
	cr_assert_eq(rescore_run(NULL, &o, &s), 0, "rescore failed");
	return (s);
}

static struct rescore_summary
score_at(const char *as_of, int64_t company_id)
{
	return (score_on(as_of, company_id, 0));
}

/* A company "acme" with four domains and eight evidence items over five penalty
 * factors and the governance bonus, last seen ten days before AS_OF; and a company
 * "empty" with no evidence at all. */
static void
make_world(void)
{
	sql("INSERT INTO companies (id, slug, name, sector, size_band, country) VALUES "
	    "(1, 'acme', 'Acme', 'finance', 'medium', 'JP'), "
	    "(2, 'empty', 'Empty', 'retail', 'small', 'JP')");
	sql("INSERT INTO assets (company_id, kind, value, source) SELECT 1, 'domain', "
	    "'d' || g || '.acme.example', 'test' FROM generate_series(1, 4) g");
	sql("INSERT INTO evidence (id, company_id, check_code, outcome, source, first_seen, "
	    "last_seen) SELECT v.id, 1, v.code, v.outcome, 'test', "
	    "timestamptz '" AS_OF "' - interval '20 days', "
	    "timestamptz '" AS_OF "' - interval '10 days' FROM (VALUES "
	    "(101, 'tls.legacy_protocol', 'fail'), (102, 'tls.weak_key', 'pass'), "
	    "(103, 'web_headers.hsts_missing', 'fail'), (104, 'email_auth.spf_missing', 'pass'), "
	    "(105, 'email_auth.dmarc_policy_none', 'fail'), "
	    "(106, 'exposed_services.open_port_admin', 'pass'), "
	    "(107, 'patching.outdated_software', 'fail'), "
	    "(108, 'governance.basic_policy', 'pass')) AS v (id, code, outcome)");
}

static long
count(const char *q)
{
	return (testdb_scalar(conn, q));
}

Test(score, history_rows_and_their_reasons)
{
	struct rescore_summary s;
	char buf[256];

	make_world();
	s = score_at(AS_OF, 0);
	cr_assert_eq(s.companies, 2);
	cr_assert_eq(s.new_rows, 2);
	cr_assert_eq(s.rated, 1);
	cr_assert_eq(s.insufficient, 1);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE reason = 'initial'"), 2);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 2 "
	    "AND status = 'insufficient_data' AND score IS NULL AND confidence = 'none'"), 1,
	    "a company with no evidence gets insufficient data, never a default grade");
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 1 AND "
	    "status = 'rated' AND evidence_count = 8 AND methodology_version = '2026.1' AND "
	    "as_of = '" AS_OF "' AND json_typeof(factors -> 'tls') = 'object'"), 1);

	s = score_at(AS_OF, 0);
	cr_assert_eq(s.new_rows, 0, "nothing changed: no new row");
	cr_assert_eq(s.unchanged, 2);
	cr_assert_eq(count("SELECT count(*) FROM ratings"), 2);

	/* New evidence: a failing check recorded after the last rating. */
	sql("INSERT INTO evidence (id, company_id, check_code, outcome, source, first_seen, "
	    "last_seen) VALUES (109, 1, 'tls.certificate_expired', 'fail', 'test', "
	    "timestamptz '" AS_OF "' - interval '5 days', "
	    "timestamptz '" AS_OF "' - interval '5 days')");
	s = score_at(AS_OF, 0);
	cr_assert_eq(s.new_rows, 1);
	text_of("SELECT reason FROM ratings WHERE company_id = 1 ORDER BY id DESC LIMIT 1",
	    buf, sizeof(buf));
	cr_assert_str_eq(buf, "new_evidence");
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 1 AND "
	    "reason = 'new_evidence' AND (reason_detail ->> 'previous_rating_id')::bigint = "
	    "(SELECT min(id) FROM ratings WHERE company_id = 1)"), 1);

	/* A correction: the finding is withdrawn. */
	sql("UPDATE evidence SET status = 'corrected', corrected_at = now(), "
	    "status_reason = 'test' WHERE id = 109");
	s = score_at(AS_OF, 0);
	cr_assert_eq(s.new_rows, 1);
	text_of("SELECT reason FROM ratings WHERE company_id = 1 ORDER BY id DESC LIMIT 1",
	    buf, sizeof(buf));
	cr_assert_str_eq(buf, "correction");
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 1 AND "
	    "reason = 'correction' AND reason_detail ? 'corrected_at'"), 1);

	/* Time passes past the 60-day lifetimes: findings age out. */
	s = score_at("2026-08-15T00:00:00Z", 0);
	cr_assert_eq(s.new_rows, 1, "the evidence-less company stays the same");
	text_of("SELECT reason FROM ratings WHERE company_id = 1 ORDER BY id DESC LIMIT 1",
	    buf, sizeof(buf));
	cr_assert_str_eq(buf, "evidence_expired");

	/* A second published methodology, in force before the as-of time. */
	sql("INSERT INTO methodology_versions (version, status, definition, "
	    "definition_sha256, change_log, published_at, effective_at, notice_days) "
	    "SELECT '2026.2', 'published', jsonb_set(jsonb_set(definition, '{version}', "
	    "'\"2026.2\"'), '{factors,0,weight}', '35'), repeat('b', 64), 'test', "
	    "timestamptz '2026-07-01', timestamptz '2026-08-01', 30 "
	    "FROM methodology_versions WHERE version = '2026.1'");
	s = score_at("2026-08-15T00:00:00Z", 0);
	cr_assert_str_eq(s.methodology_version, "2026.2");
	cr_assert_eq(s.new_rows, 2);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE reason = 'methodology_change' "
	    "AND methodology_version = '2026.2' AND "
	    "reason_detail ->> 'previous_methodology_version' = '2026.1'"), 2);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE methodology_version = '2026.1'"),
	    5, "history is kept");
	s = score_at("2026-08-15T00:00:00Z", 0);
	cr_assert_eq(s.new_rows, 0);
}

/* The rows of company 1's latest rating that must not depend on evidence order. */
static void
latest_rating(char *out, size_t n)
{
	text_of("SELECT concat_ws('|', status, score, grade, confidence, evidence_count, "
	    "inputs_digest, outcome_digest, factors::text) FROM ratings WHERE company_id = 1 "
	    "ORDER BY id DESC LIMIT 1", out, n);
}

Test(score, evidence_order_does_not_matter)
{
	static char first[65536], second[65536];

	make_world();
	score_at(AS_OF, 0);
	latest_rating(first, sizeof(first));
	/* The same rows again, stored in the opposite physical order. */
	sql("CREATE TEMP TABLE saved AS SELECT * FROM evidence");
	sql("DELETE FROM ratings");
	sql("DELETE FROM evidence");
	sql("INSERT INTO evidence SELECT * FROM saved ORDER BY id DESC");
	score_at(AS_OF, 0);
	latest_rating(second, sizeof(second));
	cr_assert_str_eq(first, second);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE reason = 'initial'"), 2);
}

Test(score, one_company_only)
{
	struct rescore_summary s;

	make_world();
	score_at(AS_OF, 0);
	sql("INSERT INTO evidence (company_id, check_code, outcome, source, first_seen, "
	    "last_seen) SELECT c, 'tls.self_signed', 'fail', 'test', "
	    "timestamptz '" AS_OF "' - interval '1 day', timestamptz '" AS_OF "' "
	    "FROM generate_series(1, 2) c");
	s = score_at(AS_OF, 2);
	cr_assert_eq(s.companies, 1);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 1"), 1,
	    "the other company is left alone");
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE company_id = 2"), 1 + s.new_rows);
}

Test(score, unknown_company_fails_cleanly)
{
	char *argv[] = {"score", "--company", "no-such-company", NULL};
	char *show[] = {"show", "no-such-company", NULL};

	make_world();
	cr_assert_eq(cmd_score(3, argv), 1);
	cr_assert_eq(cmd_show(2, show), 1);
	cr_assert_eq(count("SELECT count(*) FROM ratings"), 0);
}

Test(score, command_line_scores_and_shows)
{
	char *argv[] = {"score", "--as-of", AS_OF, "--json", NULL};
	char *one[] = {"score", "--company", "acme", "--as-of", AS_OF, NULL};
	char *show[] = {"show", "acme", NULL};
	char *bad[] = {"score", "--as-of", "yesterday", NULL};

	make_world();
	cr_assert_eq(cmd_score(4, argv), 0);
	cr_assert_eq(cmd_score(5, one), 0);
	cr_assert_eq(count("SELECT count(*) FROM ratings"), 2);
	cr_assert_eq(cmd_show(2, show), 0);
	cr_assert_eq(cmd_score(3, bad), 2);
}

Test(score, rescore_company_inside_a_callers_transaction)
{
	struct rescore_summary s;
	json_t *extra = json_pack("{s:i}", "dispute_id", 7);
	int64_t row = 0;

	make_world();
	score_at(AS_OF, 0);
	sql("BEGIN");
	sql("UPDATE evidence SET status = 'corrected', corrected_at = now(), "
	    "status_reason = 'dispute 7' WHERE id = 101");
	cr_assert_eq(rescore_company(conn, 1, 1780272000, extra, &row, &s), 0);
	sql("COMMIT");
	json_decref(extra);
	cr_assert_eq(s.new_rows, 1);
	cr_assert_gt(row, 0);
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE reason = 'correction' AND "
	    "(reason_detail ->> 'dispute_id')::int = 7 AND as_of = '" AS_OF "'"), 1);
	sql("BEGIN");
	cr_assert_eq(rescore_company(conn, 999, 1780272000, NULL, NULL, &s), 1,
	    "no such company");
	sql("ROLLBACK");
}

/* The rescoring reads evidence times from a binary stream; the explanation reads them
 * as extract(epoch)::bigint text. Both must see the same second, halves included, or
 * an explanation would not match its stored rating. */
Test(score, binary_stream_and_explanation_read_the_same_seconds)
{
	struct methodology *m;
	struct rating_evidence *ev = NULL;
	struct rating_input in;
	struct rating *r;
	size_t n = 0, assets = 0;
	char stored[65];

	make_world();
	sql("UPDATE evidence SET last_seen = last_seen + (id - 100) * interval '0.25 second', "
	    "first_seen = first_seen - interval '0.5 second' + interval '1 microsecond' * id");
	sql("UPDATE evidence SET last_seen = last_seen - interval '0.4999995 second' "
	    "WHERE id = 108");
	score_at(AS_OF, 1);
	text_of("SELECT inputs_digest FROM ratings WHERE company_id = 1", stored,
	    sizeof(stored));
	m = methodology_store_load(conn, "2026.1");
	cr_assert_not_null(m);
	cr_assert_eq(rating_store_load_evidence(conn, 1, &ev, &n, &assets), 0);
	cr_assert_eq(n, 8);
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = ev;
	in.nevidence = n;
	in.asset_count = assets;
	cr_assert_eq(timefmt_parse(AS_OF, &in.as_of), 0);
	r = rating_compute(&in);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->inputs_digest, stored);
	rating_free(r);
	free(ev);
	methodology_free(m);
}

/* A run split over threads rates every company once, exactly as one thread does, and
 * with batches smaller than a part commits them all. */
Test(score, threads_split_the_companies_without_changing_a_rating)
{
	static char one[1 << 20], many[1 << 20];
	static const int threads[] = {2, 3, 4};
	struct rescore_summary s;
	char *argv[] = {"score", "--as-of", AS_OF, "--threads", "5", NULL};
	size_t i;

	make_world();
	sql("INSERT INTO companies (id, slug, name, sector, size_band, country) "
	    "SELECT g, 'c' || g, 'C' || g, 'retail', 'small', 'JP' "
	    "FROM generate_series(10, 60) g");
	sql("INSERT INTO evidence (id, company_id, check_code, outcome, source, first_seen, "
	    "last_seen) SELECT 1000 + g * 10 + k, g, (ARRAY['tls.weak_key', 'web_headers.hsts_missing', "
	    "'email_auth.spf_missing', 'patching.outdated_software'])[1 + (g + k) % 4], "
	    "CASE WHEN (g * k) % 3 = 0 THEN 'fail' ELSE 'pass' END, 's' || k, "
	    "timestamptz '" AS_OF "' - interval '30 days', "
	    "timestamptz '" AS_OF "' - (g % 20) * interval '1 day' "
	    "FROM generate_series(10, 60) g, generate_series(1, 1 + g % 5) k");
	s = score_on(AS_OF, 0, 1);
	cr_assert_eq(s.companies, 53);
	text_of("SELECT string_agg(concat_ws(' ', company_id, status, score, grade, "
	    "confidence, inputs_digest, outcome_digest, factors::text), E'\\n' "
	    "ORDER BY company_id) FROM ratings", one, sizeof(one));
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		struct rescore_options o;

		sql("DELETE FROM ratings");
		memset(&o, 0, sizeof(o));
		cr_assert_eq(timefmt_parse(AS_OF, &o.as_of), 0);
		o.threads = threads[i];
		o.batch_rows = 7;
		cr_assert_eq(rescore_run(NULL, &o, &s), 0);
		cr_assert_eq(s.companies, 53, "%d threads", threads[i]);
		cr_assert_eq(s.new_rows, 53);
		text_of("SELECT string_agg(concat_ws(' ', company_id, status, score, grade, "
		    "confidence, inputs_digest, outcome_digest, factors::text), E'\\n' "
		    "ORDER BY company_id) FROM ratings", many, sizeof(many));
		cr_assert_str_eq(many, one, "%d threads", threads[i]);
	}
	s = score_on(AS_OF, 0, 3);
	cr_assert_eq(s.new_rows, 0, "nothing changed");
	cr_assert_eq(s.unchanged, 53);
	cr_assert_eq(cmd_score(5, argv), 2, "--threads 5 is refused");
}

/* The SQLSTATE of running q, which must fail. */
static void
fails_with(const char *q, const char *sqlstate)
{
	PGresult *res = PQexec(conn, q);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	cr_assert(PQresultStatus(res) == PGRES_FATAL_ERROR, "%s: succeeded", q);
	cr_assert_str_eq(state ? state : "", sqlstate, "%s: %s", q,
	    PQresultErrorMessage(res));
	PQclear(res);
}

/* ratings.methodology_version is checked per statement (migration 0018): a version
 * that does not exist is refused as a foreign key refused it, and a version once
 * there stays, so what a rating names can never go away. */
Test(score, ratings_name_a_methodology_version_that_is_kept)
{
	make_world();
	score_at(AS_OF, 0);
	cr_assert_eq(count("SELECT count(*) FROM ratings"), 2);
	fails_with("INSERT INTO ratings (company_id, methodology_version, as_of, status,"
	    " confidence, insufficient_reason, factors, evidence_count, inputs_digest,"
	    " outcome_digest, reason) SELECT company_id, '2099.1', as_of, status,"
	    " confidence, insufficient_reason, factors, evidence_count, inputs_digest,"
	    " outcome_digest, reason FROM ratings WHERE status = 'insufficient_data'",
	    "23503");
	fails_with("UPDATE ratings SET methodology_version = '2099.1'", "23503");
	cr_assert_eq(count("SELECT count(*) FROM ratings WHERE methodology_version = "
	    "'2026.1'"), 2, "nothing changed");
	fails_with("DELETE FROM methodology_versions WHERE version = '2026.1'", "23001");
	fails_with("UPDATE methodology_versions SET version = '2026.9' "
	    "WHERE version = '2026.1'", "23001");
	fails_with("TRUNCATE methodology_versions CASCADE", "23001");
	cr_assert_eq(count("SELECT count(*) FROM methodology_versions "
	    "WHERE version = '2026.1'"), 1);
	/* A statement naming only versions that exist goes through. */
	sql("UPDATE ratings SET methodology_version = '2026.1'");
}
