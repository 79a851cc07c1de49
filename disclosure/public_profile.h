#ifndef FAIRRATE_PUBLIC_PROFILE_H
#define FAIRRATE_PUBLIC_PROFILE_H

#include <jansson.h>

/*
 * A company's public page (third-party disclosure, docs/disclosure.md), pure: it is
 * built by copying named fields only, so that nothing the sources may hold besides
 * them (counts of findings, evidence, anything host-level) can reach the public.
 */

#define PUBLIC_PROFILE_STATEMENT_MAX 2000  /* characters */
#define PUBLIC_PROFILE_TREND 12            /* latest ratings shown */

/* public_profile_build: the page from the investor summary (api/company_view.h),
 * the rating history (newest first; the first PUBLIC_PROFILE_TREND entries are
 * used), the investor view of the five disclosures (verified ones are kept), the
 * company's statement (NULL: none) and when the page was published (ISO 8601):
 * {company: {slug, name, sector}, statement, published_at, rating: {status, score,
 * grade, confidence, methodology_version, as_of}, factors: {code: {name, kind,
 * has_data, score, weight}}, trend: [{as_of, status, score, grade}], disclosures:
 * [{item, check_code, statement, publication, certification, verified_at}]}. A new
 * reference, NULL when out of memory. Borrows its arguments. */
json_t *public_profile_build(const json_t *summary, const json_t *history,
    const json_t *disclosures, const char *statement, const char *published_at);

#endif
