#include "rater/rating.h"

#include <math.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/sha256.h"
#include "common/timefmt.h"

/*
 * Every formula here is stated in docs/methodology.md; the two must change together.
 * A rating is one allocation: the struct, its factors, its findings and (past the end
 * of what the caller sees) the scratch array used to sort the evidence.
 */

/* An evidence item that counts, resolved against the methodology. */
struct rating_item {
	const struct rating_evidence *ev;
	size_t check;
	size_t factor;
	double decay;
};

#define RATING_ALIGN(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

/* Canonical order: check code (checks are sorted by code, so the index will do), asset
 * id, evidence id, then every other field so that even duplicate ids sort the same. */
static int
rating_item_cmp(const void *pa, const void *pb)
{
	const struct rating_item *a = pa, *b = pb;
	const struct rating_evidence *x = a->ev, *y = b->ev;

	if (a->check != b->check)
		return (a->check < b->check ? -1 : 1);
	if (x->asset_id != y->asset_id)
		return (x->asset_id < y->asset_id ? -1 : 1);
	if (x->id != y->id)
		return (x->id < y->id ? -1 : 1);
	if (x->outcome != y->outcome)
		return (x->outcome < y->outcome ? -1 : 1);
	if (x->first_seen != y->first_seen)
		return (x->first_seen < y->first_seen ? -1 : 1);
	if (x->last_seen != y->last_seen)
		return (x->last_seen < y->last_seen ? -1 : 1);
	return ((x->disputed > y->disputed) - (x->disputed < y->disputed));
}

/* Whether ev counts at as_of, and with what decay (docs/methodology.md "Evidence life"). */
static int
rating_evidence_decay(const struct methodology_factor *f, const struct rating_evidence *ev,
    int64_t as_of, double *decay)
{
	double age;

	if (ev->first_seen > as_of)
		return (0);
	age = (double)(as_of - (ev->last_seen < as_of ? ev->last_seen : as_of)) /
	    (double)TIMEFMT_DAY;
	if (f->lifetime_days > 0) {
		if (age > (double)f->lifetime_days)
			return (0);
		*decay = 1.0;
		return (1);
	}
	if (age > (double)f->max_age_days)
		return (0);
	*decay = pow(0.5, age / f->half_life_days);
	return (1);
}

static double
rating_footprint_divisor(const struct methodology *m, size_t asset_count)
{
	double d;

	d = pow((double)asset_count / m->footprint_reference_assets, m->footprint_exponent);
	return (d > 1.0 ? d : 1.0);
}

static double
rating_round1(double x)
{
	return (round(x * 10.0) / 10.0);
}

uint64_t
rating_fact_key(const char *observation_key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)observation_key[i];
		h *= 1099511628211ULL;
	}
	return (h != 0 ? h : 1);
}

/* S_f of a penalty factor that lost P points (docs/methodology.md section 3). */
static double
rating_factor_curve(const struct methodology *m, double p)
{
	if (m->curve_exponential)
		return (100.0 * exp(-p / 100.0));
	return (p < 100.0 ? 100.0 - p : 0.0);
}

/* The ceiling of bonus_rule within_grade for base B: just under the next better
 * grade band than B's (rounded) score (100 in the best band), never below B. */
static double
rating_bonus_ceiling(const struct methodology *m, double base)
{
	double rb = rating_round1(base), top;
	size_t b;

	for (b = 0; b < m->nbands; b++)
		if (rb >= m->bands[b].min_score)
			break;
	if (b == 0 || b >= m->nbands)
		return (100.0);
	top = m->bands[b - 1].min_score - 0.1;
	return (top > base ? top : base);
}

/*
 * The overall unrounded score from per-factor sums: sums[f] is P_f (points off) for a
 * penalty factor and the uncapped bonus points for a bonus factor. Factors without data
 * are left out. Sets *base to B and *bonus to the bonus points actually added.
 */
static double
rating_combine(const struct methodology *m, const struct rating_factor *rf,
    const double *sums, double *base, double *bonus)
{
	double wsum = 0, acc = 0, g = 0, capsum = 0, s, total;
	size_t f;

	for (f = 0; f < m->nfactors; f++) {
		const struct methodology_factor *mf = &m->factors[f];

		if (!rf[f].has_data)
			continue;
		if (mf->kind == METHODOLOGY_FACTOR_PENALTY) {
			s = rating_factor_curve(m, sums[f]);
			wsum += mf->weight;
			acc += mf->weight * s;
		} else
			g += sums[f] < mf->bonus_cap ? sums[f] : mf->bonus_cap;
	}
	for (f = 0; f < m->nfactors; f++)
		if (m->factors[f].kind == METHODOLOGY_FACTOR_BONUS)
			capsum += m->factors[f].bonus_cap;
	*base = wsum > 0 ? acc / wsum : 0;
	total = *base + g;
	if (total > 100.0)
		total = 100.0;
	/* bonus_rule within_grade: the bonus closes part of the distance to just below
	 * the next better grade (at most half of it, with every bonus point there is), so
	 * it never crosses the boundary the findings set, and every fix still moves the
	 * score by at least half its gain to the base. */
	if (m->bonus_within_grade)
		total = *base + 0.5 * (capsum <= 0 ? 0.0 : g < capsum ? g / capsum : 1.0) *
		    (rating_bonus_ceiling(m, *base) - *base);
	*bonus = total - *base;
	return (total);
}


/* Lines of a digest text go through a small buffer to keep hashing calls few. */
struct rating_digest {
	struct sha256 *ctx;
	char text[4096];
	size_t len;
	int failed;
};

static void rating_digest_line(struct rating_digest *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rating_digest_line(struct rating_digest *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->failed)
		return;
	if (d->len > sizeof(d->text) - 512) {
		if (sha256_update(d->ctx, d->text, d->len) != 0)
			d->failed = 1;
		d->len = 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(d->text) - d->len)
		d->failed = 1;
	else
		d->len += (size_t)n;
}

static int
rating_digest_finish(struct rating_digest *d, char out[65])
{
	int rc = -1;

	if (!d->failed && sha256_update(d->ctx, d->text, d->len) == 0 &&
	    sha256_final_hex(d->ctx, out) == 0)
		rc = 0;
	sha256_free(d->ctx);
	return (rc);
}

static const char *const rating_outcome_names[] = {"pass", "fail", "info"};

/*
 * The inputs digest formats two times and three integers per evidence item; printf and
 * strftime would be most of the engine's time, so these do it by hand. Both write
 * exactly what "%lld" and timefmt_format write.
 */
static char *
rating_put_int(char *p, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	return (p);
}

static char *
rating_put_2(char *p, unsigned v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return (p);
}

/* YYYY-MM-DDTHH:MM:SSZ for years 0 to 9999 (days to civil date: H. Hinnant's
 * algorithm); other times go through timefmt_format. */
static char *
rating_put_time(char *p, int64_t t)
{
	int64_t days = (t >= 0 ? t : t - (TIMEFMT_DAY - 1)) / TIMEFMT_DAY, z, era, y;
	unsigned secs = (unsigned)(t - days * TIMEFMT_DAY), doe, yoe, doy, mp, d, m;
	char buf[21];

	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		timefmt_format(t, buf);
		memcpy(p, buf, 20);
		return (p + 20);
	}
	p = rating_put_2(p, (unsigned)(y / 100));
	p = rating_put_2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = rating_put_2(p, m);
	*p++ = '-';
	p = rating_put_2(p, d);
	*p++ = 'T';
	p = rating_put_2(p, secs / 3600);
	*p++ = ':';
	p = rating_put_2(p, secs / 60 % 60);
	*p++ = ':';
	p = rating_put_2(p, secs % 60);
	*p++ = 'Z';
	return (p);
}

static size_t rating_counted_assets(const struct methodology *m,
    const struct rating_input *in);
static int rating_covered(const struct methodology_factor *mf,
    const struct rating_input *in);

/* docs/methodology.md "Inputs digest": the exact text hashed. */
static int
rating_inputs_digest(const struct rating_input *in, const struct rating_item *items,
    size_t n, char out[65])
{
	struct rating_digest d = {.len = 0, .failed = 0};
	const struct methodology *m = in->methodology;
	const struct rating_evidence *ev;
	const char *code, *outcome;
	size_t i, lc, lo;
	char t1[21], *p;
	int v2 = m->inputs_digest >= 2, life;

	if ((d.ctx = sha256_new()) == NULL)
		return (-1);
	/* v2 names no as-of: the row stores it, and the digest then changes only when
	 * the inputs do, not every time a rescoring moves the as-of on. */
	if (v2) {
		/* On basis observed the attributed assets are no input: "assets -". */
		if (m->footprint_observed)
			rating_digest_line(&d, "fairrate-inputs-v2\nmethodology %s\nassets -\n",
			    m->version);
		else
			rating_digest_line(&d, "fairrate-inputs-v2\nmethodology %s\n"
			    "assets %zu\n", m->version, rating_counted_assets(m, in));
		/* Whether each factor with clean_if_covered_by was covered. */
		for (i = 0; i < m->nfactors; i++)
			if (m->factors[i].ncovered_by > 0)
				rating_digest_line(&d, "covered %s %d\n", m->factors[i].code,
				    rating_covered(&m->factors[i], in));
	} else
		rating_digest_line(&d, "fairrate-inputs-v1\nmethodology %s\nas_of %s\n"
		    "assets %zu\n", m->version, timefmt_format(in->as_of, t1),
		    rating_counted_assets(m, in));
	for (i = 0; i < n && !d.failed; i++) {
		ev = items[i].ev;
		/* v2: for a factor with a lifetime, last_seen only decides whether the item
		 * is used, and a later observation keeps it used at this as-of: leave it
		 * out, so that re-observing a fact does not change the digest. */
		life = !v2 || m->factors[items[i].factor].lifetime_days <= 0;
		code = in->methodology->checks[items[i].check].code;
		outcome = rating_outcome_names[ev->outcome];
		lc = strlen(code);
		lo = strlen(outcome);
		/* Two ids of at most 20 characters, the code, the outcome, two times of 20
		 * and six separators. */
		if (d.len + 2 * 20 + lc + lo + 2 * 20 + 6 > sizeof(d.text)) {
			if (sha256_update(d.ctx, d.text, d.len) != 0)
				d.failed = 1;
			d.len = 0;
		}
		p = d.text + d.len;
		p = rating_put_int(p, ev->id);
		*p++ = '\t';
		memcpy(p, code, lc);
		p += lc;
		*p++ = '\t';
		p = rating_put_int(p, ev->asset_id);
		*p++ = '\t';
		memcpy(p, outcome, lo);
		p += lo;
		*p++ = '\t';
		p = rating_put_time(p, ev->first_seen);
		*p++ = '\t';
		if (life)
			p = rating_put_time(p, ev->last_seen);
		else
			*p++ = '-';
		*p++ = '\n';
		d.len = (size_t)(p - d.text);
	}
	return (rating_digest_finish(&d, out));
}

/* A value already rounded to one decimal (0 to 100), as "%.1f" would print it. */
static char *
rating_put_tenths(char *p, double v)
{
	int64_t k = (int64_t)llround(v * 10.0);

	p = rating_put_int(p, k / 10);
	*p++ = '.';
	*p++ = (char)('0' + k % 10);
	return (p);
}

/* docs/methodology.md "Outcome digest". */
static int
rating_outcome_digest(const struct methodology *m, const struct rating *r, char out[65])
{
	struct rating_digest d = {.len = 0, .failed = 0};
	const struct rating_factor *rf;
	size_t f, lc;
	char *p;
	int s;

	if ((d.ctx = sha256_new()) == NULL)
		return (-1);
	rating_digest_line(&d, "fairrate-outcome-v1\nstatus %s\nscore %.1f\ngrade %s\n"
	    "confidence %s\n", r->status == RATING_RATED ? "rated" : "insufficient_data",
	    r->score, r->grade, rating_confidence_name(r->confidence));
	for (f = 0; f < r->nfactors && !d.failed; f++) {
		rf = &r->factors[f];
		lc = strlen(m->factors[f].code);
		/* "factor ", the code, and at most 9 fields of 12 characters. */
		if (d.len + 7 + lc + 9 * 12 > sizeof(d.text)) {
			if (sha256_update(d.ctx, d.text, d.len) != 0)
				d.failed = 1;
			d.len = 0;
		}
		p = d.text + d.len;
		memcpy(p, "factor ", 7);
		p += 7;
		memcpy(p, m->factors[f].code, lc);
		p += lc;
		*p++ = ' ';
		*p++ = rf->has_data ? '1' : '0';
		*p++ = ' ';
		p = rating_put_tenths(p, rating_round1(rf->score));
		for (s = 0; s < METHODOLOGY_NSEV; s++) {
			*p++ = ' ';
			p = rating_put_int(p, rf->findings_by_severity[s]);
		}
		*p++ = ' ';
		*p++ = rf->disputed ? '1' : '0';
		*p++ = '\n';
		d.len = (size_t)(p - d.text);
	}
	return (rating_digest_finish(&d, out));
}

static void
rating_classify(const struct methodology *m, struct rating *r, int factors_with_data)
{
	size_t b;
	int used = (int)r->evidence_used;

	if (used < m->min_evidence || factors_with_data < m->min_factors) {
		r->status = RATING_INSUFFICIENT_DATA;
		r->score = 0;
		r->score_unrounded = 0;
		r->grade[0] = '\0';
		r->confidence = RATING_CONFIDENCE_NONE;
		snprintf(r->insufficient_reason, sizeof(r->insufficient_reason),
		    "%d evidence item%s in %d factor%s with findings or observations; "
		    "a rating needs at least %d items in %d factors", used, used == 1 ? "" : "s",
		    factors_with_data, factors_with_data == 1 ? "" : "s", m->min_evidence,
		    m->min_factors);
		return;
	}
	r->status = RATING_RATED;
	r->score = rating_round1(r->score_unrounded);
	for (b = 0; b < m->nbands; b++)
		if (r->score >= m->bands[b].min_score)
			break;
	snprintf(r->grade, sizeof(r->grade), "%s", m->bands[b < m->nbands ? b :
	    m->nbands - 1].grade);
	if (used >= m->high_evidence && factors_with_data >= m->high_factors)
		r->confidence = RATING_CONFIDENCE_HIGH;
	else if (used >= m->medium_evidence && factors_with_data >= m->medium_factors)
		r->confidence = RATING_CONFIDENCE_MEDIUM;
	else
		r->confidence = RATING_CONFIDENCE_LOW;
}

/* Findings grouped by factor (methodology order), canonical order within a factor. */
static void
rating_collect_findings(const struct methodology *m, struct rating *r,
    const struct rating_item *items, size_t n, const double *divisors)
{
	size_t start[METHODOLOGY_MAX_FACTORS + 1], pos[METHODOLOGY_MAX_FACTORS];
	size_t i, f;
	const struct methodology_factor *mf;
	struct rating_finding *fd;
	int counts;

	memset(start, 0, sizeof(start));
	for (i = 0; i < n; i++) {
		mf = &m->factors[items[i].factor];
		counts = mf->kind == METHODOLOGY_FACTOR_PENALTY ?
		    items[i].ev->outcome == RATING_OUTCOME_FAIL :
		    items[i].ev->outcome == RATING_OUTCOME_PASS;
		if (counts)
			start[items[i].factor + 1]++;
	}
	for (f = 0; f < m->nfactors; f++) {
		start[f + 1] += start[f];
		pos[f] = start[f];
	}
	r->nfindings = start[m->nfactors];
	for (i = 0; i < n; i++) {
		const struct methodology_check *c = &m->checks[items[i].check];

		mf = &m->factors[items[i].factor];
		counts = mf->kind == METHODOLOGY_FACTOR_PENALTY ?
		    items[i].ev->outcome == RATING_OUTCOME_FAIL :
		    items[i].ev->outcome == RATING_OUTCOME_PASS;
		if (!counts)
			continue;
		fd = &r->findings[pos[items[i].factor]++];
		fd->evidence_id = items[i].ev->id;
		fd->check = items[i].check;
		fd->factor = items[i].factor;
		fd->decay = items[i].decay;
		fd->disputed = items[i].ev->disputed;
		if (mf->kind == METHODOLOGY_FACTOR_PENALTY)
			fd->penalty = c->points * items[i].decay / divisors[items[i].factor];
		else
			fd->penalty = c->points * items[i].decay;
		r->factors[items[i].factor].findings_by_severity[c->severity]++;
	}
}

/* Per-factor sums of the findings (in their order), skipping finding number skip. */
static void
rating_sums(const struct rating *r, size_t skip, double *sums)
{
	size_t i;

	memset(sums, 0, sizeof(double) * r->nfactors);
	for (i = 0; i < r->nfindings; i++)
		if (i != skip)
			sums[r->findings[i].factor] += r->findings[i].penalty;
}

/* sources one_per_fact: of items (in canonical order) that report one fact (same
 * check, asset and observation key, from several sources), keep the latest observed
 * (then the lowest id); the others are ignored. Returns the new count. */
static size_t
rating_one_per_fact(struct rating_item *items, size_t n, size_t *ignored)
{
	size_t run, end, j, o, k = 0, start;

	for (run = 0; run < n; run = end) {
		for (end = run; end < n && items[end].check == items[run].check &&
		    items[end].ev->asset_id == items[run].ev->asset_id; end++)
			;
		/* items[run..end): one check on one asset. Decide every item of the run
		 * first (a dropped item gets ev = NULL), then close the gaps. */
		for (j = run; j < end; j++) {
			const struct rating_evidence *x = items[j].ev;

			for (o = run; o < end; o++) {
				const struct rating_evidence *y = items[o].ev;

				if (o == j || y == NULL || y->fact != x->fact)
					continue;
				if (y->last_seen > x->last_seen || (y->last_seen == x->last_seen &&
				    (y->id < x->id || (y->id == x->id && o < j))))
					break;
			}
			if (o < end)
				items[j].ev = NULL;
		}
		start = k;
		for (j = run; j < end; j++)
			if (items[j].ev != NULL)
				items[k++] = items[j];
		*ignored += (end - run) - (k - start);
	}
	return (k);
}

static int
rating_i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return ((a > b) - (a < b));
}

/* Each factor's footprint divisor: 1 unless footprint-normalised; on basis attributed
 * from the company's assets, on basis observed from the distinct assets (company-level
 * facts count as one) of the factor's used items. 0, or -1 out of memory. */
/* Whether asset id is attributed below m's minimum confidence (never under a
 * methodology without one). */
static int
rating_asset_uncounted(const struct methodology *m, const struct rating_input *in,
    int64_t id)
{
	size_t lo = 0, hi = in->nuncertain, mid;

	if (m->min_asset_confidence <= 0 || id == 0)
		return (0);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (in->uncertain[mid].id == id)
			return (in->uncertain[mid].confidence < m->min_asset_confidence);
		if (in->uncertain[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (0);
}

/* The attributed assets that count under m: asset_count less those below its minimum
 * confidence. */
static size_t
rating_counted_assets(const struct methodology *m, const struct rating_input *in)
{
	size_t i, below = 0;

	if (m->min_asset_confidence > 0)
		for (i = 0; i < in->nuncertain; i++)
			below += in->uncertain[i].confidence < m->min_asset_confidence;
	return (in->asset_count > below ? in->asset_count - below : 0);
}

static int
rating_divisors(const struct methodology *m, const struct rating_input *in,
    const struct rating_item *items, size_t n, double *divisors)
{
	int64_t *ids = NULL;
	size_t f, i, k, distinct;

	for (f = 0; f < m->nfactors; f++)
		divisors[f] = 1.0;
	if (!m->footprint_observed) {
		for (f = 0; f < m->nfactors; f++)
			if (m->factors[f].kind == METHODOLOGY_FACTOR_PENALTY &&
			    m->factors[f].footprint_normalised)
				divisors[f] = rating_footprint_divisor(m,
				    rating_counted_assets(m, in));
		return (0);
	}
	if (n > 0 && (ids = malloc(n * sizeof(*ids))) == NULL) {
		log_error("rating: out of memory");
		return (-1);
	}
	for (f = 0; f < m->nfactors; f++) {
		if (m->factors[f].kind != METHODOLOGY_FACTOR_PENALTY ||
		    !m->factors[f].footprint_normalised)
			continue;
		for (i = 0, k = 0; i < n; i++)
			if (items[i].factor == f)
				ids[k++] = items[i].ev->asset_id;
		if (k > 1)
			qsort(ids, k, sizeof(*ids), rating_i64_cmp);
		for (i = 0, distinct = 0; i < k; i++)
			distinct += i == 0 || ids[i] != ids[i - 1];
		divisors[f] = rating_footprint_divisor(m, distinct);
	}
	free(ids);
	return (0);
}

/* Whether factor mf's clean absence applies to the company of in: always without
 * clean_if_covered_by; else when a collector it names (or a prefix ending in ':')
 * covered the company. */
static int
rating_covered(const struct methodology_factor *mf, const struct rating_input *in)
{
	size_t i, k, len;

	if (mf->ncovered_by == 0)
		return (1);
	for (i = 0; i < mf->ncovered_by; i++) {
		len = strlen(mf->covered_by[i]);
		for (k = 0; k < in->ncoverage; k++)
			if (len > 0 && mf->covered_by[i][len - 1] == ':' ?
			    strncmp(in->coverage[k], mf->covered_by[i], len) == 0 :
			    strcmp(in->coverage[k], mf->covered_by[i]) == 0)
				return (1);
	}
	return (0);
}

/* The rating of in; with_inputs 0 leaves inputs_digest empty. */
static struct rating *
rating_compute_with(const struct rating_input *in, int with_inputs)
{
	const struct methodology *m = in->methodology;
	const struct methodology_check *c;
	struct rating_item *items;
	struct rating_factor *rf;
	struct rating *r;
	double sums[METHODOLOGY_MAX_FACTORS], divisors[METHODOLOGY_MAX_FACTORS], base, bonus;
	double wsum = 0, gsum = 0, scale;
	double decay;
	size_t off_factors, off_findings, off_items, total, i, f, n = 0;
	int factors_with_data = 0;

	if (m->nfactors > METHODOLOGY_MAX_FACTORS) {
		log_error("rating: methodology %s has more than %d factors", m->version,
		    METHODOLOGY_MAX_FACTORS);
		return (NULL);
	}
	off_factors = RATING_ALIGN(sizeof(struct rating));
	off_findings = off_factors + RATING_ALIGN(m->nfactors * sizeof(struct rating_factor));
	if (in->nevidence > (SIZE_MAX / 2 - off_findings) /
	    (sizeof(struct rating_finding) + sizeof(struct rating_item) + 16)) {
		log_error("rating: %zu evidence items is too many", in->nevidence);
		return (NULL);
	}
	off_items = off_findings + RATING_ALIGN(in->nevidence * sizeof(struct rating_finding));
	total = off_items + in->nevidence * sizeof(struct rating_item);
	if ((r = calloc(1, total)) == NULL) {
		log_error("rating: out of memory");
		return (NULL);
	}
	r->factors = (struct rating_factor *)(void *)((char *)r + off_factors);
	r->findings = (struct rating_finding *)(void *)((char *)r + off_findings);
	items = (struct rating_item *)(void *)((char *)r + off_items);
	r->nfactors = m->nfactors;
	r->as_of = in->as_of;
	snprintf(r->methodology_version, sizeof(r->methodology_version), "%s", m->version);

	for (i = 0; i < in->nevidence; i++) {
		const struct rating_evidence *ev = &in->evidence[i];

		if ((c = methodology_find_check(m, ev->check_code)) == NULL ||
		    (unsigned)ev->outcome > RATING_OUTCOME_INFO ||
		    !rating_evidence_decay(&m->factors[c->factor], ev, in->as_of, &decay) ||
		    rating_asset_uncounted(m, in, ev->asset_id)) {
			r->evidence_ignored++;
			continue;
		}
		items[n].ev = ev;
		items[n].check = (size_t)(c - m->checks);
		items[n].factor = c->factor;
		items[n].decay = decay;
		n++;
	}
	qsort(items, n, sizeof(*items), rating_item_cmp);
	if (m->one_per_fact)
		n = rating_one_per_fact(items, n, &r->evidence_ignored);
	r->evidence_used = n;

	if (rating_divisors(m, in, items, n, divisors) != 0) {
		free(r);
		return (NULL);
	}
	for (i = 0; i < n; i++) {
		rf = &r->factors[items[i].factor];
		rf->evidence_count++;
		if (items[i].ev->disputed)
			rf->disputed = 1;
	}
	rating_collect_findings(m, r, items, n, divisors);
	rating_sums(r, (size_t)-1, sums);

	for (f = 0; f < m->nfactors; f++) {
		const struct methodology_factor *mf = &m->factors[f];

		rf = &r->factors[f];
		rf->factor = f;
		rf->divisor = divisors[f];
		if (mf->kind == METHODOLOGY_FACTOR_PENALTY) {
			rf->has_data = rf->evidence_count > 0 || (mf->absence_is_clean &&
			    rating_covered(mf, in));
			rf->score = !rf->has_data ? 0.0 : rating_factor_curve(m, sums[f]);
			if (rf->evidence_count > 0)
				factors_with_data++;
			if (rf->has_data)
				wsum += mf->weight;
		} else {
			rf->has_data = rf->evidence_count > 0;
			rf->score = sums[f] < mf->bonus_cap ? sums[f] : mf->bonus_cap;
		}
		if (rf->disputed)
			r->disputed = 1;
	}
	r->score_unrounded = rating_combine(m, r->factors, sums, &base, &bonus);

	/* Shares, contributions and each finding's cost (an allocation of 100 - score).
	 * Bonus points cut by the ceiling of 100 scale down the bonus contributions. */
	for (f = 0; f < m->nfactors; f++)
		if (m->factors[f].kind == METHODOLOGY_FACTOR_BONUS && r->factors[f].has_data)
			gsum += r->factors[f].score;
	scale = gsum > bonus && gsum > 0 ? bonus / gsum : 1.0;
	for (f = 0; f < m->nfactors; f++) {
		const struct methodology_factor *mf = &m->factors[f];

		rf = &r->factors[f];
		if (!rf->has_data)
			continue;
		if (mf->kind == METHODOLOGY_FACTOR_PENALTY) {
			rf->weight_share = mf->weight / wsum;
			rf->contribution = rf->weight_share * rf->score;
		} else
			rf->contribution = rf->score * scale;
	}
	for (i = 0; i < r->nfindings; i++) {
		struct rating_finding *fd = &r->findings[i];
		const struct methodology_factor *mf = &m->factors[fd->factor];

		rf = &r->factors[fd->factor];
		if (mf->kind == METHODOLOGY_FACTOR_PENALTY) {
			fd->cost = fd->penalty * rf->weight_share;
			/* What the factor really lost, shared in proportion to the points. */
			if (m->curve_exponential)
				fd->cost *= (100.0 - rf->score) / sums[fd->factor];
			else if (sums[fd->factor] > 100.0)
				fd->cost *= 100.0 / sums[fd->factor];
		} else {
			fd->cost = -fd->penalty * scale;
			if (sums[fd->factor] > mf->bonus_cap)
				fd->cost *= mf->bonus_cap / sums[fd->factor];
		}
	}

	rating_classify(m, r, factors_with_data);
	if ((with_inputs && rating_inputs_digest(in, items, n, r->inputs_digest) != 0) ||
	    rating_outcome_digest(m, r, r->outcome_digest) != 0) {
		log_error("rating: cannot compute a digest");
		free(r);
		return (NULL);
	}
	return (r);
}

struct rating *
rating_compute(const struct rating_input *in)
{
	return (rating_compute_with(in, 1));
}

struct rating *
rating_compute_outcome(const struct rating_input *in)
{
	return (rating_compute_with(in, 0));
}

void
rating_free(struct rating *r)
{
	free(r);
}

static int
rating_remediation_cmp(const void *pa, const void *pb)
{
	const struct rating_remediation *a = pa, *b = pb;

	if (a->gain != b->gain)
		return (a->gain > b->gain ? -1 : 1);
	if (a->check != b->check)
		return (a->check < b->check ? -1 : 1);
	return ((a->evidence_id > b->evidence_id) - (a->evidence_id < b->evidence_id));
}

int
rating_remediation_plan(const struct rating_input *in, const struct rating *r,
    struct rating_remediation **out, size_t *n)
{
	const struct methodology *m = in->methodology;
	struct rating_remediation *plan;
	double sums[METHODOLOGY_MAX_FACTORS], base, bonus, without;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (r->status != RATING_RATED || r->nfindings == 0)
		return (0);
	if ((plan = malloc(r->nfindings * sizeof(*plan))) == NULL) {
		log_error("rating: out of memory");
		return (-1);
	}
	for (i = 0; i < r->nfindings; i++) {
		if (m->factors[r->findings[i].factor].kind != METHODOLOGY_FACTOR_PENALTY)
			continue;
		rating_sums(r, i, sums);
		without = rating_combine(m, r->factors, sums, &base, &bonus);
		plan[k].evidence_id = r->findings[i].evidence_id;
		plan[k].check = r->findings[i].check;
		plan[k].gain = without - r->score_unrounded;
		k++;
	}
	if (k == 0) {
		free(plan);
		return (0);
	}
	qsort(plan, k, sizeof(*plan), rating_remediation_cmp);
	*out = plan;
	*n = k;
	return (0);
}

const char *
rating_confidence_name(enum rating_confidence c)
{
	switch (c) {
	case RATING_CONFIDENCE_LOW:
		return ("low");
	case RATING_CONFIDENCE_MEDIUM:
		return ("medium");
	case RATING_CONFIDENCE_HIGH:
		return ("high");
	case RATING_CONFIDENCE_NONE:
		break;
	}
	return ("none");
}

int
rating_outcome_parse(const char *s, enum rating_outcome *out)
{
	int i;

	for (i = 0; i <= RATING_OUTCOME_INFO; i++)
		if (strcmp(s, rating_outcome_names[i]) == 0) {
			*out = (enum rating_outcome)i;
			return (0);
		}
	return (-1);
}
