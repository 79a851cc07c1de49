/* The dispute store against a real PostgreSQL: opening, the full lifecycle, the
 * concurrent decision, corrections with rescoring, attachments, queue, statistics. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/db.h"
#include "common/sha256.h"
#include "common/timefmt.h"
#include "dispute/dispute_store.h"
#include "rater/rescore.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static int64_t acme, globex;               /* companies */
static int64_t asset_main, asset_old, asset_globex;
static int64_t ev[6], ev_globex;           /* evidence of acme (ev[5] on asset_old) */
static int64_t key_acme, key_globex, key_analyst1, key_analyst2, key_admin1, key_admin2;
static int64_t t0;
static struct dispute_sla_config sla;

static int64_t
insert(const char *sql)
{
	return (testdb_scalar(conn, sql));
}

static int64_t
insert_key(const char *prefix, const char *role, int64_t company)
{
	char sql[512];

	if (company)
		snprintf(sql, sizeof(sql), "INSERT INTO api_keys (prefix, secret_sha256, role,"
		    " company_id) VALUES ('%s', repeat('a', 64), '%s', %lld) RETURNING id",
		    prefix, role, (long long)company);
	else
		snprintf(sql, sizeof(sql), "INSERT INTO api_keys (prefix, secret_sha256, role)"
		    " VALUES ('%s', repeat('a', 64), '%s') RETURNING id", prefix, role);
	return (insert(sql));
}

static int64_t
insert_evidence(int64_t company, int64_t asset, const char *check, const char *outcome,
    const char *key)
{
	char sql[768];

	snprintf(sql, sizeof(sql), "INSERT INTO evidence (company_id, asset_id, check_code,"
	    " outcome, observation_key, source, first_seen, last_seen) VALUES (%lld, %lld,"
	    " '%s', '%s', '%s', 'test', now() - interval '2 days', now() - interval '1 day')"
	    " RETURNING id", (long long)company, (long long)asset, check, outcome, key);
	return (insert(sql));
}

static void
setup(void)
{
	char sql[512];

	conn = testdb_create();
	t0 = (int64_t)time(NULL);
	dispute_sla_default(&sla);
	acme = insert("INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE') RETURNING id");
	globex = insert("INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('globex', 'Globex', 'energy', 'large', 'FR') RETURNING id");
	snprintf(sql, sizeof(sql), "INSERT INTO assets (company_id, kind, value, source)"
	    " VALUES (%lld, 'domain', 'acme.example', 'test') RETURNING id", (long long)acme);
	asset_main = insert(sql);
	snprintf(sql, sizeof(sql), "INSERT INTO assets (company_id, kind, value, source)"
	    " VALUES (%lld, 'domain', 'acme-old.example', 'test') RETURNING id",
	    (long long)acme);
	asset_old = insert(sql);
	snprintf(sql, sizeof(sql), "INSERT INTO assets (company_id, kind, value, source)"
	    " VALUES (%lld, 'domain', 'globex.example', 'test') RETURNING id",
	    (long long)globex);
	asset_globex = insert(sql);
	ev[0] = insert_evidence(acme, asset_main, "tls.certificate_expired", "fail", "");
	ev[1] = insert_evidence(acme, asset_main, "web_headers.hsts_missing", "fail", "");
	ev[2] = insert_evidence(acme, asset_main, "email_auth.spf_missing", "pass", "");
	ev[3] = insert_evidence(acme, asset_main, "exposed_services.open_port_risky", "fail",
	    "3389");
	ev[4] = insert_evidence(acme, asset_main, "patching.outdated_software", "pass", "");
	ev[5] = insert_evidence(acme, asset_old, "tls.self_signed", "fail", "");
	ev_globex = insert_evidence(globex, asset_globex, "tls.self_signed", "fail", "");
	key_acme = insert_key("companyacme1", "company", acme);
	key_globex = insert_key("companyglob1", "company", globex);
	key_analyst1 = insert_key("analystone01", "analyst", 0);
	key_analyst2 = insert_key("analysttwo02", "analyst", 0);
	key_admin1 = insert_key("adminone0001", "admin", 0);
	key_admin2 = insert_key("admintwo0002", "admin", 0);
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(dispute_store, .init = setup, .fini = teardown, .timeout = 60);

static struct dispute_actor
company_actor(int64_t key, int64_t company)
{
	struct dispute_actor a = {DISPUTE_ROLE_COMPANY, key, company};

	return (a);
}

static struct dispute_actor
staff_actor(enum dispute_role role, int64_t key)
{
	struct dispute_actor a = {role, key, 0};

	return (a);
}

static long scalarf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long
scalarf(const char *fmt, ...)
{
	char sql[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return (testdb_scalar(conn, sql));
}

static const char *
evidence_status(int64_t id)
{
	static char out[16];
	char sql[128];
	PGresult *res;

	snprintf(sql, sizeof(sql), "SELECT status FROM evidence WHERE id = %lld",
	    (long long)id);
	res = PQexec(conn, sql);
	cr_assert_eq(PQntuples(res), 1);
	snprintf(out, sizeof(out), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (out);
}

static enum dispute_store_result
act(const struct dispute_actor *a, int64_t id, enum dispute_event e, const char *body,
    int64_t at, struct dispute_apply_result *r)
{
	struct dispute_action action = {e, 0, 0, body, 0, 0};

	return (dispute_store_apply(conn, a, id, &action, at, r));
}

Test(dispute_store, items_of_another_company_are_not_found)
{
	struct dispute_actor globex_key = company_actor(key_globex, globex);
	int64_t items[2] = {ev_globex, ev[0]}, id = 0;

	cr_assert_eq(dispute_store_open(conn, &globex_key, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "not ours", items, 2, t0, &id),
	    DISPUTE_STORE_NOT_FOUND);
	cr_assert_eq(dispute_store_open(conn, &globex_key, DISPUTE_KIND_ATTRIBUTION,
	    DISPUTE_REASON_NOT_OUR_ASSET, "not ours", &asset_main, 1, t0, &id),
	    DISPUTE_STORE_NOT_FOUND);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disputes"), 0);
	cr_assert_str_eq(evidence_status(ev_globex), "active");
	/* A company cannot read another's dispute either. */
	cr_assert_eq(dispute_store_open(conn, &globex_key, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "ours", &ev_globex, 1, t0, &id), DISPUTE_STORE_OK);
	{
		struct dispute_actor acme_key = company_actor(key_acme, acme);
		struct dispute *d = NULL;

		cr_assert_eq(dispute_store_get(conn, &acme_key, id, &d), DISPUTE_STORE_NOT_FOUND);
		cr_assert_null(d);
	}
}

Test(dispute_store, bad_input_is_invalid)
{
	struct dispute_actor a = company_actor(key_acme, acme);
	struct dispute_actor staff = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	char *long_text = malloc(DISPUTE_TEXT_MAX + 2);
	int64_t id;

	memset(long_text, 'x', DISPUTE_TEXT_MAX + 1);
	long_text[DISPUTE_TEXT_MAX + 1] = '\0';
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, long_text, ev, 1, t0, &id), DISPUTE_STORE_INVALID);
	long_text[DISPUTE_TEXT_MAX] = '\0';
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "", ev, 1, t0, &id), DISPUTE_STORE_INVALID);
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", ev, 0, t0, &id), DISPUTE_STORE_INVALID);
	cr_assert_eq(dispute_store_open(conn, &staff, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", ev, 1, t0, &id), DISPUTE_STORE_INVALID);
	/* Exactly the cap is fine. */
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, long_text, ev, 1, t0, &id), DISPUTE_STORE_OK);
	free(long_text);
}

Test(dispute_store, a_second_open_dispute_on_the_same_evidence_conflicts)
{
	struct dispute_actor a = company_actor(key_acme, acme);
	int64_t both[2] = {ev[1], ev[0]}, id1, id2 = 0;
	struct dispute_apply_result r;

	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_REMEDIATED, "fixed last week", &ev[0], 1, t0, &id1),
	    DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "again", both, 2, t0, &id2), DISPUTE_STORE_CONFLICT);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disputes"), 1,
	    "the failed open left nothing");
	cr_assert_str_eq(evidence_status(ev[1]), "active");
	cr_assert_str_eq(evidence_status(ev[0]), "disputed");
	/* Once withdrawn, the evidence is free again and can be disputed anew. */
	cr_assert_eq(act(&a, id1, DISPUTE_EV_WITHDRAW, NULL, t0 + 10, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_WITHDRAWN);
	cr_assert_str_eq(evidence_status(ev[0]), "active");
	cr_assert_eq(dispute_store_open(conn, &a, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "again", both, 2, t0 + 20, &id2), DISPUTE_STORE_OK);
	cr_assert_str_eq(evidence_status(ev[0]), "disputed");
	cr_assert_str_eq(evidence_status(ev[1]), "disputed");
}

static int
thread_has(const struct dispute *d, const char *event, const char *body)
{
	size_t i;

	for (i = 0; i < d->nthread; i++)
		if (strcmp(d->thread[i].event, event) == 0 &&
		    (body == NULL || strcmp(d->thread[i].body, body) == 0))
			return (1);
	return (0);
}

Test(dispute_store, the_full_lifecycle_with_thread_request_reject_appeal_accept)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor an1 = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	struct dispute_actor an2 = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst2);
	struct dispute_action note = {DISPUTE_EV_COMMENT, 0, 1, "looks like a CDN edge", 0,
	    0};
	struct dispute_apply_result r;
	struct dispute *d = NULL;
	int64_t id;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "that port is closed", &ev[3], 1, t0, &id),
	    DISPUTE_STORE_OK);
	cr_assert_str_eq(evidence_status(ev[3]), "disputed");
	cr_assert_eq(act(&co, id, DISPUTE_EV_COMMENT, "see our firewall", t0 + 60, &r),
	    DISPUTE_STORE_OK);
	/* A company cannot assign: 403, and the state is not moved. */
	cr_assert_eq(act(&co, id, DISPUTE_EV_ASSIGN, NULL, t0 + 61, &r), DISPUTE_STORE_REFUSED);
	cr_assert_eq(r.refusal, DISPUTE_REFUSAL_ROLE);
	cr_assert_eq(act(&an1, id, DISPUTE_EV_ASSIGN, NULL, t0 + 3600, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_IN_REVIEW);
	cr_assert_eq(dispute_store_apply(conn, &an1, id, &note, t0 + 3700, &r),
	    DISPUTE_STORE_OK);
	cr_assert_eq(act(&an1, id, DISPUTE_EV_REQUEST_INFO, "send a scan", t0 + 7200, &r),
	    DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_INFO_REQUESTED);
	cr_assert_eq(act(&co, id, DISPUTE_EV_RESPOND, "scan attached", t0 + 7200 + 86400,
	    &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_IN_REVIEW);
	/* A decision needs a rationale. */
	cr_assert_eq(act(&an1, id, DISPUTE_EV_DECIDE_REJECT, "", t0 + 90000, &r),
	    DISPUTE_STORE_INVALID);
	cr_assert_eq(act(&an1, id, DISPUTE_EV_DECIDE_REJECT, "port open in our scan",
	    t0 + 100000, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_REJECTED);
	cr_assert_str_eq(evidence_status(ev[3]), "active", "a rejection releases it");

	/* The company's view: no internal note; staff's view: with it. */
	cr_assert_eq(dispute_store_get(conn, &co, id, &d), DISPUTE_STORE_OK);
	cr_assert(!thread_has(d, "comment", "looks like a CDN edge"));
	cr_assert(thread_has(d, "comment", "see our firewall"));
	cr_assert(thread_has(d, "respond", "scan attached"));
	cr_assert_eq(d->nthread, 6, "open, comment, assign, request, respond, reject");
	cr_assert_eq(d->sla.first_response_at, t0 + 3600);
	cr_assert_eq(d->sla.paused_secs, 86400, "a day waiting for the company");
	cr_assert_eq(d->sla.resolved_at, t0 + 100000);
	cr_assert_eq(d->facts.rejected_by, key_analyst1);
	cr_assert_str_eq(d->decision, "rejected");
	cr_assert_str_eq(d->decision_rationale, "port open in our scan");
	cr_assert_eq(d->nitems, 1);
	cr_assert_eq(d->items[0], ev[3]);
	dispute_free(d);
	cr_assert_eq(dispute_store_get(conn, &an2, id, &d), DISPUTE_STORE_OK);
	cr_assert(thread_has(d, "comment", "looks like a CDN edge"));
	cr_assert_eq(d->nthread, 7);
	dispute_free(d);

	/* Appeal: the evidence is disputed again; the first reviewer cannot take it. */
	cr_assert_eq(act(&co, id, DISPUTE_EV_APPEAL, "please look again", t0 + 200000, &r),
	    DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_APPEALED);
	cr_assert_str_eq(evidence_status(ev[3]), "disputed");
	cr_assert_eq(act(&an1, id, DISPUTE_EV_ASSIGN, NULL, t0 + 200100, &r),
	    DISPUTE_STORE_REFUSED);
	cr_assert_eq(r.refusal, DISPUTE_REFUSAL_SAME_REVIEWER);
	cr_assert_eq(r.state, DISPUTE_APPEALED);
	cr_assert_eq(act(&an2, id, DISPUTE_EV_ASSIGN, NULL, t0 + 200200, &r),
	    DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_IN_REVIEW_APPEAL);
	cr_assert_eq(act(&an2, id, DISPUTE_EV_DECIDE_ACCEPT, "the scan shows it closed",
	    t0 + 300000, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_APPEAL_ACCEPTED);
	cr_assert_str_eq(evidence_status(ev[3]), "corrected");
	/* A second appeal is refused with the current state. */
	cr_assert_eq(act(&co, id, DISPUTE_EV_APPEAL, "again", t0 + 300001, &r),
	    DISPUTE_STORE_REFUSED);
	cr_assert_eq(r.refusal, DISPUTE_REFUSAL_APPEAL_USED);
	cr_assert_eq(r.state, DISPUTE_APPEAL_ACCEPTED);
	cr_assert_eq(scalarf("SELECT count(*) FROM dispute_events WHERE dispute_id = %lld",
	    (long long)id), 10);
}

/* Wait until n sessions of the test database wait for a lock; 1, or 0 after about
 * 4 seconds (the test then fails: the sessions did not line up). */
static int
sessions_waiting_for_a_lock(long n)
{
	int waited;

	for (waited = 0; waited < 200; waited++) {
		PGconn *watch = db_connect(testdb_url());
		long got = testdb_scalar(watch, "SELECT count(*) FROM pg_stat_activity"
		    " WHERE datname = current_database() AND wait_event_type = 'Lock'");

		PQfinish(watch);
		if (got == n)
			return (1);
		usleep(20000);
	}
	return (0);
}

/* Two staff deciding at once, each on its own connection. */
struct decider {
	int64_t dispute_id;
	int64_t key;
	enum dispute_event event;
	int64_t at;                    /* the decision time; 0: t0 + 500 */
	enum dispute_store_result rc;
	struct dispute_apply_result res;
};

static void *
decide_thread(void *arg)
{
	struct decider *dc = arg;
	struct dispute_actor a = {DISPUTE_ROLE_ADMIN, dc->key, 0};
	struct dispute_action action = {dc->event, 0, 0, "decided", 0, 0};
	PGconn *c = db_connect(testdb_url());

	if (c == NULL) {
		dc->rc = DISPUTE_STORE_ERROR;
		return (NULL);
	}
	dc->rc = dispute_store_apply(c, &a, dc->dispute_id, &action,
	    dc->at != 0 ? dc->at : t0 + 500, &dc->res);
	PQfinish(c);
	return (NULL);
}

Test(dispute_store, of_two_concurrent_decisions_exactly_one_applies)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct decider dc[2];
	struct dispute_apply_result r;
	pthread_t th[2];
	char sql[256];
	int64_t id;
	int i, ok = 0, refused = 0;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_REMEDIATED, "patched", &ev[1], 1, t0, &id), DISPUTE_STORE_OK);
	cr_assert_eq(act(&ad, id, DISPUTE_EV_ASSIGN, NULL, t0 + 100, &r), DISPUTE_STORE_OK);
	/* Hold the row so that both deciders are queued behind us, then let go. */
	cr_assert_eq(db_begin(conn), 0);
	snprintf(sql, sizeof(sql), "SELECT id FROM disputes WHERE id = %lld FOR UPDATE",
	    (long long)id);
	cr_assert_eq(testdb_scalar(conn, sql), id);
	for (i = 0; i < 2; i++) {
		memset(&dc[i], 0, sizeof(dc[i]));
		dc[i].dispute_id = id;
		dc[i].key = i == 0 ? key_admin1 : key_admin2;
		dc[i].event = DISPUTE_EV_DECIDE_REJECT;
		cr_assert_eq(pthread_create(&th[i], NULL, decide_thread, &dc[i]), 0);
	}
	cr_assert(sessions_waiting_for_a_lock(2),
	    "both deciders should be waiting for the row");
	db_commit(conn);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (dc[i].rc == DISPUTE_STORE_OK)
			ok++;
		else if (dc[i].rc == DISPUTE_STORE_REFUSED) {
			refused++;
			cr_assert_eq(dc[i].res.refusal, DISPUTE_REFUSAL_STATE);
			cr_assert_eq(dc[i].res.state, DISPUTE_REJECTED,
			    "the loser learns the state the winner left");
		}
	}
	cr_assert_eq(ok, 1);
	cr_assert_eq(refused, 1);
	cr_assert_eq(scalarf("SELECT count(*) FROM dispute_events WHERE dispute_id = %lld"
	    " AND event = 'decide_reject'", (long long)id), 1);
	cr_assert_eq(scalarf("SELECT version FROM disputes WHERE id = %lld", (long long)id), 3);
}

Test(dispute_store, an_expected_version_that_moved_is_a_conflict)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct dispute_action assign = {DISPUTE_EV_ASSIGN, 0, 0, NULL, 2, 0};
	struct dispute_apply_result r;
	int64_t id;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[2], 1, t0, &id), DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_apply(conn, &ad, id, &assign, t0 + 1, &r),
	    DISPUTE_STORE_CONFLICT);
	cr_assert_eq(r.version, 1);
	assign.expected_version = 1;
	cr_assert_eq(dispute_store_apply(conn, &ad, id, &assign, t0 + 1, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.version, 2);
}

Test(dispute_store, only_an_analyst_or_admin_key_in_use_reviews)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct dispute_action assign = {DISPUTE_EV_ASSIGN, 0, 0, NULL, 0, 0};
	struct dispute_apply_result r;
	int64_t id, unfit[4];
	size_t i;

	unfit[0] = 999999;
	unfit[1] = key_acme;
	unfit[2] = insert_key("investor0001", "investor", 0);
	unfit[3] = insert_key("analystgone3", "analyst", 0);
	PQclear(PQexec(conn, "UPDATE api_keys SET revoked_at = now()"
	    " WHERE prefix = 'analystgone3'"));
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[0], 1, t0, &id), DISPUTE_STORE_OK);
	/* No such key, a company key, an investor key, a revoked analyst: refused,
	 * nothing changes. */
	for (i = 0; i < 4; i++) {
		assign.target = unfit[i];
		cr_assert_eq(dispute_store_apply(conn, &ad, id, &assign, t0 + 1, &r),
		    DISPUTE_STORE_REFUSED, "target %lld", (long long)unfit[i]);
		cr_assert_eq(r.refusal, DISPUTE_REFUSAL_BAD_ASSIGNEE);
		cr_assert_eq(r.state, DISPUTE_OPEN);
	}
	cr_assert_eq(scalarf("SELECT count(*) FROM disputes WHERE id = %lld AND version = 1"
	    " AND assignee_key_id IS NULL", (long long)id), 1);
	assign.target = key_analyst2;
	cr_assert_eq(dispute_store_apply(conn, &ad, id, &assign, t0 + 2, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_IN_REVIEW);
	assign.target = key_admin2;
	cr_assert_eq(dispute_store_apply(conn, &ad, id, &assign, t0 + 3, &r), DISPUTE_STORE_OK);
	cr_assert_eq(scalarf("SELECT assignee_key_id FROM disputes WHERE id = %lld",
	    (long long)id), key_admin2);
	/* The database refuses it too (migrations/0020), whoever writes. */
	{
		char sql[128];
		PGresult *res;

		snprintf(sql, sizeof(sql), "UPDATE disputes SET assignee_key_id = %lld",
		    (long long)unfit[2]);
		res = PQexec(conn, sql);
		cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23514");
		PQclear(res);
	}
}

Test(dispute_store, an_appeal_comes_within_its_window_after_the_rejection)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor an = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	struct dispute_action appeal = {DISPUTE_EV_APPEAL, 0, 0, "look again", 0, 3600};
	int64_t rejected = t0 + 20, w = DISPUTE_SLA_APPEAL_WINDOW_DEFAULT, id;
	struct dispute_apply_result r;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[1], 1, t0, &id), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, id, DISPUTE_EV_ASSIGN, NULL, t0 + 10, &r), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, id, DISPUTE_EV_DECIDE_REJECT, "no", rejected, &r),
	    DISPUTE_STORE_OK);
	/* A window of an hour: an hour and a second later is too late. */
	cr_assert_eq(dispute_store_apply(conn, &co, id, &appeal, rejected + 3601, &r),
	    DISPUTE_STORE_REFUSED);
	cr_assert_eq(r.refusal, DISPUTE_REFUSAL_APPEAL_LATE);
	cr_assert_eq(r.state, DISPUTE_REJECTED);
	/* The default window, 30 days: its last second is in time, the next is not. */
	cr_assert_eq(act(&co, id, DISPUTE_EV_APPEAL, "late", rejected + w + 1, &r),
	    DISPUTE_STORE_REFUSED);
	cr_assert_eq(r.refusal, DISPUTE_REFUSAL_APPEAL_LATE);
	cr_assert_str_eq(evidence_status(ev[1]), "active", "a refused appeal holds nothing");
	cr_assert_eq(scalarf("SELECT count(*) FROM dispute_events WHERE dispute_id = %lld"
	    " AND event = 'appeal'", (long long)id), 0);
	cr_assert_eq(act(&co, id, DISPUTE_EV_APPEAL, "in time", rejected + w, &r),
	    DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_APPEALED);
}

Test(dispute_store, a_company_opens_at_most_per_day_disputes_in_24_hours)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	int64_t id;

	cr_assert_eq(dispute_store_open_limited(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[0], 1, 2, t0, &id), DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_open_limited(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[1], 1, 2, t0 + 10, &id), DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_open_limited(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[2], 1, 2, t0 + 86400, &id), DISPUTE_STORE_LIMIT);
	cr_assert_str_eq(evidence_status(ev[2]), "active");
	/* The first fell out of the 24 hours; another company has its own count. */
	cr_assert_eq(dispute_store_open_limited(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "x", &ev[2], 1, 2, t0 + 86401, &id), DISPUTE_STORE_OK);
	{
		struct dispute_actor gx = company_actor(key_globex, globex);

		cr_assert_eq(dispute_store_open_limited(conn, &gx, DISPUTE_KIND_EVIDENCE,
		    DISPUTE_REASON_OTHER, "x", &ev_globex, 1, 2, t0 + 86401, &id),
		    DISPUTE_STORE_OK);
	}
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM disputes"), 4);
}

/* A first rating for acme, computed the way the rater does, so that the correction's
 * row is a change against it. */
static void
rate_initially(void)
{
	struct rescore_summary sum;

	cr_assert_eq(db_begin(conn), 0);
	cr_assert_eq(rescore_company(conn, acme, t0, NULL, NULL, &sum), 0);
	cr_assert_eq(sum.new_rows, 1);
	cr_assert_eq(db_commit(conn), 0);
	cr_assert_eq(scalarf("SELECT count(*) FROM ratings WHERE company_id = %lld",
	    (long long)acme), 1);
}

Test(dispute_store, accepted_evidence_is_corrected_and_rescored_at_once)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct dispute_apply_result r;
	char sql[512];
	int64_t id;

	rate_initially();
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "valid certificate", &ev[0], 1, t0, &id),
	    DISPUTE_STORE_OK);
	cr_assert_str_eq(evidence_status(ev[0]), "disputed");
	cr_assert_eq(act(&ad, id, DISPUTE_EV_ASSIGN, NULL, t0 + 10, &r), DISPUTE_STORE_OK);
	cr_assert_eq(act(&ad, id, DISPUTE_EV_DECIDE_ACCEPT, "certificate is valid",
	    t0 + 20, &r), DISPUTE_STORE_OK);
	cr_assert_eq(r.state, DISPUTE_ACCEPTED);
	cr_assert_str_eq(evidence_status(ev[0]), "corrected");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence WHERE id = %lld"
	    " AND corrected_at IS NOT NULL AND status_reason = 'corrected by dispute %lld'",
	    (long long)ev[0], (long long)id);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ratings WHERE company_id = %lld"
	    " AND reason = 'correction' AND (reason_detail->>'dispute_id')::bigint = %lld",
	    (long long)acme, (long long)id);
	cr_assert_eq(testdb_scalar(conn, sql), 1, "the correction is in the rating at once");
	cr_assert_str_eq(evidence_status(ev[1]), "active", "other evidence untouched");
}

Test(dispute_store, accepted_attribution_detaches_the_asset_and_corrects_its_evidence)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor an = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	struct dispute_apply_result r;
	int64_t id;

	rate_initially();
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_ATTRIBUTION,
	    DISPUTE_REASON_NOT_OUR_ASSET, "sold in 2024", &asset_old, 1, t0, &id),
	    DISPUTE_STORE_OK);
	cr_assert_str_eq(evidence_status(ev[5]), "disputed", "the asset's evidence");
	cr_assert_str_eq(evidence_status(ev[0]), "active", "other assets' evidence");
	cr_assert_eq(act(&an, id, DISPUTE_EV_ASSIGN, NULL, t0 + 10, &r), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, id, DISPUTE_EV_DECIDE_ACCEPT, "registry confirms the sale",
	    t0 + 20, &r), DISPUTE_STORE_OK);
	cr_assert_str_eq(evidence_status(ev[5]), "corrected");
	cr_assert_eq(scalarf("SELECT count(*) FROM assets WHERE id = %lld AND detached_at"
	    " IS NOT NULL AND detached_reason LIKE '%%dispute%%'", (long long)asset_old), 1);
	cr_assert_eq(scalarf("SELECT count(*) FROM ratings WHERE company_id = %lld"
	    " AND reason = 'correction'", (long long)acme), 1);
	/* A detached asset cannot be disputed again: it is no longer the company's. */
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_ATTRIBUTION,
	    DISPUTE_REASON_NOT_OUR_ASSET, "again", &asset_old, 1, t0 + 30, &id),
	    DISPUTE_STORE_NOT_FOUND);
}

#define PARALLEL_ACCEPTS 12

Test(dispute_store, parallel_corrections_of_one_company_keep_its_history_in_order)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct decider dc[PARALLEL_ACCEPTS];
	pthread_t th[PARALLEL_ACCEPTS];
	struct dispute_apply_result r;
	int64_t e, id;
	char port[16];
	int i;

	rate_initially();
	for (i = 0; i < PARALLEL_ACCEPTS; i++) {
		snprintf(port, sizeof(port), "%d", 10000 + i);
		e = insert_evidence(acme, asset_main, "exposed_services.open_port_risky",
		    "fail", port);
		cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
		    DISPUTE_REASON_REMEDIATED, "closed", &e, 1, t0, &id), DISPUTE_STORE_OK);
		cr_assert_eq(act(&ad, id, DISPUTE_EV_ASSIGN, NULL, t0 + 10, &r),
		    DISPUTE_STORE_OK);
		memset(&dc[i], 0, sizeof(dc[i]));
		dc[i].dispute_id = id;
		dc[i].key = key_admin1;
		dc[i].event = DISPUTE_EV_DECIDE_ACCEPT;
		/* Decided at t0, already past: the times come from the database clock. */
		dc[i].at = t0;
	}
	/* Hold the rescoring lock (rater/rating_store.c: class "fair", 1) until every
	 * acceptance has begun its transaction, so that they all meet at the lock. */
	PQclear(PQexec(conn, "SELECT pg_advisory_lock(1717658994, 1)"));
	for (i = 0; i < PARALLEL_ACCEPTS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, decide_thread, &dc[i]), 0);
	cr_assert(sessions_waiting_for_a_lock(PARALLEL_ACCEPTS),
	    "every acceptance should wait for the rescoring lock");
	PQclear(PQexec(conn, "SELECT pg_advisory_unlock(1717658994, 1)"));
	for (i = 0; i < PARALLEL_ACCEPTS; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(dc[i].rc, DISPUTE_STORE_OK, "acceptance %d", i);
	}
	/* One row per correction, in order of computed_at, each named correction. */
	cr_assert_eq(scalarf("SELECT count(*) FROM ratings WHERE company_id = %lld",
	    (long long)acme), 1 + PARALLEL_ACCEPTS);
	cr_assert_eq(scalarf("SELECT count(*) FROM (SELECT computed_at, lag(computed_at)"
	    " OVER (ORDER BY id) AS before FROM ratings WHERE company_id = %lld) h"
	    " WHERE computed_at <= before", (long long)acme), 0,
	    "the history goes back in time");
	cr_assert_eq(scalarf("SELECT count(*) FROM ratings WHERE company_id = %lld"
	    " AND reason = 'correction'", (long long)acme), PARALLEL_ACCEPTS);
	cr_assert_eq(scalarf("SELECT count(DISTINCT reason_detail->>'dispute_id') FROM"
	    " ratings WHERE company_id = %lld AND reason = 'correction'", (long long)acme),
	    PARALLEL_ACCEPTS);
}

Test(dispute_store, a_failed_rescore_leaves_nothing_corrected)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor ad = staff_actor(DISPUTE_ROLE_ADMIN, key_admin1);
	struct dispute_apply_result r;
	int64_t id;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "x", &ev[0], 1, t0, &id), DISPUTE_STORE_OK);
	cr_assert_eq(act(&ad, id, DISPUTE_EV_ASSIGN, NULL, t0 + 10, &r), DISPUTE_STORE_OK);
	/* No methodology in force: rescoring fails, so the whole decision rolls back. */
	PQclear(PQexec(conn, "UPDATE methodology_versions SET status = 'draft',"
	    " published_at = NULL, effective_at = NULL"));
	cr_assert_eq(act(&ad, id, DISPUTE_EV_DECIDE_ACCEPT, "ok", t0 + 20, &r),
	    DISPUTE_STORE_ERROR);
	cr_assert_str_eq(evidence_status(ev[0]), "disputed");
	cr_assert_eq(scalarf("SELECT count(*) FROM disputes WHERE id = %lld"
	    " AND state = 'in_review' AND version = 2", (long long)id), 1);
}

Test(dispute_store, attachments_are_capped_typed_digested_and_audited)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor other = company_actor(key_globex, globex);
	struct dispute_actor an = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	struct dispute_attachment_info info;
	struct dispute_apply_result r;
	const char text[] = "port,state\n3389,closed\n";
	char digest[65];
	size_t big = DISPUTE_ATTACHMENT_MAX + 1;
	unsigned char *blob = calloc(1, big);
	void *content = NULL;
	int64_t id, att;

	cr_assert_not_null(blob);
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "scan attached", &ev[3], 1, t0, &id),
	    DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "big.pdf", "application/pdf",
	    blob, big, t0, &att), DISPUTE_STORE_TOO_LARGE);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "x.html", "text/html",
	    text, sizeof(text) - 1, t0, &att), DISPUTE_STORE_INVALID);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "../etc/passwd",
	    "text/plain", text, sizeof(text) - 1, t0, &att), DISPUTE_STORE_INVALID);
	cr_assert_eq(dispute_store_add_attachment(conn, &other, id, "scan.csv", "text/csv",
	    text, sizeof(text) - 1, t0, &att), DISPUTE_STORE_NOT_FOUND);
	/* Exactly the cap is accepted (binary content, NUL bytes included). */
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "max.png", "image/png",
	    blob, DISPUTE_ATTACHMENT_MAX, t0, &att), DISPUTE_STORE_OK);
	free(blob);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "scan.csv", "text/csv",
	    text, sizeof(text) - 1, t0 + 1, &att), DISPUTE_STORE_OK);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM attachments"), 2);

	cr_assert_eq(dispute_store_read_attachment(conn, &co, id, att, t0 + 2, &info,
	    &content), DISPUTE_STORE_OK);
	cr_assert_eq(info.size, sizeof(text) - 1);
	cr_assert_eq(memcmp(content, text, info.size), 0);
	cr_assert_eq(sha256_hex(text, sizeof(text) - 1, digest), 0);
	cr_assert_str_eq(info.sha256, digest);
	cr_assert_str_eq(info.content_type, "text/csv");
	free(content);
	content = NULL;
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'dispute.attachment.read'"), 0,
	    "a company reading its own file is not audited");
	cr_assert_eq(dispute_store_read_attachment(conn, &other, id, att, t0 + 2, &info,
	    &content), DISPUTE_STORE_NOT_FOUND);
	cr_assert_null(content);
	cr_assert_eq(dispute_store_read_attachment(conn, &an, id, att, t0 + 3, &info,
	    &content), DISPUTE_STORE_OK);
	free(content);
	cr_assert_eq(scalarf("SELECT count(*) FROM audit_log WHERE action ="
	    " 'dispute.attachment.read' AND actor_key_id = %lld AND (details->>'dispute_id')"
	    "::bigint = (SELECT max(id) FROM disputes)", (long long)key_analyst1), 1);
	/* A closed dispute takes no more files. */
	cr_assert_eq(act(&co, id, DISPUTE_EV_WITHDRAW, NULL, t0 + 4, &r), DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, "late.txt", "text/plain",
	    text, sizeof(text) - 1, t0 + 5, &att), DISPUTE_STORE_REFUSED);
}

Test(dispute_store, the_queue_filters_and_pages_by_id)
{
	struct dispute_actor co = company_actor(key_acme, acme);
	struct dispute_actor an = staff_actor(DISPUTE_ROLE_ANALYST, key_analyst1);
	struct dispute_queue_filter f;
	struct dispute_list *l = NULL;
	struct dispute_apply_result r;
	int64_t old, mid, fresh, now = t0 + 10 * TIMEFMT_DAY;

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "old", &ev[0], 1, now - 5 * TIMEFMT_DAY, &old),
	    DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "mid", &ev[1], 1, now - TIMEFMT_DAY, &mid),
	    DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "fresh", &ev[2], 1, now, &fresh), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, mid, DISPUTE_EV_ASSIGN, NULL, now - 3600, &r), DISPUTE_STORE_OK);

	memset(&f, 0, sizeof(f));
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 3);
	cr_assert_eq(l->items[0].id, old);
	cr_assert_eq(l->items[0].sla, DISPUTE_SLA_OVERDUE, "5 days without an answer");
	cr_assert_eq(l->items[1].sla, DISPUTE_SLA_ON_TIME);
	cr_assert_str_eq(l->items[0].company_slug, "acme");
	cr_assert_eq(l->next_after, 0);
	dispute_list_free(l);

	f.overdue = 1;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	cr_assert_eq(l->items[0].id, old);
	dispute_list_free(l);

	memset(&f, 0, sizeof(f));
	f.assignee = key_analyst1;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	cr_assert_eq(l->items[0].id, mid);
	cr_assert_eq(l->items[0].state, DISPUTE_IN_REVIEW);
	dispute_list_free(l);
	f.assignee = -1;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 2, "unassigned");
	dispute_list_free(l);

	memset(&f, 0, sizeof(f));
	f.min_age_secs = 2 * TIMEFMT_DAY;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	dispute_list_free(l);

	memset(&f, 0, sizeof(f));
	f.has_state = 1;
	f.state = DISPUTE_OPEN;
	f.limit = 1;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	cr_assert_eq(l->items[0].id, old);
	cr_assert_eq(l->next_after, old);
	f.after_id = l->next_after;
	dispute_list_free(l);
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	cr_assert_eq(l->items[0].id, fresh);
	f.after_id = l->next_after;
	dispute_list_free(l);
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 0);
	cr_assert_eq(l->next_after, 0);
	dispute_list_free(l);

	/* A rejection waiting for a possible appeal leaves the default queue. */
	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_OTHER, "rejected", &ev[4], 1, now, &fresh), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, fresh, DISPUTE_EV_ASSIGN, NULL, now, &r), DISPUTE_STORE_OK);
	cr_assert_eq(act(&an, fresh, DISPUTE_EV_DECIDE_REJECT, "no", now, &r),
	    DISPUTE_STORE_OK);
	memset(&f, 0, sizeof(f));
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 3);
	dispute_list_free(l);
	f.has_state = 1;
	f.state = DISPUTE_REJECTED;
	cr_assert_eq(dispute_store_queue(conn, &f, &sla, now, &l), DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 1);
	cr_assert_eq(l->items[0].id, fresh);
	cr_assert_eq(l->items[0].sla, DISPUTE_SLA_MET);
	dispute_list_free(l);

	cr_assert_eq(dispute_store_list_company(conn, acme, 0, 50, &sla, now, &l),
	    DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 4);
	dispute_list_free(l);
	cr_assert_eq(dispute_store_list_company(conn, globex, 0, 50, &sla, now, &l),
	    DISPUTE_STORE_OK);
	cr_assert_eq(l->n, 0);
	dispute_list_free(l);
}

Test(dispute_store, statistics_on_a_known_set)
{
	/* (state, reason, first response after, resolved after) in hours. */
	static const struct {
		const char *state, *reason;
		int fr_h, res_h;
	} set[] = {
		{"rejected", "false_positive", 1, 24},
		{"withdrawn", "remediated", 3, 48},
		{"open", "false_positive", 0, 0},
		{"appeal_rejected", "not_our_asset", 2, 72},
		{"accepted", "other", 4, 96},
		{"appeal_accepted", "false_positive", 5, 120},
	};
	struct dispute_stats st;
	char sql[1024];
	size_t i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		int appeal = strncmp(set[i].state, "appeal", 6) == 0;
		char fr[96] = "NULL", res[96] = "NULL";

		if (set[i].fr_h)
			snprintf(fr, sizeof(fr), "'2026-01-01Z'::timestamptz + interval '%d hours'",
			    set[i].fr_h);
		if (set[i].res_h)
			snprintf(res, sizeof(res), "'2026-01-01Z'::timestamptz + interval '%d hours'",
			    set[i].res_h);
		snprintf(sql, sizeof(sql), "INSERT INTO disputes (company_id, kind, reason,"
		    " explanation, state, appealed, appealed_at, opened_at, first_response_at,"
		    " resolved_at) VALUES (%lld, 'evidence', '%s', 'x', '%s', %s, %s,"
		    " '2026-01-01Z', %s, %s) RETURNING id", (long long)(i % 2 ? acme : globex),
		    set[i].reason, set[i].state, appeal ? "true" : "false",
		    appeal ? "'2026-01-10Z'" : "NULL", fr, res);
		insert(sql);
	}
	cr_assert_eq(dispute_store_stats(conn, &st), 0);
	cr_assert_eq(st.total, 6);
	cr_assert_eq(st.by_state[DISPUTE_OPEN], 1);
	cr_assert_eq(st.by_state[DISPUTE_APPEAL_ACCEPTED], 1);
	cr_assert_eq(st.by_state[DISPUTE_IN_REVIEW], 0);
	cr_assert_eq(st.by_reason[DISPUTE_REASON_FALSE_POSITIVE], 3);
	cr_assert_eq(st.by_reason[DISPUTE_REASON_REMEDIATED], 1);
	cr_assert_eq(st.by_reason[DISPUTE_REASON_COMPENSATING_CONTROL], 0);
	cr_assert_eq(st.decided, 4);
	cr_assert_eq(st.accepted, 2);
	cr_assert_float_eq(st.acceptance_rate, 0.5, 1e-9);
	/* First responses 1..5 h; resolutions 1..5 days (percentile_cont). */
	cr_assert_float_eq(st.first_response_median, 3 * 3600.0, 1e-6);
	cr_assert_float_eq(st.first_response_p90, 4.6 * 3600.0, 1e-6);
	cr_assert_float_eq(st.resolution_median, 3 * 86400.0, 1e-6);
	cr_assert_float_eq(st.resolution_p90, 4.6 * 86400.0, 1e-6);
}

Test(dispute_store, statistics_of_nothing)
{
	struct dispute_stats st;

	cr_assert_eq(dispute_store_stats(conn, &st), 0);
	cr_assert_eq(st.total, 0);
	cr_assert_eq(st.acceptance_rate, -1);
	cr_assert_eq(st.first_response_median, -1);
	cr_assert_eq(st.resolution_p90, -1);
}
