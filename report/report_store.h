#ifndef FAIRRATE_REPORT_STORE_H
#define FAIRRATE_REPORT_STORE_H

#include <stdint.h>

#include <libpq-fe.h>

#include "report/report.h"

/* report_store_load: the report of company id from its latest rating, its
 * ratings of the twelve months before that rating's as-of, its place among the public
 * rated companies of its sector (and size band), its governance evidence, and the
 * first five steps of its plan to 100 (rater/plan.h), at now (Unix seconds, printed as
 * the generation time). 1 when filled (report_free it), 0 when the company has no
 * rating yet, -1 on a database error. */
int report_store_load(PGconn *conn, int64_t id, int64_t now, struct report *out);

#endif
