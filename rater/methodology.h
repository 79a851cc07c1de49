#ifndef FAIRRATE_METHODOLOGY_H
#define FAIRRATE_METHODOLOGY_H

#include <stddef.h>
#include <stdint.h>

/*
 * A methodology version: the data that turns evidence into a rating. Parsed from the
 * JSON documents in methodology/ (format: docs/methodology.md) and validated before
 * use. Pure: no I/O. A parsed methodology is immutable and may be shared by threads.
 */

enum methodology_severity {
	METHODOLOGY_SEV_INFO = 0,
	METHODOLOGY_SEV_LOW,
	METHODOLOGY_SEV_MEDIUM,
	METHODOLOGY_SEV_HIGH,
	METHODOLOGY_SEV_CRITICAL,
	METHODOLOGY_NSEV
};

enum methodology_factor_kind {
	/* Findings cost points: the factor starts at 100 and loses points. */
	METHODOLOGY_FACTOR_PENALTY = 0,
	/* Verified disclosures add points to the overall score (governance). */
	METHODOLOGY_FACTOR_BONUS
};

#define METHODOLOGY_MAX_COVERED 4

struct methodology_factor {
	char code[40];                 /* "tls", "email_auth", "governance", ... */
	char name[80];                 /* for people */
	enum methodology_factor_kind kind;
	double weight;                 /* > 0; PENALTY factors only (0 for BONUS) */
	int lifetime_days;             /* > 0: evidence counts fully for this long after
	                                  last_seen, then not at all; 0: use half_life */
	double half_life_days;         /* > 0: evidence counts 0.5^(age/half_life) */
	int max_age_days;              /* with half_life: older evidence is ignored */
	int absence_is_clean;          /* no evidence scores 100 instead of "no data" */
	int footprint_normalised;      /* divide the penalty by the footprint divisor */
	double bonus_cap;              /* BONUS factors: most points they can add */
	/* With absence_is_clean: clean only for a company that one of these collectors
	 * covered (collector/coverage.h names; a name ending in ':' is a prefix); none:
	 * clean for every company (2026.1). */
	char covered_by[METHODOLOGY_MAX_COVERED][32];
	size_t ncovered_by;
};

struct methodology_check {
	char code[64];                 /* "tls.expired_certificate" */
	char title[120];
	size_t factor;                 /* index into factors */
	enum methodology_severity severity;
	double points;                 /* >= 0; cost of one failing observation (PENALTY),
	                                  or the bonus of one verified disclosure (BONUS) */
};

struct methodology_band {
	char grade[4];                 /* "A", "B", ... */
	double min_score;              /* a score >= min_score and below the previous
	                                  band's min_score gets this grade */
};

struct methodology {
	char version[32];              /* "2026.1" */
	size_t nfactors;
	struct methodology_factor *factors;
	size_t nchecks;
	struct methodology_check *checks; /* sorted by code */
	size_t nbands;
	struct methodology_band *bands;   /* highest min_score first; the last is 0 */
	/* Footprint: divisor = max(1, (assets / reference_assets) ^ exponent). */
	double footprint_reference_assets;
	double footprint_exponent;
	/* The form of the inputs digest (docs/methodology.md "Inputs digest"): 1, or 2
	 * (no last_seen for factors with a lifetime, and a new ratings row whenever the
	 * digest changes). */
	int inputs_digest;
	/* Document options that 2026.1 leaves at their first value (docs/methodology.md
	 * section 8): factor_curve linear|exponential, bonus_rule cap|within_grade,
	 * sources each|one_per_fact, footprint.basis attributed|observed. */
	int curve_exponential;
	int bonus_within_grade;
	int one_per_fact;
	int footprint_observed;
	/* Attribution: an asset attributed with a confidence below this does not count:
	 * its evidence is not used and it is no part of the footprint. 0: every
	 * attributed asset counts (2026.1). */
	double min_asset_confidence;
	/* Confidence: below the "rated" minimums the company gets insufficient data. */
	int min_evidence;              /* evidence items used */
	int min_factors;               /* PENALTY factors with data (not clean-by-absence) */
	int high_evidence, high_factors;
	int medium_evidence, medium_factors;
	/* Added for publication and the methodology store. */
	char title[160];
	int64_t effective_at;          /* Unix seconds: when this version takes effect */
	char *summary;                 /* owned; "" when the document has none */
	char *change_log;              /* owned; "" when the document has none */
};

/* One problem found while parsing or validating a methodology document. */
struct methodology_error {
	char where[96];                /* a JSON path: "checks[3].factor", "bands" */
	char message[160];             /* "unknown factor 'tlss'" */
};

#define METHODOLOGY_MAX_ERRORS 32

/* Caps on a methodology document: larger documents or counts are validation errors. */
#define METHODOLOGY_MAX_DOCUMENT (1024 * 1024)   /* bytes */
#define METHODOLOGY_MAX_FACTORS 32
#define METHODOLOGY_MAX_CHECKS 512
#define METHODOLOGY_MAX_BANDS 16
#define METHODOLOGY_MAX_TEXT 20000               /* summary, change_log: bytes */

struct methodology_errors {
	size_t n;                      /* errors found (may exceed what is kept) */
	struct methodology_error items[METHODOLOGY_MAX_ERRORS];
};

/* methodology_parse: parse and validate a JSON methodology document of len bytes.
 * Returns the methodology, or NULL with every problem found described in errs (as
 * many as fit; errs->n counts all). Free with methodology_free. */
struct methodology *methodology_parse(const char *json, size_t len,
    struct methodology_errors *errs);

/* methodology_free: release m; NULL is a no-op. */
void methodology_free(struct methodology *m);

/* methodology_find_check: the check with this code, or NULL (binary search). */
const struct methodology_check *methodology_find_check(const struct methodology *m,
    const char *code);

/* methodology_find_factor: the index of the factor with this code, or -1. */
int methodology_find_factor(const struct methodology *m, const char *code);

/* methodology_severity_name: "info", "low", "medium", "high", "critical". */
const char *methodology_severity_name(enum methodology_severity s);

/* methodology_severity_parse: the severity named name ("high"), or -1. */
int methodology_severity_parse(const char *name);

/* methodology_code_ok: s matches ^[a-z][a-z0-9_]*$ (with dots: ^[a-z][a-z0-9_.]*$),
 * the form of factor codes (and, with dots, check codes). */
int methodology_code_ok(const char *s, int dots);

/* methodology_errors_add: record one problem at where (a JSON path). */
void methodology_errors_add(struct methodology_errors *errs, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* methodology_errors_format: write the errors as lines "WHERE: MESSAGE" to out (size
 * n), prefixed by prefix (a file name) when not NULL. Returns out. */
char *methodology_errors_format(const struct methodology_errors *errs, const char *prefix,
    char *out, size_t n);

#endif
