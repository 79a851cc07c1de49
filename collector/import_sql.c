#include "collector/import_sql.h"

/*
 * The statements of an import (collector/import_store.c runs them): the checks of the
 * staged rows against the database, their resolution to ids, and the writes.
 */

/*
 * The checks against the database. Each returns (line, reasons, how many in all) for
 * the first $1 rejected rows in line order; a row's reasons are one per line (a
 * companies file gives a row for each problem).
 */
/* A companies file: a slug twice; a domain already attributed (not detached) to
 * another company; a domain given to two companies in the file. A domain belongs to
 * one company: an import never attributes it to a second one. */
const char import_sql_companies_problems[] =
    "WITH dom AS (SELECT s.line, s.slug, d.value FROM stage_companies s"
    "   CROSS JOIN LATERAL unnest(s.domains) d(value))"
    " SELECT line, problem, count(*) OVER () FROM ("
    "  SELECT line, format('slug: ''%s'' is also on line %s', slug, first) AS problem"
    "  FROM (SELECT line, slug, min(line) OVER (PARTITION BY slug) AS first"
    "        FROM stage_companies) d WHERE line > first"
    "  UNION ALL"
    "  SELECT DISTINCT dom.line, format('domains: ''%s'' is already attributed to company"
    " ''%s''', dom.value, c.slug)"
    "  FROM dom JOIN assets a ON a.kind = 'domain' AND lower(a.value) = dom.value"
    "   AND a.detached_at IS NULL"
    "  JOIN companies c ON c.id = a.company_id AND c.slug <> dom.slug"
    "  UNION ALL"
    "  SELECT line, format('domains: ''%s'' is also on line %s, for company ''%s''',"
    "   value, first_line, first_slug)"
    "  FROM (SELECT line, slug, value,"
    "     first_value(line) OVER w AS first_line, first_value(slug) OVER w AS first_slug"
    "   FROM dom WINDOW w AS (PARTITION BY value ORDER BY line)) f"
    "  WHERE slug <> first_slug) p"
    " ORDER BY line, problem LIMIT $1";

const char import_sql_incidents_problems[] =
    "SELECT line, concat_ws(E'\\n',"
    " CASE WHEN c.id IS NULL THEN format('company: no company ''%s''', s.company) END,"
    " CASE WHEN s.line > s.first THEN format('the same incident (company, source,"
    " external_ref, occurred_at) is also on line %s', s.first) END), count(*) OVER ()"
    " FROM (SELECT *, min(line) OVER (PARTITION BY company, source, external_ref,"
    "       occurred_at) AS first FROM stage_incidents) s"
    " LEFT JOIN companies c ON c.slug = s.company"
    " WHERE c.id IS NULL OR s.line > s.first"
    " ORDER BY line LIMIT $1";

/* The check codes of every published methodology, and those recorded without weight
 * until one is published (migrations/0022_unweighted_checks.sql). */
#define IMPORT_SQL_KNOWN_CHECKS \
    " SELECT c->>'code' AS code FROM methodology_versions m" \
    " CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(m.definition->'checks')" \
    "   WHEN 'array' THEN m.definition->'checks' ELSE '[]'::jsonb END) c" \
    " WHERE m.status = 'published' AND jsonb_typeof(c) = 'object'" \
    " UNION SELECT code FROM unweighted_checks"

const char import_sql_known_checks[] =
    "CREATE TEMP TABLE known_checks ON COMMIT DROP AS" IMPORT_SQL_KNOWN_CHECKS;

/* Of the codes $1, the positions (1-based) of those known (import_store_known_checks). */
const char import_sql_known_of[] =
    "SELECT r.i FROM unnest($1::text[]) WITH ORDINALITY AS r(code, i)"
    " WHERE r.code IN (" IMPORT_SQL_KNOWN_CHECKS ")";

/* Staged evidence with its company, asset (an attributed one first) and check. */
const char import_sql_resolve_evidence[] =
    "CREATE TEMP TABLE ev_resolved ON COMMIT DROP AS"
    " SELECT s.*, c.id AS company_id, a.id AS asset_id,"
    "   a.detached_at IS NOT NULL AS asset_detached, k.code IS NOT NULL AS known"
    " FROM stage_evidence s"
    " LEFT JOIN companies c ON c.slug = s.company"
    " LEFT JOIN (SELECT DISTINCT ON (company_id, kind, lower(value)) id, company_id, kind,"
    "     lower(value) AS lvalue, detached_at FROM assets"
    "   WHERE company_id IN (SELECT id FROM companies"
    "     WHERE slug IN (SELECT company FROM stage_evidence))"
    "   ORDER BY company_id, kind, lower(value), detached_at IS NULL DESC, id) a"
    "   ON a.company_id = c.id AND a.kind = s.asset_kind AND a.lvalue = s.asset_value"
    " LEFT JOIN known_checks k ON k.code = s.check_code";

/* The same resolution for (slug $1, kind $2, value $3) pairs, in order: the company,
 * and the asset the DISTINCT ON above keeps (an attributed one first, then the
 * oldest). */
const char import_sql_resolve_assets[] =
    "SELECT c.id, a.id, a.detached_at IS NOT NULL"
    " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS r(company, kind,"
    "   value, i)"
    " LEFT JOIN companies c ON c.slug = r.company"
    " LEFT JOIN LATERAL (SELECT id, detached_at FROM assets"
    "   WHERE company_id = c.id AND kind = r.kind AND lower(value) = r.value"
    "   ORDER BY detached_at IS NULL DESC, id LIMIT 1) a ON true"
    " ORDER BY r.i";

const char import_sql_evidence_problems[] =
    "SELECT line, concat_ws(E'\\n',"
    " CASE WHEN company_id IS NULL THEN format('company: no company ''%s''', company) END,"
    " CASE WHEN company_id IS NOT NULL AND asset_value IS NOT NULL AND asset_id IS NULL"
    "   THEN format('asset: ''%s'' is not attributed to company ''%s''', asset_value,"
    "   company) END,"
    " CASE WHEN asset_detached THEN"
    "   format('asset: ''%s'' was detached from company ''%s''', asset_value, company) END,"
    " CASE WHEN NOT known THEN format('check_code: ''%s'' is in no published methodology"
    " and not in the catalogue of unweighted checks', check_code) END),"
    " count(*) OVER ()"
    " FROM ev_resolved"
    " WHERE company_id IS NULL OR (asset_value IS NOT NULL AND asset_id IS NULL)"
    "   OR asset_detached OR NOT known"
    " ORDER BY line LIMIT $1";

#define IMPORT_SQL_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Rows whose last_seen is already past their factor's lifetime (lifetime_days, or
 * max_age_days for a factor with a half-life) under the methodology in force now:
 * stored as they are, but no rating will count them. */
const char import_sql_evidence_stale[] =
    "WITH m AS (SELECT version, definition FROM methodology_versions"
    "   WHERE status = 'published' AND effective_at <= now()"
    "   ORDER BY effective_at DESC LIMIT 1),"
    " f AS (SELECT x->>'code' AS factor, coalesce(x->>'lifetime_days',"
    "   x->>'max_age_days')::numeric AS days FROM m,"
    "   jsonb_array_elements(m.definition->'factors') x),"
    " k AS (SELECT x->>'code' AS code, x->>'factor' AS factor FROM m,"
    "   jsonb_array_elements(m.definition->'checks') x)"
    " SELECT e.line, format('warning: last_seen %s is more than the %s days that"
    " methodology %s keeps %s evidence: it is stored, but no rating will count it',"
    "   " IMPORT_SQL_ISO("e.last_seen") ", f.days, m.version, f.factor),"
    "   count(*) OVER ()"
    " FROM ev_merged e JOIN k ON k.code = e.check_code JOIN f ON f.factor = k.factor, m"
    " WHERE f.days IS NOT NULL AND e.last_seen < now() - make_interval(days => f.days::int)"
    " ORDER BY e.line LIMIT $1";

/* Whether two staged rows are observations of one fact. */
const char import_sql_evidence_repeats[] =
    "SELECT EXISTS (SELECT 1 FROM ev_resolved GROUP BY company_id, coalesce(asset_id, 0),"
    " check_code, source, observation_key HAVING count(*) > 1)";

/* Without repeats, the rows as they are. */
const char import_sql_single_evidence[] =
    "CREATE TEMP VIEW ev_merged AS"
    " SELECT line, company_id, asset_id, check_code, outcome, observation_key, details,"
    "   source, collector_version, last_seen, first_seen FROM ev_resolved";

/* Several observations of one fact in a file become one: the earliest first_seen,
 * and the rest from the newest observation (the later line on a tie). */
const char import_sql_merge_evidence[] =
    "CREATE TEMP TABLE ev_merged ON COMMIT DROP AS"
    " SELECT DISTINCT ON (company_id, coalesce(asset_id, 0), check_code, source,"
    "   observation_key) line, company_id, asset_id, check_code, outcome, observation_key,"
    "   details, source, collector_version, last_seen,"
    "   min(first_seen) OVER (PARTITION BY company_id, coalesce(asset_id, 0), check_code,"
    "     source, observation_key) AS first_seen"
    " FROM ev_resolved"
    " ORDER BY company_id, coalesce(asset_id, 0), check_code, source, observation_key,"
    "   last_seen DESC, line DESC";

/*
 * Re-observation: first_seen the least, last_seen the greatest, outcome, details and
 * collector_version from the newer observation. Corrections stick: a corrected row
 * is left alone unless the observation is strictly newer than the correction; then
 * it is a new fact and the row starts again from it. An observation that would
 * change nothing leaves the row untouched (updated_at too).
 */
const char import_sql_upsert_evidence[] =
    "WITH up AS (INSERT INTO evidence AS e (company_id, asset_id, check_code, outcome,"
    "   observation_key, details, source, collector_version, first_seen, last_seen)"
    " SELECT company_id, asset_id, check_code, outcome, observation_key, details::jsonb,"
    "   source, collector_version, first_seen, last_seen"
    " FROM ev_merged WHERE line BETWEEN $1 AND $2"
    " ON CONFLICT (company_id, coalesce(asset_id, 0), check_code, source, observation_key)"
    " DO UPDATE SET"
    "  status = CASE WHEN e.status = 'corrected' THEN 'active'"
    "    WHEN e.status = 'expired' AND EXCLUDED.last_seen > e.last_seen THEN 'active'"
    "    ELSE e.status END,"
    "  status_reason = CASE WHEN e.status = 'corrected' THEN"
    "      format('re-observed on %s after the correction of %s',"
    "        " IMPORT_SQL_ISO("EXCLUDED.last_seen") ", " IMPORT_SQL_ISO("e.corrected_at") ")"
    "    WHEN e.status = 'expired' AND EXCLUDED.last_seen > e.last_seen THEN"
    "      format('re-observed on %s after it expired', " IMPORT_SQL_ISO("EXCLUDED.last_seen") ")"
    "    ELSE e.status_reason END,"
    "  corrected_at = NULL,"
    "  first_seen = CASE WHEN e.status = 'corrected' THEN EXCLUDED.first_seen"
    "    ELSE least(e.first_seen, EXCLUDED.first_seen) END,"
    "  last_seen = CASE WHEN e.status = 'corrected' THEN EXCLUDED.last_seen"
    "    ELSE greatest(e.last_seen, EXCLUDED.last_seen) END,"
    "  outcome = CASE WHEN e.status = 'corrected' OR EXCLUDED.last_seen >= e.last_seen"
    "    THEN EXCLUDED.outcome ELSE e.outcome END,"
    "  details = CASE WHEN e.status = 'corrected' OR EXCLUDED.last_seen >= e.last_seen"
    "    THEN EXCLUDED.details ELSE e.details END,"
    "  collector_version = CASE WHEN e.status = 'corrected'"
    "    OR EXCLUDED.last_seen >= e.last_seen"
    "    THEN EXCLUDED.collector_version ELSE e.collector_version END,"
    "  updated_at = now()"
    " WHERE CASE WHEN e.status = 'corrected' THEN EXCLUDED.last_seen > e.corrected_at"
    "   ELSE EXCLUDED.last_seen > e.last_seen OR EXCLUDED.first_seen < e.first_seen"
    "     OR (EXCLUDED.last_seen = e.last_seen AND (e.outcome, e.details,"
    "       e.collector_version) IS DISTINCT FROM (EXCLUDED.outcome, EXCLUDED.details,"
    "       EXCLUDED.collector_version)) END"
    " RETURNING (xmax = 0) AS ins)"
    " SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM up";

/* A visibility left empty keeps the stored one. Companies are found by slug (unique
 * through company_slugs, migration 0036): those there are updated where anything
 * differs, the others inserted. */
const char import_sql_upsert_companies[] =
    "WITH upd AS (UPDATE companies c SET name = s.name, sector = s.sector,"
    "   size_band = s.size_band, country = s.country,"
    "   visibility = coalesce(s.visibility, c.visibility), updated_at = now()"
    " FROM stage_companies s WHERE s.line BETWEEN $1 AND $2 AND c.slug = s.slug"
    "   AND (c.name, c.sector, c.size_band, c.country, c.visibility) IS DISTINCT FROM"
    "   (s.name, s.sector, s.size_band, s.country, coalesce(s.visibility, c.visibility))"
    " RETURNING 1),"
    " ins AS (INSERT INTO companies (slug, name, sector, size_band, country, visibility)"
    " SELECT s.slug, s.name, s.sector, s.size_band, s.country,"
    "   coalesce(s.visibility, 'public')"
    " FROM stage_companies s WHERE s.line BETWEEN $1 AND $2"
    "   AND NOT EXISTS (SELECT 1 FROM company_slugs k WHERE k.slug = s.slug)"
    " RETURNING 1)"
    " SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd)";

/* New assets only: one already attributed, or detached, is left as it is. */
const char import_sql_insert_assets[] =
    "WITH up AS (INSERT INTO assets (company_id, kind, value, source, confidence)"
    " SELECT DISTINCT c.id, x.kind, x.value, $3, 1"
    " FROM stage_companies s JOIN companies c ON c.slug = s.slug"
    " CROSS JOIN LATERAL (SELECT 'domain' AS kind, d AS value FROM unnest(s.domains) d"
    "   UNION ALL SELECT 'ip_range', r FROM unnest(s.ip_ranges) r) x"
    " WHERE s.line BETWEEN $1 AND $2 AND NOT EXISTS (SELECT 1 FROM assets a"
    "   WHERE a.company_id = c.id AND a.kind = x.kind AND lower(a.value) = x.value)"
    " ON CONFLICT (company_id, kind, value) DO NOTHING RETURNING 1)"
    " SELECT count(*), 0 FROM up";

const char import_sql_upsert_incidents[] =
    "WITH up AS (INSERT INTO incidents AS i (company_id, occurred_at, disclosed_at, kind,"
    "   severity, source, external_ref, summary)"
    " SELECT c.id, s.occurred_at, s.disclosed_at, s.kind, s.severity, s.source,"
    "   s.external_ref, s.summary"
    " FROM stage_incidents s JOIN companies c ON c.slug = s.company"
    " WHERE s.line BETWEEN $1 AND $2"
    " ON CONFLICT (company_id, source, external_ref, occurred_at) DO UPDATE SET"
    "   disclosed_at = EXCLUDED.disclosed_at, kind = EXCLUDED.kind,"
    "   severity = EXCLUDED.severity, summary = EXCLUDED.summary"
    " WHERE (i.disclosed_at, i.kind, i.severity, i.summary) IS DISTINCT FROM"
    "   (EXCLUDED.disclosed_at, EXCLUDED.kind, EXCLUDED.severity, EXCLUDED.summary)"
    " RETURNING (xmax = 0) AS ins)"
    " SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM up";

/* A disclosed breach, ransomware attack or data exposure is also evidence. */
const char import_sql_incident_evidence[] =
    "INSERT INTO stage_evidence (line, company, check_code, outcome, observation_key,"
    "   first_seen, last_seen, source, collector_version, details)"
    " SELECT line, company, CASE kind WHEN 'breach' THEN 'incidents.breach_disclosed'"
    "   WHEN 'ransomware' THEN 'incidents.ransomware' ELSE 'incidents.data_exposure' END,"
    "   'fail', CASE WHEN external_ref <> '' THEN external_ref"
    "   ELSE " IMPORT_SQL_ISO("occurred_at") " END,"
    "   disclosed_at, disclosed_at, source, '',"
    "   jsonb_build_object('incident_kind', kind, 'severity', severity, 'occurred_at',"
    "     " IMPORT_SQL_ISO("occurred_at") ", 'external_ref', external_ref)::text"
    " FROM stage_incidents"
    " WHERE disclosed_at IS NOT NULL AND kind IN ('breach', 'ransomware', 'data_exposure')";
