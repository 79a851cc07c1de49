/* Migrations: applied once, in order, checked by checksum. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/migrate.h"
#include "common/paths.h"
#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(migrate, .init = setup, .fini = teardown);

Test(migrate, a_migrated_database_has_nothing_pending)
{
	char dir[1024];
	FILE *out = tmpfile();

	cr_assert_eq(paths_join(dir, sizeof(dir), "migrations"), 0);
	cr_assert_eq(migrate_apply(conn, dir, NULL), 0, "a second run applies nothing");
	cr_assert_eq(migrate_status(conn, dir, out), 0, "nothing pending");
	fclose(out);
}

Test(migrate, an_empty_database_gets_every_migration_once)
{
	char dir[1024];
	long before;

	cr_assert_eq(paths_join(dir, sizeof(dir), "migrations"), 0);
	PQclear(PQexec(conn, "DROP SCHEMA public CASCADE; DROP SCHEMA commercial CASCADE;"
	    "CREATE SCHEMA public"));
	cr_assert_gt(migrate_apply(conn, dir, NULL), 0);
	before = testdb_scalar(conn, "SELECT count(*) FROM schema_migrations");
	cr_assert_eq(migrate_apply(conn, dir, NULL), 0);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM schema_migrations"), before);
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM companies"), 0);
}

static void
copy_dir(const char *from, const char *to)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cp -r '%s'/. '%s'/", from, to);
	cr_assert_eq(system(cmd), 0);
}

Test(migrate, a_changed_applied_migration_is_refused_by_name)
{
	char dir[1024], tmp[] = "/tmp/fairrate-migrations-XXXXXX", path[2048];
	FILE *f;

	cr_assert_eq(paths_join(dir, sizeof(dir), "migrations"), 0);
	cr_assert_not_null(mkdtemp(tmp));
	copy_dir(dir, tmp);
	snprintf(path, sizeof(path), "%s/0001_core_schema.sql", tmp);
	f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs("\n-- an edit after the fact\n", f);
	fclose(f);
	cr_assert_eq(migrate_apply(conn, tmp, NULL), -1);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	cr_assert_eq(system(path), 0);
}

Test(migrate, a_failing_migration_leaves_nothing_behind)
{
	char dir[1024], tmp[] = "/tmp/fairrate-migrations-XXXXXX", path[2048];
	FILE *f;

	cr_assert_eq(paths_join(dir, sizeof(dir), "migrations"), 0);
	cr_assert_not_null(mkdtemp(tmp));
	copy_dir(dir, tmp);
	snprintf(path, sizeof(path), "%s/9999_broken.sql", tmp);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("CREATE TABLE half_done (id int);\nSELECT no_such_function();\n", f);
	fclose(f);
	cr_assert_eq(migrate_apply(conn, tmp, NULL), -1);
	cr_assert_eq(testdb_scalar(conn,
	    "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
	cr_assert_eq(testdb_scalar(conn,
	    "SELECT count(*) FROM schema_migrations WHERE name = '9999_broken.sql'"), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	cr_assert_eq(system(path), 0);
}
