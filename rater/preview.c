#include "rater/preview.h"

#include <stdint.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "rater/company_stream.h"
#include "rater/governance_store.h"
#include "rater/impact.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_store.h"

#define PREVIEW_TOP_MOVERS 20
#define PREVIEW_PROGRESS_EVERY 512

/* Rate one company under both versions and count it. */
static int
preview_rate(struct impact *im, const struct methodology *before,
    const struct methodology *after, const struct company_stream *s,
    const struct rating_store_company *c, int64_t as_of)
{
	struct rating_input in;
	struct impact_company ic;
	struct rating *rb = NULL, *ra = NULL;
	const char *covered[RATING_STORE_MAX_COVERAGE];
	int rc = -1;

	memset(&in, 0, sizeof(in));
	rating_store_coverage_at(&c->coverage, as_of, covered, &in);
	in.evidence = s->ev;
	in.nevidence = s->nev;
	in.asset_count = c->asset_count;
	in.uncertain = c->uncertain.items;
	in.nuncertain = c->uncertain.n;
	in.as_of = as_of;
	in.methodology = before;
	if ((rb = rating_compute_outcome(&in)) == NULL)
		goto done;
	in.methodology = after;
	if ((ra = rating_compute_outcome(&in)) == NULL)
		goto done;
	memset(&ic, 0, sizeof(ic));
	ic.id = c->id;
	memcpy(ic.slug, c->slug, sizeof(ic.slug));
	impact_side_of(rb, &ic.before);
	impact_side_of(ra, &ic.after);
	if (impact_add(im, &ic) != 0) {
		log_error("preview: %s got a grade neither version has", c->slug);
		goto done;
	}
	rc = 0;
done:
	if (rc != 0 && (rb == NULL || ra == NULL))
		log_error("preview: out of memory rating %s", c->slug);
	rating_free(rb);
	rating_free(ra);
	return (rc);
}

/* Stream every company (on cconn) and its evidence (on econn) through the two
 * versions. */
static int
preview_stream_all(PGconn *cconn, PGconn *econn, struct company_stream *s,
    struct impact *im,
    const struct methodology *before, const struct methodology *after,
    const struct preview_options *opt, int64_t total)
{
	struct rating_store_company c;
	int64_t done = 0;
	int n;

	if (rating_store_companies_start(cconn, RATING_STORE_ALL_LO, RATING_STORE_ALL_HI,
	    NULL) != 0)
		return (-1);
	if (rating_store_evidence_start(econn, RATING_STORE_ALL_LO, RATING_STORE_ALL_HI,
	    NULL) != 0) {
		rating_store_stream_abort(cconn);
		return (-1);
	}
	memset(&c, 0, sizeof(c));
	while ((n = rating_store_companies_next(cconn, &c)) == 1) {
		if (company_stream_gather(s, econn, c.id) != 0 ||
		    preview_rate(im, before, after, s, &c, opt->as_of) != 0)
			break;
		if (opt->progress != NULL && ++done % PREVIEW_PROGRESS_EVERY == 0)
			opt->progress(opt->progress_arg, done, total);
	}
	rating_store_company_free(&c);
	if (n != 0) {
		rating_store_stream_abort(cconn);
		rating_store_stream_abort(econn);
		return (-1);
	}
	if (company_stream_gather(s, econn, INT64_MAX) != 0 || !s->done) {
		rating_store_stream_abort(econn);
		return (-1);
	}
	if (opt->progress != NULL)
		opt->progress(opt->progress_arg, impact_companies(im), total);
	return (0);
}

enum preview_result
preview_run(const char *url, const struct preview_options *opt, json_t **impact)
{
	struct methodology *before = NULL, *after = NULL;
	struct company_stream s;
	struct impact *im = NULL;
	enum preview_result rc = PREVIEW_ERROR;
	enum governance_store_result gs;
	PGconn *cconn = NULL, *econn = NULL;
	char status[16], sha[65], snap[64];
	int64_t now_us, total = 0;

	*impact = NULL;
	company_stream_init(&s, "preview");
	if ((cconn = db_connect(url)) == NULL || (econn = db_connect(url)) == NULL)
		goto done;
	gs = governance_store_version_info(cconn, opt->version, status, sha);
	if (gs != GOVERNANCE_STORE_OK) {
		if (gs == GOVERNANCE_STORE_NOT_FOUND) {
			log_error("preview: no methodology version %s", opt->version);
			rc = PREVIEW_NOT_FOUND;
		}
		goto done;
	}
	if (strcmp(status, "draft") != 0) {
		log_error("preview: methodology %s is %s, not a draft", opt->version, status);
		rc = PREVIEW_NOT_DRAFT;
		goto done;
	}
	if ((after = methodology_store_load(cconn, opt->version)) == NULL)
		goto done;
	if ((before = methodology_store_load_in_force(cconn, opt->as_of)) == NULL) {
		rc = PREVIEW_NO_BASELINE;
		goto done;
	}
	if ((im = impact_new(before, after, PREVIEW_TOP_MOVERS)) == NULL) {
		log_error("preview: out of memory");
		goto done;
	}
	if (rating_store_snapshot_export(cconn, snap, &now_us) != 0 ||
	    rating_store_snapshot_import(econn, snap) != 0 ||
	    rating_store_count_companies(cconn, 0, NULL, &total) != 0)
		goto done;
	if (preview_stream_all(cconn, econn, &s, im, before, after, opt, total) != 0)
		goto done;
	db_rollback(cconn);
	db_rollback(econn);
	if ((*impact = impact_json(im)) == NULL) {
		log_error("preview: out of memory");
		goto done;
	}
	if (governance_store_preview_save(cconn, opt->version, before->version, sha,
	    opt->as_of, impact_companies(im), *impact) != 0) {
		json_decref(*impact);
		*impact = NULL;
		goto done;
	}
	rc = PREVIEW_OK;
done:
	impact_free(im);
	methodology_free(before);
	methodology_free(after);
	company_stream_free(&s);
	if (econn != NULL)
		PQfinish(econn);
	if (cconn != NULL)
		PQfinish(cconn);
	return (rc);
}
