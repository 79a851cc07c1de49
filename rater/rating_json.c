#include "rater/rating_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/timefmt.h"

double
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
 * The stored factors text, without jansson. Numbers rounded to d decimals are
 * written with up to d decimals (at least one, so that they read back as reals, as
 * jansson writes them).
 */
int
rating_json_put_string(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[8];
	int rc = buf_append(out, "\"", 1);

	while (*p && rc == 0) {
		/* Plain characters go in runs. */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			rc = buf_append(out, run, (size_t)(p - run));
		if (*p == '\0' || rc != 0)
			break;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			rc = buf_append(out, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			rc = buf_append(out, esc, 6);
		}
		p++;
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

/* Whether v, rounded to decimals as rating_json_put_rounded writes it, is target: the
 * stored form leaves out a number that is at its default. */
static int
rating_json_rounds_to(double v, int decimals, long long target)
{
	static const double scales[] = {1, 10, 100, 1000, 10000};

	return (llround(v * scales[decimals]) == target * (long long)scales[decimals]);
}

/* ",\"key\":" then v rounded to decimals, unless that rounds to dflt. */
static int
rating_json_put_number(struct buf *out, const char *key, double v, int decimals,
    long long dflt)
{
	if (rating_json_rounds_to(v, decimals, dflt))
		return (0);
	return (rating_json_put_lit(out, key) || rating_json_put_rounded(out, v, decimals));
}

static int
rating_json_put_finding(struct buf *out, const struct methodology *m,
    const struct rating_finding *fd)
{
	const struct methodology_check *c = &m->checks[fd->check];

	if (rating_json_put_lit(out, "{\"evidence_id\":") ||
	    rating_json_put_int(out, (long long)fd->evidence_id) ||
	    rating_json_put_lit(out, ",\"check\":") || rating_json_put_string(out, c->code) ||
	    rating_json_put_number(out, ",\"decay\":", fd->decay, 4, 1) ||
	    rating_json_put_lit(out, ",\"cost\":") || rating_json_put_rounded(out, fd->cost, 2) ||
	    (fd->disputed && rating_json_put_lit(out, ",\"disputed\":true")))
		return (-1);
	return (rating_json_put_lit(out, "}"));
}

/* One factor in the stored form: only what the rating alone knows, each member left
 * out at its default (rating_json.h). */
static int
rating_json_put_factor(struct buf *out, const struct rating *r,
    const struct methodology *m, size_t f)
{
	const struct rating_factor *rf = &r->factors[f];
	size_t i, start;
	int first = 1;

	if (rating_json_put_string(out, m->factors[f].code) ||
	    rating_json_put_lit(out, ":{"))
		return (-1);
	start = out->len;
	if ((rf->has_data && rating_json_put_lit(out, ",\"has_data\":true")) ||
	    rating_json_put_number(out, ",\"score\":", rf->score, 1, 0) ||
	    rating_json_put_number(out, ",\"weight_share\":", rf->weight_share, 4, 0) ||
	    rating_json_put_number(out, ",\"contribution\":", rf->contribution, 2, 0) ||
	    rating_json_put_number(out, ",\"divisor\":", rf->divisor, 4, 1) ||
	    (rf->evidence_count != 0 && (rating_json_put_lit(out, ",\"evidence_count\":") ||
	    rating_json_put_int(out, rf->evidence_count))) ||
	    (rf->disputed && rating_json_put_lit(out, ",\"disputed\":true")))
		return (-1);
	for (i = 0; i < r->nfindings; i++) {
		if (r->findings[i].factor != f)
			continue;
		if (rating_json_put_lit(out, first ? ",\"findings\":[" : ",") ||
		    rating_json_put_finding(out, m, &r->findings[i]))
			return (-1);
		first = 0;
	}
	if (!first && rating_json_put_lit(out, "]"))
		return (-1);
	/* Every member above starts with a comma: drop the first one. */
	if (out->len > start) {
		memmove(out->data + start, out->data + start + 1, out->len - start - 1);
		out->len--;
		out->data[out->len] = '\0';
	}
	return (rating_json_put_lit(out, "}"));
}

int
rating_json_factors_stored(const struct rating *r, const struct methodology *m,
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

/*
 * Reading the stored form back: the members the rating alone knows come from the
 * text, the rest from the methodology version the row names.
 */

/* The real member key of o, or dflt when it is absent; -1 in *ok when it is there but
 * not a number. */
static double
rating_json_get_real(const json_t *o, const char *key, double dflt, int *ok)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL)
		return (dflt);
	if (!json_is_number(v))
		*ok = 0;
	return (json_number_value(v));
}

static int
rating_json_get_bool(const json_t *o, const char *key, int *ok)
{
	const json_t *v = json_object_get(o, key);

	if (v != NULL && !json_is_boolean(v))
		*ok = 0;
	return (json_is_true(v));
}

/* The findings of factor f: each must name a check of that factor under m. */
static json_t *
rating_json_expand_findings(const json_t *in, const struct methodology *m, size_t f,
    int *by_severity, int *ok)
{
	const struct methodology_check *c;
	const json_t *fd, *id, *code;
	json_t *arr, *o;
	size_t i;

	if (in != NULL && !json_is_array(in)) {
		*ok = 0;
		return (NULL);
	}
	if ((arr = json_array()) == NULL) {
		*ok = 0;
		return (NULL);
	}
	json_array_foreach(in, i, fd) {
		id = json_object_get(fd, "evidence_id");
		code = json_object_get(fd, "check");
		if (!json_is_integer(id) || !json_is_string(code) ||
		    (c = methodology_find_check(m, json_string_value(code))) == NULL ||
		    c->factor != f || !json_is_number(json_object_get(fd, "cost"))) {
			*ok = 0;
			break;
		}
		by_severity[c->severity]++;
		o = json_object();
		rating_json_set(o, "evidence_id", json_integer(json_integer_value(id)), ok);
		rating_json_set(o, "check", json_string(c->code), ok);
		rating_json_set(o, "severity", json_string(methodology_severity_name(c->severity)),
		    ok);
		rating_json_set(o, "decay", json_real(rating_json_get_real(fd, "decay", 1.0, ok)),
		    ok);
		rating_json_set(o, "cost", json_real(rating_json_get_real(fd, "cost", 0.0, ok)),
		    ok);
		rating_json_set(o, "disputed", json_boolean(rating_json_get_bool(fd, "disputed",
		    ok)), ok);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			*ok = 0;
		if (!*ok)
			break;
	}
	return (rating_json_done(arr, *ok));
}

/* One factor, in the members and order of rating_json_factor (full). */
static json_t *
rating_json_expand_factor(const json_t *in, const struct methodology *m, size_t f)
{
	const struct methodology_factor *mf = &m->factors[f];
	int bonus = mf->kind == METHODOLOGY_FACTOR_BONUS, ok = 1;
	int by_severity[METHODOLOGY_NSEV] = {0};
	const json_t *count = json_object_get(in, "evidence_count");
	json_t *o, *findings;

	if (!json_is_object(in) || (count != NULL && !json_is_integer(count)))
		return (NULL);
	findings = rating_json_expand_findings(json_object_get(in, "findings"), m, f,
	    by_severity, &ok);
	if ((o = json_object()) == NULL) {
		json_decref(findings);
		return (NULL);
	}
	rating_json_set(o, "name", json_string(mf->name), &ok);
	rating_json_set(o, "kind", json_string(bonus ? "bonus" : "penalty"), &ok);
	rating_json_set(o, "has_data", json_boolean(rating_json_get_bool(in, "has_data",
	    &ok)), &ok);
	rating_json_set(o, "score", json_real(rating_json_get_real(in, "score", 0.0, &ok)),
	    &ok);
	rating_json_set(o, "weight", json_real(bonus ? 0.0 : mf->weight), &ok);
	if (bonus)
		rating_json_set(o, "bonus_cap", json_real(mf->bonus_cap), &ok);
	rating_json_set(o, "findings_by_severity", rating_json_severities(by_severity), &ok);
	rating_json_set(o, "disputed", json_boolean(rating_json_get_bool(in, "disputed",
	    &ok)), &ok);
	rating_json_set(o, "weight_share",
	    json_real(rating_json_get_real(in, "weight_share", 0.0, &ok)), &ok);
	rating_json_set(o, "contribution",
	    json_real(rating_json_get_real(in, "contribution", 0.0, &ok)), &ok);
	rating_json_set(o, "divisor", json_real(rating_json_get_real(in, "divisor", 1.0, &ok)),
	    &ok);
	rating_json_set(o, "evidence_count", json_integer(json_integer_value(count)), &ok);
	rating_json_set(o, "findings", findings, &ok);
	return (rating_json_done(o, ok));
}

json_t *
rating_json_factors_expand(const char *stored, const struct methodology *m)
{
	json_t *in, *out = NULL, *f;
	const char *code;
	size_t i;
	int ok = 1;

	if (stored == NULL || (in = json_loads(stored, 0, NULL)) == NULL)
		return (NULL);
	if (!json_is_object(in))
		goto done;
	/* A row written before the stored form was made short carries every member:
	 * it is its own expansion. */
	json_object_foreach(in, code, f)
		if (json_object_get(f, "findings_by_severity") != NULL) {
			out = in;
			in = NULL;
			goto done;
		}
	if (m == NULL || json_object_size(in) != m->nfactors || (out = json_object()) == NULL)
		goto done;
	for (i = 0; i < m->nfactors && ok; i++)
		rating_json_set(out, m->factors[i].code,
		    rating_json_expand_factor(json_object_get(in, m->factors[i].code), m, i), &ok);
	out = rating_json_done(out, ok);
done:
	json_decref(in);
	return (out);
}
