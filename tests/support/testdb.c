#include "tests/support/testdb.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/db.h"

static char testdb_name[64];
static char testdb_conninfo[2048];

/* Rebuild the connection string of url with another database name. */
static void
testdb_conninfo_for(const char *url, const char *dbname, char *out, size_t n)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	struct buf b;

	opts = PQconninfoParse(url, &err);
	cr_assert_not_null(opts, "cannot parse DATABASE_URL: %s", err ? err : "?");
	buf_init(&b, n - 1);
	for (o = opts; o->keyword != NULL; o++) {
		const char *v = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
		const char *p;

		if (v == NULL || v[0] == '\0')
			continue;
		buf_appendf(&b, "%s='", o->keyword);
		for (p = v; *p; p++) {
			if (*p == '\'' || *p == '\\')
				buf_append(&b, "\\", 1);
			buf_append(&b, p, 1);
		}
		buf_append(&b, "' ", 2);
	}
	snprintf(out, n, "%s", b.data ? b.data : "");
	buf_free(&b);
	PQconninfoFree(opts);
}

static PGconn *
testdb_admin(void)
{
	char admin[2048];
	PGconn *conn;

	testdb_conninfo_for(db_url(), "postgres", admin, sizeof(admin));
	conn = db_connect(admin);
	cr_assert_not_null(conn, "cannot reach the test server");
	return (conn);
}

PGconn *
testdb_create(void)
{
	static unsigned counter;
	const char *template = getenv("FAIRRATE_TEST_TEMPLATE");
	char sql[256];
	PGconn *admin, *conn;
	struct timeval tv;
	int tries;

	cr_assert(template != NULL && template[0] != '\0',
	    "FAIRRATE_TEST_TEMPLATE is not set: run integration tests through make test");
	/* The pid alone can repeat across runs (a database left by a crashed run keeps
	 * its name), so the clock's microseconds join it. */
	gettimeofday(&tv, NULL);
	snprintf(testdb_name, sizeof(testdb_name), "fairrate_t_%ld_%u_%ld%06ld",
	    (long)getpid(), counter++, (long)tv.tv_sec % 100000, (long)tv.tv_usec);
	admin = testdb_admin();
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE %s", testdb_name, template);
	/* A template in use by another CREATE DATABASE makes this fail; try again. */
	for (tries = 0; tries < 50; tries++) {
		PGresult *res = PQexec(admin, sql);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

		PQclear(res);
		if (ok)
			break;
		usleep(100000);
	}
	cr_assert(tries < 50, "cannot create test database %s: %s", testdb_name,
	    PQerrorMessage(admin));
	PQfinish(admin);
	testdb_conninfo_for(db_url(), testdb_name, testdb_conninfo, sizeof(testdb_conninfo));
	setenv("DATABASE_URL", testdb_conninfo, 1);
	conn = db_connect(testdb_conninfo);
	cr_assert_not_null(conn, "cannot connect to %s", testdb_name);
	return (conn);
}

const char *
testdb_url(void)
{
	return (testdb_conninfo);
}

void
testdb_drop(PGconn *conn)
{
	char sql[256];
	PGconn *admin;

	if (conn != NULL)
		PQfinish(conn);
	if (testdb_name[0] == '\0')
		return;
	admin = testdb_admin();
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", testdb_name);
	PQclear(PQexec(admin, sql));
	PQfinish(admin);
	testdb_name[0] = '\0';
}

long
testdb_scalar(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	long v;

	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1,
	    "%s: %s", sql, PQresultErrorMessage(res));
	v = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (v);
}

void
testdb_exec(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);

	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	PQclear(res);
}

int
testdb_cli(const char *args, char *out, size_t n)
{
	char cmd[2048];
	FILE *p;
	size_t got;
	int status;

	cr_assert_not_null(getenv("FAIRRATE_BIN"));
	cr_assert((size_t)snprintf(cmd, sizeof(cmd), "DATABASE_URL='%s' %s %s 2>&1",
	    testdb_url(), getenv("FAIRRATE_BIN"), args) < sizeof(cmd));
	cr_assert_not_null(p = popen(cmd, "r"));
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	status = pclose(p);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
