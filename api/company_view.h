#ifndef FAIRRATE_API_COMPANY_VIEW_H
#define FAIRRATE_API_COMPANY_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rater/methodology.h"

/*
 * What investors and the public may see of a company's rating (principle 6), built
 * from a stored ratings row: scores, grades, factor scores and counts by severity;
 * never a finding, an evidence id, or any host-level detail. Pure: no I/O.
 */

/* A company and its latest rating, as text columns (NULL for SQL NULL). */
struct company_view_row {
	const char *slug, *name, *sector, *size_band, *country;
	const char *status;                /* NULL: never rated */
	const char *score, *grade, *confidence, *insufficient_reason;
	const char *methodology_version;
	const char *factors;               /* ratings.factors as JSON text */
	const char *as_of;                 /* Unix seconds as text */
	const char *disputed_checks;       /* JSON array of the check codes of evidence
	                                      disputed now */
	const char *upcoming_version;      /* the next methodology, or NULL */
	const char *upcoming_effective_at; /* Unix seconds as text */
};

/* company_view_time: Unix seconds as decimal text to an ISO 8601 JSON string; JSON
 * null for NULL or "". A new reference (NULL when memory is short). */
json_t *company_view_time(const char *epoch);

/* company_view_number: a decimal text (numeric column) to a JSON real; null for NULL. */
json_t *company_view_number(const char *text);

/* company_view_factors: the investor view of a ratings.factors text stored under
 * methodology m (rating_json_factors_expand): per factor only name, kind, has_data,
 * score, weight, findings_by_severity and disputed, where disputed is also true when
 * one of disputed_checks (a JSON array text; may be NULL) belongs to that factor. A
 * new reference, or NULL when factors is not a stored factors object under m or
 * memory is short. */
json_t *company_view_factors(const char *factors, const char *disputed_checks,
    const struct methodology *m);

/* company_view_summary: the investor summary of row: slug, name, sector, size_band,
 * country, status ("rated", "insufficient_data", "not_rated"), score, grade,
 * confidence, insufficient_reason, methodology_version, as_of, disputed (some of its
 * evidence is disputed now), upcoming_methodology ({version, effective_at} or null)
 * and factors (company_view_factors; {} when not rated). m is the methodology of the
 * rating (may be NULL only when it is not rated). A new reference, or NULL when memory is short or the stored
 * factors are malformed (logged). */
json_t *company_view_summary(const struct company_view_row *row, const struct methodology *m);

/* company_view_item: the short form used in lists: slug, name, sector, size_band,
 * country, status, score, grade, confidence, methodology_version, as_of. */
json_t *company_view_item(const struct company_view_row *row);

#endif
