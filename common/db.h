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

/* db_sqlstate: the SQLSTATE of a failed result ("" when none). A non-empty one is also
 * remembered as the calling thread's last database error (db_last_sqlstate). */
const char *db_sqlstate(const PGresult *res);

/* db_last_sqlstate: the SQLSTATE of the calling thread's last failed statement through
 * db_exec, db_query, db_sqlstate or db_pool_exec since db_last_sqlstate_clear ("08006"
 * when the connection was lost, "" when none failed). Thread-local, static. */
const char *db_last_sqlstate(void);

/* db_last_sqlstate_set: remember state (a 5-character SQLSTATE) as the calling
 * thread's last database error. */
void db_last_sqlstate_set(const char *state);

/* db_last_sqlstate_clear: forget the calling thread's last database error. */
void db_last_sqlstate_clear(void);

/* db_sqlstate_transient: 1 when state says the database could not answer in time or
 * at all (a statement or lock timeout, the connection lost, the server shutting down
 * or out of connections), so that the same request may succeed later: the API
 * answers 503, not 500. 0 for any other state, "" included. */
int db_sqlstate_transient(const char *state);

struct buf;

/* db_array_append_text: append s to b as one double-quoted element of a PostgreSQL
 * array literal, with its '"' and '\\' escaped; the caller writes the braces and
 * commas. 0, or -1 when b's cap is reached (b then ends in a partial element). */
int db_array_append_text(struct buf *b, const char *s);

/* db_array_add_text: append s to b, which holds nothing but an array literal opened
 * with "{", as its next element: db_array_append_text after a comma, unless it is the
 * first. The caller closes the literal with "}". 0, or -1 as db_array_append_text. */
int db_array_add_text(struct buf *b, const char *s);

#endif
