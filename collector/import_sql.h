#ifndef FAIRRATE_IMPORT_SQL_H
#define FAIRRATE_IMPORT_SQL_H

/*
 * The SQL of an import, run by collector/import_store.c on its staging tables
 * (stage_companies, stage_evidence, stage_incidents, and the views and tables built
 * from them there). Each statement's comment in import_sql.c says what it does and
 * what it returns. No code: text only.
 */

extern const char import_sql_companies_problems[];
extern const char import_sql_incidents_problems[];
extern const char import_sql_known_checks[];
extern const char import_sql_known_of[];
extern const char import_sql_resolve_evidence[];
extern const char import_sql_resolve_assets[];
extern const char import_sql_evidence_problems[];
extern const char import_sql_evidence_stale[];
extern const char import_sql_evidence_repeats[];
extern const char import_sql_single_evidence[];
extern const char import_sql_merge_evidence[];
extern const char import_sql_upsert_evidence[];
extern const char import_sql_upsert_companies[];
extern const char import_sql_insert_assets[];
extern const char import_sql_upsert_incidents[];
extern const char import_sql_incident_evidence[];

#endif
