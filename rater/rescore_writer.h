#ifndef FAIRRATE_RESCORE_WRITER_H
#define FAIRRATE_RESCORE_WRITER_H

#include <stddef.h>

#include <libpq-fe.h>

#include "common/buf.h"

/*
 * The writer of a full rescoring run: a thread of its own that streams ratings COPY
 * rows (rating_store_ratings_format) into `COPY ratings FROM STDIN` on its own
 * connection and commits every batch rows. The rater hands it full buffers through a
 * queue of a few buffers, so rating the next companies goes on while the server
 * stores the last ones, and memory stays a few buffers whatever the company count.
 */

struct rescore_writer;

/* rescore_writer_start: start the thread writing on conn (which it then owns until
 * rescore_writer_finish; no transaction open), committing every batch rows. Buffers
 * it hands back may grow to limit bytes. NULL (logged) when the thread cannot start. */
struct rescore_writer *rescore_writer_start(PGconn *conn, size_t batch, size_t limit);

/* rescore_writer_put: queue the ratings rows in *b (rows of them) for writing and
 * give the caller an empty buffer in its place; waits while every buffer is in
 * flight. 0, or -1 when the writer has failed (logged by it): the caller stops and
 * finishes with commit 0. */
int rescore_writer_put(struct rescore_writer *w, struct buf *b, size_t rows);

/* rescore_writer_finish: commit 1: write what is queued, end the COPY and commit;
 * commit 0: stop at once, leaving conn as it is for the caller to roll back. Joins the
 * thread and frees w. 0 when every row queued was committed (commit 1), else -1. */
int rescore_writer_finish(struct rescore_writer *w, int commit);

#endif
