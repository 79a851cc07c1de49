#ifndef FAIRRATE_PATCHING_H
#define FAIRRATE_PATCHING_H

#include <stddef.h>

#include <jansson.h>

#include "collector/software.h"

/*
 * Patching judged (pure): a product and version seen on an asset against the
 * product's release cycles (endoflife.date) and the vulnerabilities known to be
 * exploited (OSV records of CVEs in the KEV catalogue). collector/patching_store
 * gathers what was seen and writes the verdicts as evidence.
 */

struct patching_verdict {
	int cycle_known;                      /* a cycle of the product holds the version */
	char cycle[64];
	int end_of_life;                      /* the cycle's support has ended */
	char eol[11];                         /* its end date, "" when not given */
	int outdated;                         /* behind the cycle's latest release */
	char latest[64];
};

/* patching_cycle: judge version against cycles (rows of advisories_endoflife: cycle,
 * eol, eol_reached, latest) at today ("YYYY-MM-DD"): the longest cycle holding the
 * version decides. 1 when one does (out filled), 0 when none (no verdict). */
int patching_cycle(const json_t *cycles, const char *version, const char *today,
    struct patching_verdict *out);

/* patching_exploited: the CVEs of vulns (rows {cve, ranges, versions}: OSV records of
 * KEV-listed CVEs for the product) whose ranges hold version, as a new JSON array of
 * strings (empty when none; NULL when memory is short). */
json_t *patching_exploited(const json_t *vulns, const char *version);

/* patching_software_of: the software an evidence item names: a
 * web_headers.version_disclosure item's Server and X-Powered-By values, an
 * exposed_services item's banner. Up to max into out; returns how many. */
size_t patching_software_of(const char *check_code, const json_t *details,
    struct software *out, size_t max);

#endif
