#ifndef FAIRRATE_IMPORT_STORE_H
#define FAIRRATE_IMPORT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "collector/coverage.h"
#include "collector/import_rows.h"

/*
 * Writing validated import rows to PostgreSQL, all or nothing. Rows are staged with
 * COPY into temporary tables inside one transaction; at the end, joins against the
 * staged rows find every row the database cannot take (unknown company, asset not
 * attributed, unknown check code, duplicates in the file), and only when there is
 * none does one INSERT ... SELECT ... ON CONFLICT per table write them all. Any
 * failure rolls everything back. docs/import-formats.md states the rules.
 */

struct import_store;

struct import_counts {
	long rows;                 /* rows staged */
	long inserted;             /* rows of the imported kind added */
	long updated;              /* rows of the imported kind changed */
	long assets_added;         /* companies: assets attributed */
	long evidence_inserted;    /* evidence (and incidents' evidence) added */
	long evidence_updated;     /* evidence re-observed */
	long evidence_unchanged;   /* already known as observed, or corrected and not
	                              observed after the correction: left as it is */
	long evidence_stale;       /* stored, but already past their factor's lifetime
	                              under the methodology in force: they will not
	                              count in a rating (import_store_set_warn) */
};

/* import_store_report_fn: called with the file line and reason of each row the
 * database side rejects, in line order. */
typedef void import_store_report_fn(void *arg, long line, const char *message);

/* import_store_begin: open a transaction on conn and start staging rows of kind.
 * Returns the store, or NULL after logging (nothing is left open). */
struct import_store *import_store_begin(PGconn *conn, enum import_kind kind);

/* import_store_add_company, _evidence, _incident: stage one validated row read at
 * line of the file (the row must match the store's kind). 0, or -1 after logging;
 * after -1 only import_store_abort is left to call. */
int import_store_add_company(struct import_store *s, long line, const struct import_company *c);
int import_store_add_evidence(struct import_store *s, long line, const struct import_evidence *e);
int import_store_add_incident(struct import_store *s, long line, const struct import_incident *i);

/* import_store_set_coverage: record coverage (collector/coverage.h; the caller keeps
 * it alive until import_store_finish) in the import's transaction, when it commits. */
void import_store_set_coverage(struct import_store *s, struct coverage_batch *coverage);

/* import_store_set_warn: call warn (line, message) for each evidence row that is
 * written although its last_seen is already past its factor's lifetime under the
 * methodology in force (up to import_store_finish's max_reports of them), and count
 * them in counts->evidence_stale. Without it nothing is checked. */
void import_store_set_warn(struct import_store *s, import_store_report_fn *warn,
    void *arg);

/* import_store_finish: check the staged rows (of a store of
 * import_store_begin_resolved: nothing but what the database itself refuses) and
 * write them. asset_source names the source of assets that a companies import
 * attributes. Rows the database rejects are passed to report (at most max_reports of
 * them); *rejected gets how many there are in all. Returns 0 when everything was written and committed (counts filled),
 * 1 when rows were rejected (nothing written), -1 on a database failure (logged;
 * nothing written). Frees s in every case. */
int import_store_finish(struct import_store *s, const char *asset_source, long max_reports,
    import_store_report_fn *report, void *arg, long *rejected, struct import_counts *counts);

/*
 * Evidence whose companies and assets the caller has already named by id (the
 * scanner, whose jobs know them): rows are staged with their ids, so the resolution
 * by slug and value of every row is left out. The caller resolves each (company,
 * asset) pair once with import_store_resolve_assets and the check codes with
 * import_store_known_checks, both in the store's transaction, refuses what they
 * refuse, and stages one row per fact (no two rows with the same company, asset,
 * check code, source and observation key: import_store_finish merges those, this
 * path does not). import_store_finish then writes them with the same upsert as
 * staged evidence; the rows the database itself refuses (a foreign key, a constraint)
 * are reported as there.
 */

/* A company and asset as import_store_finish resolves those of an evidence row. */
struct import_asset_ref {
	int64_t company_id;        /* 0: no company has that slug */
	int64_t asset_id;          /* 0: no asset of that kind and value (ignoring case)
	                              is the company's */
	int detached;              /* the asset found was detached (none of the company's
	                              matching assets is attributed) */
};

/* import_store_begin_resolved: open a transaction on conn for evidence rows named by
 * id. Returns the store, or NULL after logging (nothing is left open). */
struct import_store *import_store_begin_resolved(PGconn *conn);

/* import_store_resolve_assets: resolve n (company slug, asset) pairs in s's
 * transaction as import_store_finish resolves evidence rows (the company by slug; of
 * its assets of the kind with the value ignoring case, an attributed one first, then
 * the oldest) into refs[0..n). Only before the first import_store_add_resolved. 0,
 * or -1 after logging. */
int import_store_resolve_assets(struct import_store *s, const char *const *companies,
    const struct import_asset *assets, size_t n, struct import_asset_ref *refs);

/* import_store_known_checks: known[i] = whether codes[i] may be imported (a check
 * of a published methodology or of the catalogue of unweighted checks), in s's
 * transaction. Only before the first import_store_add_resolved. 0, or -1 after
 * logging. */
int import_store_known_checks(struct import_store *s, const char *const *codes, size_t n,
    unsigned char *known);

/* import_store_add_resolved: stage one row at line (lines increase) of company
 * company_id and asset asset_id (0: none); e's company and asset are not read. 0, or
 * -1 after logging; after -1 only import_store_abort is left to call. */
int import_store_add_resolved(struct import_store *s, long line, int64_t company_id,
    int64_t asset_id, const struct import_evidence *e);

/* import_store_abort: roll back and free s; NULL is a no-op. */
void import_store_abort(struct import_store *s);

#endif
