/* fairrate import against a real database: all or nothing, re-observation, corrections. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/import_file.h"
#include "common/paths.h"
#include "common/timefmt.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static char errors[16384];
static char tmpdir[64];

static void
setup(void)
{
	conn = testdb_create();
	/* The methodology seed normally provides the check codes; without it, a minimal
	 * published methodology naming the codes these tests use. */
	if (testdb_scalar(conn, "SELECT count(*) FROM methodology_versions"
	    " WHERE status = 'published'") == 0)
		PQclear(PQexec(conn, "INSERT INTO methodology_versions (version, status,"
		    " definition, definition_sha256, published_at, effective_at)"
		    " SELECT '1999.1', 'published', jsonb_build_object('checks',"
		    "   jsonb_agg(jsonb_build_object('code', c))), repeat('0', 64), now(), now()"
		    " FROM unnest(ARRAY['tls.certificate_expired', 'web_headers.hsts_missing',"
		    "  'exposed_services.open_port_risky', 'email_auth.dmarc_missing',"
		    "  'exposed_services.open_port_other', 'governance.basic_policy',"
		    "  'tls.legacy_protocol', 'exposed_services.open_port_admin',"
		    "  'governance.third_party_certification', 'incidents.breach_disclosed',"
		    "  'incidents.ransomware', 'incidents.data_exposure']) c"));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fairrate-import-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	testdb_drop(conn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", tmpdir);
}

TestSuite(import, .init = setup, .fini = teardown);

/* Import path (relative to the share folder when not absolute); errors in errors. */
static int
import(enum import_kind kind, const char *path, struct import_counts *counts)
{
	struct import_options opt;
	struct import_counts unused;
	char full[1024];
	FILE *err;
	int rc;

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		cr_assert_eq(paths_join(full, sizeof(full), path), 0);
	memset(&opt, 0, sizeof(opt));
	opt.kind = kind;
	cr_assert_eq(import_file_format_for(full, &opt.format), 0);
	opt.now = timefmt_now();
	opt.label = strrchr(full, '/') + 1;
	memset(errors, 0, sizeof(errors));
	err = fmemopen(errors, sizeof(errors) - 1, "w");
	cr_assert_not_null(err);
	opt.errors = err;
	rc = import_file_run(conn, full, &opt, counts ? counts : &unused);
	fclose(err);
	return (rc);
}

static void
import_ok(enum import_kind kind, const char *path)
{
	int rc = import(kind, path, NULL);

	cr_assert_eq(rc, 0, "importing %s: %d\n%s", path, rc, errors);
}

static void
import_samples(void)
{
	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.jsonl");
	import_ok(IMPORT_EVIDENCE, "tests/data/import/evidence.csv");
	import_ok(IMPORT_EVIDENCE, "tests/data/import/evidence.jsonl");
	import_ok(IMPORT_INCIDENTS, "tests/data/import/incidents.csv");
	import_ok(IMPORT_INCIDENTS, "tests/data/import/incidents.jsonl");
}

/* Write text to a file in the test's folder; returns its path (static). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return (path);
}

/* Every row of the imported tables as text, leaving out the columns named. */
static char *
snapshot(const char *omit_evidence)
{
	PGresult *res;
	char sql[1024];
	char *out;

	snprintf(sql, sizeof(sql),
	    "SELECT (SELECT string_agg(to_jsonb(c)::text, E'\\n' ORDER BY id) FROM companies c)"
	    " || (SELECT string_agg(to_jsonb(a)::text, E'\\n' ORDER BY id) FROM assets a)"
	    " || (SELECT string_agg(to_jsonb(i)::text, E'\\n' ORDER BY id) FROM incidents i)"
	    " || (SELECT string_agg((to_jsonb(e) %s)::text, E'\\n' ORDER BY id) FROM evidence e)",
	    omit_evidence);
	res = PQexec(conn, sql);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (out);
}

Test(import, sample_files_in_csv_and_jsonl)
{
	import_samples();
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), 5);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets"
	    " WHERE source = 'import' AND confidence = 1"), 11);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), 5);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 12);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"
	    " WHERE slug = 'globex' AND name = 'Globex \"Global\" Export'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"
	    " WHERE slug = 'initech' AND visibility = 'private'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM assets"
	    " WHERE value = '2001:db8::/32' AND kind = 'ip_range'"), 1, "IPv6 normalised");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE e.observation_key = '3389'"
	    " AND e.details = '{\"port\": 3389, \"banner\": \"RDP\"}'"
	    " AND a.value = '192.0.2.0/24'"), 1, "quoted JSON over two CRLF lines");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'exposed_services.open_port_admin'"
	    " AND first_seen = '2026-02-11T07:30:00Z'"), 1, "offsets become UTC");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"
	    " WHERE summary = E'Customer records exposed\\nthrough a misconfigured backup'"), 1);
}

/* A row already past its factor's lifetime is stored, but the import says, by line,
 * that no rating will count it; a fresh row is not named. */
Test(import, rows_too_old_to_count_are_stored_with_a_warning)
{
	struct import_counts counts;
	char text[1024], now[32];

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	snprintf(text, sizeof(text), "company,asset,check_code,outcome,observed_at,source\n"
	    "acme,acme.example,tls.certificate_expired,fail,2020-01-01T00:00:00Z,me\n"
	    "acme,acme.example,tls.weak_key,fail,%s,me\n",
	    timefmt_format(timefmt_now(), now));
	cr_assert_eq(import(IMPORT_EVIDENCE, write_file("old.csv", text), &counts), 0,
	    "%s", errors);
	cr_assert_eq(counts.evidence_inserted, 2);
	cr_assert_eq(counts.evidence_stale, 1);
	cr_assert_not_null(strstr(errors, "old.csv:2: warning: last_seen 2020-01-01T00:00:00Z"
	    " is more than the "), "%s", errors);
	cr_assert_not_null(strstr(errors, "keeps tls evidence"), "%s", errors);
	cr_assert_null(strstr(errors, "old.csv:3:"), "%s", errors);
}

Test(import, a_disclosed_breach_becomes_evidence)
{
	import_samples();
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e"
	    " JOIN companies c ON c.id = e.company_id WHERE c.slug = 'acme'"
	    " AND e.check_code = 'incidents.breach_disclosed' AND e.outcome = 'fail'"
	    " AND e.asset_id IS NULL AND e.observation_key = 'BR-2025-001'"
	    " AND e.first_seen = '2025-12-15T00:00:00Z' AND e.last_seen = e.first_seen"
	    " AND e.source = 'breach-feed'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'incidents.ransomware'"
	    " AND observation_key = '2025-09-01T00:00:00Z'"), 1, "no ref: occurred_at");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'incidents.data_exposure'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e"
	    " JOIN companies c ON c.id = e.company_id"
	    " WHERE c.slug IN ('globex', 'hooli') AND e.check_code LIKE 'incidents.%'"), 0,
	    "undisclosed incidents and other kinds make no evidence");
}

Test(import, reimporting_changes_nothing_but_last_seen)
{
	char *before, *after;

	import_samples();
	before = snapshot("- 'last_seen' - 'updated_at'");
	import_samples();
	after = snapshot("- 'last_seen' - 'updated_at'");
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
}

Test(import, a_newer_observation_updates_the_row)
{
	struct import_counts counts;
	const char *path;

	import_samples();
	path = write_file("newer.csv",
	    "company,asset,check_code,outcome,first_seen,last_seen,source,details\n"
	    "acme,acme.example,tls.certificate_expired,pass,2026-03-01T00:00:00Z,"
	    "2026-03-02T00:00:00Z,scanner,\"{\"\"fixed\"\": true}\"\n"
	    "acme,ACME.example,tls.certificate_expired,fail,2025-12-01T00:00:00Z,"
	    "2025-12-02T00:00:00Z,scanner,\n");
	cr_assert_eq(import(IMPORT_EVIDENCE, path, &counts), 0, "%s", errors);
	cr_assert_eq(counts.evidence_updated, 1);
	cr_assert_eq(counts.evidence_inserted, 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'tls.certificate_expired' AND outcome = 'pass'"
	    " AND first_seen = '2025-12-01T00:00:00Z' AND last_seen = '2026-03-02T00:00:00Z'"
	    " AND details = '{\"fixed\": true}' AND collector_version = ''"), 1);
}

Test(import, one_bad_row_among_good_rows_imports_nothing)
{
	const char *path;

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	path = write_file("bad.csv",
	    "company,asset,check_code,outcome,observed_at,source\n"
	    "acme,acme.example,tls.certificate_expired,fail,2026-01-01T00:00:00Z,s\n"
	    "acme,,governance.basic_policy,pass,2026-01-01T00:00:00Z,s\n"
	    "acme,,\"governance.\n"
	    "basic_policy\",maybe,2026-01-01T00:00:00Z,s\n"
	    "acme,,governance.basic_policy,pass,2026-01-01T00:00:00Z\n");
	cr_assert_eq(import(IMPORT_EVIDENCE, path, NULL), 1);
	cr_assert(strstr(errors, "bad.csv:4: check_code: 'governance.\\nbasic_policy' is not"
	    " a check code") != NULL, "%s", errors);
	cr_assert(strstr(errors, "\nbad.csv:4: outcome: 'maybe' is not one of pass, fail,"
	    " info\n") != NULL, "every problem of the row, each on its own line: %s",
	    errors);
	cr_assert(strstr(errors, "bad.csv:6: 5 fields where the header has 6") != NULL, "%s",
	    errors);
	cr_assert(strstr(errors, "bad.csv: rejected; nothing was imported") != NULL, "%s",
	    errors);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);

	path = write_file("bad.jsonl",
	    "{\"slug\": \"new-co\", \"name\": \"New\", \"sector\": \"it\", \"size_band\":"
	    " \"small\", \"country\": \"DE\"}\n"
	    "\n"
	    "{\"slug\": \"other\", \"name\": \"Other\", \"sector\": \"it\", \"size_band\":"
	    " \"small\", \"country\": \"ZZ\"}\n"
	    "{\"slug\": \"broken\"\n");
	cr_assert_eq(import(IMPORT_COMPANIES, path, NULL), 1);
	cr_assert(strstr(errors, "bad.jsonl:3: country: 'ZZ' is not an assigned") != NULL,
	    "%s", errors);
	cr_assert(strstr(errors, "bad.jsonl:4: not JSON:") != NULL, "%s", errors);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"
	    " WHERE slug = 'new-co'"), 0);
}

Test(import, rows_the_database_cannot_resolve_are_named)
{
	const char *path;

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	PQclear(PQexec(conn, "UPDATE assets SET detached_at = now(),"
	    " detached_reason = 'not ours' WHERE value = 'www.acme.example'"));
	path = write_file("refs.csv",
	    "company,asset,check_code,outcome,observed_at,source\n"
	    "acme,acme.example,tls.certificate_expired,fail,2026-01-01T00:00:00Z,s\n"
	    "nobody,,governance.basic_policy,pass,2026-01-01T00:00:00Z,s\n"
	    "acme,globex.example,tls.certificate_expired,fail,2026-01-01T00:00:00Z,s\n"
	    "acme,www.acme.example,tls.certificate_expired,fail,2026-01-01T00:00:00Z,s\n"
	    "acme,,tls.no_such_check,fail,2026-01-01T00:00:00Z,s\n"
	    "ghost,,tls.other_unknown,fail,2026-01-01T00:00:00Z,s\n");
	cr_assert_eq(import(IMPORT_EVIDENCE, path, NULL), 1);
	/* A row wrong in two ways against the database says both. */
	cr_assert(strstr(errors, "refs.csv:7: company: no company 'ghost'\n"
	    "refs.csv:7: check_code: 'tls.other_unknown' is in no published methodology") !=
	    NULL, "%s", errors);
	cr_assert(strstr(errors, "refs.csv:3: company: no company 'nobody'\n") != NULL,
	    "%s", errors);
	cr_assert(strstr(errors, "refs.csv:4: asset: 'globex.example' is not attributed to"
	    " company 'acme'\n") != NULL, "%s", errors);
	cr_assert(strstr(errors, "refs.csv:5: asset: 'www.acme.example' was detached from"
	    " company 'acme'\n") != NULL, "%s", errors);
	cr_assert(strstr(errors, "refs.csv:6: check_code: 'tls.no_such_check' is in no"
	    " published methodology and not in the catalogue of unweighted checks\n") != NULL,
	    "%s", errors);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);

	path = write_file("inc.csv",
	    "company,occurred_at,kind,severity,source\n"
	    "acme,2025-01-01T00:00:00Z,ddos,low,feed\n"
	    "ghost,2025-01-01T00:00:00Z,ddos,low,feed\n"
	    "acme,2025-01-01T00:00:00Z,other,low,feed\n"
	    "ghost,2025-01-01T00:00:00Z,other,low,feed\n");
	cr_assert_eq(import(IMPORT_INCIDENTS, path, NULL), 1);
	cr_assert(strstr(errors, "inc.csv:5: company: no company 'ghost'\n"
	    "inc.csv:5: the same incident (company, source, external_ref, occurred_at) is"
	    " also on line 3\n") != NULL, "%s", errors);
	cr_assert(strstr(errors, "inc.csv:3: company: no company 'ghost'\n") != NULL, "%s",
	    errors);
	cr_assert(strstr(errors, "inc.csv:4: the same incident") != NULL, "%s", errors);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), 0);
}

Test(import, a_database_rejection_rolls_back_and_names_the_line)
{
	const char *path;

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	PQclear(PQexec(conn, "ALTER TABLE evidence ADD CONSTRAINT test_no_forbidden"
	    " CHECK (observation_key <> 'forbidden')"));
	path = write_file("db.csv",
	    "company,check_code,outcome,observation_key,observed_at,source\n"
	    "acme,governance.basic_policy,pass,a,2026-01-01T00:00:00Z,s\n"
	    "acme,governance.basic_policy,pass,b,2026-01-01T00:00:00Z,s\n"
	    "acme,governance.basic_policy,pass,forbidden,2026-01-01T00:00:00Z,s\n"
	    "acme,governance.basic_policy,pass,d,2026-01-01T00:00:00Z,s\n"
	    "acme,governance.basic_policy,pass,e,2026-01-01T00:00:00Z,s\n");
	cr_assert_eq(import(IMPORT_EVIDENCE, path, NULL), 1);
	cr_assert(strstr(errors, "db.csv:4: rejected by the database: new row for relation"
	    " \"evidence\" violates check constraint \"test_no_forbidden\"") != NULL, "%s",
	    errors);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);
}

Test(import, corrections_stick_until_the_facts_change)
{
	const char *path;
	char *before, *after;

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	import_ok(IMPORT_EVIDENCE, "tests/data/import/evidence.csv");
	PQclear(PQexec(conn, "UPDATE evidence SET status = 'corrected',"
	    " corrected_at = '2026-02-15T00:00:00Z', status_reason = 'dispute 7: not ours'"
	    " WHERE check_code = 'tls.certificate_expired'"));
	/* The same observation coming back leaves it corrected, untouched. */
	before = snapshot("");
	import_ok(IMPORT_EVIDENCE, "tests/data/import/evidence.csv");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'tls.certificate_expired' AND status = 'corrected'"
	    " AND status_reason = 'dispute 7: not ours'"), 1);
	after = snapshot("- 'last_seen' - 'updated_at'");
	free(before);
	before = snapshot("- 'last_seen' - 'updated_at'");
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
	/* Seen again up to the correction itself: still the same fact. */
	path = write_file("same.csv",
	    "company,asset,check_code,outcome,first_seen,last_seen,source\n"
	    "acme,acme.example,tls.certificate_expired,fail,2026-02-10T00:00:00Z,"
	    "2026-02-15T00:00:00Z,scanner\n");
	import_ok(IMPORT_EVIDENCE, path);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'tls.certificate_expired' AND status = 'corrected'"
	    " AND last_seen = '2026-02-01T00:00:00Z'"), 1);
	/* Observed strictly after the correction: a new fact. */
	path = write_file("new.csv",
	    "company,asset,check_code,outcome,first_seen,last_seen,source\n"
	    "acme,acme.example,tls.certificate_expired,fail,2026-03-01T00:00:00Z,"
	    "2026-03-03T00:00:00Z,scanner\n");
	import_ok(IMPORT_EVIDENCE, path);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code = 'tls.certificate_expired' AND status = 'active'"
	    " AND corrected_at IS NULL AND first_seen = '2026-03-01T00:00:00Z'"
	    " AND last_seen = '2026-03-03T00:00:00Z'"
	    " AND status_reason LIKE 're-observed on 2026-03-03T00:00:00Z after the"
	    " correction of 2026-02-15T00:00:00Z'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 6);
}

static int
run_binary(const char *args)
{
	char cmd[2048];
	const char *bin = getenv("FAIRRATE_BIN");
	int status;

	cr_assert_not_null(bin, "FAIRRATE_BIN is not set");
	snprintf(cmd, sizeof(cmd), "'%s' import %s >/dev/null 2>&1", bin, args);
	status = system(cmd);
	cr_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

Test(import, exit_codes)
{
	char args[1400], share[1024];
	const char *bad;

	cr_assert_eq(paths_join(share, sizeof(share), "tests/data/import"), 0);
	cr_assert_eq(run_binary("--help"), 0);
	cr_assert_eq(run_binary("assets x.csv"), 2);
	cr_assert_eq(run_binary("companies x.txt"), 2, "format unknown from the name");
	cr_assert_eq(run_binary("companies x.csv --format xml"), 2);
	snprintf(args, sizeof(args), "companies '%s/companies.csv'", share);
	cr_assert_eq(run_binary(args), 0);
	bad = write_file("bad.txt", "slug,name\nx,y\n");
	snprintf(args, sizeof(args), "companies '%s' --format csv", bad);
	cr_assert_eq(run_binary(args), 1, "a missing column rejects the file");
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), 3);
}

/* A domain belongs to one company: a companies import that gives a domain already
 * attributed to another company (or to two companies in one file) is refused at the
 * row's line, and nothing of the file is written. A domain the other company had
 * detached may be attributed again. */
Test(import, a_domain_of_another_company_is_refused)
{
	const char *path;

	import_ok(IMPORT_COMPANIES, "tests/data/import/companies.csv");
	path = write_file("steal.csv",
	    "slug,name,sector,size_band,country,domains\n"
	    "newco,New Co,retail,small,DE,newco.example\n"
	    "hooli,Hooli,software,large,US,hooli.example;WWW.Acme.Example\n"
	    "acme,\"Acme, Inc.\",manufacturing,large,DE,acme.example\n"
	    "pied,Pied Piper,software,small,US,pied.example;newco.example\n");
	cr_assert_eq(import(IMPORT_COMPANIES, path, NULL), 1);
	cr_expect(strstr(errors, "steal.csv:3: domains: 'www.acme.example' is already"
	    " attributed to company 'acme'") != NULL, "%s", errors);
	cr_expect(strstr(errors, "steal.csv:5: domains: 'newco.example' is also on line 2,"
	    " for company 'newco'") != NULL, "%s", errors);
	cr_expect(strstr(errors, "steal.csv:4:") == NULL, "its own domain: %s", errors);
	cr_expect(strstr(errors, "steal.csv: rejected; nothing was imported") != NULL, "%s",
	    errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"
	    " WHERE slug IN ('newco', 'hooli', 'pied')"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM assets"
	    " WHERE value = 'www.acme.example'"), 1);

	/* Detached from acme: hooli may take it. */
	PQclear(PQexec(conn, "UPDATE assets SET detached_at = now(),"
	    " detached_reason = 'not ours' WHERE value = 'www.acme.example'"));
	path = write_file("take.csv",
	    "slug,name,sector,size_band,country,domains\n"
	    "hooli,Hooli,software,large,US,hooli.example;www.acme.example\n");
	import_ok(IMPORT_COMPANIES, path);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM assets a JOIN companies c"
	    " ON c.id = a.company_id WHERE c.slug = 'hooli' AND a.value = 'www.acme.example'"
	    " AND a.detached_at IS NULL"), 1);
}

/* A company added by another transaction while an import adding the same slug waits
 * for it (migration 0036: slugs are unique through company_slugs, which the import
 * locks) is updated by the import, not refused. */
Test(import, an_import_waits_for_a_company_added_meanwhile)
{
	const char *path = write_file("zeta.csv", "slug,name,sector,size_band,country,"
	    "domains,ip_ranges,visibility\nzeta,Zeta Imported,retail,small,JP,,,\n");
	PGconn *other = PQconnectdb(testdb_url()), *watch = PQconnectdb(testdb_url());
	PGresult *res;
	pid_t pid;
	int status, waiting = 0;

	cr_assert_eq(PQstatus(other), CONNECTION_OK);
	cr_assert_eq(PQstatus(watch), CONNECTION_OK);
	testdb_exec(other, "BEGIN; INSERT INTO companies (slug, name, sector, size_band,"
	    " country) VALUES ('zeta', 'Zeta', 'retail', 'small', 'JP')");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(import(IMPORT_COMPANIES, path, NULL) == 0 ? 0 : 1);
	/* Until the import waits for a lock (no time limit: the suite's own bounds it). */
	while (!waiting) {
		res = PQexec(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname ="
		    " current_database() AND wait_event_type = 'Lock'");
		cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(watch));
		waiting = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
		PQclear(res);
		if (!waiting)
			usleep(10000);
	}
	testdb_exec(other, "COMMIT");
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the import failed");
	cr_expect_eq(testdb_scalar(watch, "SELECT count(*) FROM companies"
	    " WHERE slug = 'zeta' AND name = 'Zeta Imported'"), 1);
	PQfinish(other);
	PQfinish(watch);
}
