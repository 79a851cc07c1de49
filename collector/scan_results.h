#ifndef FAIRRATE_SCAN_RESULTS_H
#define FAIRRATE_SCAN_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

struct json_t;

/*
 * What one scan of one domain observed, and writing it as evidence. Results go
 * through the importer's checks and upsert (collector/import_store.h), so that
 * observing a fact again only moves its last_seen, a fixed problem (now a pass) stops
 * being a finding, and evidence corrected by a dispute stays corrected while the scan
 * keeps seeing the same fact (same outcome and details); a changed fact is new. Each
 * domain's company and asset are resolved once, and its rows staged with their ids.
 */

#define SCAN_RESULT_DETAILS 1536              /* bytes of one result's details (JSON) */
#define SCAN_RESULTS_MAX 64                   /* results of one domain */
#define SCAN_RESULTS_SOURCE "fairrate-scan"   /* evidence.source of the scanner */
#define SCAN_RESULTS_VERSION "fairrate-collector/1.0"
#define SCAN_RESULTS_EXCERPT 240              /* bytes of outside text one detail quotes */

/* One observed check: a check code of the methodology, pass/fail/info, an
 * observation key ("" for one result per asset) and details (a JSON object). */
struct scan_result {
	char code[64];
	char outcome[5];
	char key[64];
	char details[SCAN_RESULT_DETAILS];
};

/* The results of one domain's scan. */
struct scan_results {
	size_t n;
	int truncated;                        /* more than SCAN_RESULTS_MAX were added */
	struct scan_result items[SCAN_RESULTS_MAX];
};

/* scan_results_add: append a result (details: a JSON object's text, NULL for "{}";
 * key NULL for ""). 0, or -1 when the set is full or a value is too long (the set
 * is marked truncated and the result dropped). */
int scan_results_add(struct scan_results *r, const char *code, const char *outcome,
    const char *key, const char *details);

/* scan_results_add_json: append a pass (fail 0) or fail result whose details are the
 * JSON object d (consumed; NULL for "{}"). Details that would not fit a result (a bug:
 * every outside value is quoted through an excerpt) are replaced by a note, so that
 * the result itself is never lost. 0, or -1 as scan_results_add. */
int scan_results_add_json(struct scan_results *r, const char *code, int fail,
    struct json_t *d);

/* scan_results_outcome: the outcome of the first result with code in r ("pass",
 * "fail", "info"), or "-" when there is none. */
const char *scan_results_outcome(const struct scan_results *r, const char *code);

/* scan_results_excerpt: the len bytes at text as a result's details quote outside
 * text (a header value, a DNS record): at most max bytes (max <= SCAN_RESULTS_EXCERPT),
 * bytes outside printable ASCII shown as '?', and "..." appended when cut. A scanned
 * site writes that text, so it must not be able to grow the details past what a result
 * holds (scan_results_add would refuse them and the finding would vanish). out holds
 * max + 4 bytes. Returns out. */
char *scan_results_excerpt(const char *text, size_t len, size_t max, char *out);

/* One domain's results, ready to store. */
struct scan_results_item {
	const char *company;                  /* slug */
	const char *domain;                   /* the asset's value: a domain, or an IP
	                                         range in CIDR form (it holds a '/') */
	int64_t observed_at;
	const struct scan_results *results;
};

struct scan_results_counts {
	long results;                         /* evidence rows written or confirmed */
	long inserted, updated, unchanged;
	long corrected_kept;                  /* results repeating a corrected fact
	                                         unchanged: not written, stays corrected */
	long domains_rejected;                /* domains whose results the database refused
	                                         (company or asset gone, unknown code) */
};

/* scan_results_store: write the results of n domains in one transaction on conn (no
 * transaction may be open). When the database refuses a row (the asset was detached
 * meanwhile, a code is in no published methodology), each domain is written on its
 * own so that one domain's problem loses only its results. counts (added to) may be
 * NULL. 0, or -1 after logging on a database failure. */
int scan_results_store(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts);

/* scan_results_store_staged: scan_results_store through the importer's staging by
 * company slug and asset value (import_store_begin), as every import goes. The same
 * evidence and counts; scan_results_store resolves each domain once instead (and
 * takes this way itself for a batch whose rows the import would merge). Kept for the
 * comparison of the two (tests/integration/test_scan_results_paths.c). */
int scan_results_store_staged(PGconn *conn, const struct scan_results_item *items,
    size_t n, struct scan_results_counts *counts);

#endif
