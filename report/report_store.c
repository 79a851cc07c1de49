#include "report/report_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"
#include "rater/plan.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"

static int
report_load_slug(PGconn *conn, const char *sid, struct report *r)
{
	const char *params[1] = {sid};
	PGresult *res;

	if ((res = db_query(conn, "SELECT slug FROM companies WHERE id = $1", 1,
	    params)) == NULL)
		return (-1);
	if (PQntuples(res) == 1)
		snprintf(r->slug, sizeof(r->slug), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

/* The company's ratings of the twelve months up to as_of, oldest first. */
static int
report_load_trend(PGconn *conn, const char *sid, int64_t as_of, struct report *r)
{
	char from[24];
	const char *params[2] = {sid, from};
	PGresult *res;
	int i, n;

	snprintf(from, sizeof(from), "%lld",
	    (long long)(as_of - (int64_t)REPORT_MONTHS * 31 * TIMEFMT_DAY));
	if ((res = db_query(conn, "SELECT extract(epoch FROM as_of)::bigint, status, score,"
	    " methodology_version FROM ratings WHERE company_id = $1"
	    " AND as_of >= to_timestamp($2) ORDER BY as_of, id", 2, params)) == NULL)
		return (-1);
	n = PQntuples(res);
	/* At most REPORT_MAX_POINTS: the latest ones. */
	i = n > REPORT_MAX_POINTS ? n - REPORT_MAX_POINTS : 0;
	if (n > 0 && (r->points = calloc((size_t)(n - i), sizeof(*r->points))) == NULL) {
		PQclear(res);
		return (-1);
	}
	for (; i < n; i++) {
		struct report_point *p = &r->points[r->npoints++];

		p->at = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		p->rated = strcmp(PQgetvalue(res, i, 1), "rated") == 0;
		p->score = p->rated ? strtod(PQgetvalue(res, i, 2), NULL) : 0;
		snprintf(p->version, sizeof(p->version), "%s", PQgetvalue(res, i, 3));
	}
	PQclear(res);
	return (0);
}

/* 100 * (below + equal / 2) / n to one decimal (as /v1/companies/{slug}/peers). */
static void
report_standing(struct report_standing *s, const char *n, const char *below,
    const char *equal, int has_score)
{
	double dn = strtod(n, NULL), p;

	s->rated = strtol(n, NULL, 10);
	s->percentile = -1;
	if (!has_score || dn <= 0)
		return;
	p = 100.0 * (strtod(below, NULL) + strtod(equal, NULL) / 2.0) / dn;
	s->percentile = (double)(long long)(p * 10.0 + 0.5) / 10.0;
}

/* Its place among the public rated companies of its sector, and of its size band. */
static int
report_load_standing(PGconn *conn, const char *sid, struct report *r)
{
	const char *params[1] = {sid};
	PGresult *res;

	if ((res = db_query(conn, "WITH me AS (SELECT c.sector, c.size_band, r.score"
	    " FROM companies c LEFT JOIN LATERAL (SELECT score FROM ratings"
	    " WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true WHERE c.id = $1),"
	    " peers AS (SELECT c.size_band, r.score FROM me, companies c JOIN LATERAL"
	    " (SELECT status, score FROM ratings WHERE company_id = c.id ORDER BY id DESC"
	    " LIMIT 1) r ON true WHERE c.sector = me.sector AND c.visibility = 'public'"
	    " AND r.status = 'rated')"
	    " SELECT count(*), count(*) FILTER (WHERE p.score < me.score),"
	    " count(*) FILTER (WHERE p.score = me.score),"
	    " count(*) FILTER (WHERE p.size_band = me.size_band),"
	    " count(*) FILTER (WHERE p.size_band = me.size_band AND p.score < me.score),"
	    " count(*) FILTER (WHERE p.size_band = me.size_band AND p.score = me.score)"
	    " FROM me LEFT JOIN peers p ON true GROUP BY me.score", 1, params)) == NULL)
		return (-1);
	if (PQntuples(res) == 1) {
		report_standing(&r->in_sector, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
		    PQgetvalue(res, 0, 2), r->rated);
		report_standing(&r->in_size_band, PQgetvalue(res, 0, 3),
		    PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5), r->rated);
	}
	PQclear(res);
	return (0);
}

/* The governance checks of m and what the company's evidence says of each. */
static int
report_load_disclosures(PGconn *conn, const char *sid, const struct methodology *m,
    struct report *r)
{
	const char *params[1] = {sid};
	PGresult *res;
	size_t i;
	int k;

	if ((res = db_query(conn, "SELECT check_code, bool_or(outcome = 'pass'),"
	    " bool_or(outcome = 'info') FROM evidence WHERE company_id = $1"
	    " AND status IN ('active', 'disputed') AND check_code LIKE 'governance.%'"
	    " GROUP BY check_code", 1, params)) == NULL)
		return (-1);
	for (i = 0; i < m->nchecks && r->ndisclosures < REPORT_MAX_DISCLOSURES; i++) {
		struct report_disclosure *d;

		if (m->factors[m->checks[i].factor].kind != METHODOLOGY_FACTOR_BONUS)
			continue;
		d = &r->disclosures[r->ndisclosures++];
		snprintf(d->code, sizeof(d->code), "%s", m->checks[i].code);
		snprintf(d->title, sizeof(d->title), "%s", m->checks[i].title);
		d->status = REPORT_NOT_DISCLOSED;
		for (k = 0; k < PQntuples(res); k++)
			if (strcmp(PQgetvalue(res, k, 0), d->code) == 0)
				d->status = PQgetvalue(res, k, 1)[0] == 't' ? REPORT_VERIFIED :
				    PQgetvalue(res, k, 2)[0] == 't' ? REPORT_SUBMITTED :
				    REPORT_NOT_DISCLOSED;
	}
	PQclear(res);
	return (0);
}

/* The first five steps of the plan to 100. */
static int
report_load_actions(PGconn *conn, int64_t id, const struct methodology *m,
    struct report *r)
{
	struct plan p;
	char err[200];
	size_t i;

	if (!r->rated)
		return (0);
	if (rating_store_plan(conn, id, m, r->as_of, "100", &p, err, sizeof(err)) != 0)
		return (-1);
	for (i = 0; i < p.nsteps && r->nactions < REPORT_ACTIONS; i++) {
		struct report_action *a = &r->actions[r->nactions++];
		const struct plan_fix *f = &p.fixes[p.steps[i].first_fix];

		snprintf(a->code, sizeof(a->code), "%s", m->checks[f->check].code);
		snprintf(a->title, sizeof(a->title), "%s", m->checks[f->check].title);
		a->nfixes = p.steps[i].nfixes;
		a->gain = p.steps[i].gain;
		a->score_after = p.steps[i].score_after_rounded;
		snprintf(a->grade_after, sizeof(a->grade_after), "%s", p.steps[i].grade_after);
	}
	r->actions_reach_100 = p.status == PLAN_REACHED;
	plan_free(&p);
	return (0);
}

static void
report_factors(struct report *r, const struct methodology *m, const json_t *factors)
{
	size_t i;

	for (i = 0; i < m->nfactors && r->nfactors < REPORT_MAX_FACTORS; i++) {
		const json_t *f = json_object_get(factors, m->factors[i].code);
		struct report_factor *rf = &r->factors[r->nfactors++];

		snprintf(rf->code, sizeof(rf->code), "%s", m->factors[i].code);
		snprintf(rf->name, sizeof(rf->name), "%s", m->factors[i].name);
		rf->bonus = m->factors[i].kind == METHODOLOGY_FACTOR_BONUS;
		rf->weight = rf->bonus ? 0 : m->factors[i].weight;
		rf->has_data = json_is_true(json_object_get(f, "has_data"));
		rf->score = json_number_value(json_object_get(f, "score"));
	}
}

int
report_store_load(PGconn *conn, int64_t id, int64_t now, struct report *out)
{
	struct methodology *m = NULL;
	json_t *factors = NULL;
	PGresult *res;
	char sid[24];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if ((res = rating_store_latest(conn, id)) == NULL)
		return (-1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 5)) {
		PQclear(res);
		return (0);
	}
	snprintf(out->name, sizeof(out->name), "%s", PQgetvalue(res, 0, 0));
	snprintf(out->sector, sizeof(out->sector), "%s", PQgetvalue(res, 0, 1));
	snprintf(out->size_band, sizeof(out->size_band), "%s", PQgetvalue(res, 0, 2));
	snprintf(out->methodology_version, sizeof(out->methodology_version), "%s",
	    PQgetvalue(res, 0, 6));
	out->rated = strcmp(PQgetvalue(res, 0, 7), "rated") == 0;
	out->score = out->rated ? strtod(PQgetvalue(res, 0, 8), NULL) : 0;
	snprintf(out->grade, sizeof(out->grade), "%s", PQgetvalue(res, 0, 9));
	snprintf(out->confidence, sizeof(out->confidence), "%s", PQgetvalue(res, 0, 10));
	snprintf(out->insufficient_reason, sizeof(out->insufficient_reason), "%s",
	    PQgetvalue(res, 0, 11));
	snprintf(out->inputs_digest, sizeof(out->inputs_digest), "%s", PQgetvalue(res, 0, 14));
	out->as_of = strtoll(PQgetvalue(res, 0, 17), NULL, 10);
	out->generated_at = now;
	if ((m = methodology_store_load(conn, out->methodology_version)) == NULL ||
	    (factors = rating_json_factors_expand(PQgetvalue(res, 0, 12), m)) == NULL)
		goto out;
	report_factors(out, m, factors);
	if (report_load_slug(conn, sid, out) != 0 ||
	    report_load_trend(conn, sid, out->as_of, out) != 0 ||
	    report_load_standing(conn, sid, out) != 0 ||
	    report_load_disclosures(conn, sid, m, out) != 0 ||
	    report_load_actions(conn, id, m, out) != 0)
		goto out;
	rc = 1;
out:
	if (rc != 1) {
		log_error("report: cannot gather the report of company %lld", (long long)id);
		report_free(out);
	}
	json_decref(factors);
	methodology_free(m);
	PQclear(res);
	return (rc);
}
