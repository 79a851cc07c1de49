#include "rater/company_stream.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

void
company_stream_init(struct company_stream *s, const char *who)
{
	memset(s, 0, sizeof(*s));
	s->who = who;
}

static int
company_stream_push(struct company_stream *s, const struct rating_store_evidence *e)
{
	struct rating_evidence *p;
	size_t ncap;

	if (s->nev == s->evcap) {
		if (s->evcap >= RATING_STORE_MAX_EVIDENCE) {
			log_error("%s: company %" PRId64 " has more than %d evidence items",
			    s->who, e->company_id, RATING_STORE_MAX_EVIDENCE);
			return (-1);
		}
		ncap = s->evcap ? s->evcap * 2 : 64;
		if (ncap > RATING_STORE_MAX_EVIDENCE)
			ncap = RATING_STORE_MAX_EVIDENCE;
		if ((p = realloc(s->ev, ncap * sizeof(*p))) == NULL) {
			log_error("%s: out of memory", s->who);
			return (-1);
		}
		s->ev = p;
		s->evcap = ncap;
	}
	s->ev[s->nev++] = e->ev;
	if (e->recorded_us > s->last_recorded_us)
		s->last_recorded_us = e->recorded_us;
	if (e->updated_us > s->last_updated_us)
		s->last_updated_us = e->updated_us;
	return (0);
}

int
company_stream_gather(struct company_stream *s, PGconn *conn, int64_t company_id)
{
	int rc;

	s->nev = 0;
	s->last_recorded_us = 0;
	s->last_updated_us = 0;
	for (;;) {
		if (!s->have_ahead) {
			if (s->done)
				return (0);
			if ((rc = rating_store_evidence_next(conn, &s->copy, &s->ahead)) < 0)
				return (-1);
			if (rc == 0) {
				s->done = 1;
				return (0);
			}
			s->have_ahead = 1;
		}
		if (s->ahead.company_id > company_id)
			return (0);
		if (s->ahead.company_id == company_id && company_stream_push(s, &s->ahead) != 0)
			return (-1);
		s->have_ahead = 0;
	}
}

void
company_stream_free(struct company_stream *s)
{
	free(s->ev);
	s->ev = NULL;
	s->nev = s->evcap = 0;
}
