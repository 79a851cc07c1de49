#include "common/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"

static _Thread_local char db_last_state[6];

const char *
db_url(void)
{
	static char fallback[1024];
	const char *env = getenv("DATABASE_URL");
	char cwd[512];

	if (env != NULL && env[0] != '\0')
		return (env);
	if (fallback[0] == '\0') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			snprintf(cwd, sizeof(cwd), ".");
		snprintf(fallback, sizeof(fallback),
		    "postgresql:///fairrate?host=%s/var/pg/run&user=%s", cwd,
		    geteuid() == 0 ? "postgres" : (getenv("USER") ? getenv("USER") : "postgres"));
	}
	return (fallback);
}

PGconn *
db_connect(const char *url)
{
	PGconn *conn;

	if (url == NULL)
		url = db_url();
	conn = PQconnectdb(url);
	if (conn == NULL) {
		log_error("database: out of memory");
		return (NULL);
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		log_error("database: cannot connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return (NULL);
	}
	if (PQsetClientEncoding(conn, "UTF8") != 0 ||
	    db_exec(conn, "SET TIME ZONE 'UTC'", 0, NULL) != 0 ||
	    db_exec(conn, "SET client_min_messages = warning", 0, NULL) != 0) {
		PQfinish(conn);
		return (NULL);
	}
	return (conn);
}

static void
db_log_failure(PGconn *conn, const char *sql, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	size_t n = strlen(msg);

	if (PQstatus(conn) != CONNECTION_OK)
		db_last_sqlstate_set("08006");
	else
		(void)db_sqlstate(res);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	log_error("database: %.*s (in: %.80s)", (int)n, msg, sql);
}

int
db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult *res;
	ExecStatusType st;

	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_log_failure(conn, sql, res);
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	return (0);
}

PGresult *
db_query(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult *res;

	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_log_failure(conn, sql, res);
		PQclear(res);
		return (NULL);
	}
	return (res);
}

int
db_begin(PGconn *conn)
{
	return (db_exec(conn, "BEGIN", 0, NULL));
}

int
db_commit(PGconn *conn)
{
	return (db_exec(conn, "COMMIT", 0, NULL));
}

void
db_rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}

const char *
db_sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (s != NULL && s[0] != '\0')
		db_last_sqlstate_set(s);
	return (s ? s : "");
}

const char *
db_last_sqlstate(void)
{
	return (db_last_state);
}

void
db_last_sqlstate_set(const char *state)
{
	snprintf(db_last_state, sizeof(db_last_state), "%s", state);
}

void
db_last_sqlstate_clear(void)
{
	db_last_state[0] = '\0';
}

int
db_sqlstate_transient(const char *state)
{
	/* 57014 query_canceled (statement_timeout), 55P03 lock_not_available
	 * (lock_timeout), class 08 connection exceptions, 57P01..57P03 the server
	 * shutting down or starting, 53300 too_many_connections. */
	return (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0 ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0 ||
	    strcmp(state, "53300") == 0);
}

int
db_array_append_text(struct buf *b, const char *s)
{
	int rc = buf_append(b, "\"", 1);

	for (; rc == 0 && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			rc = buf_append(b, "\\", 1);
		if (rc == 0)
			rc = buf_append(b, s, 1);
	}
	return (rc == 0 ? buf_append(b, "\"", 1) : -1);
}

int
db_array_add_text(struct buf *b, const char *s)
{
	if (b->len > 1 && buf_append(b, ",", 1) != 0)
		return (-1);
	return (db_array_append_text(b, s));
}
