#ifndef FAIRRATE_TESTDB_H
#define FAIRRATE_TESTDB_H

#include <libpq-fe.h>

/*
 * A private database per integration test. scripts/run-tests.sh migrates a template
 * database once per run and exports FAIRRATE_TEST_TEMPLATE; testdb_create() clones it
 * (CREATE DATABASE ... TEMPLATE), so tests can run in parallel without sharing rows.
 */

/* testdb_create: create a fresh, migrated database, point DATABASE_URL at it (so that
 * commands run by the test use it too), and return a connection to it. Aborts the test
 * with a message on failure. */
PGconn *testdb_create(void);

/* testdb_url: the connection string of the database testdb_create made. */
const char *testdb_url(void);

/* testdb_drop: close conn (may be NULL) and drop the database. */
void testdb_drop(PGconn *conn);

/* testdb_scalar: run sql (no parameters) and return its single value as a long;
 * aborts the test on error. */
long testdb_scalar(PGconn *conn, const char *sql);

/* testdb_exec: run sql (no parameters, may hold several statements); a result other
 * than a command's or rows aborts the test with sql and the server's message. */
void testdb_exec(PGconn *conn, const char *sql);

/* testdb_cli: run `fairrate ARGS` (FAIRRATE_BIN; args: a shell fragment) on the
 * database testdb_create made; its standard output and error into out (size n).
 * Returns its exit status (-1 when it did not exit). */
int testdb_cli(const char *args, char *out, size_t n);

#endif
