/*
 * Invariants of the rating engine under the options of methodology 2026.2 (observed
 * footprint, exponential factor curve, bonus within grade, one count per fact,
 * coverage-gated clean absence), checked over thousands of generated worlds
 * (property-based; a fixed seed, so a failure reproduces):
 *   - an attributed asset without evidence never changes a score;
 *   - fixing a finding never lowers a score;
 *   - a new finding on an asset already observed in its factor never raises it;
 *   - the bonus never moves a grade across the boundary the findings set;
 *   - the same fact reported by another source changes nothing;
 *   - the order of the evidence changes nothing (bit for bit, digests included).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "rater/methodology.h"
#include "rater/rating.h"

static const char options_methodology[] =
    "{\"version\": \"2099.2\", \"title\": \"invariants\", \"summary\": \"\","
    " \"effective_at\": \"2026-01-01T00:00:00Z\", \"change_log\": \"\","
    " \"inputs_digest\": 2, \"factor_curve\": \"exponential\","
    " \"bonus_rule\": \"within_grade\", \"sources\": \"one_per_fact\","
    " \"factors\": ["
    "  {\"code\": \"a\", \"name\": \"A\", \"kind\": \"penalty\", \"weight\": 30,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": true},"
    "  {\"code\": \"b\", \"name\": \"B\", \"kind\": \"penalty\", \"weight\": 10,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": false, \"footprint_normalised\": true},"
    "  {\"code\": \"c\", \"name\": \"C\", \"kind\": \"penalty\", \"weight\": 20,"
    "   \"half_life_days\": 10, \"max_age_days\": 40, \"absence_is_clean\": false,"
    "   \"footprint_normalised\": false},"
    "  {\"code\": \"d\", \"name\": \"D\", \"kind\": \"penalty\", \"weight\": 40,"
    "   \"lifetime_days\": 30, \"absence_is_clean\": true,"
    "   \"clean_if_covered_by\": [\"feed:\"], \"footprint_normalised\": false},"
    "  {\"code\": \"g\", \"name\": \"G\", \"kind\": \"bonus\", \"lifetime_days\": 30,"
    "   \"absence_is_clean\": false, \"footprint_normalised\": false, \"bonus_cap\": 6}],"
    " \"checks\": ["
    "  {\"code\": \"a.x\", \"title\": \"ax\", \"factor\": \"a\", \"severity\": \"high\", \"points\": 20},"
    "  {\"code\": \"a.y\", \"title\": \"ay\", \"factor\": \"a\", \"severity\": \"critical\", \"points\": 60},"
    "  {\"code\": \"b.x\", \"title\": \"bx\", \"factor\": \"b\", \"severity\": \"medium\", \"points\": 10},"
    "  {\"code\": \"c.x\", \"title\": \"cx\", \"factor\": \"c\", \"severity\": \"critical\", \"points\": 40},"
    "  {\"code\": \"d.x\", \"title\": \"dx\", \"factor\": \"d\", \"severity\": \"high\", \"points\": 30},"
    "  {\"code\": \"g.p\", \"title\": \"gp\", \"factor\": \"g\", \"severity\": \"info\", \"points\": 2},"
    "  {\"code\": \"g.q\", \"title\": \"gq\", \"factor\": \"g\", \"severity\": \"info\", \"points\": 3}],"
    " \"footprint\": {\"basis\": \"observed\", \"reference_assets\": 1, \"exponent\": 1},"
    " \"confidence\": {\"min_evidence\": 3, \"min_factors\": 2,"
    "  \"high\": {\"evidence\": 12, \"factors\": 4}, \"medium\": {\"evidence\": 6, \"factors\": 3}},"
    " \"grades\": [{\"grade\": \"A\", \"min_score\": 90}, {\"grade\": \"B\", \"min_score\": 80},"
    "  {\"grade\": \"C\", \"min_score\": 70}, {\"grade\": \"D\", \"min_score\": 60},"
    "  {\"grade\": \"F\", \"min_score\": 0}]}";

#define AS_OF ((int64_t)1780000000)
#define DAY ((int64_t)TIMEFMT_DAY)
#define WORLDS 3000
#define MAX_EV 48

static const char *const penalty_codes[] = {"a.x", "a.y", "b.x", "c.x", "d.x"};
static const char *const all_codes[] = {"a.x", "a.y", "b.x", "c.x", "d.x", "g.p", "g.q"};

static struct methodology *m;

static void
setup(void)
{
	struct methodology_errors errs;
	char text[4096];

	m = methodology_parse(options_methodology, strlen(options_methodology), &errs);
	cr_assert_not_null(m, "%s", methodology_errors_format(&errs, "test", text,
	    sizeof(text)));
}

static void
teardown(void)
{
	methodology_free(m);
}

TestSuite(rating_invariants, .init = setup, .fini = teardown);

/* xorshift64*: deterministic and the same on every platform. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 2685821657736338717ULL);
}

static int
below(uint64_t *s, int n)
{
	return ((int)(next(s) % (uint64_t)n));
}

struct world {
	struct rating_evidence ev[MAX_EV + 2];
	size_t n;
	size_t assets;
	int covered;
};

static void
item(struct rating_evidence *e, uint64_t *s, int64_t id, const char *code)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	snprintf(e->check_code, sizeof(e->check_code), "%s", code);
	e->asset_id = below(s, 5);               /* 0: a company-level fact */
	e->outcome = (enum rating_outcome)below(s, 3);
	e->last_seen = AS_OF - below(s, 45) * DAY - below(s, 86400);
	e->first_seen = e->last_seen - below(s, 90) * DAY;
	e->fact = (uint64_t)below(s, 3);
	e->disputed = below(s, 9) == 0;
}

static void
generate(struct world *w, uint64_t *s)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->n = (size_t)below(s, MAX_EV + 1);
	for (i = 0; i < w->n; i++)
		item(&w->ev[i], s, (int64_t)(i + 1), all_codes[below(s, 7)]);
	w->assets = (size_t)below(s, 12);
	w->covered = below(s, 2);
}

static struct rating *
rate(const struct world *w)
{
	static const char *const cov[] = {"feed:kev"};
	struct rating_input in;
	struct rating *r;

	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = w->ev;
	in.nevidence = w->n;
	in.asset_count = w->assets;
	in.as_of = AS_OF;
	in.coverage = cov;
	in.ncoverage = w->covered ? 1 : 0;
	cr_assert_not_null(r = rating_compute(&in));
	return (r);
}

static void
same(const struct rating *a, const struct rating *b, const char *what, int world)
{
	cr_assert_eq(memcmp(&a->score_unrounded, &b->score_unrounded, sizeof(double)), 0,
	    "world %d: %s moved the score %.17g -> %.17g", world, what, a->score_unrounded,
	    b->score_unrounded);
	cr_assert_str_eq(a->outcome_digest, b->outcome_digest, "world %d: %s", world, what);
	cr_assert_str_eq(a->inputs_digest, b->inputs_digest, "world %d: %s", world, what);
}

Test(rating_invariants, an_asset_without_evidence_changes_nothing)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	struct rating *a, *b;
	struct world w;
	int k;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		a = rate(&w);
		w.assets += 1 + (size_t)below(&s, 200);
		b = rate(&w);
		same(a, b, "an asset without evidence", k);
		rating_free(a);
		rating_free(b);
	}
}

Test(rating_invariants, fixing_a_finding_never_lowers_the_score)
{
	uint64_t s = 0x2545f4914f6cdd1dULL;
	struct rating *a, *b;
	struct world w;
	size_t i;
	int k, tried = 0;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		if (w.n == 0)
			continue;
		i = (size_t)below(&s, (int)w.n);
		if (w.ev[i].outcome != RATING_OUTCOME_FAIL || w.ev[i].check_code[0] == 'g')
			continue;
		a = rate(&w);
		w.ev[i].outcome = RATING_OUTCOME_PASS;
		b = rate(&w);
		if (a->status == RATING_RATED) {
			tried++;
			cr_assert_geq(b->score_unrounded, a->score_unrounded,
			    "world %d: fixing evidence %zu lowered %.17g to %.17g", k, i,
			    a->score_unrounded, b->score_unrounded);
		}
		rating_free(a);
		rating_free(b);
	}
	cr_assert_gt(tried, WORLDS / 10);
}

/* Whether asset is observed in the factor of code (a used item there). */
static int
observed(const struct world *w, const char *code, int64_t asset)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->ev[i].check_code[0] == code[0] && w->ev[i].asset_id == asset &&
		    w->ev[i].first_seen <= AS_OF && AS_OF - w->ev[i].last_seen < 30 * DAY)
			return (1);
	return (0);
}

Test(rating_invariants, a_new_finding_on_an_observed_asset_never_raises_the_score)
{
	uint64_t s = 0x853c49e6748fea9bULL;
	struct rating *a, *b;
	struct world w;
	int k, tried = 0;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		item(&w.ev[w.n], &s, 1000, penalty_codes[below(&s, 5)]);
		w.ev[w.n].outcome = RATING_OUTCOME_FAIL;
		w.ev[w.n].last_seen = AS_OF - below(&s, 5) * DAY;
		if (!observed(&w, w.ev[w.n].check_code, w.ev[w.n].asset_id))
			continue;
		a = rate(&w);
		w.n++;
		b = rate(&w);
		if (a->status == RATING_RATED) {
			tried++;
			cr_assert_leq(b->score_unrounded, a->score_unrounded,
			    "world %d: a new finding raised %.17g to %.17g", k,
			    a->score_unrounded, b->score_unrounded);
		}
		rating_free(a);
		rating_free(b);
	}
	cr_assert_gt(tried, WORLDS / 10);
}

Test(rating_invariants, the_bonus_never_moves_a_grade_across_a_boundary)
{
	uint64_t s = 0xda942042e4dd58b5ULL;
	struct rating *a, *b;
	struct world w;
	size_t i;
	int k, bonus, tried = 0;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		a = rate(&w);
		/* The same evidence with every disclosure checked and absent. */
		for (i = 0, bonus = 0; i < w.n; i++)
			if (w.ev[i].check_code[0] == 'g' && w.ev[i].outcome ==
			    RATING_OUTCOME_PASS) {
				w.ev[i].outcome = RATING_OUTCOME_FAIL;
				bonus = 1;
			}
		b = rate(&w);
		if (bonus && a->status == RATING_RATED) {
			tried++;
			cr_assert_str_eq(a->grade, b->grade, "world %d: the bonus moved %s to %s "
			    "(%.17g without it, %.17g with)", k, b->grade, a->grade,
			    b->score_unrounded, a->score_unrounded);
			cr_assert_geq(a->score_unrounded, b->score_unrounded);
		}
		rating_free(a);
		rating_free(b);
	}
	cr_assert_gt(tried, WORLDS / 10);
}

Test(rating_invariants, another_source_of_the_same_fact_changes_nothing)
{
	uint64_t s = 0x6a09e667f3bcc909ULL;
	struct rating *a, *b;
	struct world w;
	size_t i;
	int k;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		if (w.n == 0)
			continue;
		a = rate(&w);
		i = (size_t)below(&s, (int)w.n);
		w.ev[w.n] = w.ev[i];
		w.ev[w.n].id = 5000;                  /* another source's row, seen no later */
		w.ev[w.n].last_seen -= below(&s, 2) * DAY;
		w.n++;
		b = rate(&w);
		same(a, b, "a second source of one fact", k);
		rating_free(a);
		rating_free(b);
	}
}

Test(rating_invariants, the_order_of_the_evidence_changes_nothing)
{
	uint64_t s = 0xbb67ae8584caa73bULL;
	struct rating_evidence tmp;
	struct rating *a, *b;
	struct world w;
	size_t i, j;
	int k;

	for (k = 0; k < WORLDS; k++) {
		generate(&w, &s);
		a = rate(&w);
		for (i = w.n; i > 1; i--) {
			j = (size_t)below(&s, (int)i);
			tmp = w.ev[i - 1];
			w.ev[i - 1] = w.ev[j];
			w.ev[j] = tmp;
		}
		b = rate(&w);
		same(a, b, "shuffling", k);
		rating_free(a);
		rating_free(b);
	}
}
