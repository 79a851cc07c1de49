#include "collector/coverage.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"

#define COVERAGE_ARRAYS_MAX (64u * 1024 * 1024)   /* bytes of each array literal */

int
coverage_collector_ok(const char *name)
{
	static const char *const fixed[] = {"web", "tls", "mail", "ports", "discovery",
	    "patching", NULL};
	const char *p;
	size_t i;

	for (i = 0; fixed[i] != NULL; i++)
		if (strcmp(name, fixed[i]) == 0)
			return (1);
	if (strncmp(name, "feed:", 5) != 0)
		return (0);
	p = name + 5;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) || strlen(p) > 48)
		return (0);
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    *p == '.' || *p == '-'))
			return (0);
	return (1);
}

void
coverage_batch_init(struct coverage_batch *b)
{
	buf_init(&b->collectors, COVERAGE_ARRAYS_MAX);
	buf_init(&b->slugs, COVERAGE_ARRAYS_MAX);
	buf_init(&b->times, COVERAGE_ARRAYS_MAX);
	b->n = 0;
}

int
coverage_batch_add(struct coverage_batch *b, const char *collector, const char *slug,
    int64_t at)
{
	const char *sep = b->n == 0 ? "{" : ",";

	if (!coverage_collector_ok(collector)) {
		log_error("coverage: '%s' is not a collector name", collector);
		return (-1);
	}
	if (buf_appendf(&b->collectors, "%s", sep) != 0 ||
	    db_array_append_text(&b->collectors, collector) != 0 ||
	    buf_appendf(&b->slugs, "%s", sep) != 0 ||
	    db_array_append_text(&b->slugs, slug) != 0 ||
	    buf_appendf(&b->times, "%s%" PRId64, sep, at) != 0) {
		log_error("coverage: out of memory");
		return (-1);
	}
	b->n++;
	return (0);
}

int
coverage_batch_write(PGconn *conn, struct coverage_batch *b)
{
	static const char upsert_sql[] =
	    "INSERT INTO collector_coverage AS k (company_id, collector, covered_at,"
	    " first_covered_at)"
	    " SELECT c.id, u.collector, to_timestamp(max(u.at)), to_timestamp(min(u.at))"
	    " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(collector, slug, at)"
	    " JOIN companies c ON c.slug = u.slug"
	    " GROUP BY c.id, u.collector"
	    " ON CONFLICT (company_id, collector) DO UPDATE"
	    " SET covered_at = greatest(k.covered_at, excluded.covered_at),"
	    " first_covered_at = least(k.first_covered_at, excluded.first_covered_at)";
	struct buf *a[3] = {&b->collectors, &b->slugs, &b->times};
	const char *params[3];
	size_t i, closed = 0;
	int rc = -1;

	if (b->n == 0)
		return (0);
	/* Close the literals for the statement, then open them again. */
	for (; closed < 3; closed++) {
		if (buf_append(a[closed], "}", 1) != 0) {
			log_error("coverage: out of memory");
			goto out;
		}
		params[closed] = a[closed]->data;
	}
	rc = db_exec(conn, upsert_sql, 3, params);
out:
	for (i = 0; i < closed; i++)
		a[i]->data[--a[i]->len] = '\0';
	return (rc);
}

void
coverage_batch_free(struct coverage_batch *b)
{
	buf_free(&b->collectors);
	buf_free(&b->slugs);
	buf_free(&b->times);
	b->n = 0;
}

int
coverage_record(PGconn *conn, const char *collector, const char *const *slugs, size_t n,
    int64_t at)
{
	struct coverage_batch b;
	size_t i;
	int rc = 0;

	coverage_batch_init(&b);
	for (i = 0; rc == 0 && i < n; i++)
		rc = coverage_batch_add(&b, collector, slugs[i], at);
	if (rc == 0)
		rc = coverage_batch_write(conn, &b);
	coverage_batch_free(&b);
	return (rc);
}
