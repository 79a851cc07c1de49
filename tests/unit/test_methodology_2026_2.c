/*
 * The 2026.2 draft (methodology/drafts/2026.2.json) against what issue 13 found unfair
 * in 2026.1, on hand-made companies rated by the engine under both versions:
 * identical per-asset hygiene at 1 and 500 assets, parked domains without evidence,
 * a site that fails every TLS and web check, and fixes hidden by a floored factor.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "common/timefmt.h"
#include "rater/methodology.h"
#include "rater/rating.h"
#include "tests/support/shipped.h"

#define AS_OF ((int64_t)1780000000)
#define MAX_EV 13000

static struct methodology *v1, *v2;
static struct rating_evidence ev[MAX_EV];

static struct methodology *
load_draft(void)
{
	struct methodology_errors errs;
	struct methodology *m;
	char path[1024], report[4096], *text;
	FILE *f;
	long n;

	cr_assert_eq(paths_join(path, sizeof(path), "methodology/drafts/2026.2.json"), 0);
	cr_assert_not_null(f = fopen(path, "rb"), "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	cr_assert_not_null(text = malloc((size_t)n + 1));
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	m = methodology_parse(text, (size_t)n, &errs);
	cr_assert_not_null(m, "%s", methodology_errors_format(&errs, path, report,
	    sizeof(report)));
	free(text);
	return (m);
}

static void
setup(void)
{
	v1 = shipped_methodology();
	v2 = load_draft();
}

static void
teardown(void)
{
	methodology_free(v1);
	methodology_free(v2);
}

TestSuite(methodology_2026_2, .init = setup, .fini = teardown);

static size_t
add(size_t n, const char *code, int64_t asset, enum rating_outcome outcome)
{
	cr_assert_lt(n, MAX_EV);
	memset(&ev[n], 0, sizeof(ev[n]));
	ev[n].id = (int64_t)n + 1;
	snprintf(ev[n].check_code, sizeof(ev[n].check_code), "%s", code);
	ev[n].asset_id = asset;
	ev[n].outcome = outcome;
	ev[n].last_seen = AS_OF - TIMEFMT_DAY;
	ev[n].first_seen = AS_OF - 30 * TIMEFMT_DAY;
	return (n + 1);
}

/* One domain's observations: every check of TLS, web headers and email
 * authentication, the failing ones listed in fails (NULL-terminated). */
static size_t
domain(size_t n, int64_t asset, const char *const *fails)
{
	static const char *const prefixes[] = {"tls.", "web_headers.", "email_auth."};
	const struct methodology *m = v1;
	size_t i, p, k;
	int fail;

	for (i = 0; i < m->nchecks; i++)
		for (p = 0; p < 3; p++)
			if (strncmp(m->checks[i].code, prefixes[p], strlen(prefixes[p])) == 0) {
				for (fail = 0, k = 0; fails[k] != NULL; k++)
					fail |= strcmp(fails[k], m->checks[i].code) == 0;
				n = add(n, m->checks[i].code, asset, fail ? RATING_OUTCOME_FAIL :
				    RATING_OUTCOME_PASS);
			}
	return (n);
}

static struct rating *
rate(const struct methodology *m, size_t n, size_t assets)
{
	struct rating_input in;
	struct rating *r;

	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = ev;
	in.nevidence = n;
	in.asset_count = assets;
	in.as_of = AS_OF;
	cr_assert_not_null(r = rating_compute(&in));
	cr_assert_eq(r->status, RATING_RATED);
	return (r);
}

static const char *const typical[] = {"web_headers.csp_missing",
    "web_headers.hsts_short_max_age", "email_auth.dmarc_policy_none", NULL};

Test(methodology_2026_2, identical_hygiene_scores_the_same_at_1_and_500_assets)
{
	struct rating *a1, *a500, *b1, *b500;
	size_t n1, n500 = 0;
	int64_t k;

	n1 = domain(0, 1, typical);
	a1 = rate(v1, n1, 1);
	b1 = rate(v2, n1, 1);
	for (k = 1; k <= 500; k++)
		n500 = domain(n500, k, typical);
	a500 = rate(v1, n500, 500);
	b500 = rate(v2, n500, 500);
	/* 2026.1 punished size: the 97.2 (A) against 72.8 (C) pattern. */
	cr_assert_gt(a1->score - a500->score, 10.0, "2026.1: %.1f vs %.1f", a1->score,
	    a500->score);
	cr_assert_float_eq(b1->score_unrounded, b500->score_unrounded, 1e-9,
	    "2026.2: %.6f vs %.6f", b1->score_unrounded, b500->score_unrounded);
	cr_assert_str_eq(b1->grade, b500->grade);
	rating_free(a1);
	rating_free(a500);
	rating_free(b1);
	rating_free(b500);
}

Test(methodology_2026_2, parked_domains_without_evidence_change_nothing)
{
	struct rating *a, *b, *c, *d;
	size_t n = 0;
	int64_t k;

	for (k = 1; k <= 4; k++)
		n = domain(n, k, typical);
	a = rate(v1, n, 4);
	b = rate(v1, n, 100);
	c = rate(v2, n, 4);
	d = rate(v2, n, 100);
	cr_assert_gt(b->score, a->score, "2026.1 rewarded 96 parked domains");
	cr_assert_eq(c->score_unrounded, d->score_unrounded);
	rating_free(a);
	rating_free(b);
	rating_free(c);
	rating_free(d);
}

Test(methodology_2026_2, failing_every_tls_and_web_check_is_no_a)
{
	const char *fails[64];
	struct rating *a, *b;
	size_t i, k = 0, n;

	for (i = 0; i < v1->nchecks && k < 63; i++)
		if (strncmp(v1->checks[i].code, "tls.", 4) == 0 ||
		    strncmp(v1->checks[i].code, "web_headers.", 12) == 0)
			fails[k++] = v1->checks[i].code;
	fails[k] = NULL;
	n = domain(0, 1, fails);
	n = add(n, "exposed_services.open_port_other", 1, RATING_OUTCOME_PASS);
	n = add(n, "patching.outdated_software", 1, RATING_OUTCOME_PASS);
	a = rate(v1, n, 1);
	b = rate(v2, n, 1);
	cr_assert_str_neq(b->grade, "A", "2026.2: %.1f %s", b->score, b->grade);
	cr_assert_str_neq(b->grade, "B", "2026.2: %.1f %s", b->score, b->grade);
	rating_free(a);
	rating_free(b);
}

Test(methodology_2026_2, every_fix_has_a_visible_gain)
{
	struct rating_remediation *plan;
	struct rating_input in;
	struct rating *r;
	size_t n = 0, np, i;
	int64_t k;

	/* Ten domains each failing most web checks: 2026.1 floors the factor. */
	for (k = 1; k <= 10; k++)
		n = domain(n, k, (const char *const[]){"web_headers.hsts_missing",
		    "web_headers.csp_missing", "web_headers.csp_unsafe",
		    "web_headers.frame_options_missing", "web_headers.cookie_insecure",
		    "web_headers.content_type_options_missing", "tls.weak_key",
		    "web_headers.referrer_policy_missing", NULL});
	memset(&in, 0, sizeof(in));
	in.evidence = ev;
	in.nevidence = n;
	in.asset_count = 10;
	in.as_of = AS_OF;
	in.methodology = v2;
	cr_assert_not_null(r = rating_compute(&in));
	cr_assert_eq(rating_remediation_plan(&in, r, &plan, &np), 0);
	cr_assert_gt(np, 0);
	for (i = 0; i < np; i++)
		cr_assert_geq(plan[i].gain, 0.005, "fix %zu gains %.6f: shown as 0.00", i,
		    plan[i].gain);
	free(plan);
	rating_free(r);
}
