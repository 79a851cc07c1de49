#include "rater/rescore_writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "rater/rating_store.h"

/* Buffers in flight between the rater and the writer: enough that neither waits for
 * the other while the server takes one in, few enough to be a fixed cost (each holds
 * about one send of rescore.c, 256 KB). */
#define RESCORE_WRITER_SLOTS 4

struct rescore_writer_slot {
	struct buf data;
	size_t rows;
};

struct rescore_writer {
	PGconn *conn;
	size_t batch, rows_in_tx;
	int copying;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	/* Queued slots, oldest first, at queue[head .. head + nqueued) modulo SLOTS;
	 * empty buffers in spare[0 .. nspare). */
	struct rescore_writer_slot queue[RESCORE_WRITER_SLOTS];
	size_t head, nqueued;
	struct buf spare[RESCORE_WRITER_SLOTS];
	size_t nspare;
	int closing;   /* commit what is queued, then stop */
	int aborting;  /* stop now */
	int failed;    /* the writer stopped on an error */
};

/* Send one slot's rows, opening a transaction and COPY first when none is open, and
 * committing once batch rows are in. 0 or -1 (logged). */
static int
rescore_writer_send(struct rescore_writer *w, const struct rescore_writer_slot *s)
{
	if (s->data.len > 0) {
		if (!w->copying) {
			if (db_begin(w->conn) != 0 || rating_store_ratings_start(w->conn) != 0)
				return (-1);
			w->copying = 1;
		}
		if (rating_store_ratings_put(w->conn, s->data.data, s->data.len) != 0)
			return (-1);
		w->rows_in_tx += s->rows;
	}
	return (0);
}

static int
rescore_writer_commit(struct rescore_writer *w)
{
	if (!w->copying)
		return (0);
	w->copying = 0;
	w->rows_in_tx = 0;
	return (rating_store_ratings_end(w->conn) != 0 || db_commit(w->conn) != 0 ? -1 : 0);
}

static void *
rescore_writer_main(void *arg)
{
	struct rescore_writer *w = arg;
	struct rescore_writer_slot s;
	int rc = 0;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->nqueued == 0 && !w->closing && !w->aborting)
			pthread_cond_wait(&w->changed, &w->mu);
		if (w->aborting || w->nqueued == 0) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		s = w->queue[w->head];
		w->head = (w->head + 1) % RESCORE_WRITER_SLOTS;
		w->nqueued--;
		pthread_mutex_unlock(&w->mu);

		rc = rescore_writer_send(w, &s);
		if (rc == 0 && w->rows_in_tx >= w->batch)
			rc = rescore_writer_commit(w);
		buf_reset(&s.data);
		pthread_mutex_lock(&w->mu);
		w->spare[w->nspare++] = s.data;
		if (rc != 0)
			w->failed = 1;
		pthread_cond_broadcast(&w->changed);
		pthread_mutex_unlock(&w->mu);
		if (rc != 0)
			return (NULL);
	}
	pthread_mutex_lock(&w->mu);
	if (!w->aborting && rescore_writer_commit(w) != 0)
		w->failed = 1;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	return (NULL);
}

struct rescore_writer *
rescore_writer_start(PGconn *conn, size_t batch, size_t limit)
{
	struct rescore_writer *w = calloc(1, sizeof(*w));
	size_t i;

	if (w == NULL) {
		log_error("rescore: out of memory");
		return (NULL);
	}
	w->conn = conn;
	w->batch = batch;
	for (i = 0; i < RESCORE_WRITER_SLOTS; i++)
		buf_init(&w->spare[i], limit);
	w->nspare = RESCORE_WRITER_SLOTS;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->changed, NULL);
	if (pthread_create(&w->thread, NULL, rescore_writer_main, w) != 0) {
		log_error("rescore: cannot start the writer thread");
		pthread_cond_destroy(&w->changed);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return (NULL);
	}
	return (w);
}

int
rescore_writer_put(struct rescore_writer *w, struct buf *b, size_t rows)
{
	struct rescore_writer_slot *s;

	pthread_mutex_lock(&w->mu);
	while (w->nspare == 0 && !w->failed)
		pthread_cond_wait(&w->changed, &w->mu);
	if (w->failed) {
		pthread_mutex_unlock(&w->mu);
		return (-1);
	}
	s = &w->queue[(w->head + w->nqueued) % RESCORE_WRITER_SLOTS];
	s->data = *b;
	s->rows = rows;
	w->nqueued++;
	*b = w->spare[--w->nspare];
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	return (0);
}

int
rescore_writer_finish(struct rescore_writer *w, int commit)
{
	size_t i;
	int rc;

	pthread_mutex_lock(&w->mu);
	if (commit)
		w->closing = 1;
	else
		w->aborting = 1;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	rc = commit && !w->failed ? 0 : -1;
	for (i = 0; i < w->nqueued; i++)
		buf_free(&w->queue[(w->head + i) % RESCORE_WRITER_SLOTS].data);
	for (i = 0; i < w->nspare; i++)
		buf_free(&w->spare[i]);
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return (rc);
}
