#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

void
report_free(struct report *r)
{
	free(r->points);
	r->points = NULL;
	r->npoints = 0;
}

int
report_change_at(const struct report *r, size_t i)
{
	return (i > 0 && i < r->npoints &&
	    strcmp(r->points[i].version, r->points[i - 1].version) != 0);
}

void
report_trend_range(const struct report *r, double *lo, double *hi)
{
	size_t i;
	int any = 0;

	*lo = 100;
	*hi = 0;
	for (i = 0; i < r->npoints; i++) {
		if (!r->points[i].rated)
			continue;
		any = 1;
		if (r->points[i].score < *lo)
			*lo = r->points[i].score;
		if (r->points[i].score > *hi)
			*hi = r->points[i].score;
	}
	if (!any) {
		*lo = 0;
		*hi = 100;
		return;
	}
	*lo = floor(*lo / 10) * 10;
	*hi = ceil(*hi / 10) * 10;
	while (*hi - *lo < 20) {
		if (*lo >= 10)
			*lo -= 10;
		if (*hi - *lo < 20 && *hi <= 90)
			*hi += 10;
	}
}

const char *
report_disclosure_name(enum report_disclosure_status s)
{
	switch (s) {
	case REPORT_SUBMITTED:
		return ("submitted");
	case REPORT_VERIFIED:
		return ("verified");
	case REPORT_NOT_DISCLOSED:
		break;
	}
	return ("not_disclosed");
}

static json_t *
report_standing_json(const struct report_standing *s)
{
	return (json_pack("{s:I, s:o}", "companies_rated", (json_int_t)s->rated,
	    "percentile", s->percentile < 0 ? json_null() : json_real(s->percentile)));
}

/* The headings and labels of the report, English msgids of po/<lang>.po: the PDF draws
 * them, and report_json gives them translated to the printable portal page, so that
 * one catalogue serves both. */
static const char *const report_labels[] = {
	"Security rating report", "Sector", "Size band", "Rated as of", "Confidence",
	"in its sector", "in its sector and size band", "percentile", "rated companies:",
	"no public rated peers to compare with", "Score over the last twelve months",
	"Factors (score out of 100, weight)", "points", "no data", "Governance disclosures",
	"verified", "submitted, not verified", "not disclosed",
	"Top five actions (score and grade after each)", "findings fixed together:",
	"Nothing to fix: no finding costs points.", "Methodology", "Inputs digest",
	"insufficient data", "high", "medium", "low", "none",
	("Every figure follows from the published methodology and the company's evidence: "
	"recompute the score and the digest with the methodology document "
	"(/v1/methodology/document)."),
};

json_t *
report_json(const struct report *r, const struct i18n *cat)
{
	json_t *o, *factors, *trend, *disc, *acts, *v;
	char at[32];
	size_t i;
	int bad = 0;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:s, s:s}",
	    "lang", cat != NULL ? cat->lang : "en", "slug", r->slug, "name", r->name,
	    "sector", r->sector, "size_band", r->size_band,
	    "score", r->rated ? json_real(r->score) : json_null(),
	    "grade", r->rated ? json_string(r->grade) : json_null(),
	    "confidence", r->confidence,
	    "insufficient_reason", r->rated ? json_null() :
	    json_string(r->insufficient_reason),
	    "methodology_version", r->methodology_version,
	    "inputs_digest", r->inputs_digest,
	    "as_of", timefmt_format(r->as_of, at));
	if (o == NULL || (factors = json_array()) == NULL ||
	    json_object_set_new(o, "factors", factors) != 0 ||
	    (trend = json_array()) == NULL || json_object_set_new(o, "trend", trend) != 0 ||
	    (disc = json_array()) == NULL ||
	    json_object_set_new(o, "disclosures", disc) != 0 ||
	    (acts = json_array()) == NULL || json_object_set_new(o, "actions", acts) != 0 ||
	    json_object_set_new(o, "in_sector", report_standing_json(&r->in_sector)) != 0 ||
	    json_object_set_new(o, "in_size_band",
	    report_standing_json(&r->in_size_band)) != 0) {
		json_decref(o);
		return (NULL);
	}
	for (i = 0; i < r->nfactors; i++) {
		const struct report_factor *f = &r->factors[i];

		v = json_pack("{s:s, s:s, s:s, s:b, s:o, s:f}", "code", f->code, "name",
		    i18n_ctext(cat, "factor", f->name), "kind", f->bonus ? "bonus" : "penalty",
		    "has_data", f->has_data, "score", f->has_data || f->bonus ?
		    json_real(f->score) : json_null(), "weight", f->weight);
		bad |= v == NULL || json_array_append_new(factors, v) != 0;
	}
	for (i = 0; i < r->npoints; i++) {
		v = json_pack("{s:s, s:o, s:s, s:b}", "as_of",
		    timefmt_format(r->points[i].at, at), "score", r->points[i].rated ?
		    json_real(r->points[i].score) : json_null(), "methodology_version",
		    r->points[i].version, "methodology_changed", report_change_at(r, i));
		bad |= v == NULL || json_array_append_new(trend, v) != 0;
	}
	for (i = 0; i < r->ndisclosures; i++) {
		v = json_pack("{s:s, s:s, s:s}", "check", r->disclosures[i].code, "title",
		    i18n_ctext(cat, "check", r->disclosures[i].title), "status",
		    report_disclosure_name(r->disclosures[i].status));
		bad |= v == NULL || json_array_append_new(disc, v) != 0;
	}
	for (i = 0; i < r->nactions; i++) {
		const struct report_action *a = &r->actions[i];

		v = json_pack("{s:s, s:s, s:I, s:f, s:f, s:s}", "check", a->code, "title",
		    i18n_ctext(cat, "check", a->title), "fixes", (json_int_t)a->nfixes,
		    "gain", round(a->gain * 100) / 100, "score_after", a->score_after,
		    "grade_after", a->grade_after);
		bad |= v == NULL || json_array_append_new(acts, v) != 0;
	}
	if ((v = json_object()) == NULL || json_object_set_new(o, "labels", v) != 0)
		bad = 1;
	for (i = 0; !bad && i < sizeof(report_labels) / sizeof(report_labels[0]); i++)
		bad |= json_object_set_new(v, report_labels[i],
		    json_string(i18n_text(cat, report_labels[i]))) != 0;
	if (bad) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}
