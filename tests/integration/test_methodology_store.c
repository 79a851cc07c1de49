/* Methodology versions in PostgreSQL: seeding, immutability, loading by date and name. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/paths.h"
#include "common/sha256.h"
#include "rater/methodology.h"
#include "rater/methodology_store.h"
#include "tests/support/shipped.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static char tmpdir[64];

static void
setup(void)
{
	conn = testdb_create();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fairrate-methodology-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	testdb_drop(conn);
}

TestSuite(methodology_store, .init = setup, .fini = teardown);

/* Write the shipped document, with another version, effective date and title, as
 * tmpdir/name. */
static void
write_version(const char *name, const char *version, const char *effective_at,
    const char *title)
{
	char path[256];
	json_t *root = shipped_json(0);

	json_object_set_new(root, "version", json_string(version));
	json_object_set_new(root, "effective_at", json_string(effective_at));
	json_object_set_new(root, "title", json_string(title));
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_eq(json_dump_file(root, path, JSON_INDENT(2)), 0);
	json_decref(root);
}

/* A byte-for-byte copy of the shipped 2026.1. */
static void
copy_shipped(void)
{
	char path[1024], cmd[2300];

	cr_assert_eq(paths_join(path, sizeof(path), "methodology/2026.1.json"), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/2026.1.json'", path, tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static long
count_version(const char *version)
{
	char sql[200];

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM methodology_versions WHERE version = '%s'", version);
	return (testdb_scalar(conn, sql));
}

Test(methodology_store, migrate_has_published_the_shipped_version)
{
	char hex[65], sql[600];
	size_t n;
	char *text = shipped_text(&n);

	cr_assert_eq(sha256_hex(text, n, hex), 0);
	free(text);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM methodology_versions WHERE "
	    "version = '2026.1' AND status = 'published' AND definition_sha256 = '%s' AND "
	    "effective_at = '2026-01-01T00:00:00Z' AND published_at = effective_at AND "
	    "notice_days = 0 AND change_log <> '' AND definition->>'version' = '2026.1'", hex);
	cr_assert_eq(testdb_scalar(conn, sql), 1);
}

Test(methodology_store, seeding_again_changes_nothing)
{
	char dir[1024];

	cr_assert_eq(paths_join(dir, sizeof(dir), "methodology"), 0);
	cr_assert_eq(methodology_store_seed(conn, dir), 0);
	cr_assert_eq(methodology_store_seed(conn, dir), 0);
	cr_assert_eq(count_version("2026.1"), 1);
}

Test(methodology_store, a_changed_published_version_is_refused)
{
	char before[80];
	PGresult *res;

	res = PQexec(conn, "SELECT definition_sha256 FROM methodology_versions "
	    "WHERE version = '2026.1'");
	cr_assert_eq(PQntuples(res), 1);
	snprintf(before, sizeof(before), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	write_version("2026.1.json", "2026.1", "2026-01-01T00:00:00Z", "quietly edited");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	res = PQexec(conn, "SELECT definition_sha256, definition->>'title' "
	    "FROM methodology_versions WHERE version = '2026.1'");
	cr_assert_str_eq(PQgetvalue(res, 0, 0), before);
	cr_assert_str_neq(PQgetvalue(res, 0, 1), "quietly edited");
	PQclear(res);
}

Test(methodology_store, versions_load_by_date_and_by_name)
{
	struct methodology *m;

	copy_shipped();
	write_version("2027.1.json", "2027.1", "2027-01-01T00:00:00Z", "next year");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), 0);
	cr_assert_eq(count_version("2027.1"), 1);

	m = methodology_store_load_in_force(conn, 1780000000);    /* 2026-05-28 */
	cr_assert_not_null(m);
	cr_assert_str_eq(m->version, "2026.1");
	cr_assert_eq(m->nchecks, 43);
	methodology_free(m);
	m = methodology_store_load_in_force(conn, 1798761600);    /* 2027-01-01 exactly */
	cr_assert_not_null(m);
	cr_assert_str_eq(m->version, "2027.1");
	cr_assert_str_eq(m->title, "next year");
	methodology_free(m);
	cr_assert_null(methodology_store_load_in_force(conn, 1767225599), "before 2026.1");

	m = methodology_store_load(conn, "2027.1");
	cr_assert_not_null(m);
	cr_assert_eq(m->effective_at, 1798761600);
	methodology_free(m);
	cr_assert_null(methodology_store_load(conn, "1999.1"));
}

Test(methodology_store, an_invalid_file_loads_nothing)
{
	char path[256];
	FILE *f;

	write_version("2028.1.json", "2028.1", "2028-01-01T00:00:00Z", "fine");
	snprintf(path, sizeof(path), "%s/2029.1.json", tmpdir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("{\"version\": \"2029.1\"}\n", f);
	fclose(f);
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	cr_assert_eq(count_version("2028.1"), 0);
	cr_assert_eq(count_version("2029.1"), 0);
}

Test(methodology_store, a_conflict_rolls_back_the_whole_seed)
{
	/* 2025.9.json sorts first and is new; 2026.1.json then conflicts. */
	write_version("2025.9.json", "2025.9", "2025-09-01T00:00:00Z", "older");
	write_version("2026.1.json", "2026.1", "2026-01-01T00:00:00Z", "edited");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	cr_assert_eq(count_version("2025.9"), 0);
}

Test(methodology_store, a_file_must_be_named_after_its_version)
{
	write_version("next.json", "2030.1", "2030-01-01T00:00:00Z", "misnamed");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	cr_assert_eq(count_version("2030.1"), 0);
}

Test(methodology_store, the_migrate_command_reports_the_methodology)
{
	const char *bin = getenv("FAIRRATE_BIN");
	char cmd[2048], out[4096];
	size_t n;
	FILE *p;

	cr_assert(bin != NULL && bin[0] != '\0', "FAIRRATE_BIN is not set");
	snprintf(cmd, sizeof(cmd), "'%s' migrate 2>&1", bin);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "%s", out);
	cr_assert_not_null(strstr(out, "0 migrations applied\nmethodology 2026.1 present\n"),
	    "%s", out);
}

/* Write text as tmpdir/unweighted/checks.json. */
static void
write_catalogue(const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/unweighted", tmpdir);
	cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/unweighted/checks.json", tmpdir);
	cr_assert_not_null(fp = fopen(path, "w"));
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

#define CATALOGUE_ONE "{\"checks\": [{\"code\": \"tls.example_weak\", \"factor\": \"tls\"," \
	" \"severity\": \"high\", \"title\": \"An example weakness\"," \
	" \"description\": \"What it is and how to fix it.\"}]}"

Test(methodology_store, the_catalogue_of_unweighted_checks_replaces_the_table)
{
	copy_shipped();
	write_catalogue(CATALOGUE_ONE);
	cr_assert_eq(methodology_store_seed(conn, tmpdir), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM unweighted_checks WHERE"
	    " code = 'tls.example_weak' AND factor = 'tls' AND severity = 'high' AND"
	    " title = 'An example weakness'"), 1);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM unweighted_checks"), 1);
	write_catalogue("{\"checks\": []}");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM unweighted_checks"), 0);
}

Test(methodology_store, a_bad_catalogue_changes_nothing)
{
	copy_shipped();
	write_catalogue(CATALOGUE_ONE);
	cr_assert_eq(methodology_store_seed(conn, tmpdir), 0);
	/* A code the newest methodology already weighs. */
	write_catalogue("{\"checks\": [{\"code\": \"tls.self_signed\", \"factor\": \"tls\","
	    " \"severity\": \"high\", \"title\": \"t\", \"description\": \"d\"}]}");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	write_catalogue("{\"checks\": [{\"code\": \"tls.other\", \"factor\": \"tls\","
	    " \"severity\": \"dire\", \"title\": \"t\", \"description\": \"d\"}]}");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	write_version("2027.1.json", "2027.1", "2027-01-01T00:00:00Z", "next year");
	cr_assert_eq(methodology_store_seed(conn, tmpdir), -1);
	/* Neither the new version nor the bad catalogue went in. */
	cr_assert_eq(count_version("2027.1"), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM unweighted_checks WHERE"
	    " code = 'tls.example_weak'"), 1);
}

Test(methodology_store, the_shipped_catalogue_is_loaded_by_migrate)
{
	struct unweighted_checks c = shipped_unweighted();
	char sql[300];
	size_t i;

	/* The test database was made by `fairrate migrate`: every code of the shipped
	 * catalogue is in the table with its factor, and nothing else. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM unweighted_checks"),
	    (long)c.n);
	for (i = 0; i < c.n; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM unweighted_checks WHERE"
		    " code = '%s' AND factor = '%s'", c.items[i].code, c.items[i].factor);
		cr_assert_eq(testdb_scalar(conn, sql), 1, "%s", c.items[i].code);
	}
	unweighted_checks_free(&c);
}
