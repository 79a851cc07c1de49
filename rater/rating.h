#ifndef FAIRRATE_RATING_H
#define FAIRRATE_RATING_H

#include <stddef.h>
#include <stdint.h>

#include "rater/methodology.h"

/*
 * The rating engine's pure core: one company's evidence and a methodology in, a
 * rating with its full explanation out. No I/O, no clock, no globals: the same inputs
 * give a bit-identical rating whatever the order of the evidence. docs/methodology.md
 * states every formula this file implements.
 */

enum rating_outcome {
	RATING_OUTCOME_PASS = 0,       /* PENALTY check: observed and fine (counts as data);
	                                  BONUS check: a verified disclosure (adds points) */
	RATING_OUTCOME_FAIL,           /* PENALTY check: a finding (costs points);
	                                  BONUS check: checked and absent (no points) */
	RATING_OUTCOME_INFO            /* observed, no effect on the score (e.g. a
	                                  disclosure not yet verified); counts as data */
};

/* One evidence item as the engine sees it. The caller passes only evidence whose
 * status is active or disputed (corrected and expired evidence is never an input). */
struct rating_evidence {
	int64_t id;
	char check_code[64];
	int64_t asset_id;              /* 0 for company-level facts */
	enum rating_outcome outcome;
	int64_t first_seen;            /* Unix seconds */
	int64_t last_seen;
	int disputed;                  /* an open dispute covers it */
	uint64_t fact;                 /* rating_fact_key of its observation_key: with the
	                                  check and asset, what makes two sources' items one
	                                  fact (methodologies with sources one_per_fact) */
};

/* rating_fact_key: a 64-bit key of an observation key (FNV-1a; 0 for ""), so that
 * items are compared without keeping their text. */
uint64_t rating_fact_key(const char *observation_key, size_t len);

/* An attributed asset whose attribution confidence is below 1 (assets at 1, the
 * default, need no entry): what a methodology's attribution.min_confidence reads. */
struct rating_asset {
	int64_t id;
	double confidence;
};

struct rating_input {
	const struct methodology *methodology;
	const struct rating_evidence *evidence;
	size_t nevidence;
	size_t asset_count;            /* the company's attributed, non-detached assets */
	/* Those of them attributed with a confidence below 1, sorted by id. Under a
	 * methodology with attribution.min_confidence, the evidence of those below it is
	 * not used and they are not counted in asset_count's place. */
	const struct rating_asset *uncertain;
	size_t nuncertain;
	int64_t as_of;                 /* rate as of this time (Unix seconds) */
	/* The collectors that covered the company by as_of (collector/coverage.h names);
	 * read only by factors with clean_if_covered_by. */
	const char *const *coverage;
	size_t ncoverage;
};

/* An evidence item that moves the score: a failing PENALTY check (costs points) or a
 * verified BONUS disclosure (adds points: negative cost). */
struct rating_finding {
	int64_t evidence_id;
	size_t check;                  /* index into methodology->checks */
	size_t factor;                 /* index into methodology->factors */
	double decay;                  /* 1, or 0.5^(age/half_life) */
	double penalty;                /* points off the factor: points*decay/divisor */
	double cost;                   /* points off the overall score (negative: bonus) */
	int disputed;
};

struct rating_factor {
	size_t factor;                 /* index into methodology->factors */
	int has_data;                  /* 0: left out of the weighted mean */
	double score;                  /* 0..100, unrounded (BONUS: points added) */
	double weight_share;           /* weight / sum of weights of factors with data */
	double contribution;           /* weight_share * score */
	double divisor;                /* footprint divisor applied (1 when none) */
	int evidence_count;            /* evidence items used in this factor */
	int findings_by_severity[METHODOLOGY_NSEV];
	int disputed;                  /* some evidence of this factor is disputed */
};

enum rating_status {
	RATING_RATED = 0,
	RATING_INSUFFICIENT_DATA
};

enum rating_confidence {
	RATING_CONFIDENCE_NONE = 0,
	RATING_CONFIDENCE_LOW,
	RATING_CONFIDENCE_MEDIUM,
	RATING_CONFIDENCE_HIGH
};

struct rating {
	enum rating_status status;
	double score;                  /* rounded to one decimal (RATED only) */
	double score_unrounded;
	char grade[4];                 /* "" when insufficient data */
	enum rating_confidence confidence;
	char insufficient_reason[160]; /* "" when rated */
	int disputed;                  /* some used evidence is disputed */
	size_t nfactors;               /* == methodology->nfactors, same order */
	struct rating_factor *factors;
	size_t nfindings;              /* in canonical order: factor, check code, id */
	struct rating_finding *findings;
	size_t evidence_used;          /* inputs that counted (in the digest) */
	size_t evidence_ignored;       /* unknown check, not yet seen, too old */
	int64_t as_of;
	char methodology_version[32];
	char inputs_digest[65];        /* SHA-256, docs/methodology.md "Inputs digest" */
	char outcome_digest[65];       /* SHA-256 of what a reader sees (status, score,
	                                  grade, confidence, factor scores and counts): equal
	                                  digests mean the rating did not change */
};

/* rating_compute: rate one company. Returns the rating, or NULL when memory is short.
 * Free with rating_free. */
/* More about rating_compute (added with the engine): it also returns NULL (logged) when
 * the methodology has more than METHODOLOGY_MAX_FACTORS factors. An insufficient-data
 * rating has score and score_unrounded 0, grade "" and confidence none; its factors and
 * findings are still filled in for the company's own view. A factor without data has
 * score 0. For a BONUS finding, penalty holds the points it adds (points * decay). The
 * costs of all findings add up to 100 - score_unrounded. */
struct rating *rating_compute(const struct rating_input *in);

/* rating_compute_outcome: rating_compute without the inputs digest (inputs_digest is
 * ""), for callers that compare outcomes and store nothing (the impact preview, the
 * back-test): the digest hashes a line per evidence item, about half of the
 * engine's time per company. */
struct rating *rating_compute_outcome(const struct rating_input *in);

/* rating_free: release r; NULL is a no-op. */
void rating_free(struct rating *r);

struct rating_remediation {
	int64_t evidence_id;
	size_t check;
	double gain;                   /* exact score gain if this finding were fixed */
};

/* rating_remediation_plan: for each PENALTY finding of r (computed from in), the exact
 * gain in the overall score from fixing it alone (rescoring without it), ordered by
 * gain, largest first, ties by check code then evidence id. Sets *out (free with
 * free()) and *n. Returns 0, or -1 when memory is short. An insufficient-data rating
 * has an empty plan. */
int rating_remediation_plan(const struct rating_input *in, const struct rating *r,
    struct rating_remediation **out, size_t *n);

/* rating_confidence_name: "none", "low", "medium", "high". */
const char *rating_confidence_name(enum rating_confidence c);

/* rating_outcome_parse: "pass", "fail", "info" to the enum; 0, or -1 when unknown. */
int rating_outcome_parse(const char *s, enum rating_outcome *out);

#endif
