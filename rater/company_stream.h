#ifndef FAIRRATE_COMPANY_STREAM_H
#define FAIRRATE_COMPANY_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "rater/rating.h"
#include "rater/rating_store.h"

/*
 * One company's evidence at a time, out of the evidence stream of rating_store.h
 * (rating_store_evidence_start), which comes in company id order. Rescoring and the
 * impact preview walk the companies stream and, for each company, gather its
 * evidence here; the array is reused from company to company, so memory follows the
 * largest company, not the number of companies.
 */

struct company_stream {
	/* The gathered company's evidence and the latest change times over it (Unix
	 * microseconds, 0 when it has none). Read them; do not change them. */
	struct rating_evidence *ev;
	size_t nev;
	int64_t last_recorded_us;
	int64_t last_updated_us;
	int done;                          /* the evidence stream has ended */
	/* Private. */
	const char *who;
	size_t evcap;
	struct rating_store_evidence ahead;
	int have_ahead;
	struct pg_copy_binary copy;
};

/* company_stream_init: an empty stream; who ("rescore", "preview"; borrowed) starts
 * its log messages. */
void company_stream_init(struct company_stream *s, const char *who);

/* company_stream_gather: read the evidence stream on conn up to and including the
 * rows of company_id into s->ev (replacing the previous company's). Rows of a company
 * before it (none when both streams read one snapshot) are skipped; the first row of
 * a later company is kept for its turn. INT64_MAX drains the stream (then s->done
 * must be set). 0, or -1 on a stream error or past RATING_STORE_MAX_EVIDENCE rows for
 * one company (logged); the caller then aborts the stream. */
int company_stream_gather(struct company_stream *s, PGconn *conn, int64_t company_id);

/* company_stream_free: release what s holds (not s itself). */
void company_stream_free(struct company_stream *s);

#endif
