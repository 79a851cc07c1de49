#ifndef FAIRRATE_DB_H
#define FAIRRATE_DB_H

#include <libpq-fe.h>

/*
 * Connections to PostgreSQL. Every module's store file uses these; SQL always goes
 * through PQexecParams or prepared statements, never strings built from input.
 */

/* db_url: the connection string: $DATABASE_URL, else the private cluster under ./var/pg
 * (see scripts/db.sh). The result is static; never NULL. */
const char *db_url(void);

/* db_connect: connect to url (NULL: db_url()), with client encoding UTF8 and time zone
 * UTC. Returns NULL after logging the server's message. Free with PQfinish. */
PGconn *db_connect(const char *url);

/* db_exec: run a statement that returns no rows, with text parameters (NULL for SQL
 * NULL). Returns 0, or -1 after logging the statement's error. */
int db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params);

/* db_query: run a statement that returns rows. Returns the result (the caller
 * PQclears it), or NULL after logging the error. */
PGresult *db_query(PGconn *conn, const char *sql, int nparams, const char *const *params);

/* db_begin, db_commit, db_rollback: transaction control; 0 or -1. db_rollback never
 * logs (it runs on paths that already failed). */
int db_begin(PGconn *conn);
int db_commit(PGconn *conn);
void db_rollback(PGconn *conn);

/* db_sqlstate: the SQLSTATE of a failed result ("" when none). */
const char *db_sqlstate(const PGresult *res);

struct buf;

/* db_array_append_text: append s to b as one double-quoted element of a PostgreSQL
 * array literal, with its '"' and '\\' escaped; the caller writes the braces and
 * commas. 0, or -1 when b's cap is reached (b then ends in a partial element). */
int db_array_append_text(struct buf *b, const char *s);

#endif
