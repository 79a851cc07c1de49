#ifndef FAIRRATE_PREVIEW_H
#define FAIRRATE_PREVIEW_H

#include <stdint.h>

#include <jansson.h>

/*
 * Impact preview of a draft methodology (principle 4): every company is rated from its
 * evidence under the draft and under the version in force, at the same as-of time,
 * and the comparison (rater/impact.h) is stored with the draft. Published ratings are
 * never touched: nothing is written but the preview row. Streams companies and
 * evidence the way rescoring does (rater/company_stream.h), in one snapshot, so memory
 * does not grow with the number of companies.
 */

struct preview_options {
	const char *version;       /* the draft */
	int64_t as_of;             /* rate as of this time (Unix seconds) */
	/* Called every few hundred companies and at the end (may be NULL). */
	void (*progress)(void *arg, int64_t done, int64_t total);
	void *progress_arg;
};

enum preview_result {
	PREVIEW_ERROR = -1,
	PREVIEW_OK = 0,
	PREVIEW_NOT_FOUND,         /* no version by that name */
	PREVIEW_NOT_DRAFT,         /* the version is published: nothing to preview */
	PREVIEW_NO_BASELINE        /* no version is in force at as_of */
};

/* preview_run: preview opt->version against the database at url (NULL: db_url()),
 * store the result (methodology_previews) and set *impact to it (a new reference: the
 * object rater/impact.h's impact_json describes). Errors are logged. */
enum preview_result preview_run(const char *url, const struct preview_options *opt,
    json_t **impact);

#endif
