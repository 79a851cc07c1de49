#include "collector/discovery_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/coverage.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

int
discovery_store_companies(PGconn *conn, const char *const *slugs, size_t nslugs,
    struct discovery_company **out, size_t *n)
{
	json_t *list = json_array();
	char *text = NULL;
	const char *params[1];
	struct discovery_company *cs = NULL, *c = NULL;
	PGresult *res = NULL;
	size_t i, k = 0;
	int row, rc = -1;

	*out = NULL;
	*n = 0;
	for (i = 0; list != NULL && i < nslugs; i++)
		json_array_append_new(list, json_string(slugs[i]));
	if (list == NULL || (text = json_dumps(list, JSON_COMPACT)) == NULL)
		goto out;
	params[0] = text;
	/* The seeds: attributed domains at the counting confidence. */
	if ((res = db_query(conn, "SELECT c.id, c.slug, a.value FROM companies c"
	    " JOIN assets a ON a.company_id = c.id AND a.kind = 'domain'"
	    "  AND a.detached_at IS NULL AND a.confidence >= 0.9"
	    " WHERE jsonb_array_length($1::jsonb) = 0 OR c.slug IN"
	    "  (SELECT jsonb_array_elements_text($1::jsonb))"
	    " ORDER BY c.slug, a.value", 1, params)) == NULL)
		goto out;
	if ((cs = calloc((size_t)PQntuples(res) + 1, sizeof(*cs))) == NULL)
		goto oom;
	for (row = 0; row < PQntuples(res); row++) {
		if (c == NULL || strcmp(c->slug, PQgetvalue(res, row, 1)) != 0) {
			c = &cs[k++];
			c->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
			snprintf(c->slug, sizeof(c->slug), "%s", PQgetvalue(res, row, 1));
			if ((c->seeds = calloc((size_t)PQntuples(res) - (size_t)row,
			    sizeof(*c->seeds))) == NULL)
				goto oom;
		}
		snprintf(c->seeds[c->nseeds++], DISCOVERY_NAME_MAX, "%s",
		    PQgetvalue(res, row, 2));
	}
	for (i = 0; i < nslugs; i++) {
		size_t j;

		for (j = 0; j < k && strcmp(cs[j].slug, slugs[i]) != 0; j++)
			;
		if (j == k) {
			log_error("discover: no company '%s' with an attributed domain", slugs[i]);
			goto out;
		}
	}
	*out = cs;
	*n = k;
	cs = NULL;
	rc = 0;
	goto out;
oom:
	log_error("discover: out of memory");
out:
	discovery_store_free(cs, k);
	PQclear(res);
	free(text);
	json_decref(list);
	return (rc);
}

void
discovery_store_free(struct discovery_company *companies, size_t n)
{
	size_t i;

	if (companies == NULL)
		return;
	for (i = 0; i < n; i++)
		free(companies[i].seeds);
	free(companies);
}

/* One statement: candidates upserted (the strongest rule kept, sources merged), then
 * those that count, resolve now and are not rejected attributed (a name only seen in
 * old certificates stays a candidate). A detached asset (a correction) is left
 * detached: ON CONFLICT DO NOTHING. */
static const char write_sql[] =
    "WITH f AS (SELECT * FROM jsonb_to_recordset($2::jsonb)"
    "  AS f(value text, rule text, confidence numeric, sources text[], live boolean)),"
    " up AS (INSERT INTO asset_candidates (company_id, value, rule, confidence, sources,"
    "  first_seen, last_seen) SELECT $1, value, rule, confidence, sources, $3, $3 FROM f"
    "  ON CONFLICT (company_id, kind, value) DO UPDATE SET"
    "   rule = CASE WHEN excluded.confidence > asset_candidates.confidence"
    "    THEN excluded.rule ELSE asset_candidates.rule END,"
    "   confidence = GREATEST(asset_candidates.confidence, excluded.confidence),"
    "   sources = ARRAY(SELECT DISTINCT s FROM unnest(asset_candidates.sources"
    "    || excluded.sources) s ORDER BY 1),"
    "   last_seen = GREATEST(asset_candidates.last_seen, excluded.last_seen)"
    "  RETURNING value, confidence, decision),"
    " live AS (SELECT up.* FROM up JOIN f USING (value) WHERE f.live),"
    " att AS (INSERT INTO assets (company_id, kind, value, source, confidence)"
    "  SELECT $1, 'domain', value, 'discovery',"
    "   CASE WHEN decision = 'confirmed' THEN 1.0 ELSE confidence END FROM live"
    "  WHERE decision IS DISTINCT FROM 'rejected'"
    "   AND (confidence >= 0.9 OR decision = 'confirmed')"
    "  ON CONFLICT (company_id, kind, value) DO NOTHING RETURNING 1)"
    " SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM att),"
    "  (SELECT count(*) FROM up WHERE decision = 'rejected')";

int
discovery_store_write(PGconn *conn, const struct discovery_company *c,
    const struct discovery_set *s, int64_t now, struct discovery_counts *counts)
{
	char sid[24], at[21];
	const char *params[3], *slug = c->slug;
	json_t *rows = json_array();
	char *text = NULL;
	PGresult *res = NULL;
	size_t i;
	int rc = -1;

	for (i = 0; rows != NULL && i < s->n; i++) {
		json_t *src = json_array();

		/* text[] from a JSON array of the source names. */
		if (s->items[i].sources & DISCOVERY_SRC_DNS)
			json_array_append_new(src, json_string("dns"));
		if (s->items[i].sources & DISCOVERY_SRC_CT)
			json_array_append_new(src, json_string("ct"));
		if (s->items[i].sources & DISCOVERY_SRC_WORDLIST)
			json_array_append_new(src, json_string("wordlist"));
		json_array_append_new(rows, json_pack("{sssssfsosb}", "value", s->items[i].name,
		    "rule", discovery_rule_name(s->items[i].rule), "confidence",
		    discovery_confidence(s->items[i].rule), "sources", src, "live",
		    s->items[i].live));
	}
	if (rows == NULL || (text = json_dumps(rows, JSON_COMPACT)) == NULL) {
		log_error("discover: out of memory");
		goto out;
	}
	snprintf(sid, sizeof(sid), "%lld", (long long)c->id);
	timefmt_format(now, at);
	params[0] = sid;
	params[1] = text;
	params[2] = at;
	if (db_begin(conn) != 0)
		goto out;
	if ((res = db_query(conn, write_sql, 3, params)) == NULL ||
	    coverage_record(conn, "discovery", &slug, 1, now) != 0 || db_commit(conn) != 0) {
		db_rollback(conn);
		goto out;
	}
	counts->found += strtol(PQgetvalue(res, 0, 0), NULL, 10);
	counts->attributed += strtol(PQgetvalue(res, 0, 1), NULL, 10);
	counts->kept_rejected += strtol(PQgetvalue(res, 0, 2), NULL, 10);
	rc = 0;
out:
	PQclear(res);
	free(text);
	json_decref(rows);
	return (rc);
}
