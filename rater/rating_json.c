#include "rater/rating_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* v when ok, else NULL after releasing v: the end of every builder below. */
static json_t *
rating_json_done(json_t *v, int ok)
{
	if (!ok) {
		json_decref(v);
		return (NULL);
	}
	return (v);
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
	return (rating_json_done(o, ok));
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
	return (rating_json_done(arr, ok));
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
	return (rating_json_done(o, ok));
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
	return (rating_json_done(o, ok));
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
	return (rating_json_done(o, ok));
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

/*
 * The factors object as text, without jansson. Numbers rounded to d decimals are
 * written with up to d decimals (at least one, so that they read back as reals, as
 * jansson writes them); other reals as jansson does with JSON_REAL_PRECISION(15).
 */
static int
rating_json_put_string(struct buf *out, const char *s)
{
	const unsigned char *p;
	char esc[8];
	int rc = buf_append(out, "\"", 1);

	for (p = (const unsigned char *)s; *p && rc == 0; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			rc = buf_append(out, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			rc = buf_append(out, esc, 6);
		} else
			rc = buf_append(out, p, 1);
	}
	return (rc == 0 ? buf_append(out, "\"", 1) : -1);
}

static int
rating_json_put_rounded(struct buf *out, double v, int decimals)
{
	static const double scales[] = {1, 10, 100, 1000, 10000};
	char digits[48];
	unsigned long long u;
	long long k;
	size_t n = sizeof(digits), end;
	int i;

	k = llround(v * scales[decimals]);
	u = k < 0 ? 0ULL - (unsigned long long)k : (unsigned long long)k;
	for (i = 0; i < decimals; i++) {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	}
	digits[--n] = '.';
	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (k < 0)
		digits[--n] = '-';
	/* Drop trailing zeros, keeping one digit after the point. */
	end = sizeof(digits);
	while (digits[end - 1] == '0' && digits[end - 2] != '.')
		end--;
	return (buf_append(out, digits + n, end - n));
}

static int
rating_json_put_real(struct buf *out, double v)
{
	char digits[48];
	int n = snprintf(digits, sizeof(digits), "%.15g", v);

	if (strpbrk(digits, ".eE") == NULL)
		n += snprintf(digits + n, sizeof(digits) - (size_t)n, ".0");
	return (buf_append(out, digits, (size_t)n));
}

static int
rating_json_put_lit(struct buf *out, const char *s)
{
	return (buf_append(out, s, strlen(s)));
}

static int
rating_json_put_int(struct buf *out, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[--n] = '-';
	return (buf_append(out, tmp + n, sizeof(tmp) - n));
}

static int
rating_json_put_bool(struct buf *out, int v)
{
	return (rating_json_put_lit(out, v ? "true" : "false"));
}

static int
rating_json_put_finding(struct buf *out, const struct methodology *m,
    const struct rating_finding *fd)
{
	const struct methodology_check *c = &m->checks[fd->check];

	if (rating_json_put_lit(out, "{\"evidence_id\":") ||
	    rating_json_put_int(out, (long long)fd->evidence_id) ||
	    rating_json_put_lit(out, ",\"check\":") || rating_json_put_string(out, c->code) ||
	    rating_json_put_lit(out, ",\"severity\":\"") ||
	    rating_json_put_lit(out, methodology_severity_name(c->severity)) ||
	    rating_json_put_lit(out, "\",\"decay\":") ||
	    rating_json_put_rounded(out, fd->decay, 4) ||
	    rating_json_put_lit(out, ",\"cost\":") || rating_json_put_rounded(out, fd->cost, 2) ||
	    rating_json_put_lit(out, ",\"disputed\":") || rating_json_put_bool(out, fd->disputed))
		return (-1);
	return (rating_json_put_lit(out, "}"));
}

static int
rating_json_put_factor(struct buf *out, const struct rating *r,
    const struct methodology *m, size_t f)
{
	const struct methodology_factor *mf = &m->factors[f];
	const struct rating_factor *rf = &r->factors[f];
	int bonus = mf->kind == METHODOLOGY_FACTOR_BONUS, s, first = 1;
	size_t i;

	if (rating_json_put_string(out, mf->code) || rating_json_put_lit(out, ":{\"name\":") ||
	    rating_json_put_string(out, mf->name) ||
	    rating_json_put_lit(out, bonus ? ",\"kind\":\"bonus\",\"has_data\":" :
	    ",\"kind\":\"penalty\",\"has_data\":") ||
	    rating_json_put_bool(out, rf->has_data) || rating_json_put_lit(out, ",\"score\":") ||
	    rating_json_put_rounded(out, rf->score, 1) ||
	    rating_json_put_lit(out, ",\"weight\":") ||
	    rating_json_put_real(out, bonus ? 0.0 : mf->weight))
		return (-1);
	if (bonus && (rating_json_put_lit(out, ",\"bonus_cap\":") ||
	    rating_json_put_real(out, mf->bonus_cap)))
		return (-1);
	if (rating_json_put_lit(out, ",\"findings_by_severity\":{"))
		return (-1);
	for (s = 0; s < METHODOLOGY_NSEV; s++)
		if (rating_json_put_lit(out, s ? ",\"" : "\"") ||
		    rating_json_put_lit(out,
		    methodology_severity_name((enum methodology_severity)s)) ||
		    rating_json_put_lit(out, "\":") ||
		    rating_json_put_int(out, rf->findings_by_severity[s]))
			return (-1);
	if (rating_json_put_lit(out, "},\"disputed\":") ||
	    rating_json_put_bool(out, rf->disputed) ||
	    rating_json_put_lit(out, ",\"weight_share\":") ||
	    rating_json_put_rounded(out, rf->weight_share, 4) ||
	    rating_json_put_lit(out, ",\"contribution\":") ||
	    rating_json_put_rounded(out, rf->contribution, 2) ||
	    rating_json_put_lit(out, ",\"divisor\":") ||
	    rating_json_put_rounded(out, rf->divisor, 4) ||
	    rating_json_put_lit(out, ",\"evidence_count\":") ||
	    rating_json_put_int(out, rf->evidence_count) ||
	    rating_json_put_lit(out, ",\"findings\":["))
		return (-1);
	for (i = 0; i < r->nfindings; i++) {
		if (r->findings[i].factor != f)
			continue;
		if ((!first && rating_json_put_lit(out, ",")) ||
		    rating_json_put_finding(out, m, &r->findings[i]))
			return (-1);
		first = 0;
	}
	return (rating_json_put_lit(out, "]}"));
}

int
rating_json_factors_text(const struct rating *r, const struct methodology *m,
    struct buf *out)
{
	size_t f;

	if (buf_append(out, "{", 1) != 0)
		return (-1);
	for (f = 0; f < r->nfactors && f < m->nfactors; f++)
		if ((f > 0 && buf_append(out, ",", 1) != 0) ||
		    rating_json_put_factor(out, r, m, f) != 0)
			return (-1);
	return (buf_append(out, "}", 1));
}
