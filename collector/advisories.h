#ifndef FAIRRATE_ADVISORIES_H
#define FAIRRATE_ADVISORIES_H

#include <stddef.h>

#include <jansson.h>

/*
 * The data sets patching is judged against, read in the formats their maintainers
 * publish (pure; collector/patching_store loads them, `fairrate feed`):
 *   endoflife.date   a product's release cycles: a JSON array of {"cycle", "eol"
 *                    (a date, or true/false), "latest", ...}
 *   CISA KEV         the Known Exploited Vulnerabilities catalogue: {"vulnerabilities":
 *                    [{"cveID", "vendorProject", "product", "dateAdded",
 *                    "knownRansomwareCampaignUse", ...}]}
 *   OSV              vulnerability records (the OSV schema): {"id", "aliases",
 *                    "affected": [{"package": {"name", "ecosystem"}, "ranges":
 *                    [{"type": "SEMVER"|"ECOSYSTEM", "events": [{"introduced"},
 *                    {"fixed"}, {"last_affected"}]}], "versions": [...]}]}
 * Each reader turns a document into rows (a JSON array of flat objects) for the store,
 * or says what is wrong with the document and where.
 */

/* advisories_endoflife: the cycles of product in doc: [{"cycle", "eol" (date or
 * null), "eol_reached" (true when eol is true without a date), "latest"}]. NULL with
 * the reason in err. */
json_t *advisories_endoflife(const json_t *doc, char *err, size_t errlen);

/* advisories_kev: the catalogue's entries: [{"cve", "vendor", "product",
 * "date_added", "ransomware"}]. NULL with the reason in err. */
json_t *advisories_kev(const json_t *doc, char *err, size_t errlen);

/* advisories_osv: the records of doc (one record or an array of them): one row per
 * affected package whose name is a known product (collector/software.h; "apache2"
 * and "httpd" are apache-http-server): [{"id", "aliases", "product", "ranges",
 * "versions"}]. *skipped counts the affected packages of other products. NULL with
 * the reason in err. */
json_t *advisories_osv(const json_t *doc, size_t *skipped, char *err, size_t errlen);

/* advisories_osv_affects: whether version is affected under the OSV ranges (their
 * SEMVER and ECOSYSTEM events, in order: introduced opens, fixed and last_affected
 * close; "0" is the first version) or listed in versions. Pure. */
int advisories_osv_affects(const json_t *ranges, const json_t *versions,
    const char *version);

#endif
