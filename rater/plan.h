#ifndef FAIRRATE_PLAN_H
#define FAIRRATE_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "rater/rating.h"

/*
 * A plan to a target grade or score: the shortest sequence of fixes (greedy on the
 * real marginal gain) that the engine says reaches the target, with the score after
 * each step. Pure: the caller loads the company's rating inputs; nothing here does
 * I/O. docs/methodology.md "A plan to a target" states the rule.
 *
 * A fix turns one failing PENALTY evidence item into a pass (the item still counts as
 * evidence). Each step takes the fix whose exact gain, rescored by the engine, is the
 * largest (ties: check code, then evidence id). When no single fix raises the score
 * (a factor at its floor: each fix alone shows +0.00), the step is a group: the fewest
 * findings of one factor, largest penalty first, that raise the score only together.
 */

#define PLAN_MAX_STEPS 500

enum plan_status {
	PLAN_REACHED = 0,        /* the target is met after the steps (maybe none) */
	PLAN_UNREACHABLE,        /* fixing every finding does not reach it; the steps
	                            are everything that helps */
	PLAN_INSUFFICIENT_DATA   /* the company is not rated: no plan is possible */
};

struct plan_fix {
	int64_t evidence_id;
	size_t check;            /* index into methodology->checks */
	int64_t asset_id;        /* 0 for company-level facts */
	int64_t same_fact_as;    /* 0, or the finding this item is another source of:
	                            fixing a fact fixes every source's item of it */
};

struct plan_step {
	size_t first_fix;        /* into plan->fixes */
	size_t nfixes;           /* 1, or the size of a group */
	size_t factor;           /* index into methodology->factors */
	int together;            /* the fixes raise the score only together */
	double gain;             /* score_after - the score before, unrounded */
	double score_after;      /* the engine's unrounded score after this step */
	double score_after_rounded;
	char grade_after[4];
};

struct plan {
	enum plan_status status;
	double target_score;     /* the score to reach */
	char target_grade[4];    /* "" when the target was given as a score */
	double start_score;      /* rounded, as published */
	char start_grade[4];
	double end_score;        /* rounded, after the last step */
	char end_grade[4];
	size_t nsteps;
	struct plan_step *steps;
	size_t nfixes;
	struct plan_fix *fixes;
};

/* plan_target_parse: a target given as a grade of m ("B", any case) or a score
 * ("85", "72.5"; 0 < score <= 100). Sets *score and grade ("" for a score). Returns 0,
 * or -1 with a message in err when it is neither. */
int plan_target_parse(const struct methodology *m, const char *s, double *score,
    char grade[4], char *err, size_t errlen);

/* plan_compute: the plan for the inputs in (not modified) to the target score. Fills
 * *out (free with plan_free). Returns 0, or -1 when memory is short. */
int plan_compute(const struct rating_input *in, double target_score,
    const char *target_grade, struct plan *out);

/* plan_free: release what plan_compute allocated; a zeroed plan is a no-op. */
void plan_free(struct plan *p);

/* plan_status_name: "reached", "unreachable", "insufficient_data". */
const char *plan_status_name(enum plan_status s);

/* plan_json: the plan as docs/openapi.yaml's Plan schema (check codes, titles and
 * factor names from m). NULL when memory is short. */
json_t *plan_json(const struct plan *p, const struct methodology *m);

#endif
