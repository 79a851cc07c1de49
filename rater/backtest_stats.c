#include "rater/backtest_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BACKTEST_Z95 1.959963984540054

static int
backtest_obs_cmp(const void *a, const void *b)
{
	const struct backtest_obs *x = a, *y = b;

	if (x->score < y->score)
		return (-1);
	if (x->score > y->score)
		return (1);
	return (x->incident - y->incident);
}

int
backtest_stats_auc(struct backtest_obs *obs, size_t n, struct backtest_auc *out)
{
	double rank_sum = 0, midrank, a, q1, q2, var, n1, n2;
	size_t i, j, k, pos;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (obs[i].incident)
			out->positives++;
		else
			out->negatives++;
	}
	if (out->positives == 0 || out->negatives == 0)
		return (0);
	qsort(obs, n, sizeof(*obs), backtest_obs_cmp);
	/* Ranks 1..n by ascending score; a run of equal scores shares its mid-rank. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && obs[j].score == obs[i].score; j++)
			;
		midrank = ((double)(i + 1) + (double)j) / 2.0;
		pos = 0;
		for (k = i; k < j; k++)
			pos += obs[k].incident ? 1 : 0;
		rank_sum += midrank * (double)pos;
	}
	n1 = (double)out->positives;
	n2 = (double)out->negatives;
	/* U counts (incident, no incident) pairs where the incident company scored higher,
	 * ties one half; the AUC of a low score predicting an incident is its complement. */
	a = 1.0 - (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n2);
	q1 = a / (2.0 - a);
	q2 = 2.0 * a * a / (1.0 + a);
	var = (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n2 - 1.0) * (q2 - a * a)) /
	    (n1 * n2);
	out->defined = 1;
	out->auc = a;
	out->se = var > 0 ? sqrt(var) : 0.0;
	out->ci_low = fmax(0.0, a - BACKTEST_Z95 * out->se);
	out->ci_high = fmin(1.0, a + BACKTEST_Z95 * out->se);
	return (0);
}

void
backtest_stats_grades(struct backtest_grade *g, size_t n)
{
	double se, lr;
	size_t i;

	for (i = 0; i < n; i++) {
		g[i].rate = g[i].companies > 0 ?
		    (double)g[i].incidents / (double)g[i].companies : 0.0;
		g[i].rr_defined = g[i].rr_ci_defined = 0;
		g[i].relative_risk = g[i].rr_low = g[i].rr_high = 0.0;
	}
	if (n == 0 || g[0].companies == 0 || g[0].incidents == 0)
		return;
	for (i = 0; i < n; i++) {
		if (g[i].companies == 0)
			continue;
		g[i].rr_defined = 1;
		g[i].relative_risk = g[i].rate / g[0].rate;
		if (g[i].incidents == 0)
			continue;
		se = sqrt(1.0 / (double)g[i].incidents - 1.0 / (double)g[i].companies +
		    1.0 / (double)g[0].incidents - 1.0 / (double)g[0].companies);
		lr = log(g[i].relative_risk);
		g[i].rr_ci_defined = 1;
		g[i].rr_low = exp(lr - BACKTEST_Z95 * se);
		g[i].rr_high = exp(lr + BACKTEST_Z95 * se);
	}
}
