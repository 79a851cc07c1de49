#include "common/db_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"
#include "common/log.h"

struct db_pool_stmt {
	char *name;
	char *sql;
	int nparams;
};

struct db_pool_slot {
	PGconn *conn;           /* NULL until first opened */
	size_t nprepared;       /* statements [0, nprepared) are prepared on conn */
	int statement_ms;       /* statement_timeout set by db_pool_acquire_within; 0:
	                           the session's own */
	int lent;
};

struct db_pool {
	char *url;
	char *session_sql;
	int wait_ms;
	size_t size;
	struct db_pool_slot *slots;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	size_t lent, waiting;
	struct db_pool_stmt *stmts;
	size_t nstmts, stmts_cap;
};

struct db_pool *
db_pool_new(const char *url, size_t size, int wait_ms, const char *session_sql)
{
	struct db_pool *p;
	pthread_condattr_t ca;

	if (url == NULL || size == 0 || wait_ms < 0)
		return (NULL);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	p->size = size;
	p->wait_ms = wait_ms;
	if ((p->url = strdup(url)) == NULL ||
	    (session_sql != NULL && (p->session_sql = strdup(session_sql)) == NULL) ||
	    (p->slots = calloc(size, sizeof(*p->slots))) == NULL)
		goto fail;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	return (p);
fail:
	free(p->url);
	free(p->session_sql);
	free(p->slots);
	free(p);
	return (NULL);
}

int
db_pool_register(struct db_pool *p, const char *name, const char *sql, int nparams)
{
	struct db_pool_stmt *s;
	size_t i;
	int rc = -1;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nstmts; i++)
		if (strcmp(p->stmts[i].name, name) == 0) {
			rc = 0;
			goto out;
		}
	if (p->nstmts == p->stmts_cap) {
		size_t ncap = p->stmts_cap ? p->stmts_cap * 2 : 16;

		if ((s = realloc(p->stmts, ncap * sizeof(*s))) == NULL)
			goto out;
		p->stmts = s;
		p->stmts_cap = ncap;
	}
	s = &p->stmts[p->nstmts];
	s->name = strdup(name);
	s->sql = strdup(sql);
	s->nparams = nparams;
	if (s->name == NULL || s->sql == NULL) {
		free(s->name);
		free(s->sql);
		goto out;
	}
	p->nstmts++;
	rc = 0;
out:
	pthread_mutex_unlock(&p->lock);
	return (rc);
}

/* Prepare the statements conn lacks. Called without the lock; the statement array
 * only grows and entries never change, but it may be reallocated, so each entry is
 * read under the lock. */
static int
db_pool_prepare_missing(struct db_pool *p, struct db_pool_slot *s)
{
	for (;;) {
		char *name, *sql;
		int nparams;
		PGresult *res;
		int ok;

		pthread_mutex_lock(&p->lock);
		if (s->nprepared >= p->nstmts) {
			pthread_mutex_unlock(&p->lock);
			return (0);
		}
		name = strdup(p->stmts[s->nprepared].name);
		sql = strdup(p->stmts[s->nprepared].sql);
		nparams = p->stmts[s->nprepared].nparams;
		pthread_mutex_unlock(&p->lock);
		if (name == NULL || sql == NULL) {
			free(name);
			free(sql);
			return (-1);
		}
		(void)nparams;
		res = PQprepare(s->conn, name, sql, 0, NULL);
		ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			log_error("database: cannot prepare %s: %s", name,
			    res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn));
		PQclear(res);
		free(name);
		free(sql);
		if (!ok)
			return (-1);
		s->nprepared++;
	}
}

/* Make s's connection usable: open it, or reset it when broken; then set the session
 * up and prepare what is missing. 0, or -1 (logged). */
static int
db_pool_ready(struct db_pool *p, struct db_pool_slot *s)
{
	int fresh = 0;

	if (s->conn == NULL) {
		if ((s->conn = db_connect(p->url)) == NULL)
			return (-1);
		fresh = 1;
	} else if (PQstatus(s->conn) != CONNECTION_OK) {
		PQreset(s->conn);
		if (PQstatus(s->conn) != CONNECTION_OK) {
			log_error("database: cannot reconnect: %s", PQerrorMessage(s->conn));
			return (-1);
		}
		if (PQsetClientEncoding(s->conn, "UTF8") != 0 ||
		    db_exec(s->conn, "SET TIME ZONE 'UTC'", 0, NULL) != 0)
			return (-1);
		fresh = 1;
	}
	if (fresh) {
		s->nprepared = 0;
		s->statement_ms = 0;
		if (p->session_sql != NULL && db_exec(s->conn, p->session_sql, 0, NULL) != 0)
			return (-1);
	}
	return (db_pool_prepare_missing(p, s));
}

static void
db_pool_deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* A free slot, preferring one with an open connection; NULL if all are lent. */
static struct db_pool_slot *
db_pool_free_slot(struct db_pool *p)
{
	struct db_pool_slot *empty = NULL;
	size_t i;

	for (i = 0; i < p->size; i++) {
		if (p->slots[i].lent)
			continue;
		if (p->slots[i].conn != NULL)
			return (&p->slots[i]);
		if (empty == NULL)
			empty = &p->slots[i];
	}
	return (empty);
}

/* Give statement_timeout on s's connection a ceiling of ms (0: the session's own),
 * rounded down to whole seconds, so that most acquires need no round trip. 0, or -1
 * (logged). */
static int
db_pool_statement_timeout(struct db_pool *p, struct db_pool_slot *s, int ms)
{
	char v[16];
	const char *params[1] = {v};

	if (ms <= 0 && s->statement_ms > 0) {
		/* Back to the session's own setting for a caller without a deadline. */
		if (p->session_sql != NULL && db_exec(s->conn, p->session_sql, 0, NULL) != 0)
			return (-1);
		s->statement_ms = 0;
		return (0);
	}
	/* Whole seconds, so that requests a few milliseconds apart share a setting. */
	if (ms >= 1000)
		ms -= ms % 1000;
	if (ms <= 0 || s->statement_ms == ms)
		return (0);
	snprintf(v, sizeof(v), "%d", ms);
	if (db_exec(s->conn, "SELECT set_config('statement_timeout', $1, false)", 1,
	    params) != 0)
		return (-1);
	s->statement_ms = ms;
	return (0);
}

PGconn *
db_pool_acquire(struct db_pool *p, enum db_pool_error *err)
{
	return (db_pool_acquire_within(p, p->wait_ms, 0, err));
}

PGconn *
db_pool_acquire_within(struct db_pool *p, int wait_ms, int statement_ms,
    enum db_pool_error *err)
{
	struct db_pool_slot *s;
	struct timespec deadline;
	int timed_out = 0;

	db_pool_deadline(&deadline, wait_ms < p->wait_ms ? (wait_ms > 0 ? wait_ms : 0) :
	    p->wait_ms);
	pthread_mutex_lock(&p->lock);
	while ((s = db_pool_free_slot(p)) == NULL && !timed_out) {
		p->waiting++;
		if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) == ETIMEDOUT)
			timed_out = 1;
		p->waiting--;
	}
	if (s == NULL) {
		pthread_mutex_unlock(&p->lock);
		if (err != NULL)
			*err = DB_POOL_EXHAUSTED;
		return (NULL);
	}
	s->lent = 1;
	p->lent++;
	pthread_mutex_unlock(&p->lock);

	if (db_pool_ready(p, s) != 0 || db_pool_statement_timeout(p, s, statement_ms) != 0) {
		pthread_mutex_lock(&p->lock);
		s->lent = 0;
		p->lent--;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		if (err != NULL)
			*err = DB_POOL_UNAVAILABLE;
		return (NULL);
	}
	if (err != NULL)
		*err = DB_POOL_OK;
	return (s->conn);
}

static struct db_pool_slot *
db_pool_slot_of(struct db_pool *p, PGconn *conn)
{
	size_t i;

	for (i = 0; i < p->size; i++)
		if (p->slots[i].conn == conn)
			return (&p->slots[i]);
	return (NULL);
}

void
db_pool_release(struct db_pool *p, PGconn *conn)
{
	struct db_pool_slot *s;

	if (conn == NULL)
		return;
	if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
		db_rollback(conn);
	pthread_mutex_lock(&p->lock);
	if ((s = db_pool_slot_of(p, conn)) != NULL && s->lent) {
		s->lent = 0;
		p->lent--;
		pthread_cond_signal(&p->freed);
	}
	pthread_mutex_unlock(&p->lock);
}

PGresult *
db_pool_exec(struct db_pool *p, PGconn *conn, const char *name, int nparams,
    const char *const *params, const char **sqlstate)
{
	static _Thread_local char state[6];
	struct db_pool_slot *s;
	PGresult *res;
	ExecStatusType st;
	int idle, attempt;
	const char *msg;

	pthread_mutex_lock(&p->lock);
	s = db_pool_slot_of(p, conn);
	pthread_mutex_unlock(&p->lock);
	for (attempt = 0; attempt < 2; attempt++) {
		idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
		res = PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0);
		st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
			return (res);
		if (PQstatus(conn) == CONNECTION_OK || !idle || attempt > 0 || s == NULL)
			break;
		/* The server went away under an idle connection: reconnect, retry once. */
		PQclear(res);
		res = NULL;
		if (db_pool_ready(p, s) != 0)
			break;
	}
	snprintf(state, sizeof(state), "%s", res ? db_sqlstate(res) : "");
	if (PQstatus(conn) != CONNECTION_OK)
		db_last_sqlstate_set("08006");
	msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	log_error("database: %s: %.*s", name, (int)strcspn(msg, "\n"), msg);
	PQclear(res);
	if (sqlstate != NULL)
		*sqlstate = state;
	return (NULL);
}

void
db_pool_stats(struct db_pool *p, size_t *open, size_t *in_use, size_t *waiting)
{
	size_t i, n = 0;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->size; i++)
		if (p->slots[i].conn != NULL)
			n++;
	if (open != NULL)
		*open = n;
	if (in_use != NULL)
		*in_use = p->lent;
	if (waiting != NULL)
		*waiting = p->waiting;
	pthread_mutex_unlock(&p->lock);
}

size_t
db_pool_size(const struct db_pool *p)
{
	return (p->size);
}

const char *
db_pool_error_code(enum db_pool_error err)
{
	switch (err) {
	case DB_POOL_EXHAUSTED:
		return ("pool_exhausted");
	case DB_POOL_UNAVAILABLE:
		return ("database_unavailable");
	default:
		return ("");
	}
}

void
db_pool_free(struct db_pool *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		if (p->slots[i].conn != NULL)
			PQfinish(p->slots[i].conn);
	for (i = 0; i < p->nstmts; i++) {
		free(p->stmts[i].name);
		free(p->stmts[i].sql);
	}
	free(p->stmts);
	free(p->slots);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->session_sql);
	free(p->url);
	free(p);
}
