#include "rater/rating_json.h"

#include <math.h>

#include "common/log.h"
#include "common/timefmt.h"

static double
rating_json_round(double x, double scale)
{
	double v = round(x * scale) / scale;

	return (v == 0 ? 0.0 : v);    /* no "-0.0" in the output */
}

/* Set key to val (a new reference, may be NULL) in obj; clears *ok on failure. */
static void
rating_json_set(json_t *obj, const char *key, json_t *val, int *ok)
{
	if (val == NULL || json_object_set_new(obj, key, val) != 0)
		*ok = 0;
}

static json_t *
rating_json_severities(const int *counts)
{
	json_t *o;
	int s, ok = 1;

	if ((o = json_object()) == NULL)
		return (NULL);
	for (s = 0; s < METHODOLOGY_NSEV; s++)
		rating_json_set(o, methodology_severity_name((enum methodology_severity)s),
		    json_integer(counts[s]), &ok);
	if (!ok) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

static json_t *
rating_json_findings(const struct rating *r, const struct methodology *m, size_t factor)
{
	const struct rating_finding *fd;
	const struct methodology_check *c;
	json_t *arr, *o;
	size_t i;
	int ok = 1;

	if ((arr = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < r->nfindings && ok; i++) {
		fd = &r->findings[i];
		if (fd->factor != factor)
			continue;
		c = &m->checks[fd->check];
		o = json_pack("{s:I, s:s, s:s, s:f, s:f, s:b}", "evidence_id",
		    (json_int_t)fd->evidence_id, "check", c->code, "severity",
		    methodology_severity_name(c->severity), "decay",
		    rating_json_round(fd->decay, 1e4), "cost", rating_json_round(fd->cost, 1e2),
		    "disputed", fd->disputed);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			ok = 0;
	}
	if (!ok) {
		json_decref(arr);
		return (NULL);
	}
	return (arr);
}

/* One factor; full adds shares, divisors and the findings list. */
static json_t *
rating_json_factor(const struct rating *r, const struct methodology *m, size_t f, int full)
{
	const struct methodology_factor *mf = &m->factors[f];
	const struct rating_factor *rf = &r->factors[f];
	int bonus = mf->kind == METHODOLOGY_FACTOR_BONUS, ok = 1;
	json_t *o;

	if ((o = json_object()) == NULL)
		return (NULL);
	rating_json_set(o, "name", json_string(mf->name), &ok);
	rating_json_set(o, "kind", json_string(bonus ? "bonus" : "penalty"), &ok);
	rating_json_set(o, "has_data", json_boolean(rf->has_data), &ok);
	rating_json_set(o, "score", json_real(rating_json_round(rf->score, 10)), &ok);
	rating_json_set(o, "weight", json_real(bonus ? 0.0 : mf->weight), &ok);
	if (bonus)
		rating_json_set(o, "bonus_cap", json_real(mf->bonus_cap), &ok);
	rating_json_set(o, "findings_by_severity",
	    rating_json_severities(rf->findings_by_severity), &ok);
	rating_json_set(o, "disputed", json_boolean(rf->disputed), &ok);
	if (full) {
		rating_json_set(o, "weight_share",
		    json_real(rating_json_round(rf->weight_share, 1e4)), &ok);
		rating_json_set(o, "contribution",
		    json_real(rating_json_round(rf->contribution, 1e2)), &ok);
		rating_json_set(o, "divisor", json_real(rating_json_round(rf->divisor, 1e4)),
		    &ok);
		rating_json_set(o, "evidence_count", json_integer(rf->evidence_count), &ok);
		rating_json_set(o, "findings", rating_json_findings(r, m, f), &ok);
	}
	if (!ok) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

static json_t *
rating_json_factor_map(const struct rating *r, const struct methodology *m, int full)
{
	json_t *o;
	size_t f;
	int ok = 1;

	if ((o = json_object()) == NULL)
		return (NULL);
	for (f = 0; f < r->nfactors && f < m->nfactors && ok; f++)
		rating_json_set(o, m->factors[f].code, rating_json_factor(r, m, f, full), &ok);
	if (!ok) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

json_t *
rating_json_factors(const struct rating *r, const struct methodology *m)
{
	json_t *o;

	if ((o = rating_json_factor_map(r, m, 1)) == NULL)
		log_error("rating_json: out of memory");
	return (o);
}

/* The fields the summary and the explanation share. */
static json_t *
rating_json_head(const struct rating *r)
{
	int rated = r->status == RATING_RATED, ok = 1;
	char as_of[21];
	json_t *o;

	if ((o = json_object()) == NULL)
		return (NULL);
	rating_json_set(o, "status", json_string(rated ? "rated" : "insufficient_data"), &ok);
	rating_json_set(o, "score", rated ? json_real(r->score) : json_null(), &ok);
	rating_json_set(o, "grade", rated ? json_string(r->grade) : json_null(), &ok);
	rating_json_set(o, "confidence",
	    json_string(rating_confidence_name(r->confidence)), &ok);
	rating_json_set(o, "methodology_version", json_string(r->methodology_version), &ok);
	rating_json_set(o, "as_of", json_string(timefmt_format(r->as_of, as_of)), &ok);
	rating_json_set(o, "disputed", json_boolean(r->disputed), &ok);
	if (!ok) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

json_t *
rating_json_explanation(const struct rating *r, const struct methodology *m,
    const struct rating_remediation *plan, size_t nplan)
{
	json_t *o, *arr = NULL, *item;
	size_t i;
	int ok = 1;

	if ((o = rating_json_head(r)) == NULL)
		goto fail;
	rating_json_set(o, "insufficient_reason", r->status == RATING_RATED ? json_null() :
	    json_string(r->insufficient_reason), &ok);
	rating_json_set(o, "inputs_digest", json_string(r->inputs_digest), &ok);
	rating_json_set(o, "outcome_digest", json_string(r->outcome_digest), &ok);
	rating_json_set(o, "evidence_used", json_integer((json_int_t)r->evidence_used), &ok);
	rating_json_set(o, "evidence_ignored", json_integer((json_int_t)r->evidence_ignored),
	    &ok);
	rating_json_set(o, "factors", rating_json_factor_map(r, m, 1), &ok);
	if ((arr = json_array()) == NULL)
		ok = 0;
	for (i = 0; i < nplan && ok; i++) {
		const struct methodology_check *c = &m->checks[plan[i].check];

		item = json_pack("{s:I, s:s, s:s, s:f}", "evidence_id",
		    (json_int_t)plan[i].evidence_id, "check", c->code, "title", c->title, "gain",
		    rating_json_round(plan[i].gain, 1e2));
		if (item == NULL || json_array_append_new(arr, item) != 0)
			ok = 0;
	}
	rating_json_set(o, "remediation", arr, &ok);
	rating_json_set(o, "recompute", json_string("Every number here follows from the "
	    "published methodology and your evidence: docs/methodology.md gives each formula, "
	    "the rounding rules and the exact text behind inputs_digest, so that anyone can "
	    "recompute this rating. Finding costs share out the points lost; remediation "
	    "gains are the exact score change from fixing one finding."), &ok);
	if (!ok)
		goto fail;
	return (o);

fail:
	json_decref(o);
	log_error("rating_json: out of memory");
	return (NULL);
}

json_t *
rating_json_summary(const struct rating *r, const struct methodology *m)
{
	json_t *o;
	int ok = 1;

	if ((o = rating_json_head(r)) == NULL)
		goto fail;
	rating_json_set(o, "factors", rating_json_factor_map(r, m, 0), &ok);
	if (!ok)
		goto fail;
	return (o);

fail:
	json_decref(o);
	log_error("rating_json: out of memory");
	return (NULL);
}
