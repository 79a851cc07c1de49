#include "rater/plan.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "rater/rating_json.h"

/* A score change smaller than this is no change (scores are sums of doubles). */
#define PLAN_EPS 1e-9

int
plan_target_parse(const struct methodology *m, const char *s, double *score,
    char grade[4], char *err, size_t errlen)
{
	char *end;
	double v;
	size_t i;

	grade[0] = '\0';
	for (i = 0; i < m->nbands; i++)
		if (strlen(s) == strlen(m->bands[i].grade) &&
		    strncasecmp(s, m->bands[i].grade, strlen(s)) == 0) {
			*score = m->bands[i].min_score;
			snprintf(grade, 4, "%s", m->bands[i].grade);
			return (0);
		}
	if (s[0] != '\0' && (isdigit((unsigned char)s[0]) || s[0] == '.')) {
		v = strtod(s, &end);
		if (*end == '\0' && isfinite(v) && v > 0 && v <= 100) {
			*score = v;
			return (0);
		}
	}
	snprintf(err, errlen, "target must be a grade of methodology %s (", m->version);
	for (i = 0; i < m->nbands; i++)
		snprintf(err + strlen(err), errlen - strlen(err), "%s%s", i ? ", " : "",
		    m->bands[i].grade);
	snprintf(err + strlen(err), errlen - strlen(err),
	    ") or a score above 0 and at most 100");
	return (-1);
}

struct plan_work {
	struct rating_input in;        /* in.evidence points at ev */
	struct rating_evidence *ev;    /* a copy the plan turns failures into passes in */
	struct plan *p;
	size_t fixcap, stepcap;
};

static int
plan_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	void *n;
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return (0);
	while (c < need)
		c *= 2;
	if ((n = realloc(*arr, c * size)) == NULL)
		return (-1);
	*arr = n;
	*cap = c;
	return (0);
}

static size_t
plan_find(const struct plan_work *w, int64_t evidence_id)
{
	size_t i;

	for (i = 0; i < w->in.nevidence; i++)
		if (w->ev[i].id == evidence_id)
			return (i);
	return (SIZE_MAX);
}

static size_t
plan_check_index(const struct methodology *m, const char *code)
{
	size_t lo = 0, hi = m->nchecks, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(m->checks[mid].code, code)) == 0)
			return (mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (SIZE_MAX);
}

/* Fix the finding ev[idx]: it and every other failing item of the same fact (same
 * check, asset and observation key: another source of one fact) become passes. Each
 * item fixed is appended to p->fixes (when record) and its index to undo (when not
 * NULL, up to undo_cap). Returns the number of items fixed, or -1 when memory is
 * short. */
static long
plan_fix_fact(struct plan_work *w, size_t idx, int record, size_t *undo, size_t undo_cap,
    size_t *nundo)
{
	const struct rating_evidence x = w->ev[idx];
	const struct methodology *m = w->in.methodology;
	long k = 0;
	size_t i;

	for (i = 0; i < w->in.nevidence; i++) {
		struct rating_evidence *y = &w->ev[i];

		if (i != idx && (y->outcome != RATING_OUTCOME_FAIL || x.fact == 0 ||
		    y->fact != x.fact || y->asset_id != x.asset_id ||
		    strcmp(y->check_code, x.check_code) != 0))
			continue;
		if (record) {
			struct plan_fix *f;

			if (plan_grow((void **)&w->p->fixes, &w->fixcap, w->p->nfixes + 1,
			    sizeof(*w->p->fixes)) != 0)
				return (-1);
			f = &w->p->fixes[w->p->nfixes++];
			f->evidence_id = y->id;
			f->check = plan_check_index(m, y->check_code);
			f->asset_id = y->asset_id;
			f->same_fact_as = i == idx ? 0 : x.id;
		}
		if (undo != NULL && *nundo < undo_cap)
			undo[(*nundo)++] = i;
		y->outcome = RATING_OUTCOME_PASS;
		k++;
	}
	return (k);
}

static int
plan_add_step(struct plan_work *w, size_t first_fix, size_t factor, int together,
    const struct rating *before, const struct rating *after)
{
	struct plan_step *s;

	if (plan_grow((void **)&w->p->steps, &w->stepcap, w->p->nsteps + 1,
	    sizeof(*w->p->steps)) != 0)
		return (-1);
	s = &w->p->steps[w->p->nsteps++];
	s->first_fix = first_fix;
	s->nfixes = w->p->nfixes - first_fix;
	s->factor = factor;
	s->together = together;
	s->gain = after->score_unrounded - before->score_unrounded;
	s->score_after = after->score_unrounded;
	s->score_after_rounded = after->score;
	snprintf(s->grade_after, sizeof(s->grade_after), "%s", after->grade);
	return (0);
}

/* Penalty findings of factor f in r, largest penalty first (ties: check code, then
 * evidence id, as the remediation list orders them). */
struct plan_cand {
	int64_t evidence_id;
	double penalty;
	const char *code;
};

static int
plan_cand_cmp(const void *pa, const void *pb)
{
	const struct plan_cand *a = pa, *b = pb;
	int c;

	if (a->penalty != b->penalty)
		return (a->penalty > b->penalty ? -1 : 1);
	if ((c = strcmp(a->code, b->code)) != 0)
		return (c);
	return ((a->evidence_id > b->evidence_id) - (a->evidence_id < b->evidence_id));
}

/* For factor f: the fewest of its findings (largest penalty first) that raise the
 * score only together. Sets *k (0: fixing all of them does not raise it) and *gain.
 * The evidence is left as it was. Returns 0, or -1 when memory is short. */
static int
plan_try_group(struct plan_work *w, const struct rating *r, size_t f, size_t *k,
    double *gain)
{
	const struct methodology *m = w->in.methodology;
	struct plan_cand *c = NULL;
	size_t *undo = NULL, nundo = 0, nc = 0, i;
	struct rating *t;
	int rc = -1;

	*k = 0;
	*gain = 0;
	if ((c = malloc(r->nfindings * sizeof(*c))) == NULL ||
	    (undo = malloc(w->in.nevidence * sizeof(*undo))) == NULL)
		goto out;
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].factor == f) {
			c[nc].evidence_id = r->findings[i].evidence_id;
			c[nc].penalty = r->findings[i].penalty;
			c[nc].code = m->checks[r->findings[i].check].code;
			nc++;
		}
	qsort(c, nc, sizeof(*c), plan_cand_cmp);
	for (i = 0; i < nc; i++) {
		size_t idx = plan_find(w, c[i].evidence_id);

		if (idx == SIZE_MAX || w->ev[idx].outcome != RATING_OUTCOME_FAIL)
			continue;
		if (plan_fix_fact(w, idx, 0, undo, w->in.nevidence, &nundo) < 0 ||
		    (t = rating_compute_outcome(&w->in)) == NULL)
			goto out;
		*gain = t->score_unrounded - r->score_unrounded;
		rating_free(t);
		if (*gain > PLAN_EPS) {
			*k = i + 1;
			break;
		}
	}
	rc = 0;
out:
	for (i = 0; i < nundo; i++)
		w->ev[undo[i]].outcome = RATING_OUTCOME_FAIL;
	free(undo);
	free(c);
	return (rc);
}

/* A group step: of the PENALTY factors in consider (all when NULL), the group with
 * the largest gain per fix (ties: fewer fixes, then the factor's order), taken only
 * when that beats better_than per fix. Applies it and sets *after. Returns 1 when a
 * group was taken, 0 when none was, -1 when memory is short. */
static int
plan_group_step(struct plan_work *w, const struct rating *r, const int *consider,
    double better_than, struct rating **after)
{
	const struct methodology *m = w->in.methodology;
	size_t f, k, best_k = 0, best_f = 0, first, i, done, nc = 0;
	double gain, best = better_than;
	struct plan_cand *c;

	for (f = 0; f < m->nfactors; f++) {
		if (m->factors[f].kind != METHODOLOGY_FACTOR_PENALTY ||
		    (consider != NULL && !consider[f]))
			continue;
		if (plan_try_group(w, r, f, &k, &gain) != 0)
			return (-1);
		if (k > 0 && (gain / (double)k > best + PLAN_EPS ||
		    (best_k > 0 && fabs(gain / (double)k - best) <= PLAN_EPS && k < best_k))) {
			best_k = k;
			best_f = f;
			best = gain / (double)k;
		}
	}
	if (best_k == 0)
		return (0);
	if ((c = malloc(r->nfindings * sizeof(*c))) == NULL)
		return (-1);
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].factor == best_f) {
			c[nc].evidence_id = r->findings[i].evidence_id;
			c[nc].penalty = r->findings[i].penalty;
			c[nc].code = m->checks[r->findings[i].check].code;
			nc++;
		}
	qsort(c, nc, sizeof(*c), plan_cand_cmp);
	first = w->p->nfixes;
	for (i = 0, done = 0; i < nc && done < best_k; i++) {
		size_t idx = plan_find(w, c[i].evidence_id);

		if (idx == SIZE_MAX || w->ev[idx].outcome != RATING_OUTCOME_FAIL)
			continue;
		if (plan_fix_fact(w, idx, 1, NULL, 0, NULL) < 0) {
			free(c);
			return (-1);
		}
		done++;
	}
	free(c);
	if ((*after = rating_compute_outcome(&w->in)) == NULL ||
	    plan_add_step(w, first, best_f, 1, r, *after) != 0)
		return (-1);
	return (1);
}

/* A single step: the fix rem (the largest exact gain). Returns 1 when taken, 0 when it
 * does not raise the score after all (the evidence is then as it was), -1 on
 * memory. */
static int
plan_single_step(struct plan_work *w, const struct rating *r,
    const struct rating_remediation *rem, struct rating **after)
{
	size_t idx, first = w->p->nfixes, nundo = 0, i;
	size_t *undo = NULL;
	struct rating *t = NULL;
	int rc = -1;

	if ((idx = plan_find(w, rem->evidence_id)) == SIZE_MAX)
		return (0);
	if ((undo = malloc(w->in.nevidence * sizeof(*undo))) == NULL ||
	    plan_fix_fact(w, idx, 1, undo, w->in.nevidence, &nundo) < 0 ||
	    (t = rating_compute_outcome(&w->in)) == NULL)
		goto out;
	if (t->score_unrounded - r->score_unrounded <= PLAN_EPS) {
		/* Not a gain after all: leave it to the group search. */
		for (i = 0; i < nundo; i++)
			w->ev[undo[i]].outcome = RATING_OUTCOME_FAIL;
		w->p->nfixes = first;
		rc = 0;
		goto out;
	}
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].evidence_id == rem->evidence_id)
			break;
	if (plan_add_step(w, first, i < r->nfindings ? r->findings[i].factor : 0, 0, r,
	    t) != 0)
		goto out;
	*after = t;
	t = NULL;
	rc = 1;
out:
	rating_free(t);
	free(undo);
	return (rc);
}

/* One step from r: the best single fix, unless a factor where no single fix helps (at
 * its floor) has a group that gains more per fix; when the single fix does not help
 * after all, a group of any factor. Returns 1 when a step was taken, 0 when nothing
 * raises the score, -1 when memory is short. */
static int
plan_step(struct plan_work *w, const struct rating *r, struct rating **after)
{
	const struct methodology *m = w->in.methodology;
	struct rating_remediation *rem = NULL;
	int floored[METHODOLOGY_MAX_FACTORS] = {0}, any = 0, took;
	double single = 0;
	size_t nrem = 0, i;

	if (rating_remediation_plan(&w->in, r, &rem, &nrem) != 0)
		return (-1);
	for (i = 0; i < r->nfindings; i++)
		if (m->factors[r->findings[i].factor].kind == METHODOLOGY_FACTOR_PENALTY)
			floored[r->findings[i].factor] = 1;
	for (i = 0; i < nrem; i++)
		if (rem[i].gain > PLAN_EPS)
			floored[m->checks[rem[i].check].factor] = 0;
	for (i = 0; i < m->nfactors; i++)
		any |= floored[i];
	if (nrem > 0 && rem[0].gain > PLAN_EPS)
		single = rem[0].gain;
	took = any ? plan_group_step(w, r, floored, single, after) : 0;
	if (took == 0 && single > 0)
		took = plan_single_step(w, r, &rem[0], after);
	if (took == 0)
		took = plan_group_step(w, r, NULL, 0, after);
	free(rem);
	return (took);
}

int
plan_compute(const struct rating_input *in, double target_score,
    const char *target_grade, struct plan *out)
{
	struct plan_work w;
	struct rating *r = NULL, *next = NULL;
	int rc = -1, took;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	out->target_score = target_score;
	snprintf(out->target_grade, sizeof(out->target_grade), "%s",
	    target_grade != NULL ? target_grade : "");
	w.p = out;
	w.in = *in;
	if (in->nevidence > 0) {
		if ((w.ev = malloc(in->nevidence * sizeof(*w.ev))) == NULL)
			goto out;
		memcpy(w.ev, in->evidence, in->nevidence * sizeof(*w.ev));
	}
	w.in.evidence = w.ev;
	if ((r = rating_compute_outcome(&w.in)) == NULL)
		goto out;
	if (r->status != RATING_RATED) {
		out->status = PLAN_INSUFFICIENT_DATA;
		rc = 0;
		goto out;
	}
	out->start_score = r->score;
	snprintf(out->start_grade, sizeof(out->start_grade), "%s", r->grade);
	while (r->score < target_score - PLAN_EPS && out->nsteps < PLAN_MAX_STEPS) {
		if ((took = plan_step(&w, r, &next)) < 0)
			goto out;
		if (took == 0)
			break;
		rating_free(r);
		r = next;
		next = NULL;
	}
	out->status = r->score >= target_score - PLAN_EPS ? PLAN_REACHED : PLAN_UNREACHABLE;
	out->end_score = r->score;
	snprintf(out->end_grade, sizeof(out->end_grade), "%s", r->grade);
	rc = 0;
out:
	if (rc != 0) {
		log_error("plan: out of memory");
		plan_free(out);
	}
	rating_free(r);
	rating_free(next);
	free(w.ev);
	return (rc);
}

void
plan_free(struct plan *p)
{
	free(p->steps);
	free(p->fixes);
	p->steps = NULL;
	p->fixes = NULL;
	p->nsteps = p->nfixes = 0;
}

const char *
plan_status_name(enum plan_status s)
{
	switch (s) {
	case PLAN_UNREACHABLE:
		return ("unreachable");
	case PLAN_INSUFFICIENT_DATA:
		return ("insufficient_data");
	case PLAN_REACHED:
		break;
	}
	return ("reached");
}

static const char *
plan_explain(const struct plan_step *s)
{
	static const char together[] = "These findings raise the score only together: "
	    "fixing any one of them alone leaves the factor where it is (each shows +0.00 "
	    "in the remediation list).";

	return (s->together ? together : "The fix with the largest exact gain at this "
	    "point of the plan.");
}

json_t *
plan_json(const struct plan *p, const struct methodology *m)
{
	json_t *o, *steps, *fixes, *st, *fx;
	size_t i, j;
	int bad = 0;

	o = json_pack("{s:s, s:{s:f, s:o}, s:{s:o, s:o}, s:{s:o, s:o}, s:s}",
	    "status", plan_status_name(p->status),
	    "target", "score", rating_json_round(p->target_score, 10), "grade",
	    p->target_grade[0] ? json_string(p->target_grade) : json_null(),
	    "start", "score", p->status == PLAN_INSUFFICIENT_DATA ? json_null() :
	    json_real(p->start_score), "grade", p->status == PLAN_INSUFFICIENT_DATA ?
	    json_null() : json_string(p->start_grade),
	    "end", "score", p->status == PLAN_INSUFFICIENT_DATA ? json_null() :
	    json_real(p->end_score), "grade", p->status == PLAN_INSUFFICIENT_DATA ?
	    json_null() : json_string(p->end_grade),
	    "rule", "Each step takes the fix with the largest exact gain, rescored by the "
	    "engine after every step; when no single fix raises the score, the fewest "
	    "findings of one factor that raise it together (largest penalty first). A fix "
	    "turns every source's failing item of one fact into a pass.");
	if (o == NULL || (steps = json_array()) == NULL ||
	    json_object_set_new(o, "steps", steps) != 0) {
		json_decref(o);
		return (NULL);
	}
	for (i = 0; i < p->nsteps && !bad; i++) {
		const struct plan_step *s = &p->steps[i];

		if ((fixes = json_array()) == NULL) {
			bad = 1;
			break;
		}
		for (j = s->first_fix; j < s->first_fix + s->nfixes && !bad; j++) {
			const struct plan_fix *f = &p->fixes[j];
			const struct methodology_check *c = f->check < m->nchecks ?
			    &m->checks[f->check] : NULL;

			fx = json_pack("{s:I, s:s, s:s, s:o, s:o}", "evidence_id",
			    (json_int_t)f->evidence_id, "check", c ? c->code : "",
			    "title", c ? c->title : "", "asset_id", f->asset_id ?
			    json_integer((json_int_t)f->asset_id) : json_null(), "same_fact_as",
			    f->same_fact_as ? json_integer((json_int_t)f->same_fact_as) :
			    json_null());
			bad |= fx == NULL || json_array_append_new(fixes, fx) != 0;
		}
		st = json_pack("{s:I, s:s, s:b, s:f, s:f, s:s, s:o, s:s}", "step",
		    (json_int_t)(i + 1), "factor", m->factors[s->factor].code, "together",
		    s->together, "gain", rating_json_round(s->gain, 1e2), "score_after",
		    s->score_after_rounded, "grade_after", s->grade_after, "fixes", fixes,
		    "explanation", plan_explain(s));
		bad |= st == NULL || json_array_append_new(steps, st) != 0;
	}
	if (bad) {
		log_error("plan: out of memory");
		json_decref(o);
		return (NULL);
	}
	return (o);
}
