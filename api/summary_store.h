#ifndef FAIRRATE_API_SUMMARY_STORE_H
#define FAIRRATE_API_SUMMARY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "common/buf.h"

/*
 * Stored investor summaries (table company_summaries, migration 0035): the bytes of
 * GET /v1/companies/{slug}, rendered once and served by one prepared statement.
 * What a body was rendered from is its stamp, read in the same snapshot as the
 * rendering's data. Every change a body shows deletes the stored bodies it affects,
 * in its own transaction (a new rating included, migration 0039); so a body is stored
 * only while the company's summary_epoch, its latest rating and the methodology
 * generation are still its stamp's, and while no change of the company is being
 * written (its row is locked, skipping a company a writer holds). So a body can be
 * stored at any time after its rendering (on a lookup's miss, or by `fairrate
 * summaries` after a rescoring) and is still never served out of date, and a lookup
 * reads it with no check but its expiry.
 */

struct db_pool;

struct summary_stamp {
	int64_t company_id;
	int64_t rating_id;             /* its latest rating; 0 when it has none */
	int64_t company_epoch;         /* companies.summary_epoch */
	int64_t methodology_epoch;     /* summary_generation.n */
	int64_t expires_at;            /* Unix seconds the upcoming methodology takes
	                                  effect; 0 when none is upcoming */
};

/* SUMMARY_STORE_CURRENT(S, NOW): the SQL condition that stored row S (an alias of
 * company_summaries) still names the upcoming methodology at Unix seconds NOW (a
 * parameter such as "$2"): a stored row is otherwise current while it exists. */
#define SUMMARY_STORE_CURRENT(S, NOW) \
	" (" S ".expires_at IS NULL OR " S ".expires_at > to_timestamp(" NOW "))"

/* summary_store_register: register this store's statements with pool (and those of
 * api/company_store.h, which renders). 0 or -1. */
int summary_store_register(struct db_pool *pool);

/* summary_store_lookup: the public company slug at now. 1 with its current stored
 * body appended to body (and *expires_at, 0 for none) and *id set; 2 with only *id
 * set when it has no current stored body; 0 when no public company has that slug;
 * -1 on a database error (logged by the pool). */
int summary_store_lookup(struct db_pool *pool, PGconn *conn, const char *slug,
    int64_t now, int64_t *id, struct buf *body, int64_t *expires_at);

/* A stored body found by summary_store_lookup_many. */
struct summary_stored {
	int found;                     /* 1: the slug's current body is at body */
	int64_t id;                    /* its company */
	int64_t expires_at;            /* as summary_store_lookup's */
	const char *body;              /* len bytes (NUL-terminated) in the read's result */
	size_t len;
};

/* The most slugs summary_store_lookup_many reads at once. */
#define SUMMARY_STORE_MANY_MAX 64

/* summary_store_lookup_many: the current stored bodies of the public companies
 * slugs[0..n) (n at most SUMMARY_STORE_MANY_MAX) at now, by one statement: out[i]
 * gets slugs[i]'s, or found 0 when it has none current (or none: summary_store_lookup
 * tells those apart). The bodies are not copied: they lie in *res, the statement's
 * result, which the caller frees with PQclear once it has sent them. 0, or -1 on a
 * database error (logged by the pool; out then holds nothing found, *res is NULL). */
int summary_store_lookup_many(struct db_pool *pool, PGconn *conn, const char *const *slugs,
    size_t n, int64_t now, struct summary_stored *out, PGresult **res);

/* summary_store_put: store body (the response as sent, NUL-terminated) rendered as
 * stamp says, replacing the company's stored one, in a transaction of its own on conn
 * (which must be in none), unless the company, its latest rating or the methodology
 * generation has changed since, or a change of the company is being written (then
 * nothing is stored). 0, or -1 (logged). */
int summary_store_put(PGconn *conn, const struct summary_stamp *stamp, const char *body);

/* summary_store_encode: summary as the API sends it (compact, a final newline), a
 * NUL-terminated malloc'ed string of *len bytes (the NUL not counted); NULL when
 * memory is short. */
char *summary_store_encode(const json_t *summary, size_t *len);

/* The most threads summary_store_render_stale runs. */
#define SUMMARY_STORE_THREADS_MAX 16

/* summary_store_render_stale: render and store every public company's summary that
 * is missing or out of date at now. The companies' ids are split into threads
 * ranges, each rendered by its own thread on its own connection from pool (whose
 * size must be at least threads), batch companies a statement. conn (not one of
 * those) reads the ranges. progress (may be NULL) is called after each batch, under
 * a lock, with the count so far. The count rendered, or -1 (logged); what was stored
 * before a failure stays (each body is checked when read). */
long summary_store_render_stale(struct db_pool *pool, PGconn *conn, int64_t now,
    unsigned batch, unsigned threads, void (*progress)(void *arg, long done), void *arg);

/* summary_store_encode: summary as the API sends it (compact, a final newline), a
 * NUL-terminated malloc'ed string of *len bytes (the NUL not counted); NULL when
 * memory is short. */
char *summary_store_encode(const json_t *summary, size_t *len);

/* summary_store_counts: this process's lookups of a company that found a current
 * stored body (*hits), of those the ones read with others by
 * summary_store_lookup_many (*batched), and the lookups that found none and rendered
 * it (*misses). */
void summary_store_counts(uint64_t *hits, uint64_t *misses, uint64_t *batched);

#endif
