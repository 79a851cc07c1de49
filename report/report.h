#ifndef FAIRRATE_REPORT_H
#define FAIRRATE_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/i18n.h"

/*
 * The one-page report for executives and boards (docs/report.md): a company's grade
 * and score, its trend over twelve months with methodology changes marked, its factor
 * scores, its place in its sector and size band, its governance disclosures, the top
 * five actions of its plan to 100 with their gains, and the methodology version and
 * inputs digest that make it checkable. report_store.h fills it from the database,
 * report_pdf.h draws it; this file holds the model and the pure parts.
 */

#define REPORT_MONTHS 12
#define REPORT_MAX_POINTS 400
#define REPORT_ACTIONS 5
#define REPORT_MAX_FACTORS 32
#define REPORT_MAX_DISCLOSURES 8

struct report_point {
	int64_t at;                    /* the rating's as-of, Unix seconds */
	int rated;
	double score;
	char version[32];              /* methodology version */
};

struct report_factor {
	char code[40];
	char name[80];                 /* English; translated when drawn */
	int bonus;                     /* a BONUS factor: points added, not a 0-100 score */
	int has_data;
	double score;
	double weight;
};

enum report_disclosure_status {
	REPORT_NOT_DISCLOSED = 0,
	REPORT_SUBMITTED,              /* observed, not (yet) verified: no bonus */
	REPORT_VERIFIED                /* counts for the bonus */
};

struct report_disclosure {
	char code[64];                 /* governance.basic_policy, ... */
	char title[120];
	enum report_disclosure_status status;
};

struct report_action {
	char code[64];                 /* the first fix's check */
	char title[120];
	size_t nfixes;                 /* fixes in the step (more than 1: together) */
	double gain;
	double score_after;
	char grade_after[4];
};

struct report_standing {
	long rated;                    /* public rated companies compared with */
	double percentile;             /* < 0 when there is none */
};

struct report {
	char slug[64];
	char name[200];
	char sector[64];
	char size_band[32];
	int rated;
	double score;
	char grade[4];
	char confidence[16];
	char insufficient_reason[160];
	char methodology_version[32];
	char inputs_digest[65];
	int64_t as_of;
	int64_t generated_at;
	size_t nfactors;
	struct report_factor factors[REPORT_MAX_FACTORS];
	size_t npoints;                /* oldest first, within REPORT_MONTHS of as_of */
	struct report_point *points;
	struct report_standing in_sector, in_size_band;
	size_t ndisclosures;
	struct report_disclosure disclosures[REPORT_MAX_DISCLOSURES];
	size_t nactions;
	struct report_action actions[REPORT_ACTIONS];
	int actions_reach_100;         /* fixing everything gets to 100 */
};

/* report_free: release what the report owns (its points); a zeroed report is fine. */
void report_free(struct report *r);

/* report_change_at: whether point i starts a methodology version other than the one
 * of the point before it (the first point never does): where the trend is marked. */
int report_change_at(const struct report *r, size_t i);

/* report_trend_range: the lowest and highest score the trend shows, widened to whole
 * tens with at least 20 points between them (0..100 when nothing is rated). */
void report_trend_range(const struct report *r, double *lo, double *hi);

/* report_json: the report as the printable portal page and GET /v1/me/report read
 * it, texts in cat's language (cat may be NULL: English). NULL when memory is short. */
json_t *report_json(const struct report *r, const struct i18n *cat);

/* report_disclosure_name: "not_disclosed", "submitted", "verified". */
const char *report_disclosure_name(enum report_disclosure_status s);

#endif
