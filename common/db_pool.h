#ifndef FAIRRATE_DB_POOL_H
#define FAIRRATE_DB_POOL_H

#include <stddef.h>

#include <libpq-fe.h>

/*
 * A bounded pool of PostgreSQL connections shared by the server's threads. Connections
 * are opened on demand up to the pool's size. Each carries every statement registered
 * with db_pool_register, prepared under its name; a connection found broken is reset
 * (PQreset) and its statements are prepared again, so the pool recovers by itself
 * after a database restart. One PGconn is only ever used by the thread that acquired it.
 */

struct db_pool;

enum db_pool_error {
	DB_POOL_OK = 0,
	DB_POOL_EXHAUSTED,      /* no connection became free within the wait */
	DB_POOL_UNAVAILABLE     /* the database cannot be reached */
};

/* db_pool_new: a pool of at most size connections to url (copied), whose acquire
 * waits at most wait_ms for a free connection. session_sql, if not NULL, runs on every
 * new or reset connection (for example "SET statement_timeout = 30000"). Opens
 * nothing yet. Returns NULL on bad arguments or allocation failure. */
struct db_pool *db_pool_new(const char *url, size_t size, int wait_ms, const char *session_sql);

/* db_pool_register: add a statement that every connection prepares under name (both
 * copied). Registering a name again replaces nothing and returns 0. May be called at
 * any time; connections prepare new statements on their next acquire. 0, or -1 on
 * allocation failure. */
int db_pool_register(struct db_pool *p, const char *name, const char *sql, int nparams);

/* db_pool_acquire: a connection for the calling thread's exclusive use, with every
 * registered statement prepared. NULL with *err set (when err is not NULL) to
 * DB_POOL_EXHAUSTED or DB_POOL_UNAVAILABLE; the latter is logged. Give it back with
 * db_pool_release. */
PGconn *db_pool_acquire(struct db_pool *p, enum db_pool_error *err);

/* db_pool_acquire_within: db_pool_acquire, but waiting at most wait_ms (when shorter
 * than the pool's wait), and, when statement_ms > 0, with the connection's
 * statement_timeout at most statement_ms (and not more than a second below it), so
 * that no statement outlives the caller's deadline. A failure to set it is
 * DB_POOL_UNAVAILABLE. */
PGconn *db_pool_acquire_within(struct db_pool *p, int wait_ms, int statement_ms,
    enum db_pool_error *err);

/* db_pool_release: give conn back. A connection left inside a transaction is rolled
 * back; one found broken is reset on its next acquire. NULL is a no-op. */
void db_pool_release(struct db_pool *p, PGconn *conn);

/* db_pool_exec: run the prepared statement name on conn (from db_pool_acquire) with
 * text parameters. When the connection turns out to be broken and no transaction was
 * open, it is reset, its statements prepared again, and the statement retried once.
 * Returns the result, whose status is PGRES_TUPLES_OK or PGRES_COMMAND_OK (the caller
 * PQclears it), or NULL after logging the error; *sqlstate (if not NULL) then points to
 * a thread-local copy of the SQLSTATE, "" when the connection failed. */
PGresult *db_pool_exec(struct db_pool *p, PGconn *conn, const char *name, int nparams,
    const char *const *params, const char **sqlstate);

/* db_pool_stats: connections open, lent out, and threads waiting for one. */
void db_pool_stats(struct db_pool *p, size_t *open, size_t *in_use, size_t *waiting);

/* db_pool_size: the most connections the pool opens. */
size_t db_pool_size(const struct db_pool *p);

/* db_pool_error_code: "pool_exhausted" or "database_unavailable" ("" for OK), the API
 * error code for err. */
const char *db_pool_error_code(enum db_pool_error err);

/* db_pool_free: close every connection and free the pool. Every connection must have
 * been released. NULL is a no-op. */
void db_pool_free(struct db_pool *p);

#endif
