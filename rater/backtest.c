#include "rater/backtest.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/backtest_stats.h"
#include "rater/backtest_store.h"
#include "rater/governance_store.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"

/* What the dates add up to. */
struct backtest_acc {
	const struct methodology *m;
	struct backtest_obs *obs;
	size_t nobs, obscap;
	struct backtest_grade grades[METHODOLOGY_MAX_BANDS];
	int64_t insufficient;
	json_t *by_date;
	/* One company's evidence, reused. */
	struct rating_evidence *ev;
	size_t nev, evcap;
};

static int
backtest_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 256;
	void *q;

	if (need <= *cap)
		return (0);
	while (ncap < need)
		ncap *= 2;
	if ((q = realloc(*p, ncap * size)) == NULL) {
		log_error("validate: out of memory");
		return (-1);
	}
	*p = q;
	*cap = ncap;
	return (0);
}

static int
backtest_band(const struct methodology *m, const char *grade)
{
	size_t i;

	for (i = 0; i < m->nbands; i++)
		if (strcmp(m->bands[i].grade, grade) == 0)
			return ((int)i);
	return (-1);
}

/* Rate one company with its gathered evidence at `at` and count it. */
static int
backtest_rate(struct backtest_acc *a, const struct backtest_store_company *c, int64_t at,
    int64_t *rated, int64_t *incidents)
{
	struct rating_input in;
	struct rating *r;
	const char *covered[RATING_STORE_MAX_COVERAGE];
	int band, rc = -1;

	memset(&in, 0, sizeof(in));
	rating_store_coverage_at(&c->coverage, at, covered, &in);
	in.methodology = a->m;
	in.evidence = a->ev;
	in.nevidence = a->nev;
	in.asset_count = c->asset_count;
	in.uncertain = c->uncertain.items;
	in.nuncertain = c->uncertain.n;
	in.as_of = at;
	if ((r = rating_compute_outcome(&in)) == NULL) {
		log_error("validate: out of memory rating company %" PRId64, c->id);
		return (-1);
	}
	if (r->status != RATING_RATED) {
		a->insufficient++;
		rc = 0;
		goto done;
	}
	if ((band = backtest_band(a->m, r->grade)) < 0 ||
	    backtest_grow((void **)&a->obs, &a->obscap, a->nobs + 1, sizeof(*a->obs)) != 0)
		goto done;
	a->obs[a->nobs].score = r->score;
	a->obs[a->nobs].incident = c->incident;
	a->nobs++;
	a->grades[band].companies++;
	a->grades[band].incidents += c->incident ? 1 : 0;
	(*rated)++;
	*incidents += c->incident ? 1 : 0;
	rc = 0;
done:
	rating_free(r);
	return (rc);
}

/* Rate every company as of at. */
static int
backtest_date(struct backtest_acc *a, PGconn *conn, int64_t at, int window)
{
	struct backtest_store_company *cs = NULL;
	struct rating_evidence ev;
	int64_t cid = 0, rated = 0, incidents = 0, before = a->insufficient;
	size_t n = 0, i;
	int have = 0, done = 0, rc = -1, k;
	char iso[21];

	if (backtest_store_companies(conn, at, window, &cs, &n) != 0)
		return (-1);
	if (backtest_store_evidence_start(conn, at) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		a->nev = 0;
		for (;;) {
			if (!have && !done) {
				if ((k = backtest_store_evidence_next(conn, &cid, &ev)) < 0)
					goto fail;
				if (k == 0)
					done = 1;
				else
					have = 1;
			}
			if (!have || cid > cs[i].id)
				break;
			if (cid == cs[i].id) {
				if (backtest_grow((void **)&a->ev, &a->evcap, a->nev + 1,
				    sizeof(*a->ev)) != 0)
					goto fail;
				a->ev[a->nev++] = ev;
			}
			have = 0;
		}
		if (backtest_rate(a, &cs[i], at, &rated, &incidents) != 0)
			goto fail;
	}
	/* Evidence of companies created after the list was read is left unread. */
	while (!done) {
		if ((k = backtest_store_evidence_next(conn, &cid, &ev)) < 0)
			goto fail;
		done = k == 0;
	}
	if (json_array_append_new(a->by_date, json_pack("{s:s, s:I, s:I, s:I, s:I}",
	    "as_of", timefmt_format(at, iso), "companies", (json_int_t)n,
	    "rated", (json_int_t)rated, "insufficient_data",
	    (json_int_t)(a->insufficient - before), "incidents",
	    (json_int_t)incidents)) != 0)
		goto out;
	rc = 0;
	goto out;
fail:
	if (!done)
		backtest_store_evidence_abort(conn);
out:
	backtest_store_companies_free(cs, n);
	return (rc);
}

static json_t *
backtest_pair(int defined, double lo, double hi)
{
	return (defined ? json_pack("[f, f]", lo, hi) : json_null());
}

static json_t *
backtest_figures(struct backtest_acc *a, const struct backtest_options *opt, int window,
    json_t *dates)
{
	struct backtest_auc auc;
	json_t *by_grade, *o;
	int64_t incidents = 0;
	size_t i;

	backtest_stats_grades(a->grades, a->m->nbands);
	if ((by_grade = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < a->m->nbands; i++) {
		incidents += a->grades[i].incidents;
		if (json_array_append_new(by_grade, json_pack("{s:s, s:I, s:I, s:f, s:o, s:o}",
		    "grade", a->m->bands[i].grade,
		    "companies", (json_int_t)a->grades[i].companies,
		    "incidents", (json_int_t)a->grades[i].incidents,
		    "rate", a->grades[i].rate,
		    "relative_risk", a->grades[i].rr_defined ?
		    json_real(a->grades[i].relative_risk) : json_null(),
		    "relative_risk_ci", backtest_pair(a->grades[i].rr_ci_defined,
		    a->grades[i].rr_low, a->grades[i].rr_high))) != 0) {
			json_decref(by_grade);
			return (NULL);
		}
	}
	if (backtest_stats_auc(a->obs, a->nobs, &auc) != 0) {
		json_decref(by_grade);
		return (NULL);
	}
	o = json_pack("{s:s, s:i, s:O, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:s, s:O}",
	    "version", opt->version, "window_days", window, "as_of_dates", dates,
	    "observations", (json_int_t)a->nobs,
	    "insufficient_data", (json_int_t)a->insufficient,
	    "incidents", (json_int_t)incidents, "by_grade", by_grade,
	    "roc_auc", auc.defined ? json_real(auc.auc) : json_null(),
	    "roc_auc_se", auc.defined ? json_real(auc.se) : json_null(),
	    "roc_auc_ci", backtest_pair(auc.defined, auc.ci_low, auc.ci_high),
	    "method", "Each company rated as of each date from the evidence first seen by "
	    "then; an observation is a rated company at a date, positive when it had an "
	    "incident in the window after. AUC: Mann-Whitney U with mid-ranks (a lower score "
	    "predicting an incident), 95% interval by Hanley and McNeil; relative risk: "
	    "incident rate over the best grade's, 95% interval by Katz (log).",
	    "by_date", a->by_date);
	return (o);
}

/* The default dates: ndates every step days back from now - window. */
static void
backtest_default_dates(struct backtest_options *o, int window)
{
	size_t i;

	o->ndates = BACKTEST_DEFAULT_DATES;
	for (i = 0; i < o->ndates; i++)
		o->dates[i] = o->now - (int64_t)window * TIMEFMT_DAY -
		    (int64_t)(o->ndates - 1 - i) * BACKTEST_DEFAULT_STEP * TIMEFMT_DAY;
}

int
backtest_run(const char *url, const struct backtest_options *in, json_t **figures)
{
	struct backtest_options opt = *in;
	struct methodology *m = NULL;
	struct backtest_acc a;
	json_t *dates = NULL;
	PGconn *conn = NULL;
	int64_t first, last;
	int window, rc = -1;
	size_t i;
	char iso[21];

	*figures = NULL;
	memset(&a, 0, sizeof(a));
	window = opt.window_days > 0 ? opt.window_days : BACKTEST_DEFAULT_WINDOW;
	if (opt.ndates == 0)
		backtest_default_dates(&opt, window);
	first = last = opt.dates[0];
	for (i = 0; i < opt.ndates; i++) {
		if (opt.dates[i] + (int64_t)window * TIMEFMT_DAY > opt.now) {
			log_error("validate: the %d-day window after %s ends after now", window,
			    timefmt_format(opt.dates[i], iso));
			return (-1);
		}
		first = opt.dates[i] < first ? opt.dates[i] : first;
		last = opt.dates[i] > last ? opt.dates[i] : last;
	}
	if ((conn = db_connect(url)) == NULL || (m = methodology_store_load(conn,
	    opt.version)) == NULL)
		goto done;
	a.m = m;
	if ((a.by_date = json_array()) == NULL || (dates = json_array()) == NULL)
		goto done;
	for (i = 0; i < opt.ndates; i++) {
		if (json_array_append_new(dates, json_string(timefmt_format(opt.dates[i],
		    iso))) != 0 || backtest_date(&a, conn, opt.dates[i], window) != 0)
			goto done;
	}
	if ((*figures = backtest_figures(&a, &opt, window, dates)) == NULL) {
		log_error("validate: out of memory");
		goto done;
	}
	if (opt.store && governance_store_validation_save(conn, opt.version, *figures,
	    first, last + (int64_t)window * TIMEFMT_DAY) != 0) {
		json_decref(*figures);
		*figures = NULL;
		goto done;
	}
	rc = 0;
done:
	json_decref(dates);
	json_decref(a.by_date);
	free(a.obs);
	free(a.ev);
	methodology_free(m);
	if (conn != NULL)
		PQfinish(conn);
	return (rc);
}
