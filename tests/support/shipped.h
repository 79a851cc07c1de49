#ifndef FAIRRATE_SHIPPED_H
#define FAIRRATE_SHIPPED_H

#include <stddef.h>

#include <jansson.h>

#include "rater/methodology.h"
#include "rater/unweighted_checks.h"

/*
 * The shipped methodology document, methodology/2026.1.json under the share folder
 * (common/paths.h), as the tests read it. Every failure aborts the test.
 */

/* shipped_text: the document's bytes, malloc'd with a NUL after them (the caller frees
 * them); their count into *len (len may be NULL). */
char *shipped_text(size_t *len);

/* shipped_json: the document parsed by jansson with flags (0, JSON_PRESERVE_ORDER, ...);
 * the caller json_decref's it. */
json_t *shipped_json(size_t flags);

/* shipped_methodology: the document parsed by methodology_parse; the caller
 * methodology_free's it. */
struct methodology *shipped_methodology(void);

/* shipped_unweighted: the shipped catalogue of unweighted checks
 * (methodology/unweighted/checks.json) parsed against the shipped methodology; it must
 * be valid. The caller unweighted_checks_free's it. */
struct unweighted_checks shipped_unweighted(void);

#endif
